#pragma once

#include <string>
#include <vector>

#include "common/time/clock.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/domain/assessment_policy.h"
#include "services/assessment/domain/case_flow.h"

namespace ccms::assessment {

// The service's own actor on events and ledger entries it writes without a caller.
inline constexpr char kServiceActor[] = "ccms-assessment";

// Each mutator decides with the version of the policy in force on the day it runs (the clock's
// Shanghai day) and names that version on everything it writes.

// Applies facts that records published (or that a GetCase lookup gave) to the case, in order.
// Ledger entries name `source_event_id` as their source.
CaseMutator RecordsFactsMutator(std::vector<domain::RecordsFact> facts,
                                const domain::AssessmentPolicies& policies,
                                const time::Clock& clock, std::string source_event_id);

// After a ledger month closed (CloseMonth): the points_month_closed event and a level
// re-evaluation.
CaseMutator MonthClosedMutator(absl::CivilDay month, const domain::AssessmentPolicies& policies,
                               const time::Clock& clock);

// Time passed (review_on reached): a level re-evaluation.
CaseMutator ReviewMutator(const domain::AssessmentPolicies& policies, const time::Clock& clock);

}  // namespace ccms::assessment
