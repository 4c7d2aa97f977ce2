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

// A DONE job's file as GetExportJob lists it: its bytes are in chunks (GetChunk).
struct ExportJobFile {
  std::string name;
  std::string media_type;
  int64_t size_bytes = 0;
  int chunk_count = 0;
};

// One chunk of a job's file.
struct ExportChunk {
  std::string name;  // the file's
  int chunk_count = 0;
  std::string content;
};

// An export job (migrations/V004__export_jobs.sql, V008; docs/reporting.md, "Exports").
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
  std::optional<absl::Time> expires_at;  // set when it finished
  std::vector<ExportJobFile> files;      // DONE only
};

// What the export handlers and the job worker read and write. Inside a command (StartExport)
// Queue joins the command's transaction.
class ExportJobStore {
 public:
  virtual ~ExportJobStore() = default;
  // Queues `job` (job_id, key with its office, version, format, requested_by).
  virtual absl::Status Queue(const ExportJob& job) = 0;
  // The job, with its files (names, sizes, chunk counts) when DONE, if its scope is one of
  // `districts` (empty: every scope, the city's included) and, when `office` is set, its office is
  // that one; NOT_FOUND otherwise, in the SQL. A job whose expires_at is not after `now` is
  // NOT_FOUND naming the instant it expired.
  virtual absl::StatusOr<ExportJob> Get(const std::string& job_id,
                                        const std::set<std::string>& districts,
                                        const std::string& office, absl::Time now) = 0;
  // One chunk of a DONE job's file, scoped and expiring as Get; FAILED_PRECONDITION when the job
  // is not DONE, OUT_OF_RANGE when the file or the chunk is past the last.
  virtual absl::StatusOr<ExportChunk> GetChunk(const std::string& job_id,
                                               const std::set<std::string>& districts,
                                               const std::string& office, absl::Time now,
                                               int file_index, int chunk_index) = 0;
  // Claims the oldest queued job (RUNNING), or nullopt when none waits. Replicas skip each
  // other's claims.
  virtual absl::StatusOr<std::optional<ExportJob>> ClaimNext() = 0;
  // A running job's progress (and its heartbeat).
  virtual absl::Status Progress(const std::string& job_id, int64_t rows_done,
                                int64_t rows_total) = 0;
  // A running job done: its files, each cut into chunks of at most `chunk_bytes`, checksum and
  // rows; state DONE, expiring at `expires_at`.
  virtual absl::Status Finish(const std::string& job_id, const std::string& checksum, int64_t rows,
                              const std::vector<ExportedFile>& files, int64_t chunk_bytes,
                              absl::Time expires_at) = 0;
  // A job failed with the reason code `failure`, expiring at `expires_at`.
  virtual absl::Status Fail(const std::string& job_id, const std::string& failure,
                            absl::Time expires_at) = 0;
  // Running jobs without progress for `stall` (their replica stopped): FAILED, INTERRUPTED,
  // expiring at `expires_at`. Returns how many.
  virtual absl::StatusOr<int> FailStalled(absl::Duration stall, absl::Time expires_at) = 0;
  // Finished jobs whose expires_at is not after `now`: their files and chunks removed, the row
  // kept (expired_at) so that a fetch names the expiry. Returns how many jobs expired.
  virtual absl::StatusOr<int> Expire(absl::Time now) = 0;
};

}  // namespace ccms::reporting
