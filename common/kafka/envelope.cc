#include "common/kafka/envelope.h"

#include <limits>

namespace ccms::kafka {

std::optional<events::v1::Envelope> DecodeEnvelope(std::string_view value) {
  if (value.size() > static_cast<size_t>(std::numeric_limits<int>::max())) return std::nullopt;
  events::v1::Envelope event;
  if (!event.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
      event.event_id().empty()) {
    return std::nullopt;
  }
  return event;
}

}  // namespace ccms::kafka
