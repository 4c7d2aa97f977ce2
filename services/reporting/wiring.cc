#include "services/reporting/wiring.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/migrations.h"

namespace ccms::reporting {
namespace internal {
std::string_view ShippedIndicatorsText();
std::string_view ShippedReportsText();
}  // namespace internal

namespace {

// The binary's name and default ports (the chart, the dev stack and docs/operations.md say the
// same; tests/deploy/consistency_test.sh checks it).
const server::ServiceIdentity kIdentity = {
    .name = "reporting",
    .grpc_service = "ccms.reporting.v1.ReportingService",
    .default_grpc_port = 50065,
    .default_metrics_port = 9465,
};

std::atomic<bool> rebuild_requested{false};

// `fallback`, or the text of the file named by setting `setting` when it names one.
absl::StatusOr<std::string> DefinitionsText(std::string_view fallback, const std::string& file,
                                            const char* setting) {
  if (file.empty()) return std::string(fallback);
  std::ifstream in(file);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(setting, ": the file cannot be read"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<db::Query> Queries() {
  std::vector<db::Query> out = PgReportingStore::Queries();
  for (const auto& q : PgSnapshotStore::Queries()) out.push_back(q);
  for (const auto& q : PgWorklistStore::Queries()) out.push_back(q);
  for (const auto& q : PgExportJobStore::Queries()) out.push_back(q);
  return out;
}

}  // namespace

std::string_view ShippedIndicators() { return internal::ShippedIndicatorsText(); }
std::string_view ShippedReports() { return internal::ShippedReportsText(); }

void RequestRebuild() { rebuild_requested = true; }

std::string ConsumerGroup(int generation) {
  return absl::StrCat(kConsumerGroupStem, "-g", generation);
}

void ReportingWiring::Configure(config::Env& env) {
  indicators_file_ = env.String("CCMS_REPORTING_INDICATORS_FILE", "");
  reports_file_ = env.String("CCMS_REPORTING_REPORTS_FILE", "");
  minor_threshold_ = static_cast<int>(env.Int("CCMS_REPORTING_MINOR_THRESHOLD", 5, 2, 100));
  gauge_refresh_seconds_ =
      static_cast<int>(env.Int("CCMS_REPORTING_GAUGE_REFRESH_SECONDS", 60, 5, 3600));
  export_chunk_bytes_ = env.Int("CCMS_REPORTING_EXPORT_CHUNK_BYTES", 1 << 20, 64, 3 << 20);
  catch_up_.enabled = env.Bool("CCMS_REPORTING_CATCH_UP", true);
  catch_up_.enter_behind =
      absl::Seconds(env.Int("CCMS_REPORTING_CATCH_UP_BEHIND_SECONDS", 3600, 0, 365 * 86400));
  catch_up_.chunk = static_cast<int>(env.Int("CCMS_REPORTING_CATCH_UP_CHUNK", 5000, 1, 100000));
  catch_up_.short_batches_to_end =
      static_cast<int>(env.Int("CCMS_REPORTING_CATCH_UP_SHORT_BATCHES", 3, 1, 1000));
  catch_up_idle_seconds_ =
      static_cast<int>(env.Int("CCMS_REPORTING_CATCH_UP_IDLE_SECONDS", 10, 1, 3600));
  catch_up_.catch_up_batch =
      static_cast<int>(env.Int("CCMS_REPORTING_CATCH_UP_BATCH", 2000, 1, 10000));
  // The closed cases built beside the batches: chunks no larger than the end's.
  catch_up_.early_chunk = std::min(catch_up_.chunk, 1000);
}

absl::Status ReportingWiring::Prepare(const policy::PolicyDocument& policy) {
  auto contacts = domain::LoadContactSchedule(policy);
  if (!contacts.ok()) return contacts.status();
  contacts_ = std::make_unique<domain::ContactSchedule>(*std::move(contacts));
  auto export_rules = domain::LoadExportSchedule(policy);
  if (!export_rules.ok()) return export_rules.status();
  export_rules_ = std::make_unique<domain::ExportSchedule>(*std::move(export_rules));
  auto text =
      DefinitionsText(ShippedIndicators(), indicators_file_, "CCMS_REPORTING_INDICATORS_FILE");
  if (!text.ok()) return text.status();
  auto defs = domain::ParseIndicatorDefs(*text);
  if (!defs.ok()) return defs.status();
  defs_ = std::make_unique<domain::IndicatorDefs>(*std::move(defs));
  auto reports_text =
      DefinitionsText(ShippedReports(), reports_file_, "CCMS_REPORTING_REPORTS_FILE");
  if (!reports_text.ok()) return reports_text.status();
  auto reports = domain::ParseReportDefs(*reports_text, *defs_);
  if (!reports.ok()) return reports.status();
  reports_ = std::make_unique<domain::ReportDefs>(*std::move(reports));
  return absl::OkStatus();
}

absl::Status ReportingWiring::AfterMigrations(server::ServiceHost& host) {
  store_ = std::make_unique<PgReportingStore>(host.pool());
  snapshots_ = std::make_unique<PgSnapshotStore>(host.pool());
  if (rebuild_requested.exchange(false)) {
    auto generation = store_->ResetProjections();
    if (!generation.ok()) return generation.status();
    log::Info("projections_reset", {{"generation", absl::StrCat(*generation)}});
  }
  auto generation = store_->Generation();
  if (!generation.ok()) return generation.status();
  generation_ = *generation;
  return absl::OkStatus();
}

absl::Status ReportingWiring::Build(server::ServiceHost& host) {
  log::Info("indicators_loaded",
            {{"definitions_version", defs_->version},
             {"indicators", absl::StrCat(defs_->indicators.size())},
             {"origin", indicators_file_.empty() ? "built-in" : "CCMS_REPORTING_INDICATORS_FILE"},
             {"reports_version", reports_->version},
             {"reports", absl::StrCat(reports_->reports.size())},
             {"generation", absl::StrCat(generation_)}});
  worklists_ = std::make_unique<PgWorklistStore>(host.pool(), *contacts_);
  jobs_ = std::make_unique<PgExportJobStore>(host.pool());
  service_ = std::make_unique<ReportServiceImpl>(
      *store_, *snapshots_, *worklists_, *jobs_, host.executor(), *defs_, *reports_,
      minor_threshold_, ConsumerGroup(generation_), host.clock());
  background_store_ = std::make_unique<PgReportingStore>(host.background_pool());
  background_worklists_ = std::make_unique<PgWorklistStore>(host.background_pool(), *contacts_);
  catch_up_.max_batch = host.config().consumer_max_batch;
  consumer_ = std::make_unique<ProjectionConsumer>(*background_store_, *background_worklists_,
                                                   host.pool(), catch_up_);
  gauges_ = std::make_unique<ReportingGauges>(*background_worklists_, host.registry(), host.clock(),
                                              absl::Seconds(gauge_refresh_seconds_));
  background_jobs_ = std::make_unique<PgExportJobStore>(host.background_pool());
  background_snapshots_ = std::make_unique<PgSnapshotStore>(host.background_pool());
  export_jobs_ =
      std::make_unique<ExportJobRunner>(*background_jobs_, *background_snapshots_, host.clock(),
                                        *export_rules_, export_chunk_bytes_, absl::Seconds(1));
  if (auto st = host.AddBatchConsumer(
          ConsumerGroup(generation_),
          {kRecordsTopic, kAssessmentTopic, kEducationTopic, kEmploymentTopic},
          [this](pqxx::work& tx, const std::vector<const events::v1::Envelope*>& events) {
            return consumer_->HandleBatch(tx, events);
          });
      !st.ok()) {
    return st;
  }
  // The projection consumer is the host's only one: larger batches while catching up, and the
  // idle rule counts from its partition assignment.
  inbox_consumer_ = &host.consumer(0);
  consumer_->SetBatchSizer([inbox = inbox_consumer_](int n) { inbox->set_max_batch(n); });
  host.AddService(service_.get(), v1::ReportingService::service_full_name());
  return absl::OkStatus();
}

void ReportingWiring::StartBackground() {
  gauges_->Start();
  export_jobs_->Start();
  // While catching up: the closed cases built beside the consumer's batches; and catch-up's end
  // when no short batch came to end it (the topics ended on a full batch, or nothing was left to
  // read after a restart): the consumer idle for a while, counted from its partition assignment
  // or its last batch, whichever is later. Not from the start: after a kill -9 the group's join
  // waits for the dead member's session to expire, and the mode must not end before the first
  // batch; while no partition is assigned, nothing is idle.
  stopping_ = false;
  catch_up_finisher_ = std::thread([this] {
    const absl::Duration idle = absl::Seconds(catch_up_idle_seconds_);
    absl::Duration nap = absl::Seconds(1);
    while (!stopping_) {
      absl::SleepFor(nap);
      if (stopping_) break;
      auto active = store_->CatchingUp();
      // Every second while not catching up; more often while the closed cases come in.
      nap = active.ok() && *active ? absl::Milliseconds(250) : absl::Seconds(1);
      if (!active.ok() || !*active) continue;
      const absl::Time since = std::max(inbox_consumer_->assigned_since(), consumer_->last_batch());
      if (since == absl::InfiniteFuture() || absl::Now() - since < idle) {
        if (auto built = consumer_->BuildClosed(); !built.ok()) {
          log::Warn("projections_catch_up_failed", {{"error", built.status().message()}});
        }
        continue;
      }
      if (auto built = consumer_->FinishCatchUp(); !built.ok()) {
        log::Warn("projections_catch_up_failed", {{"error", built.status().message()}});
      }
    }
  });
}

void ReportingWiring::StopBackground() {
  stopping_ = true;
  if (catch_up_finisher_.joinable()) catch_up_finisher_.join();
  export_jobs_->Stop();
  gauges_->Stop();
}

server::ServiceDefinition Definition() {
  return {.identity = kIdentity, .migrations = &Migrations, .queries = &Queries, .make = [] {
            return std::unique_ptr<server::Service>(new ReportingWiring());
          }};
}

}  // namespace ccms::reporting
