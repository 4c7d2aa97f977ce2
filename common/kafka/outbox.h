#pragma once

#include <pqxx/connection>
#include <pqxx/transaction>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/db/query.h"
#include "google/protobuf/message.h"

namespace ccms::kafka {

// Prepare this on every connection of a service that writes events.
extern const db::Query kInsertOutboxQuery;

// Builds an envelope with a fresh event id; `payload` is packed as google.protobuf.Any.
events::v1::Envelope MakeEnvelope(std::string_view type, std::string_view case_id,
                                  std::string_view district_code, absl::Time occurred_at,
                                  absl::Time recorded_at, std::string_view actor,
                                  const google::protobuf::Message& payload);

// Writes the event in the caller's transaction: it leaves for Kafka only if the change commits
// (transactional outbox). The record key is the case id, so a case's events stay in order.
void AppendToOutbox(pqxx::work& tx, std::string_view topic, const events::v1::Envelope& event);

// Wakes the relay after a commit; the relay polls as well, so a missed wake-up only adds delay.
class OutboxSignal {
 public:
  virtual ~OutboxSignal() = default;
  virtual void Notify() = 0;
};

}  // namespace ccms::kafka
