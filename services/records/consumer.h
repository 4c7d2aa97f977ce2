#pragma once

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "ccms/events/v1/envelope.pb.h"

namespace ccms::records {

// Topic and consumer group of what records follows.
inline constexpr char kAssessmentTopic[] = "ccms.assessment.v1";
inline constexpr char kRecordsConsumerGroup[] = "ccms-records";
inline constexpr char kEducationTopic[] = "ccms.education.v1";
inline constexpr char kRecordsEducationConsumerGroup[] = "ccms-records-education";

// Applies the assessment service's events to the case file, in the inbox transaction:
// ccms.assessment.supervision_level_changed sets the case's level from its effective date (an
// older change arriving late does not undo a newer one). Other types are ignored.
absl::Status ApplyAssessmentEvent(pqxx::work& tx, const events::v1::Envelope& event);

// Applies the education service's events, in the inbox transaction (its own consumer group):
// ccms.education.attendance_recorded with outcome ABSENT_AFTER_NOTICE keeps the absence as an
// admonition ground of the case (GetSanctionStatus); another outcome for the same session removes
// it. Other types, and cases records does not hold, are ignored.
absl::Status ApplyEducationEvent(pqxx::work& tx, const events::v1::Envelope& event);

}  // namespace ccms::records
