#pragma once

#include <optional>

#include "ccms/events/v1/envelope.pb.h"
#include "services/reporting/domain/timeline.h"

namespace ccms::reporting {

// Topics reporting follows and its consumer group's stem (the group is
// "ccms-reporting-g<generation>": a rebuild starts a new generation, docs/reporting.md).
inline constexpr char kRecordsTopic[] = "ccms.records.v1";
inline constexpr char kAssessmentTopic[] = "ccms.assessment.v1";
inline constexpr char kEducationTopic[] = "ccms.education.v1";
inline constexpr char kEmploymentTopic[] = "ccms.employment.v1";
inline constexpr char kConsumerGroupStem[] = "ccms-reporting";

// What a records or assessment event tells the projections, as an occurrence of the envelope's
// case, and an education or employment event that counts as a service (the KPI facts "educated"
// and "helped" of TranslateWorklistEvent) as a `service` occurrence (code EDUCATION or
// ASSISTANCE); nullopt for a type reporting does not follow, or a payload that does not parse
// or lacks its day (*malformed is set then). Pure: the consumer checks the ids, logs and writes.
std::optional<domain::Occurrence> TranslateEvent(const events::v1::Envelope& event,
                                                 bool* malformed);

}  // namespace ccms::reporting
