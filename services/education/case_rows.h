#pragma once

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "services/education/domain/case_view.h"

namespace ccms::education {

// The columns of a case row (table `cases`, migrations/V001) in the order ReadCaseColumns reads
// them, as SQL over the alias `c`. Shared by the stores that read cases.
#define CCMS_EDUCATION_CASE_COLUMNS                                                      \
  "c.case_id::text, c.district_code, c.office_id, c.status, c.minor, c.sex, c.age_band," \
  " c.offence_category, c.supervision_start::text, c.supervision_end::text,"             \
  " c.intake_reported_on::text, c.intake_announced_on::text, c.closed_on::text,"         \
  " c.first_contact_due_on::text, c.service_file_due_on::text, c.due_policy_version"
inline constexpr int kCaseColumnCount = 16;

// A case with the due dates computed when its intake was reported.
struct CaseRow {
  domain::CaseView view;
  std::optional<absl::CivilDay> first_contact_due_on;
  std::optional<absl::CivilDay> service_file_due_on;
  std::string due_policy_version;
};

// "" for an unset day; else YYYY-MM-DD (SQL: NULLIF($n, '')::date).
std::string DayText(const std::optional<absl::CivilDay>& d);
// An optional day from a nullable date column read as text.
std::optional<absl::CivilDay> DayOf(const char* text_or_null);
domain::CaseStatus CaseStatusOf(const std::string& name);

}  // namespace ccms::education
