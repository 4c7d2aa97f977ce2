#pragma once

#include <optional>

#include "ccms/events/v1/envelope.pb.h"
#include "services/assessment/domain/case_flow.h"

namespace ccms::assessment {

// The domain fact of a records event; nullopt for a type assessment does not follow, or a
// payload that does not parse (*malformed is set then). Pure: the consumer (records_consumer.h)
// checks the envelope's case and district, logs and writes.
std::optional<domain::RecordsFact> TranslateRecordsEvent(const events::v1::Envelope& event,
                                                         bool* malformed);

}  // namespace ccms::assessment
