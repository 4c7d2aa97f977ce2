#include "common/kafka/outbox.h"

#include <pqxx/pqxx>

#include "common/ids/uuid.h"
#include "common/kafka/outbox_values.h"
#include "google/protobuf/util/time_util.h"

namespace ccms::kafka {

const db::Query kInsertOutboxQuery = {
    "outbox_insert",
    "INSERT INTO outbox (event_id, topic, record_key, event_type, payload, occurred_at) "
    "VALUES ($1, $2, $3, $4, $5, to_timestamp($6::double precision / 1000000))"};

namespace {
google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}
}  // namespace

events::v1::Envelope MakeEnvelope(std::string_view type, std::string_view case_id,
                                  std::string_view district_code, absl::Time occurred_at,
                                  absl::Time recorded_at, std::string_view actor,
                                  const google::protobuf::Message& payload) {
  events::v1::Envelope e;
  e.set_event_id(ids::NewUuid());
  e.set_type(std::string(type));
  e.set_case_id(std::string(case_id));
  e.set_district_code(std::string(district_code));
  *e.mutable_occurred_at() = ToProto(occurred_at);
  *e.mutable_recorded_at() = ToProto(recorded_at);
  e.set_actor(std::string(actor));
  e.set_schema_version(1);
  e.mutable_payload()->PackFrom(payload);
  return e;
}

OutboxValues OutboxValuesOf(std::string_view topic, const events::v1::Envelope& event) {
  OutboxValues v;
  v.event_id = event.event_id();
  v.topic = std::string(topic);
  v.record_key = event.case_id();
  v.event_type = event.type();
  v.payload = event.SerializeAsString();
  v.occurred_us = google::protobuf::util::TimeUtil::TimestampToMicroseconds(event.occurred_at());
  return v;
}

void AppendToOutbox(pqxx::work& tx, std::string_view topic, const events::v1::Envelope& event) {
  const OutboxValues v = OutboxValuesOf(topic, event);
  tx.exec_prepared(std::string(kInsertOutboxQuery.name), v.event_id, v.topic, v.record_key,
                   v.event_type, pqxx::binarystring(v.payload), v.occurred_us);
}

}  // namespace ccms::kafka
