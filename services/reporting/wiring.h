#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "common/kafka/inbox_consumer.h"
#include "common/server/service_main.h"
#include "services/reporting/consumer.h"
#include "services/reporting/domain/indicators.h"
#include "services/reporting/domain/reports.h"
#include "services/reporting/domain/worklist.h"
#include "services/reporting/export_jobs.h"
#include "services/reporting/gauges.h"
#include "services/reporting/pg_export_job_store.h"
#include "services/reporting/pg_reporting_store.h"
#include "services/reporting/pg_snapshot_store.h"
#include "services/reporting/pg_worklist_store.h"
#include "services/reporting/report_service.h"

namespace ccms::reporting {

// The definitions shipped with the binary (services/reporting/indicators.yaml and reports.yaml,
// compiled in).
std::string_view ShippedIndicators();
std::string_view ShippedReports();

// `ccms-reporting --rebuild` (main.cc): the next start empties the projections and reads the
// topics again from the beginning under a new consumer group (docs/reporting.md).
void RequestRebuild();

// ccms-reporting as the kit runs it (server::ServiceMain, tests/support/service_harness.h):
// settings CCMS_REPORTING_INDICATORS_FILE, CCMS_REPORTING_REPORTS_FILE,
// CCMS_REPORTING_MINOR_THRESHOLD and CCMS_REPORTING_GAUGE_REFRESH_SECONDS; the indicator and
// report definitions, the stores, the report, snapshot and worklist handlers, the projection
// consumer on ccms.records.v1, ccms.assessment.v1, ccms.education.v1 and ccms.employment.v1
// (group ccms-reporting-g<generation>) and, as background work, the gauges and the export jobs.
class ReportingWiring final : public server::Service {
 public:
  void Configure(config::Env& env) override;
  absl::Status Prepare(const policy::PolicyDocument& policy) override;
  absl::Status AfterMigrations(server::ServiceHost& host) override;
  absl::Status Build(server::ServiceHost& host) override;
  void StartBackground() override;
  void StopBackground() override;

  PgReportingStore& store() { return *store_; }
  ProjectionConsumer& consumer() { return *consumer_; }
  const domain::IndicatorDefs& definitions() const { return *defs_; }
  const domain::ReportDefs& reports() const { return *reports_; }
  int generation() const { return generation_; }
  int minor_threshold() const { return minor_threshold_; }
  PgWorklistStore& worklists() { return *worklists_; }
  ReportingGauges& gauges() { return *gauges_; }
  // The export jobs' worker (background work; tests run a round with RunOnce()).
  ExportJobRunner& export_jobs() { return *export_jobs_; }

 private:
  std::string indicators_file_;
  std::string reports_file_;
  int minor_threshold_ = 5;
  int gauge_refresh_seconds_ = 60;
  // An export job's files are kept in chunks of at most this many bytes
  // (CCMS_REPORTING_EXPORT_CHUNK_BYTES, 64 bytes to 3 MiB; default 1 MiB, under gRPC's 4 MiB).
  int64_t export_chunk_bytes_ = 1 << 20;
  // Catch-up mode (consumer.h; docs/reporting.md "Catch-up"): CCMS_REPORTING_CATCH_UP (on by
  // default), CCMS_REPORTING_CATCH_UP_BEHIND_SECONDS (3600; 0: only --rebuild starts it),
  // CCMS_REPORTING_CATCH_UP_CHUNK (5,000 cases a transaction at the end),
  // CCMS_REPORTING_CATCH_UP_SHORT_BATCHES (3 short batches in a row end it),
  // CCMS_REPORTING_CATCH_UP_IDLE_SECONDS (10: the consumer idle that long, counted from its
  // partition assignment or last batch, ends it) and CCMS_REPORTING_CATCH_UP_BATCH (2,000: the
  // consumer's largest batch meanwhile).
  ProjectionConsumer::CatchUpOptions catch_up_;
  kafka::InboxConsumer* inbox_consumer_ = nullptr;  // the host's, set by Build
  int catch_up_idle_seconds_ = 10;
  std::thread catch_up_finisher_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<domain::ContactSchedule> contacts_;
  std::unique_ptr<domain::ExportSchedule> export_rules_;
  std::unique_ptr<domain::IndicatorDefs> defs_;
  std::unique_ptr<domain::ReportDefs> reports_;
  std::unique_ptr<PgReportingStore> store_;
  std::unique_ptr<PgSnapshotStore> snapshots_;
  std::unique_ptr<PgReportingStore> background_store_;
  std::unique_ptr<PgWorklistStore> worklists_;
  std::unique_ptr<PgWorklistStore> background_worklists_;
  std::unique_ptr<ReportingGauges> gauges_;
  std::unique_ptr<PgExportJobStore> jobs_;
  std::unique_ptr<PgExportJobStore> background_jobs_;
  std::unique_ptr<PgSnapshotStore> background_snapshots_;
  std::unique_ptr<ExportJobRunner> export_jobs_;
  std::unique_ptr<ProjectionConsumer> consumer_;
  std::unique_ptr<ReportServiceImpl> service_;
  int generation_ = 0;
};

// The consumer group of a generation: "ccms-reporting-g<generation>".
std::string ConsumerGroup(int generation);

server::ServiceDefinition Definition();

}  // namespace ccms::reporting
