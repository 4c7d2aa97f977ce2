#include "services/reporting/pg_export_job_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/time/calendar.h"

namespace ccms::reporting {
namespace {

using db::Name;

constexpr db::Query kQueueJob = {
    "reporting_queue_export_job",
    "INSERT INTO export_job (job_id, report_id, scope, period_start, version, format, state,"
    " requested_by, office_id) VALUES ($1, $2, $3, $4::date, $5, $6, 'QUEUED', $7, $8)"};
// The job if its scope is in $2 (a comma-separated list; '' = every scope, the city's too) and,
// when $3 is set, its office is $3 (office staff of one office).
constexpr db::Query kGetJob = {
    "reporting_get_export_job",
    "SELECT job_id, report_id, scope, period_start::text, version, format, state, rows_done,"
    " rows_total, checksum, failure, requested_by,"
    " (extract(epoch FROM created_at) * 1000000)::bigint,"
    " (extract(epoch FROM finished_at) * 1000000)::bigint, office_id,"
    " (extract(epoch FROM expires_at) * 1000000)::bigint FROM export_job"
    " WHERE job_id = $1 AND ($2 = '' OR scope = ANY(string_to_array($2, ',')))"
    " AND ($3 = '' OR office_id = $3)"};
constexpr db::Query kJobFiles = {
    "reporting_export_job_files",
    "SELECT name, media_type, size_bytes, chunk_count FROM export_job_file WHERE job_id = $1"
    " ORDER BY ord"};
// The $2-th file (by ord) of job $1 and its chunk $3 (NULL content when the chunk is past the
// last).
constexpr db::Query kJobChunk = {
    "reporting_export_job_chunk",
    "SELECT f.name, f.chunk_count, c.content FROM export_job_file f LEFT JOIN export_job_chunk c"
    " ON c.job_id = f.job_id AND c.ord = f.ord AND c.chunk = $3"
    " WHERE f.job_id = $1 ORDER BY f.ord OFFSET $2 LIMIT 1"};
constexpr db::Query kClaimJob = {
    "reporting_claim_export_job",
    "UPDATE export_job SET state = 'RUNNING', heartbeat_at = now() WHERE job_id = ("
    " SELECT job_id FROM export_job WHERE state = 'QUEUED' ORDER BY created_at, job_id"
    " FOR UPDATE SKIP LOCKED LIMIT 1)"
    " RETURNING job_id, report_id, scope, period_start::text, version, format, state, rows_done,"
    " rows_total, checksum, failure, requested_by,"
    " (extract(epoch FROM created_at) * 1000000)::bigint, NULL::bigint, office_id, NULL::bigint"};
constexpr db::Query kProgress = {
    "reporting_export_job_progress",
    "UPDATE export_job SET rows_done = $2, rows_total = $3, heartbeat_at = now()"
    " WHERE job_id = $1 AND state = 'RUNNING'"};
constexpr db::Query kAddFile = {
    "reporting_export_job_add_file",
    "INSERT INTO export_job_file (job_id, ord, name, media_type, size_bytes, chunk_count)"
    " VALUES ($1, $2, $3, $4, $5, $6)"};
constexpr db::Query kAddChunk = {
    "reporting_export_job_add_chunk",
    "INSERT INTO export_job_chunk (job_id, ord, chunk, content) VALUES ($1, $2, $3, $4)"};
constexpr db::Query kFinish = {
    "reporting_export_job_finish",
    "UPDATE export_job SET state = 'DONE', checksum = $2, rows_done = $3, rows_total = $3,"
    " heartbeat_at = now(), finished_at = now(),"
    " expires_at = to_timestamp($4::double precision / 1000000)"
    " WHERE job_id = $1 AND state = 'RUNNING'"};
constexpr db::Query kFail = {
    "reporting_export_job_fail",
    "UPDATE export_job SET state = 'FAILED', failure = $2, finished_at = now(),"
    " expires_at = to_timestamp($3::double precision / 1000000)"
    " WHERE job_id = $1 AND state IN ('QUEUED', 'RUNNING')"};
constexpr db::Query kFailStalled = {
    "reporting_export_job_fail_stalled",
    "UPDATE export_job SET state = 'FAILED', failure = 'INTERRUPTED', finished_at = now(),"
    " expires_at = to_timestamp($2::double precision / 1000000)"
    " WHERE state = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => $1)"};
// Expiry (the worker's round): the files of the jobs expired by $1 (their chunks cascade), then
// the jobs marked.
constexpr db::Query kExpireFiles = {
    "reporting_export_job_expire_files",
    "DELETE FROM export_job_file f USING export_job j WHERE f.job_id = j.job_id"
    " AND j.expired_at IS NULL AND j.expires_at <= to_timestamp($1::double precision / 1000000)"};
constexpr db::Query kExpireJobs = {
    "reporting_export_job_expire",
    "UPDATE export_job SET expired_at = to_timestamp($1::double precision / 1000000)"
    " WHERE expired_at IS NULL AND expires_at <= to_timestamp($1::double precision / 1000000)"};

ExportJob JobAt(const pqxx::row& r) {
  ExportJob j;
  j.job_id = r[0].as<std::string>();
  j.key.report_id = r[1].as<std::string>();
  j.key.scope = r[2].as<std::string>();
  j.key.period_start = time::ParseDate(r[3].as<std::string>()).value_or(absl::CivilDay());
  j.version = r[4].as<int>();
  j.format = r[5].as<std::string>();
  j.state = r[6].as<std::string>();
  j.rows_done = r[7].as<int64_t>();
  j.rows_total = r[8].as<int64_t>();
  j.checksum = r[9].as<std::string>();
  j.failure = r[10].as<std::string>();
  j.requested_by = r[11].as<std::string>();
  j.created_at = absl::FromUnixMicros(r[12].as<int64_t>());
  if (!r[13].is_null()) j.finished_at = absl::FromUnixMicros(r[13].as<int64_t>());
  j.key.office_id = r[14].as<std::string>();
  if (!r[15].is_null()) j.expires_at = absl::FromUnixMicros(r[15].as<int64_t>());
  return j;
}

// NOT_FOUND naming the expiry when the job has expired by `now`.
absl::Status CheckNotExpired(const ExportJob& job, absl::Time now) {
  if (job.expires_at.has_value() && *job.expires_at <= now) {
    return absl::NotFoundError(
        absl::StrCat("the export job expired at ",
                     absl::FormatTime(absl::RFC3339_sec, *job.expires_at, absl::UTCTimeZone()),
                     " (policy reporting.export.retention_days)"));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<db::Query> PgExportJobStore::Queries() {
  return {kQueueJob, kGetJob, kJobFiles, kJobChunk,    kClaimJob,    kProgress,  kAddFile,
          kAddChunk, kFinish, kFail,     kFailStalled, kExpireFiles, kExpireJobs};
}

absl::Status PgExportJobStore::Queue(const ExportJob& job) {
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared0(Name(kQueueJob), job.job_id, job.key.report_id, job.key.scope,
                      time::FormatDate(job.key.period_start), job.version, job.format,
                      job.requested_by, job.key.office_id);
    return absl::OkStatus();
  });
}

absl::StatusOr<ExportJob> PgExportJobStore::Get(const std::string& job_id,
                                                const std::set<std::string>& districts,
                                                const std::string& office, absl::Time now) {
  ExportJob job;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const pqxx::result r =
        tx.exec_prepared(Name(kGetJob), job_id, absl::StrJoin(districts, ","), office);
    if (r.empty()) return absl::NotFoundError("no such export job");
    job = JobAt(r[0]);
    if (auto expired = CheckNotExpired(job, now); !expired.ok()) return expired;
    if (job.state == "DONE") {
      for (const auto& f : tx.exec_prepared(Name(kJobFiles), job_id)) {
        job.files.push_back(
            {f[0].as<std::string>(), f[1].as<std::string>(), f[2].as<int64_t>(), f[3].as<int>()});
      }
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return job;
}

absl::StatusOr<ExportChunk> PgExportJobStore::GetChunk(const std::string& job_id,
                                                       const std::set<std::string>& districts,
                                                       const std::string& office, absl::Time now,
                                                       int file_index, int chunk_index) {
  ExportChunk chunk;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const pqxx::result r =
        tx.exec_prepared(Name(kGetJob), job_id, absl::StrJoin(districts, ","), office);
    if (r.empty()) return absl::NotFoundError("no such export job");
    const ExportJob job = JobAt(r[0]);
    if (auto expired = CheckNotExpired(job, now); !expired.ok()) return expired;
    if (job.state != "DONE") {
      return absl::FailedPreconditionError("the export job is not done (GetExportJob)");
    }
    const pqxx::result c = tx.exec_prepared(Name(kJobChunk), job_id, file_index, chunk_index);
    if (c.empty()) return absl::OutOfRangeError("file_index is past the job's last file");
    if (c[0][2].is_null())
      return absl::OutOfRangeError("chunk_index is past the file's last chunk");
    chunk.name = c[0][0].as<std::string>();
    chunk.chunk_count = c[0][1].as<int>();
    chunk.content = pqxx::binarystring(c[0][2]).str();
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return chunk;
}

absl::StatusOr<std::optional<ExportJob>> PgExportJobStore::ClaimNext() {
  std::optional<ExportJob> job;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const pqxx::result r = tx.exec_prepared(Name(kClaimJob));
    if (!r.empty()) job = JobAt(r[0]);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return job;
}

absl::Status PgExportJobStore::Progress(const std::string& job_id, int64_t rows_done,
                                        int64_t rows_total) {
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared0(Name(kProgress), job_id, rows_done, rows_total);
    return absl::OkStatus();
  });
}

absl::Status PgExportJobStore::Finish(const std::string& job_id, const std::string& checksum,
                                      int64_t rows, const std::vector<ExportedFile>& files,
                                      int64_t chunk_bytes, absl::Time expires_at) {
  if (chunk_bytes < 1) return absl::InvalidArgumentError("chunk_bytes must be positive");
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const pqxx::result done =
        tx.exec_prepared(Name(kFinish), job_id, checksum, rows, absl::ToUnixMicros(expires_at));
    if (done.affected_rows() == 0) return absl::FailedPreconditionError("the job is not running");
    int ord = 0;
    for (const auto& f : files) {
      const int64_t size = static_cast<int64_t>(f.content.size());
      const int chunks = size == 0 ? 1 : static_cast<int>((size + chunk_bytes - 1) / chunk_bytes);
      tx.exec_prepared0(Name(kAddFile), job_id, ord, f.name, f.media_type, size, chunks);
      for (int c = 0; c < chunks; ++c) {
        const std::string part = f.content.substr(static_cast<size_t>(c * chunk_bytes),
                                                  static_cast<size_t>(chunk_bytes));
        tx.exec_prepared0(Name(kAddChunk), job_id, ord, c, pqxx::binarystring(part));
      }
      ++ord;
    }
    return absl::OkStatus();
  });
}

absl::Status PgExportJobStore::Fail(const std::string& job_id, const std::string& failure,
                                    absl::Time expires_at) {
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared0(Name(kFail), job_id, failure, absl::ToUnixMicros(expires_at));
    return absl::OkStatus();
  });
}

absl::StatusOr<int> PgExportJobStore::FailStalled(absl::Duration stall, absl::Time expires_at) {
  int failed = 0;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    failed = static_cast<int>(tx.exec_prepared(Name(kFailStalled), absl::ToDoubleSeconds(stall),
                                               absl::ToUnixMicros(expires_at))
                                  .affected_rows());
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return failed;
}

absl::StatusOr<int> PgExportJobStore::Expire(absl::Time now) {
  int expired = 0;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared0(Name(kExpireFiles), absl::ToUnixMicros(now));
    expired = static_cast<int>(
        tx.exec_prepared(Name(kExpireJobs), absl::ToUnixMicros(now)).affected_rows());
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return expired;
}

}  // namespace ccms::reporting
