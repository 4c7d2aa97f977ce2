#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/education/domain/case_view.h"
#include "services/education/domain/education_policy.h"

namespace ccms::education::domain {

// `day` plus `months` calendar months; a day the target month lacks becomes its last day
// (01-31 + 1 month = 02-28, or 02-29 in a leap year).
absl::CivilDay AddMonthsClamped(absl::CivilDay day, int months);

// When the first contact and the service file are due: counted from the intake report with the
// policy version in force on that day. Unset before intake.
struct ServiceFileDues {
  std::optional<absl::CivilDay> first_contact_due_on;
  std::optional<absl::CivilDay> service_file_due_on;
  std::string policy_version;
};
ServiceFileDues DuesOf(const CaseView& c, const EducationPolicies& policies);

// Overdue: not done and `today` is after the due day (the due day itself is still in time).
bool Overdue(const std::optional<absl::CivilDay>& due_on, bool done, absl::CivilDay today);
// Late: done after the due day.
bool Late(const std::optional<absl::CivilDay>& due_on, absl::CivilDay done_on);

// A field that does not hold, for INVALID_ARGUMENT.
struct Violation {
  std::string field;
  std::string description;
};

// The codes of `given` that `allowed` lacks, or that repeat, as violations of `field`; an empty
// `given` is one too.
std::vector<Violation> CheckCodes(const std::vector<std::string>& given,
                                  const std::vector<std::string>& allowed, const char* field);

// Whether the case's service file may be opened on `opened_on`: the case is not closed, intake was
// reported, the day is not before the intake report nor the intake announcement (when records
// has one), and not in the future. FAILED_PRECONDITION for the case's
// state, INVALID_ARGUMENT for the day.
absl::Status CheckOpenServiceFile(const CaseView& c, absl::CivilDay opened_on,
                                  absl::CivilDay today);

// Whether the first contact may be recorded on `contacted_on`: the same, counted from the intake
// report (the announcement does not bound a contact).
absl::Status CheckFirstContact(const CaseView& c, absl::CivilDay contacted_on,
                               absl::CivilDay today);

}  // namespace ccms::education::domain
