// ccms-records: wiring only. Configuration is read from CCMS_* variables (docs/operations.md).

#include "common/concurrency/periodic_task.h"
#include "common/crypto/pii_cipher.h"
#include "common/log/log.h"
#include "common/policy/policy.h"
#include "common/server/main_support.h"
#include "common/server/service_host.h"
#include "common/time/calendar.h"
#include "services/records/case_metrics.h"
#include "services/records/consumer.h"
#include "services/records/migrations.h"
#include "services/records/pg_records_store.h"
#include "services/records/records_service.h"

namespace {

const ccms::server::ServiceIdentity kIdentity = {
    .name = "records",
    .grpc_service = "ccms.records.v1.RecordsService",
    .default_grpc_port = 50061,
    .default_metrics_port = 9461,
};

int Fail(const absl::Status& status) { return ccms::server::FailStartup("ccms-records", status); }

}  // namespace

int main(int argc, char** argv) {
  ccms::server::MainFlags flags;
  if (auto exit_code = ccms::server::ParseMainFlags("ccms-records", argc, argv, &flags))
    return *exit_code;
  ccms::server::ServiceHost::BlockTerminationSignals();

  ccms::config::Env env;
  ccms::server::CommonConfig config = ccms::server::LoadCommonConfig(kIdentity, env);
  const std::string pii_key = env.RequiredSecret("CCMS_PII_KEY");
  if (auto st = env.Finish(); !st.ok()) return Fail(st);
  auto cipher = ccms::crypto::PiiCipher::FromHexKey(pii_key);
  if (!cipher.ok()) {
    return Fail(absl::InvalidArgumentError(std::string("CCMS_PII_KEY: ") +
                                           std::string(cipher.status().message())));
  }

  auto policy_doc = ccms::policy::PolicyDocument::Load();
  if (!policy_doc.ok()) return Fail(policy_doc.status());
  auto policy = ccms::records::domain::LoadRecordsPolicies(*policy_doc);
  if (!policy.ok()) return Fail(policy.status());

  // The system clock, or the test clock of CCMS_TEST_CLOCK_START (a test setting).
  const std::unique_ptr<ccms::time::Clock> service_clock = ccms::server::MakeServiceClock(config);
  const ccms::time::Clock& clock = *service_clock;
  auto host =
      ccms::server::ServiceHost::Create(kIdentity, config, ccms::records::PgRecordsStore::Queries(),
                                        ccms::records::Migrations(), clock);
  if (!host.ok()) return Fail(host.status());
  if (flags.migrate_only) {
    ccms::log::Info("migrations_done");
    return 0;
  }

  ccms::records::PgRecordsStore store((*host)->pool(), &(*host)->relay());
  ccms::records::RecordsServiceImpl service(store, (*host)->executor(), *cipher, clock, *policy);
  ccms::records::CaseMetrics case_metrics(store, (*host)->registry(), clock, absl::Seconds(15));
  ccms::log::Info("policy_loaded",
                  {{"version", policy->InForce(ccms::time::ShanghaiDay(clock.Now())).version},
                   {"versions", policy->Summary()},
                   {"origin", policy_doc->origin()}});
  (*host)->AddService(&service, ccms::records::v1::RecordsService::service_full_name());
  if (auto st = (*host)->AddConsumer(ccms::records::kRecordsConsumerGroup,
                                     {ccms::records::kAssessmentTopic},
                                     ccms::records::ApplyAssessmentEvent);
      !st.ok()) {
    return Fail(st);
  }
  // discharge_approaching notices: a scan every 10 minutes, each case once.
  ccms::concurrency::PeriodicTask discharge_notices(
      [&service] {
        auto n = service.EmitDischargeNotices();
        if (!n.ok()) {
          ccms::log::Warn("discharge_notices_failed",
                          {{"error", std::string(n.status().message())}});
        }
      },
      absl::Minutes(10));
  case_metrics.Start();
  discharge_notices.Start();
  absl::Status run = (*host)->Run();
  discharge_notices.Stop();
  case_metrics.Stop();
  if (!run.ok()) return Fail(run);
  return 0;
}
