#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/pool.h"

namespace prometheus {
class Registry;
class Counter;
}  // namespace prometheus

namespace ccms::db {

// How long the rows that only guard against repeats are kept (docs/operations.md, "Database pool
// and retention"). Sent outbox rows are pruned by the relay (RelayOptions::retention).
struct RetentionOptions {
  // Idempotency keys (and the first responses they keep): a retry after this gets no replay and
  // runs as a new request, so it must be at least the longest client retry window.
  absl::Duration idempotency_keys = absl::Hours(24 * 7);
  // Inbox rows: an event redelivered after this is applied again, so it must exceed the topics'
  // retention (a consumer group rewound to the earliest offset must still find every row).
  absl::Duration inbox = absl::Hours(24 * 30);
  // Rows deleted per transaction, so pruning never holds long locks or a long transaction.
  int batch = 5000;
  // Batches per table and run at most, so one run (and a shutdown waiting for it) stays short;
  // a larger backlog is worked off over the next runs.
  int max_batches = 20;
};

struct Pruned {
  int64_t idempotency_keys = 0;
  int64_t inbox = 0;
};

// Deletes the rows older than their retention, `batch` rows per transaction, until none is left
// or `max_batches` transactions ran.
class RetentionPruner {
 public:
  RetentionPruner(ConnectionPool& pool, RetentionOptions options, prometheus::Registry* registry);
  absl::StatusOr<Pruned> PruneOnce();

 private:
  ConnectionPool& pool_;
  RetentionOptions options_;
  prometheus::Counter* keys_pruned_ = nullptr;
  prometheus::Counter* inbox_pruned_ = nullptr;
};

}  // namespace ccms::db
