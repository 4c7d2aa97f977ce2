#pragma once

#include <optional>
#include <pqxx/transaction>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/time/clock.h"
#include "services/education/consumer.h"  // kAssessmentTopic
#include "services/education/domain/education_policy.h"
#include "services/education/domain/plan_rules.h"

namespace ccms::education {

// The consumer group that follows records' and assessment's events for the plan's revisions (its
// own inbox rows, apart from the case consumer of consumer.h).
inline constexpr char kPlanConsumerGroup[] = "ccms-education-plans";

// An event that makes a revision of the plan in force due: why, and on which day.
struct PlanTrigger {
  domain::RevisionReason reason;
  absl::CivilDay on;  // the event's day, Asia/Shanghai
};

// The trigger of an event, or nullopt when the type makes no revision due:
//   ccms.records.sanction_issued                   SANCTION, issued_on
//   ccms.assessment.supervision_level_changed      LEVEL_CHANGED, effective_on (a first level,
//                                                  previous UNSPECIFIED, is no change)
//   ccms.assessment.assessment_recorded            ASSESSMENT_RECORDED, assessed_on
//   ccms.assessment.crisis_flag_raised             CRISIS_FLAG, raised_at's Shanghai day
//   ccms.assessment.key_attention_changed          KEY_ATTENTION (becoming one only), the
//                                                  envelope's occurred_at day
// A payload that does not parse sets *malformed.
std::optional<PlanTrigger> TranslatePlanTrigger(const events::v1::Envelope& event, bool* malformed);

// Applies a trigger inside the inbox transaction: for a case education knows, not closed, with a
// plan in force, records a revision due on the trigger day + education.plan.revision_within_days
// (the policy in force on the trigger day) and puts ccms.education.plan_revision_due in the
// outbox. Anything else changes nothing.
class PlanTriggerHandler {
 public:
  PlanTriggerHandler(const domain::EducationPolicies& policies, const time::Clock& clock)
      : policies_(policies), clock_(clock) {}

  absl::Status Handle(pqxx::work& tx, const events::v1::Envelope& event) const;

 private:
  const domain::EducationPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::education
