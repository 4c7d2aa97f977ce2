#pragma once

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/concurrency/periodic_task.h"
#include "services/reporting/export_job_store.h"
#include "services/reporting/snapshot_store.h"

namespace ccms::reporting {

// Runs the queued export jobs (docs/reporting.md, "Exports"): every `period` it fails the
// running jobs that made no progress for `stall` (their replica stopped: INTERRUPTED), then
// claims queued jobs one at a time and writes each one's files with ExportFiles, recording the
// rows written after each table. A job whose version is gone fails NOT_FOUND; any other error
// INTERNAL (logged without values).
class ExportJobRunner {
 public:
  ExportJobRunner(ExportJobStore& jobs, SnapshotStore& snapshots, absl::Duration period,
                  absl::Duration stall = absl::Minutes(5))
      : jobs_(jobs), snapshots_(snapshots), stall_(stall), task_([this] { RunRound(); }, period) {}

  void Start() { task_.Start(); }
  void Stop() { task_.Stop(); }
  // One round now: the stalled jobs failed, then every queued job run. Returns the jobs run
  // (DONE or FAILED), or the store's error.
  absl::StatusOr<int> RunOnce();

 private:
  // RunOnce() for the periodic task: a store error is logged (no values) and the next round
  // tries again.
  void RunRound();
  void Run(const ExportJob& job);

  ExportJobStore& jobs_;
  SnapshotStore& snapshots_;
  absl::Duration stall_;
  concurrency::PeriodicTask task_;
};

}  // namespace ccms::reporting
