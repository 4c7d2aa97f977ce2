#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace RdKafka {
class Producer;
class DeliveryReportCb;
}  // namespace RdKafka

namespace ccms::kafka {

struct ProducerOptions {
  std::string bootstrap_servers;
  std::string client_id = "ccms";
  // Extra librdkafka properties (e.g. security.protocol); applied last.
  std::map<std::string, std::string> extra;
};

struct OutgoingRecord {
  std::string topic;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
  // Returned with the delivery report.
  int64_t tag = 0;
};

struct DeliveryReport {
  int64_t tag;
  bool ok;
  std::string error;  // librdkafka's text; never holds record contents
  // librdkafka's error name (e.g. "MSG_SIZE_TOO_LARGE"): a stable code for dead letters.
  std::string error_class;
};

// The librdkafka error name of a failed Produce() ("MSG_SIZE_TOO_LARGE"), or "PRODUCE".
std::string ProduceErrorClass(const absl::Status& status);

// An idempotent producer (enable.idempotence=true, acks=all, in-order retries): a broker outage
// delays records, it does not reorder or duplicate them.
class KafkaProducer {
 public:
  using DeliveryHandler = std::function<void(const DeliveryReport&)>;

  static absl::StatusOr<std::unique_ptr<KafkaProducer>> Create(const ProducerOptions& options,
                                                               DeliveryHandler on_delivery);
  ~KafkaProducer();

  // Queues a record; delivery is reported through the handler from Poll().
  absl::Status Produce(const OutgoingRecord& record);
  // Serves delivery reports for up to `timeout_ms`.
  void Poll(int timeout_ms);
  // Waits up to `timeout_ms` for every queued record; false if some are still outstanding.
  bool Flush(int timeout_ms);
  int OutQueueLength() const;

 private:
  class Reporter;
  KafkaProducer() = default;

  std::unique_ptr<Reporter> reporter_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

}  // namespace ccms::kafka
