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
  // Policy: a row the broker refuses this many times is moved to dead_letters (source
  // 'outbox'); until then later rows of its case wait behind it.
  int max_attempts = 5;
  // A leading relay confirms against PostgreSQL this often that its session holds the lock.
  absl::Duration leader_check_interval = absl::Seconds(5);
  // After a lost or refused database connection: reconnect after min, doubling up to max.
  absl::Duration reconnect_backoff_min = absl::Milliseconds(100);
  absl::Duration reconnect_backoff_max = absl::Seconds(5);
  // The relay's connection: TCP keepalives and tcp_user_timeout notice a half-open connection
  // within about this long; statements time out after statement_timeout.
  absl::Duration tcp_timeout = absl::Seconds(10);
  absl::Duration statement_timeout = absl::Seconds(30);
  // How often requeued dead letters of source 'outbox' are taken back into the outbox.
  absl::Duration requeue_interval = absl::Seconds(5);
};

// The relay's connection string: `dsn` (keyword=value or postgres:// URI) plus keepalives,
// tcp_user_timeout, connect_timeout, statement_timeout and application_name
// "ccms-<service>-relay" (operators find the relay's session by it).
std::string RelayConnectionString(const RelayOptions& options);

// Publishes outbox rows in id order. One relay per service is active at a time: the one holding
// a Postgres advisory lock; others wait to take over, so a case's events leave in commit order.
// Rows are stamped sent only on the broker's delivery report; a broker outage means they wait in
// Postgres (the backlog metric grows) and leave when it returns. A lost database aborts the batch
// (nothing is stamped; the rows leave again, duplicates keep their ce_id) and the relay
// reconnects with backoff and takes the lock again before it publishes. When a row fails, later
// rows of the same case (record key) wait behind it; after max_attempts it goes to dead_letters.
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
  int64_t dead_lettered() const { return dead_lettered_.load(); }

 private:
  struct Pending;
  void Run();
  // Opens the relay's connection if it has none; false (and the backoff grows) if it cannot.
  bool EnsureConnected();
  // Takes the advisory lock if not leading; re-checks a held lock every leader_check_interval.
  bool EnsureLeadership();
  // Whether this session still holds the lock (a query against pg_locks); drops the connection
  // if the query fails.
  bool CheckLeadership();
  // Publishes one batch; returns the number of rows stamped sent (or dead-lettered).
  int PublishBatch();
  // Stamps delivered rows sent, counts failed attempts and dead-letters rows past the policy.
  int FinishBatch();
  void UpdateBacklog(bool force);
  void Cleanup();
  void TakeBackRequeued();
  void OnDelivery(const DeliveryReport& report);
  void DropConnection();
  // Sleeps up to `d`; returns early on Stop() (and on Notify() if `wake_on_notify`).
  void Sleep(absl::Duration d, bool wake_on_notify);

  RelayOptions options_;
  const std::string conninfo_;
  std::unique_ptr<KafkaProducer> producer_;
  // Never dereferenced without a check: any failed statement resets it (DropConnection).
  std::unique_ptr<pqxx::connection> conn_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  absl::Time stop_deadline_ = absl::InfiniteFuture();
  std::atomic<bool> leader_{false};
  std::atomic<int64_t> published_{0};
  std::atomic<int64_t> dead_lettered_{0};
  std::thread thread_;

  std::unique_ptr<Pending> pending_;
  absl::Duration backoff_;
  absl::Time next_connect_ = absl::InfinitePast();
  absl::Time last_backlog_ = absl::InfinitePast();
  absl::Time last_cleanup_ = absl::InfinitePast();
  absl::Time last_leader_check_ = absl::InfinitePast();
  absl::Time last_requeue_ = absl::InfinitePast();

  prometheus::Gauge* backlog_ = nullptr;
  prometheus::Gauge* leader_gauge_ = nullptr;
  prometheus::Counter* published_total_ = nullptr;
  prometheus::Counter* failed_total_ = nullptr;
  prometheus::Counter* dead_letters_total_ = nullptr;
  prometheus::Counter* reconnects_total_ = nullptr;
  prometheus::Histogram* lag_ = nullptr;
};

}  // namespace ccms::kafka
