#pragma once

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/concurrency/periodic_task.h"
#include "common/time/clock.h"
#include "services/reporting/domain/reports.h"
#include "services/reporting/export_job_store.h"
#include "services/reporting/snapshot_store.h"

namespace ccms::reporting {

// Runs the queued export jobs (docs/reporting.md, "Exports"): every `period` it fails the
// running jobs that made no progress for `stall` (their replica stopped: INTERRUPTED), expires
// the finished jobs whose retention ran out (their files and chunks removed, the row kept), then
// claims queued jobs one at a time and writes each one's files with ExportFiles, recording the
// rows written after each table, and keeps the files in chunks of at most `chunk_bytes`. A
// finished job (DONE or FAILED) expires `retention` days after it finished: the policy's
// reporting.export.retention_days in force on that (Shanghai) day. A job whose version is gone
// fails NOT_FOUND; any other error INTERNAL (logged without values).
class ExportJobRunner {
 public:
  ExportJobRunner(ExportJobStore& jobs, SnapshotStore& snapshots, const time::Clock& clock,
                  const domain::ExportSchedule& retention, int64_t chunk_bytes,
                  absl::Duration period, absl::Duration stall = absl::Minutes(5))
      : jobs_(jobs),
        snapshots_(snapshots),
        clock_(clock),
        retention_(retention),
        chunk_bytes_(chunk_bytes),
        stall_(stall),
        task_([this] { RunRound(); }, period) {}

  void Start() { task_.Start(); }
  void Stop() { task_.Stop(); }
  // One round now: the stalled jobs failed, the expired ones removed, then every queued job run.
  // Returns the jobs run (DONE or FAILED), or the store's error.
  absl::StatusOr<int> RunOnce();
  // The expiry alone (part of every round): the jobs expired now. Returns how many.
  absl::StatusOr<int> ExpireOnce();
  // When a job finishing now expires.
  absl::Time ExpiresAt() const;

 private:
  // RunOnce() for the periodic task: a store error is logged (no values) and the next round
  // tries again.
  void RunRound();
  void Run(const ExportJob& job);

  ExportJobStore& jobs_;
  SnapshotStore& snapshots_;
  const time::Clock& clock_;
  const domain::ExportSchedule& retention_;
  int64_t chunk_bytes_;
  absl::Duration stall_;
  concurrency::PeriodicTask task_;
};

}  // namespace ccms::reporting
