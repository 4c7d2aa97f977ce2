#pragma once

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "ccms/events/v1/envelope.pb.h"

namespace ccms::records {

// Topic and consumer group of what records follows.
inline constexpr char kAssessmentTopic[] = "ccms.assessment.v1";
inline constexpr char kRecordsConsumerGroup[] = "ccms-records";

// Applies the assessment service's events to the case file, in the inbox transaction:
// ccms.assessment.supervision_level_changed sets the case's level from its effective date (an
// older change arriving late does not undo a newer one). Other types are ignored.
absl::Status ApplyAssessmentEvent(pqxx::work& tx, const events::v1::Envelope& event);

}  // namespace ccms::records
