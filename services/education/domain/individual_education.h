#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/policy/policy.h"
#include "services/education/domain/hours_ledger.h"

namespace ccms::education::domain {

// Individual education stepped up (issue 14 item 8; seed standard 7.9.3-7.9.4): a violation, a
// sanction, a HIGH risk assessment, key attention or a crisis flag raises the individual
// sessions required per month for a period.

// `education.individual.*` of one policy version.
struct IndividualPolicy {
  int base_per_month = 1;        // (default) individual sessions a month
  int stepped_up_per_month = 2;  // (default) while a trigger is in force (7.9.4 "增加")
  int step_up_months = 3;        // (default) calendar months a trigger stays in force
};
IndividualPolicy ReadIndividualPolicy(policy::PolicyReader& r);

enum class StepUpReason { kViolation, kSanction, kHighRisk, kKeyAttention, kCrisisFlag };
std::string_view StepUpReasonName(StepUpReason r);  // VIOLATION, SANCTION, HIGH_RISK, ...
std::optional<StepUpReason> StepUpReasonOf(std::string_view name);

struct StepUpTrigger {
  StepUpReason reason = StepUpReason::kViolation;
  absl::CivilDay on;
  std::string source_id;  // the event's id
};

// The last day a trigger is in force: on + step_up_months calendar months − 1 day (clamped:
// 01-31 + 1 month = 02-28, so 01-31..02-27).
absl::CivilDay StepUpUntil(absl::CivilDay on, int months);

struct IndividualMonth {
  absl::CivilMonth month;
  int required = 0;  // 0 for a month with no term day
  int held = 0;      // individual sessions attended (ATTENDED or LATE) in the month
  std::vector<StepUpTrigger> in_force;  // triggers in force on a term day of the month
  bool Below() const { return held < required; }
};

// The month's requirement: stepped_up_per_month when a trigger is in force on one of the term's
// days of the month, else base_per_month; none outside the term. `held_days` are the days of the
// individual sessions attended.
IndividualMonth IndividualFor(const Term& term, absl::CivilMonth month,
                              const std::vector<StepUpTrigger>& triggers,
                              const std::vector<absl::CivilDay>& held_days,
                              const IndividualPolicy& policy);

}  // namespace ccms::education::domain
