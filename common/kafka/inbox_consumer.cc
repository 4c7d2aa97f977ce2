#include "common/kafka/inbox_consumer.h"

#include <librdkafka/rdkafkacpp.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/kafka/envelope.h"
#include "common/log/log.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace ccms::kafka {

InboxConsumer::InboxConsumer(ConsumerOptions options, db::ConnectionPool& pool, Handler handler)
    : options_(std::move(options)), pool_(pool), handler_(std::move(handler)) {}

absl::StatusOr<std::unique_ptr<InboxConsumer>> InboxConsumer::Create(
    ConsumerOptions options, db::ConnectionPool& pool, Handler handler,
    prometheus::Registry* registry) {
  std::unique_ptr<InboxConsumer> self(
      new InboxConsumer(std::move(options), pool, std::move(handler)));
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", self->options_.bootstrap_servers},
      {"group.id", self->options_.group_id},
      {"enable.auto.commit", "false"},  // offsets follow the inbox transaction
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
      {"partition.assignment.strategy", "cooperative-sticky"},
  };
  for (const auto& [k, v] : self->options_.extra) props[k] = v;
  for (const auto& [k, v] : props) {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka setting ", k, ": ", err));
    }
  }
  self->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!self->consumer_) {
    return absl::UnavailableError(absl::StrCat("cannot create Kafka consumer: ", err));
  }
  if (registry != nullptr) {
    const std::map<std::string, std::string> labels = {{"consumer", self->options_.group_id}};
    self->applied_total_ = &prometheus::BuildCounter()
                                .Name("ccms_consumer_events_applied_total")
                                .Help("Events applied through the inbox")
                                .Register(*registry)
                                .Add(labels);
    self->duplicate_total_ = &prometheus::BuildCounter()
                                  .Name("ccms_consumer_events_duplicate_total")
                                  .Help("Redelivered events the inbox skipped")
                                  .Register(*registry)
                                  .Add(labels);
    self->rejected_total_ = &prometheus::BuildCounter()
                                 .Name("ccms_consumer_events_rejected_total")
                                 .Help("Records that are not ccms envelopes (skipped)")
                                 .Register(*registry)
                                 .Add(labels);
    self->lag_ = &prometheus::BuildGauge()
                      .Name("ccms_consumer_lag")
                      .Help("Records behind the end of the assigned partitions")
                      .Register(*registry)
                      .Add(labels);
  }
  return self;
}

InboxConsumer::~InboxConsumer() { Stop(); }

void InboxConsumer::Start() {
  RdKafka::ErrorCode code = consumer_->subscribe(options_.topics);
  if (code != RdKafka::ERR_NO_ERROR) {
    log::Error("consumer_subscribe_failed",
               {{"consumer", options_.group_id}, {"error", RdKafka::err2str(code)}});
  }
  thread_ = std::thread([this] { Run(); });
}

void InboxConsumer::Stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  thread_.join();
  consumer_->close();
}

absl::StatusOr<bool> InboxConsumer::Process(const std::string& topic, int partition, int64_t offset,
                                            const std::string& value) {
  std::optional<events::v1::Envelope> decoded = DecodeEnvelope(value);
  if (!decoded.has_value()) {
    if (rejected_total_) rejected_total_->Increment();
    log::Warn("consumer_rejected_record", {{"consumer", options_.group_id},
                                           {"topic", topic},
                                           {"partition", partition},
                                           {"offset", offset}});
    return false;
  }
  const events::v1::Envelope& event = *decoded;
  bool applied = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    pqxx::result r = tx.exec_params(
        "INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        options_.group_id, event.event_id(), event.type(), topic, partition, offset);
    if (r.affected_rows() == 0) return absl::OkStatus();  // seen before
    applied = true;
    return handler_(tx, event);
  });
  if (!st.ok()) return st;
  if (applied) {
    ++applied_;
    if (applied_total_) applied_total_->Increment();
  } else {
    ++duplicates_;
    if (duplicate_total_) duplicate_total_->Increment();
  }
  return applied;
}

void InboxConsumer::Run() {
  auto last_lag = absl::InfinitePast();
  while (!stopping_) {
    std::unique_ptr<RdKafka::Message> msg(consumer_->consume(200));
    if (absl::Now() - last_lag > absl::Seconds(5) && lag_ != nullptr) {
      last_lag = absl::Now();
      std::vector<RdKafka::TopicPartition*> parts;
      if (consumer_->assignment(parts) == RdKafka::ERR_NO_ERROR) {
        consumer_->position(parts);
        int64_t total = 0;
        for (auto* tp : parts) {
          int64_t low = 0, high = 0;
          if (consumer_->get_watermark_offsets(tp->topic(), tp->partition(), &low, &high) ==
                  RdKafka::ERR_NO_ERROR &&
              tp->offset() >= 0 && high >= tp->offset()) {
            total += high - tp->offset();
          }
        }
        lag_->Set(static_cast<double>(total));
      }
      RdKafka::TopicPartition::destroy(parts);
    }
    if (msg->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (msg->err() != RdKafka::ERR_NO_ERROR) {
      log::Warn("consumer_error", {{"consumer", options_.group_id}, {"error", msg->errstr()}});
      continue;
    }
    const std::string value(static_cast<const char*>(msg->payload()), msg->len());
    for (int attempt = 0; !stopping_; ++attempt) {
      auto result = Process(msg->topic_name(), msg->partition(), msg->offset(), value);
      if (result.ok()) break;
      log::Warn("consumer_apply_failed", {{"consumer", options_.group_id},
                                          {"topic", msg->topic_name()},
                                          {"partition", msg->partition()},
                                          {"offset", msg->offset()},
                                          {"error", result.status().message()}});
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::min(5000, 100 << std::min(attempt, 6))));
    }
    if (stopping_) break;
    consumer_->commitAsync(msg.get());
  }
}

}  // namespace ccms::kafka
