#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
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
  std::string group_id;  // also the inbox's consumer name and the dead letters' source
  std::vector<std::string> topics;
  std::map<std::string, std::string> extra;  // extra librdkafka properties
  // Static group membership (group.instance.id), e.g. the pod's name: a member restarted with the
  // same id takes its partitions back at once instead of waiting for the old session to expire.
  // Empty: dynamic membership. Two live members must never share one id (the broker fences one).
  std::string group_instance_id;
  // How long the broker waits for a silent member (killed, hung) before giving its partitions to
  // the others. Heartbeats go every third of it.
  absl::Duration session_timeout = absl::Seconds(6);
  // A failing event is tried this many times in all, waiting retry_backoff, then twice that, ...
  // (at most max_backoff) in between, and then goes to dead_letters. Failures of the database
  // itself (UNAVAILABLE: connection lost, pool exhausted) are no fault of the event: they are
  // retried without limit and never dead-letter anything.
  int max_attempts = 5;
  absl::Duration retry_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(5);
  // How often dead letters of this group that an operator requeued are looked for.
  absl::Duration requeue_interval = absl::Seconds(5);
  // At most this many records already fetched are applied in one inbox transaction (one commit,
  // one offset commit per partition) when a backlog waits; one at a time when it does not. 1: one
  // transaction per record always.
  int max_batch = 256;
};

// Follows topics in a consumer group and applies each event exactly once in effect: the event id
// goes into the inbox table in the same transaction as the handler's changes, and the offset is
// committed only after that transaction. A redelivered event finds its id in the inbox and is
// skipped. A handler error rolls back and the event is retried with backoff; after
// ConsumerOptions::max_attempts it is written to dead_letters (source = the group, with its event
// id and type, partition, offset and an error class, never a message text) and the partition moves
// on. A record that is no envelope goes to dead_letters at once (error class DECODE). Dead letters
// an operator requeued (requeued_at set) are applied again through the same handler in an inbox
// transaction: success sets resolved_at, failure clears requeued_at and counts an attempt.
class InboxConsumer {
 public:
  // Applies one event inside the transaction; return non-OK to roll back and retry later.
  using Handler = std::function<absl::Status(pqxx::work&, const events::v1::Envelope&)>;
  // Applies the new events of a batch (those the inbox had not seen, in the order they came)
  // inside one transaction; return non-OK to roll the whole batch back.
  using BatchHandler =
      std::function<absl::Status(pqxx::work&, const std::vector<const events::v1::Envelope*>&)>;

  struct Record {
    std::string topic;
    int partition = 0;
    int64_t offset = 0;
    std::string key;
    std::string value;
  };
  enum class Outcome { kApplied, kDuplicate, kDeadLettered };

  static absl::StatusOr<std::unique_ptr<InboxConsumer>> Create(ConsumerOptions options,
                                                               db::ConnectionPool& pool,
                                                               Handler handler,
                                                               prometheus::Registry* registry);
  // The same with a handler that takes a whole batch at once (set-based writes: one statement per
  // table for the batch instead of per event). A record applied alone (no backlog, a retry, a
  // requeued dead letter) is a batch of one.
  static absl::StatusOr<std::unique_ptr<InboxConsumer>> CreateBatched(
      ConsumerOptions options, db::ConnectionPool& pool, BatchHandler handler,
      prometheus::Registry* registry);
  ~InboxConsumer();

  void Start();
  void Stop();

  // Processes one raw record (tests call it directly to simulate a redelivery). Returns true if
  // the handler ran, false if the inbox already had the event.
  // One attempt: a record that is no envelope is dead-lettered (false); a handler error is
  // returned as is.
  absl::StatusOr<bool> Process(const std::string& topic, int partition, int64_t offset,
                               const std::string& value);

  // Everything the consumer does with one record: attempts with backoff, then the dead letter.
  // Returns CANCELLED only when Stop() interrupts it (the offset must then not be committed).
  absl::StatusOr<Outcome> Deliver(const Record& record);

  // Applies several records in ONE inbox transaction, in order: OK when every one was applied or
  // skipped as seen before. Their inbox rows go in with one INSERT (ON CONFLICT DO NOTHING
  // RETURNING tells which are new); the new events then go to the batch handler at once, or to
  // the handler one by one. Any record that is no envelope, or any handler error, rolls the whole
  // batch back (nothing of it is applied) and returns the error; the caller then delivers each
  // record alone (Deliver: retries, dead letters), so the batch changes the number of commits,
  // never the outcome of a record.
  absl::Status ProcessBatch(const std::vector<Record>& records);

  // Applies the requeued dead letters of this group once; returns how many were resolved.
  absl::StatusOr<int> SweepRequeued();

  int64_t applied() const { return applied_.load(); }
  int64_t duplicates() const { return duplicates_.load(); }
  int64_t dead_lettered() const { return dead_lettered_.load(); }

  // When the consumer's current partition assignment began (InfiniteFuture while it has none:
  // before the group's first join, or while a rebalance waits, e.g. for a killed member's session
  // to expire). A service's idle rule counts from it, so a long join is not idleness.
  absl::Time assigned_since() const {
    const int64_t nanos = assigned_since_nanos_.load();
    return nanos == kUnassigned ? absl::InfiniteFuture() : absl::FromUnixNanos(nanos);
  }
  // The largest batch from the next batch on (ConsumerOptions::max_batch until called), e.g.
  // larger while a projection catches up; at least 1.
  void set_max_batch(int max_batch) { max_batch_ = std::max(1, max_batch); }
  int max_batch() const { return max_batch_.load(); }

  // The error class a dead letter records for a handler status (HANDLER_<CODE>).
  static std::string ErrorClass(const absl::Status& status);

 private:
  InboxConsumer(ConsumerOptions options, db::ConnectionPool& pool, Handler handler);
  void Run();
  absl::Status DeadLetter(const Record& record, const events::v1::Envelope* event,
                          const std::string& error_class, int attempts);
  // Sleeps up to `d`, returning early (false) when stopping.
  bool Pause(absl::Duration d);

  ConsumerOptions options_;
  db::ConnectionPool& pool_;
  Handler handler_;
  BatchHandler batch_handler_;  // set by CreateBatched
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::atomic<int64_t> applied_{0};
  std::atomic<int64_t> duplicates_{0};
  std::atomic<int64_t> dead_lettered_{0};
  // assigned_since in Unix nanoseconds; kUnassigned while no partition is assigned (a sentinel:
  // absl::FromUnixNanos of any int64 is a finite time).
  static constexpr int64_t kUnassigned = std::numeric_limits<int64_t>::max();
  std::atomic<int64_t> assigned_since_nanos_{kUnassigned};
  std::atomic<int> max_batch_{1};
  prometheus::Counter* applied_total_ = nullptr;
  prometheus::Counter* duplicate_total_ = nullptr;
  prometheus::Counter* rejected_total_ = nullptr;
  prometheus::Counter* retries_total_ = nullptr;
  prometheus::Counter* dead_letters_total_ = nullptr;
  prometheus::Counter* requeued_resolved_total_ = nullptr;
  prometheus::Counter* requeued_failed_total_ = nullptr;
  prometheus::Gauge* lag_ = nullptr;
};

}  // namespace ccms::kafka
