#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <pqxx/transaction>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/db/pool.h"
#include "services/reporting/pg_reporting_store.h"
#include "services/reporting/pg_worklist_store.h"

namespace ccms::reporting {

// Applies events to the projections, the worklists and the KPI facts inside the inbox
// transaction (kafka::InboxConsumer's batch handler): records' and assessment's events to the
// time lines (then the cases' never-reported and contact rows), and the events of every topic
// the worklists follow (worklist_events.h). Types reporting does not follow, and malformed
// payloads, stay in the inbox and change nothing. A batch is applied with a fixed number of
// statements (the time lines of every case it touches built once, in memory, and written with one
// statement per table), plus one per worklist change of the events that make one.
//
// Catch-up mode (docs/reporting.md "Catch-up"; migrations/V009__catch_up.sql): while the consumer
// is far behind (after `--rebuild`, or a full batch of events recorded more than
// CatchUpOptions::enter_behind ago), a full batch only keeps its occurrences, marks the cases they
// touch dirty and applies its worklist changes; CatchUpOptions::short_batches_to_end batches in a
// row smaller than the largest batch (the end of the topics), or FinishCatchUp() after the
// consumer went idle, build every dirty case once, in chunks of CatchUpOptions::chunk cases a
// transaction, and ends the mode. Reports refuse to run meanwhile (ReportStore::CatchingUp).
// Meanwhile the consumer reads larger batches (CatchUpOptions::catch_up_batch) and BuildClosed,
// beside the batches, builds the cases whose closing was kept already.
class ProjectionConsumer {
 public:
  struct CatchUpOptions {
    // The consumer's largest batch (CCMS_CONSUMER_MAX_BATCH): a batch of fewer new events means
    // the consumer has reached the end of what the topics hold.
    int max_batch = 256;
    // A full batch whose newest event was recorded longer ago than this starts the mode
    // (CCMS_REPORTING_CATCH_UP_BEHIND_SECONDS; zero: only `--rebuild` does).
    absl::Duration enter_behind = absl::Hours(1);
    // This many batches in a row short of full end the mode (one alone may be a pause in the
    // fetch, e.g. the first batch after a start).
    int short_batches_to_end = 3;
    // Dirty cases built per transaction at the end.
    int chunk = 5000;
    // The consumer's largest batch while catching up (CCMS_REPORTING_CATCH_UP_BATCH): fewer,
    // larger transactions. Short batches are still counted against max_batch.
    int catch_up_batch = 2000;
    // Closed dirty cases built per transaction while catching up (BuildClosed).
    int early_chunk = 1000;
    // false: the mode is ignored (every batch takes the normal path, and the end builds the
    // dirty cases left); for measuring the normal path against it.
    bool enabled = true;
  };

  // Catch-up's end runs in transactions of `finish_pool` (not the consumer's own connection,
  // which holds the batch's transaction meanwhile).
  ProjectionConsumer(PgReportingStore& store, PgWorklistStore& worklists,
                     db::ConnectionPool& finish_pool, CatchUpOptions options)
      : store_(store), worklists_(worklists), finish_pool_(finish_pool), options_(options) {}

  // The new events of a batch, in the order they came (a case's events are on one partition, in
  // order).
  absl::Status HandleBatch(pqxx::work& tx, const std::vector<const events::v1::Envelope*>& events);
  // One event: a batch of one.
  absl::Status Handle(pqxx::work& tx, const events::v1::Envelope& event);

  // Sets how the consumer's largest batch is changed (kafka::InboxConsumer::set_max_batch):
  // CatchUpOptions::catch_up_batch while catching up, max_batch otherwise.
  void SetBatchSizer(std::function<void(int)> sizer);

  // While catching up, builds the dirty cases a batch closed (most likely complete: built once
  // here instead of at the end), early_chunk cases a transaction on `finish_pool`, beside the
  // consumer's batches (the marks lock: a case a batch marks meanwhile is skipped or marked again,
  // and built later). Returns the cases built; a no-op when not catching up. The wiring calls it
  // from its background thread.
  absl::StatusOr<int64_t> BuildClosed();

  // Builds every dirty case and ends catch-up mode (a no-op when not catching up); returns the
  // cases built. The wiring calls it when the consumer has been idle a while (the topics ended on
  // a full batch, or nothing came after a restart); tests call it by hand.
  absl::StatusOr<int64_t> FinishCatchUp();
  // The dirty cases built by the ends of catch-up so far (tests: the catch-up path ran).
  int64_t catch_up_built() const { return catch_up_built_.load(); }
  // When HandleBatch was last called (InfinitePast: never).
  absl::Time last_batch() const { return absl::FromUnixNanos(last_batch_nanos_.load()); }

 private:
  // FinishCatchUp with mu_ held.
  absl::StatusOr<int64_t> FinishLocked();
  // The consumer's largest batch for the mode (under mu_).
  void SizeBatches(bool catching_up);

  PgReportingStore& store_;
  PgWorklistStore& worklists_;
  db::ConnectionPool& finish_pool_;
  CatchUpOptions options_;
  std::mutex mu_;                       // HandleBatch and FinishCatchUp, one at a time
  int short_batches_ = 0;               // in a row, under mu_
  std::function<void(int)> sizer_;      // under mu_
  int sized_ = 0;                       // the batch size last set (0: none yet), under mu_
  std::mutex build_mu_;                 // BuildClosed (and the end), one at a time
  std::atomic<bool> finishing_{false};  // the end waits for build_mu_: BuildClosed stops early
  std::atomic<int64_t> catch_up_built_{0};
  std::atomic<int64_t> last_batch_nanos_{absl::ToUnixNanos(absl::InfinitePast())};
};

}  // namespace ccms::reporting
