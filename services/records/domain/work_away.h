#pragma once

// Work away from home (外出务工): a standing approval for work at another place is granted only
// when the conditions of the policy hold (seed 004: a guarantor, a fixed residence at the place
// of work, a job held there for the policy's minimum months, a close relative assisting
// supervision; records.work_away.*).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/records/domain/records_policy.h"

namespace ccms::records::domain {

// What the applicant shows for work away from home.
struct WorkAwayConditions {
  bool guarantor = false;                        // a guarantor vouches for the person (担保)
  bool fixed_residence = false;                  // a fixed residence at the place of work
  std::optional<absl::CivilDay> job_held_since;  // the job at the place of work, held since
  bool relative_assisting = false;               // a close relative there assists supervision
};

// The conditions the policy requires and the applicant does not meet on `valid_from`, each in
// words, in the order guarantor, fixed residence, job, relative. The job condition holds when
// job_held_since + min_job_months (month ends clamped: from Feb 29 for 12 months, Feb 28) is on
// or before valid_from. Empty when every required condition holds.
std::vector<std::string> MissingWorkAwayConditions(const WorkAwayConditions& conditions,
                                                   const WorkAwayRules& rules,
                                                   absl::CivilDay valid_from);

// FAILED_PRECONDITION naming the rule WORK_AWAY_CONDITIONS, the policy version and every missing
// condition; OK when none is missing.
absl::Status CheckWorkAway(const WorkAwayConditions& conditions, const RecordsPolicy& policy,
                           absl::CivilDay valid_from);

}  // namespace ccms::records::domain
