#include "services/reporting/export_jobs.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/time/calendar.h"
#include "services/reporting/export.h"

namespace ccms::reporting {

absl::Time ExportJobRunner::ExpiresAt() const {
  const absl::Time now = clock_.Now();
  return now + absl::Hours(24) * retention_.InForce(time::ShanghaiDay(now)).retention_days;
}

absl::StatusOr<int> ExportJobRunner::ExpireOnce() {
  auto expired = jobs_.Expire(clock_.Now());
  if (!expired.ok()) return expired.status();
  if (*expired > 0) log::Info("export_jobs_expired", {{"jobs", absl::StrCat(*expired)}});
  return expired;
}

absl::StatusOr<int> ExportJobRunner::RunOnce() {
  auto stalled = jobs_.FailStalled(stall_, ExpiresAt());
  if (!stalled.ok()) return stalled.status();
  if (*stalled > 0) log::Warn("export_jobs_interrupted", {{"jobs", absl::StrCat(*stalled)}});
  if (auto expired = ExpireOnce(); !expired.ok()) return expired.status();
  int ran = 0;
  while (true) {
    auto job = jobs_.ClaimNext();
    if (!job.ok()) return job.status();
    if (!job->has_value()) return ran;
    Run(**job);
    ++ran;
  }
}

void ExportJobRunner::RunRound() {
  if (auto ran = RunOnce(); !ran.ok()) {
    log::Warn("export_jobs_round_failed",
              {{"code", absl::StatusCodeToString(ran.status().code())}});
  }
}

void ExportJobRunner::Run(const ExportJob& job) {
  auto fail = [&](const std::string& failure, const absl::Status& why) {
    log::Warn("export_job_failed", {{"job_id", job.job_id},
                                    {"failure", failure},
                                    {"code", absl::StatusCodeToString(why.code())}});
    if (auto st = jobs_.Fail(job.job_id, failure, ExpiresAt()); !st.ok()) {
      log::Warn("export_job_fail_not_recorded", {{"job_id", job.job_id}});
    }
  };
  auto snapshot = snapshots_.Get(job.key, job.version);
  if (!snapshot.ok()) {
    fail(absl::IsNotFound(snapshot.status()) ? "NOT_FOUND" : "INTERNAL", snapshot.status());
    return;
  }
  const int64_t total = ExportRowCount(snapshot->content);
  if (auto st = jobs_.Progress(job.job_id, 0, total); !st.ok()) {
    fail("INTERNAL", st);
    return;
  }
  absl::Status progress_status;
  auto files = ExportFiles(snapshot->content, ExportStem(snapshot->content, snapshot->version),
                           job.format == "XLSX", [&](int64_t rows) {
                             if (progress_status.ok())
                               progress_status = jobs_.Progress(job.job_id, rows, total);
                           });
  if (!files.ok()) {
    fail("INTERNAL", files.status());
    return;
  }
  if (!progress_status.ok()) {
    fail("INTERNAL", progress_status);
    return;
  }
  if (auto st =
          jobs_.Finish(job.job_id, snapshot->checksum, total, *files, chunk_bytes_, ExpiresAt());
      !st.ok()) {
    fail("INTERNAL", st);
    return;
  }
  log::Info("export_job_done", {{"job_id", job.job_id}, {"rows", absl::StrCat(total)}});
}

}  // namespace ccms::reporting
