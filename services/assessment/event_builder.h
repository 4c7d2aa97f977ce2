#pragma once

#include <string>

#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "services/assessment/assessment_store.h"

namespace ccms::assessment {

// Event types of topic ccms.assessment.v1 (docs/events.md).
inline constexpr char kLevelChangedType[] = "ccms.assessment.supervision_level_changed";
inline constexpr char kAssessmentRecordedType[] = "ccms.assessment.assessment_recorded";
inline constexpr char kCrisisRaisedType[] = "ccms.assessment.crisis_flag_raised";
inline constexpr char kCrisisAcknowledgedType[] = "ccms.assessment.crisis_flag_acknowledged";
inline constexpr char kKeyAttentionChangedType[] = "ccms.assessment.key_attention_changed";
inline constexpr char kPointsMonthClosedType[] = "ccms.assessment.points_month_closed";

// Completes a write whose state and effects are decided: gives a level change its id and
// appends the events of the effects (supervision_level_changed when the level changed,
// key_attention_changed), after any events already in it. Events carry ids, codes, dates and
// scores only.
void FinishWrite(CaseWrite* write, const std::string& actor, absl::Time now,
                 const std::string& policy_version);

events::v1::Envelope AssessmentRecordedEvent(const AssessmentRecord& a, const std::string& actor,
                                             absl::Time now);
events::v1::Envelope CrisisRaisedEvent(const CrisisFlagRecord& f, const std::string& policy_version,
                                       absl::Time now);
events::v1::Envelope CrisisAcknowledgedEvent(const CrisisFlagRecord& f, const CrisisAck& ack);
events::v1::Envelope MonthClosedEvent(const domain::CaseState& s, const domain::MonthTotal& m,
                                      const std::string& actor, const std::string& policy_version,
                                      absl::Time now);

}  // namespace ccms::assessment
