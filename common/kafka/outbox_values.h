#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ccms/events/v1/envelope.pb.h"

namespace ccms::kafka {

// The values of the outbox row AppendToOutbox writes (common/kafka/outbox.h), for a statement
// that writes the row itself beside the change it announces (one round trip; records' OpenCase).
// Columns in kInsertOutboxQuery's order; occurred_at is
// `to_timestamp(occurred_us::double precision / 1000000)`.
struct OutboxValues {
  std::string event_id;
  std::string topic;
  std::string record_key;  // the case id: a case's events stay in order
  std::string event_type;
  std::string payload;  // the serialized envelope (bytea)
  int64_t occurred_us = 0;
};
OutboxValues OutboxValuesOf(std::string_view topic, const events::v1::Envelope& event);

}  // namespace ccms::kafka
