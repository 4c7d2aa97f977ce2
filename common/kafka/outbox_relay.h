#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <pqxx/transaction>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"

namespace prometheus {
class Registry;
class Gauge;
class Counter;
class Histogram;
}  // namespace prometheus

namespace ccms::kafka {

struct RelayOptions {
  std::string service;  // e.g. "records": names the advisory lock, ce_source and metric labels
  std::string dsn;      // the relay holds a connection of its own (its advisory lock lives there)
  int batch_size = 1000;
  absl::Duration poll_interval = absl::Milliseconds(500);
  // Sent rows older than this are deleted (the topic keeps them for replay).
  absl::Duration retention = absl::Hours(24);
};

// Publishes outbox rows in id order. One relay per service is active at a time: the one holding
// a Postgres advisory lock; others wait to take over, so a case's events leave in commit order.
// Rows are stamped sent only on the broker's delivery report; a broker outage means they wait in
// Postgres (the backlog metric grows) and leave when it returns.
class OutboxRelay : public OutboxSignal {
 public:
  OutboxRelay(RelayOptions options, std::unique_ptr<KafkaProducer> producer,
              prometheus::Registry* registry);
  // Builds the producer from `producer_options` with this relay as its delivery handler.
  static absl::StatusOr<std::unique_ptr<OutboxRelay>> Create(RelayOptions options,
                                                             const ProducerOptions& producer,
                                                             prometheus::Registry* registry);
  ~OutboxRelay() override;

  void Start();
  // Wakes the relay (called after a commit that wrote outbox rows).
  void Notify() override;
  // Publishes what is pending for up to `flush_timeout`, then stops. What is not delivered stays
  // in the outbox for the next relay.
  void Stop(absl::Duration flush_timeout);

  bool is_leader() const { return leader_.load(); }
  int64_t published() const { return published_.load(); }

 private:
  struct Pending;
  void Run();
  bool EnsureLeadership();
  // Publishes one batch; returns the number of rows stamped sent.
  int PublishBatch();
  void UpdateBacklog(bool force);
  void Cleanup();
  void OnDelivery(const DeliveryReport& report);
  void DropConnection();

  RelayOptions options_;
  std::unique_ptr<KafkaProducer> producer_;
  std::unique_ptr<pqxx::connection> conn_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  absl::Time stop_deadline_ = absl::InfiniteFuture();
  std::atomic<bool> leader_{false};
  std::atomic<int64_t> published_{0};
  std::thread thread_;

  std::unique_ptr<Pending> pending_;
  absl::Time last_backlog_ = absl::InfinitePast();
  absl::Time last_cleanup_ = absl::InfinitePast();

  prometheus::Gauge* backlog_ = nullptr;
  prometheus::Gauge* leader_gauge_ = nullptr;
  prometheus::Counter* published_total_ = nullptr;
  prometheus::Counter* failed_total_ = nullptr;
  prometheus::Histogram* lag_ = nullptr;
};

}  // namespace ccms::kafka
