#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/db/pool.h"

namespace RdKafka {
class KafkaConsumer;
class Message;
}  // namespace RdKafka

namespace prometheus {
class Registry;
class Counter;
class Gauge;
}  // namespace prometheus

namespace ccms::kafka {

struct ConsumerOptions {
  std::string bootstrap_servers;
  std::string group_id;  // also the inbox's consumer name
  std::vector<std::string> topics;
  std::map<std::string, std::string> extra;  // extra librdkafka properties
};

// Follows topics in a consumer group and applies each event exactly once in effect: the event id
// goes into the inbox table in the same transaction as the handler's changes, and the offset is
// committed only after that transaction. A redelivered event finds its id in the inbox and is
// skipped. A handler error rolls back and the event is retried after a pause (it is not skipped).
class InboxConsumer {
 public:
  // Applies one event inside the transaction; return non-OK to roll back and retry later.
  using Handler = std::function<absl::Status(pqxx::work&, const events::v1::Envelope&)>;

  static absl::StatusOr<std::unique_ptr<InboxConsumer>> Create(ConsumerOptions options,
                                                               db::ConnectionPool& pool,
                                                               Handler handler,
                                                               prometheus::Registry* registry);
  ~InboxConsumer();

  void Start();
  void Stop();

  // Processes one raw record (tests call it directly to simulate a redelivery). Returns true if
  // the handler ran, false if the inbox already had the event.
  absl::StatusOr<bool> Process(const std::string& topic, int partition, int64_t offset,
                               const std::string& value);

  int64_t applied() const { return applied_.load(); }
  int64_t duplicates() const { return duplicates_.load(); }

 private:
  InboxConsumer(ConsumerOptions options, db::ConnectionPool& pool, Handler handler);
  void Run();

  ConsumerOptions options_;
  db::ConnectionPool& pool_;
  Handler handler_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::atomic<int64_t> applied_{0};
  std::atomic<int64_t> duplicates_{0};
  prometheus::Counter* applied_total_ = nullptr;
  prometheus::Counter* duplicate_total_ = nullptr;
  prometheus::Counter* rejected_total_ = nullptr;
  prometheus::Gauge* lag_ = nullptr;
};

}  // namespace ccms::kafka
