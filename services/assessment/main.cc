// ccms-assessment: wiring only. Configuration is read from CCMS_* variables (README.md,
// docs/assessment.md).

#include "common/log/log.h"
#include "common/policy/policy.h"
#include "common/server/main_support.h"
#include "common/server/service_host.h"
#include "common/time/calendar.h"
#include "services/assessment/assessment_service.h"
#include "services/assessment/instrument_catalog.h"
#include "services/assessment/maintenance.h"
#include "services/assessment/migrations.h"
#include "services/assessment/pg_assessment_store.h"
#include "services/assessment/records_client.h"
#include "services/assessment/records_consumer.h"

namespace {

const ccms::server::ServiceIdentity kIdentity = {
    .name = "assessment",
    .grpc_service = "ccms.assessment.v1.AssessmentService",
    .default_grpc_port = 50062,
    .default_metrics_port = 9462,
};

int Fail(const absl::Status& status) {
  return ccms::server::FailStartup("ccms-assessment", status);
}

}  // namespace

int main(int argc, char** argv) {
  ccms::server::MainFlags flags;
  if (auto exit_code = ccms::server::ParseMainFlags("ccms-assessment", argc, argv, &flags))
    return *exit_code;
  ccms::server::ServiceHost::BlockTerminationSignals();

  ccms::config::Env env;
  ccms::server::CommonConfig config = ccms::server::LoadCommonConfig(kIdentity, env);
  const std::string records_addr = env.Address("CCMS_RECORDS_ADDR", "");
  const std::string service_token = env.RequiredSecret("CCMS_SERVICE_TOKEN");
  ccms::grpc_util::RetryOptions retry;
  retry.attempt_timeout = env.Millis("CCMS_RECORDS_TIMEOUT_MS", 1000, 50, 60000);
  retry.max_attempts = static_cast<int>(env.Int("CCMS_RECORDS_ATTEMPTS", 3, 1, 10));
  const absl::Duration maintenance_period =
      env.Millis("CCMS_MAINTENANCE_PERIOD_MS", 60000, 100, 86400000);
  if (auto st = env.Finish(); !st.ok()) return Fail(st);

  auto catalog = ccms::assessment::InstrumentCatalog::Load(ccms::assessment::EmbeddedInstruments());
  if (!catalog.ok()) return Fail(catalog.status());
  auto doc = ccms::policy::PolicyDocument::Load();
  if (!doc.ok()) return Fail(doc.status());
  // The catalog keeps the weights as shipped; each assessment is scored with the weights of the
  // policy version in force on its day.
  auto policy = ccms::assessment::domain::LoadAssessmentPolicies(*doc, catalog->WeightKeys());
  if (!policy.ok()) return Fail(policy.status());

  // The system clock, or the test clock of CCMS_TEST_CLOCK_START (a test setting).
  const std::unique_ptr<ccms::time::Clock> service_clock = ccms::server::MakeServiceClock(config);
  const ccms::time::Clock& clock = *service_clock;
  auto host = ccms::server::ServiceHost::Create(kIdentity, config,
                                                ccms::assessment::PgAssessmentStore::Queries(),
                                                ccms::assessment::Migrations(), clock);
  if (!host.ok()) return Fail(host.status());
  ccms::assessment::PgAssessmentStore store((*host)->pool(), &(*host)->relay());
  if (auto st = store.RegisterInstruments(catalog->Fingerprints()); !st.ok()) return Fail(st);
  if (flags.migrate_only) {
    ccms::log::Info("migrations_done");
    return 0;
  }
  ccms::log::Info("policy_loaded", {{"policy_version",
                                     policy->InForce(ccms::time::ShanghaiDay(clock.Now())).version},
                                    {"versions", policy->Summary()},
                                    {"origin", doc->origin()}});

  ccms::assessment::GrpcRecordsClient records(records_addr, service_token, retry);
  ccms::assessment::AssessmentServiceImpl service(store, (*host)->executor(), *catalog, *policy,
                                                  records, clock);
  ccms::assessment::Maintenance maintenance(store, *policy, clock, (*host)->registry(),
                                            maintenance_period);
  service.OnCrisisChange([&maintenance] { maintenance.Nudge(); });
  ccms::assessment::RecordsEventHandler handler(store, *policy, clock);
  if (auto st =
          (*host)->AddConsumer(ccms::assessment::kConsumerGroup, {ccms::assessment::kRecordsTopic},
                               [&handler](pqxx::work& tx, const ccms::events::v1::Envelope& e) {
                                 return handler.Handle(tx, e);
                               });
      !st.ok()) {
    return Fail(st);
  }

  (*host)->AddService(&service, ccms::assessment::v1::AssessmentService::service_full_name());
  maintenance.Start();
  absl::Status run = (*host)->Run();
  maintenance.Stop();
  if (!run.ok()) return Fail(run);
  return 0;
}
