#pragma once

#include <optional>
#include <pqxx/transaction>

#include "absl/status/status.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/time/clock.h"
#include "services/assessment/domain/assessment_policy.h"
#include "services/assessment/domain/case_flow.h"
#include "services/assessment/pg_assessment_store.h"
#include "services/assessment/records_events.h"

namespace ccms::assessment {

// Consumer group of the assessment service on topic ccms.records.v1.
inline constexpr char kRecordsTopic[] = "ccms.records.v1";
inline constexpr char kConsumerGroup[] = "ccms-assessment";

// Applies records events inside the inbox transaction (kafka::InboxConsumer's handler): case
// opened -> intake assessments due; intake reported -> the initial STRICT period starts;
// violations, sanctions, commendations -> ledger entries (a warning -> STRICT and a triggered
// reassessment); discharge approaching -> discharge re-test due; closed -> dues cancelled;
// transferred -> the case moves district. Unknown types stay in the inbox and change nothing.
class RecordsEventHandler {
 public:
  RecordsEventHandler(PgAssessmentStore& store, const domain::AssessmentPolicies& policies,
                      const time::Clock& clock)
      : store_(store), policies_(policies), clock_(clock) {}

  absl::Status Handle(pqxx::work& tx, const events::v1::Envelope& event);

 private:
  PgAssessmentStore& store_;
  const domain::AssessmentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::assessment
