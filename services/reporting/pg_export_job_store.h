#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "services/reporting/export_job_store.h"

namespace ccms::reporting {

// Export jobs over PostgreSQL (migrations/V004__export_jobs.sql). Named prepared statements
// (Queries()).
class PgExportJobStore final : public ExportJobStore {
 public:
  explicit PgExportJobStore(db::ConnectionPool& pool) : pool_(pool) {}

  static std::vector<db::Query> Queries();

  absl::Status Queue(const ExportJob& job) override;
  absl::StatusOr<ExportJob> Get(const std::string& job_id, const std::set<std::string>& districts,
                                const std::string& office, absl::Time now) override;
  absl::StatusOr<ExportChunk> GetChunk(const std::string& job_id,
                                       const std::set<std::string>& districts,
                                       const std::string& office, absl::Time now, int file_index,
                                       int chunk_index) override;
  absl::StatusOr<std::optional<ExportJob>> ClaimNext() override;
  absl::Status Progress(const std::string& job_id, int64_t rows_done, int64_t rows_total) override;
  absl::Status Finish(const std::string& job_id, const std::string& checksum, int64_t rows,
                      const std::vector<ExportedFile>& files, int64_t chunk_bytes,
                      absl::Time expires_at) override;
  absl::Status Fail(const std::string& job_id, const std::string& failure,
                    absl::Time expires_at) override;
  absl::StatusOr<int> FailStalled(absl::Duration stall, absl::Time expires_at) override;
  absl::StatusOr<int> Expire(absl::Time now) override;

 private:
  db::ConnectionPool& pool_;
};

}  // namespace ccms::reporting
