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
    " requested_by) VALUES ($1, $2, $3, $4::date, $5, $6, 'QUEUED', $7)"};
// The job if its scope is in $2 (a comma-separated list; '' = every scope, the city's too).
constexpr db::Query kGetJob = {
    "reporting_get_export_job",
    "SELECT job_id, report_id, scope, period_start::text, version, format, state, rows_done,"
    " rows_total, checksum, failure, requested_by,"
    " (extract(epoch FROM created_at) * 1000000)::bigint,"
    " (extract(epoch FROM finished_at) * 1000000)::bigint FROM export_job"
    " WHERE job_id = $1 AND ($2 = '' OR scope = ANY(string_to_array($2, ',')))"};
constexpr db::Query kJobFiles = {
    "reporting_export_job_files",
    "SELECT name, media_type, content FROM export_job_file WHERE job_id = $1 ORDER BY ord"};
constexpr db::Query kClaimJob = {
    "reporting_claim_export_job",
    "UPDATE export_job SET state = 'RUNNING', heartbeat_at = now() WHERE job_id = ("
    " SELECT job_id FROM export_job WHERE state = 'QUEUED' ORDER BY created_at, job_id"
    " FOR UPDATE SKIP LOCKED LIMIT 1)"
    " RETURNING job_id, report_id, scope, period_start::text, version, format, state, rows_done,"
    " rows_total, checksum, failure, requested_by,"
    " (extract(epoch FROM created_at) * 1000000)::bigint, NULL::bigint"};
constexpr db::Query kProgress = {
    "reporting_export_job_progress",
    "UPDATE export_job SET rows_done = $2, rows_total = $3, heartbeat_at = now()"
    " WHERE job_id = $1 AND state = 'RUNNING'"};
constexpr db::Query kAddFile = {
    "reporting_export_job_add_file",
    "INSERT INTO export_job_file (job_id, ord, name, media_type, content)"
    " VALUES ($1, $2, $3, $4, $5)"};
constexpr db::Query kFinish = {
    "reporting_export_job_finish",
    "UPDATE export_job SET state = 'DONE', checksum = $2, rows_done = $3, rows_total = $3,"
    " heartbeat_at = now(), finished_at = now() WHERE job_id = $1 AND state = 'RUNNING'"};
constexpr db::Query kFail = {
    "reporting_export_job_fail",
    "UPDATE export_job SET state = 'FAILED', failure = $2, finished_at = now()"
    " WHERE job_id = $1 AND state IN ('QUEUED', 'RUNNING')"};
constexpr db::Query kFailStalled = {
    "reporting_export_job_fail_stalled",
    "UPDATE export_job SET state = 'FAILED', failure = 'INTERRUPTED', finished_at = now()"
    " WHERE state = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => $1)"};

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
  return j;
}

}  // namespace

std::vector<db::Query> PgExportJobStore::Queries() {
  return {kQueueJob, kGetJob, kJobFiles, kClaimJob,   kProgress,
          kAddFile,  kFinish, kFail,     kFailStalled};
}

absl::Status PgExportJobStore::Queue(const ExportJob& job) {
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared0(Name(kQueueJob), job.job_id, job.key.report_id, job.key.scope,
                      time::FormatDate(job.key.period_start), job.version, job.format,
                      job.requested_by);
    return absl::OkStatus();
  });
}

absl::StatusOr<ExportJob> PgExportJobStore::Get(const std::string& job_id,
                                                const std::set<std::string>& districts) {
  ExportJob job;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const pqxx::result r = tx.exec_prepared(Name(kGetJob), job_id, absl::StrJoin(districts, ","));
    if (r.empty()) return absl::NotFoundError("no such export job");
    job = JobAt(r[0]);
    if (job.state == "DONE") {
      for (const auto& f : tx.exec_prepared(Name(kJobFiles), job_id)) {
        job.files.push_back(
            {f[0].as<std::string>(), f[1].as<std::string>(), pqxx::binarystring(f[2]).str()});
      }
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return job;
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
                                      int64_t rows, const std::vector<ExportedFile>& files) {
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const pqxx::result done = tx.exec_prepared(Name(kFinish), job_id, checksum, rows);
    if (done.affected_rows() == 0) return absl::FailedPreconditionError("the job is not running");
    int ord = 0;
    for (const auto& f : files) {
      tx.exec_prepared0(Name(kAddFile), job_id, ord++, f.name, f.media_type,
                        pqxx::binarystring(f.content));
    }
    return absl::OkStatus();
  });
}

absl::Status PgExportJobStore::Fail(const std::string& job_id, const std::string& failure) {
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared0(Name(kFail), job_id, failure);
    return absl::OkStatus();
  });
}

absl::StatusOr<int> PgExportJobStore::FailStalled(absl::Duration stall) {
  int failed = 0;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    failed = static_cast<int>(
        tx.exec_prepared(Name(kFailStalled), absl::ToDoubleSeconds(stall)).affected_rows());
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return failed;
}

}  // namespace ccms::reporting
