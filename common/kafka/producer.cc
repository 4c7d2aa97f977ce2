#include "common/kafka/producer.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace ccms::kafka {
namespace {
constexpr char kErrorClassPayload[] = "ccms.kafka/error_class";

std::string ErrorName(RdKafka::ErrorCode code) {
  return rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(code));
}
}  // namespace

std::string ProduceErrorClass(const absl::Status& status) {
  auto name = status.GetPayload(kErrorClassPayload);
  return name.has_value() ? std::string(*name) : "PRODUCE";
}

class KafkaProducer::Reporter : public RdKafka::DeliveryReportCb {
 public:
  explicit Reporter(DeliveryHandler handler) : handler_(std::move(handler)) {}
  void dr_cb(RdKafka::Message& message) override {
    DeliveryReport report;
    report.tag = message.msg_opaque() ? *static_cast<int64_t*>(message.msg_opaque()) : 0;
    delete static_cast<int64_t*>(message.msg_opaque());
    report.ok = message.err() == RdKafka::ERR_NO_ERROR;
    if (!report.ok) {
      report.error = message.errstr();
      report.error_class = ErrorName(message.err());
    }
    if (handler_) handler_(report);
  }

 private:
  DeliveryHandler handler_;
};

absl::StatusOr<std::unique_ptr<KafkaProducer>> KafkaProducer::Create(const ProducerOptions& options,
                                                                     DeliveryHandler on_delivery) {
  std::unique_ptr<KafkaProducer> self(new KafkaProducer());
  self->reporter_ = std::make_unique<Reporter>(std::move(on_delivery));
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", options.bootstrap_servers},
      {"client.id", options.client_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      // The outbox keeps events until delivery: retry for as long as the broker is away (0 =
      // no timeout) rather than fail and publish out of order later.
      {"message.timeout.ms", "0"},
      {"linger.ms", "2"},
      {"compression.type", "lz4"},
      {"partitioner", "murmur2_random"},  // the Java client's partitioner: same key, same partition
      // Resume within a second after an outage, and do not hold small batches back (Nagle).
      {"reconnect.backoff.max.ms", "1000"},
      {"socket.nagle.disable", "true"},
  };
  for (const auto& [k, v] : options.extra) props[k] = v;
  for (const auto& [k, v] : props) {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka setting ", k, ": ", err));
    }
  }
  if (conf->set("dr_cb", self->reporter_.get(), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(err);
  }
  self->producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!self->producer_) {
    return absl::UnavailableError(absl::StrCat("cannot create Kafka producer: ", err));
  }
  return self;
}

KafkaProducer::~KafkaProducer() {
  if (producer_) producer_->flush(1000);
}

absl::Status KafkaProducer::Produce(const OutgoingRecord& record) {
  RdKafka::Headers* headers = RdKafka::Headers::create();
  for (const auto& [k, v] : record.headers) headers->add(k, v.data(), v.size());
  auto* tag = new int64_t(record.tag);
  for (;;) {
    RdKafka::ErrorCode code = producer_->produce(
        record.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
        const_cast<char*>(record.value.data()), record.value.size(), record.key.data(),
        record.key.size(), 0, headers, tag);
    if (code == RdKafka::ERR_NO_ERROR) return absl::OkStatus();  // headers now owned by librdkafka
    if (code == RdKafka::ERR__QUEUE_FULL) {
      producer_->poll(50);
      continue;
    }
    delete headers;
    delete tag;
    absl::Status st =
        absl::UnavailableError(absl::StrCat("kafka produce: ", RdKafka::err2str(code)));
    st.SetPayload(kErrorClassPayload, absl::Cord(ErrorName(code)));
    return st;
  }
}

void KafkaProducer::Poll(int timeout_ms) { producer_->poll(timeout_ms); }

bool KafkaProducer::Flush(int timeout_ms) {
  return producer_->flush(timeout_ms) == RdKafka::ERR_NO_ERROR;
}

int KafkaProducer::OutQueueLength() const { return producer_->outq_len(); }

}  // namespace ccms::kafka
