#pragma once

// The exit-restriction filing (限制出境报备, seed 004): at intake the office files the person with
// the exit-and-entry authority, and at the end of supervision it lifts the filing. Due within the
// policy's days (records.exit_restriction.*, marked defaults: neither number is in RULES.md or
// the seeds).

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/records/domain/case_rules.h"
#include "services/records/domain/records_policy.h"

namespace ccms::records::domain {

enum class ExitRestrictionAction { kFiled, kLifted };
std::string_view ExitRestrictionActionName(ExitRestrictionAction action);  // "FILED", "LIFTED"
std::optional<ExitRestrictionAction> ParseExitRestrictionAction(std::string_view name);

struct ExitRestrictionFacts {
  CaseStatus status = CaseStatus::kUnspecified;
  std::optional<absl::CivilDay> intake_reported_on;
  absl::CivilDay end_date;
  std::optional<absl::CivilDay> closed_on;  // the day supervision ended, when it has
  std::optional<absl::CivilDay> filed_on;
  std::optional<absl::CivilDay> lifted_on;
};

// The day supervision ends for the lifting: closed_on when the case ended, else the end of the
// term.
absl::CivilDay SupervisionEnd(const ExitRestrictionFacts& facts);

// Checks recording `action` on day `on`:
// - FILED: the case is open (PENDING_INTAKE or ACTIVE), not filed yet.
// - LIFTED: filed and not lifted, on or after the filing day, and supervision has ended
//   (DISCHARGED, REVOKED or DECEASED) or `on` is on or after the end of the term.
// FAILED_PRECONDITION naming what is missing.
absl::Status CheckExitRestrictionAction(ExitRestrictionAction action,
                                        const ExitRestrictionFacts& facts, absl::CivilDay on);

// What is due of the filing and its lifting as of a day.
struct ExitRestrictionDue {
  ExitRestrictionAction action;
  absl::CivilDay due;
  int days_overdue = 0;        // as_of - due: 0 = due today, negative = not yet due
  std::string rule;            // in words, with the policy version
  std::string policy_version;  // the version the due date was counted by
};
// The filing is due file_within_days after the intake check-in while the case is open and not
// filed; the lifting lift_within_days after SupervisionEnd once filed and not lifted (cases
// transferred out are the receiving office's). Each counted by the version in force on the day
// it is counted from (`policies`). nullopt when nothing is due.
std::optional<ExitRestrictionDue> ExitRestrictionDueOn(const ExitRestrictionFacts& facts,
                                                       const RecordsPolicies& policies,
                                                       absl::CivilDay as_of);

}  // namespace ccms::records::domain
