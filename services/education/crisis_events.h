#pragma once

#include <pqxx/transaction>

#include "absl/status/status.h"
#include "ccms/events/v1/envelope.pb.h"
#include "services/education/consumer.h"  // kAssessmentTopic
#include "services/education/domain/education_policy.h"
#include "services/education/pg_counselling_store.h"

namespace ccms::education {

// Consumer group of education's care area on topic ccms.assessment.v1 (its own group, so the
// records consumer and its inbox rows are untouched).
inline constexpr char kCareConsumerGroup[] = "ccms-education-care";

// The crisis flag of a ccms.assessment.crisis_flag_raised event; nullopt for any other type, or a
// payload that does not parse or lacks its flag id or time (*malformed is set then). Pure.
std::optional<CrisisFlagFact> TranslateCrisisEvent(const events::v1::Envelope& event,
                                                   bool* malformed);

// Applies assessment's crisis flags inside the inbox transaction (kafka::InboxConsumer's
// handler): each makes an urgent counselling contact due (PgCounsellingStore::ApplyCrisisFlag).
// Other types stay in the inbox and change nothing; a malformed payload is logged (type and
// event id only) and skipped.
class CrisisEventHandler {
 public:
  explicit CrisisEventHandler(const domain::EducationPolicies& policies) : policies_(policies) {}

  absl::Status Handle(pqxx::work& tx, const events::v1::Envelope& event) const;

 private:
  const domain::EducationPolicies& policies_;
};

}  // namespace ccms::education
