#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/reporting/export.h"
#include "services/reporting/snapshot_store.h"

namespace ccms::reporting {

// An export job (migrations/V004__export_jobs.sql; docs/reporting.md, "Exports").
struct ExportJob {
  std::string job_id;
  SnapshotKey key;
  int version = 0;
  std::string format;  // "CSV" or "XLSX"
  std::string state;   // "QUEUED", "RUNNING", "DONE", "FAILED"
  int64_t rows_done = 0;
  int64_t rows_total = 0;
  std::string checksum;
  std::string failure;
  std::string requested_by;
  absl::Time created_at;
  std::optional<absl::Time> finished_at;
  std::vector<ExportedFile> files;  // DONE only
};

// What the export handlers and the job worker read and write. Inside a command (StartExport)
// Queue joins the command's transaction.
class ExportJobStore {
 public:
  virtual ~ExportJobStore() = default;
  // Queues `job` (job_id, key, version, format, requested_by).
  virtual absl::Status Queue(const ExportJob& job) = 0;
  // The job, with its files when DONE, if its scope is one of `districts` (empty: every scope,
  // the city's included); NOT_FOUND otherwise, in the SQL.
  virtual absl::StatusOr<ExportJob> Get(const std::string& job_id,
                                        const std::set<std::string>& districts) = 0;
  // Claims the oldest queued job (RUNNING), or nullopt when none waits. Replicas skip each
  // other's claims.
  virtual absl::StatusOr<std::optional<ExportJob>> ClaimNext() = 0;
  // A running job's progress (and its heartbeat).
  virtual absl::Status Progress(const std::string& job_id, int64_t rows_done,
                                int64_t rows_total) = 0;
  // A running job done: its files, checksum and rows; state DONE.
  virtual absl::Status Finish(const std::string& job_id, const std::string& checksum, int64_t rows,
                              const std::vector<ExportedFile>& files) = 0;
  // A job failed with the reason code `failure`.
  virtual absl::Status Fail(const std::string& job_id, const std::string& failure) = 0;
  // Running jobs without progress for `stall` (their replica stopped): FAILED, INTERRUPTED.
  // Returns how many.
  virtual absl::StatusOr<int> FailStalled(absl::Duration stall) = 0;
};

}  // namespace ccms::reporting
