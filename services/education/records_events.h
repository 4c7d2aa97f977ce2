#pragma once

#include <optional>

#include "ccms/events/v1/envelope.pb.h"
#include "services/education/domain/case_view.h"

namespace ccms::education {

// The domain fact of a records event education follows (case opened, facts changed or snapshot,
// intake reported, intake announced, transferred, closed, leave approved / returned / cancelled /
// rejected); nullopt for a type education does not follow, or a payload that does not parse
// (*malformed is set then). Pure: the consumer (consumer.h) checks the envelope and writes.
std::optional<domain::RecordsFact> TranslateRecordsEvent(const events::v1::Envelope& event,
                                                         bool* malformed);

}  // namespace ccms::education
