#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/civil_time.h"

namespace ccms::education::domain {

// Where a case stands, as education follows it from records' events.
enum class CaseStatus { kPendingIntake, kActive, kClosed };

std::string_view CaseStatusName(CaseStatus s);

// A case as education knows it without calling records: district, minor flag, dates and the
// case facts (codes only), from ccms.records.v1.
struct CaseView {
  std::string case_id;
  std::string district_code;
  std::string office_id;
  CaseStatus status = CaseStatus::kPendingIntake;
  // Law art. 58: a person who turns 18 during the term stays under the minors' rules, so once
  // minor, always minor for education (a later fact with minor=false does not clear it).
  bool minor = false;
  std::string sex;               // MALE, FEMALE or ""
  std::string age_band;          // e.g. 18_TO_25, or ""
  std::string offence_category;  // a code of records' policy, or ""
  std::optional<absl::CivilDay> supervision_start;
  std::optional<absl::CivilDay> supervision_end;
  std::optional<absl::CivilDay> intake_reported_on;
  std::optional<absl::CivilDay> intake_announced_on;
  std::optional<absl::CivilDay> closed_on;
};

// ccms.records.case_opened, or a case_facts_snapshot (then `snapshot_status` is records' status
// name: PENDING_INTAKE, ACTIVE, DISCHARGED, ...).
struct CaseOpenedFact {
  std::string district_code;
  std::string office_id;
  std::optional<absl::CivilDay> supervision_start;
  std::optional<absl::CivilDay> supervision_end;
  bool minor = false;
  std::string sex;
  std::string age_band;
  std::string offence_category;
  std::optional<std::string> snapshot_status;
};
// ccms.records.case_facts_changed: the age band moved.
struct CaseFactsFact {
  bool minor = false;
  std::string sex;
  std::string age_band;
  std::string offence_category;
};
struct IntakeReportedFact {
  absl::CivilDay reported_on;
};
struct IntakeAnnouncedFact {
  absl::CivilDay announced_on;
};
struct CaseTransferredFact {
  std::string to_district_code;
  std::string to_office_id;
};
struct CaseClosedFact {
  absl::CivilDay closed_on;
};
// A leave (请假) changed in records: approved, returned, cancelled, rejected, requested.
struct LeaveFact {
  std::string leave_id;
  std::string status;  // APPROVED, RETURNED, CANCELLED, REJECTED, REQUESTED
  absl::CivilDay start_date;
  absl::CivilDay end_date;
  absl::CivilDay on;  // the day of the change (the return's day for RETURNED)
};

using RecordsFact =
    std::variant<CaseOpenedFact, CaseFactsFact, IntakeReportedFact, IntakeAnnouncedFact,
                 CaseTransferredFact, CaseClosedFact, LeaveFact>;

// The case after `fact`. A closed case stays closed whatever comes later; an intake report makes
// a pending case active. LeaveFact changes nothing here (leaves are kept apart, see LeavePeriod).
CaseView Apply(CaseView view, const RecordsFact& fact);

// A leave as education keeps it: the days it covers while approved; returned early, it ends on
// the return day; cancelled or rejected, it covers nothing.
struct LeavePeriod {
  std::string leave_id;
  std::string status;
  absl::CivilDay start_date;
  absl::CivilDay end_date;
  std::optional<absl::CivilDay> returned_on;
};

// The leave after `fact` (a new leave when `current` is empty).
LeavePeriod ApplyLeave(std::optional<LeavePeriod> current, const LeaveFact& fact);

// Whether `leave` keeps the person away on `day`: approved (or returned, up to the day before
// the return), and start <= day <= end.
bool Covers(const LeavePeriod& leave, absl::CivilDay day);

// Whether any of `leaves` covers `day`.
bool OnLeave(const std::vector<LeavePeriod>& leaves, absl::CivilDay day);

}  // namespace ccms::education::domain
