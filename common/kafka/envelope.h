#pragma once

#include <optional>
#include <string_view>

#include "ccms/events/v1/envelope.pb.h"

namespace ccms::kafka {

// Decodes one Kafka record value as a ccms event envelope, as every consumer does before it
// touches the inbox. Returns nullopt for bytes that are not an Envelope or an envelope without
// an event id (such a record is counted as rejected and skipped). Pure: no I/O, no logging.
std::optional<events::v1::Envelope> DecodeEnvelope(std::string_view value);

}  // namespace ccms::kafka
