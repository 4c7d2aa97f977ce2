#include "services/records/wiring.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/time/calendar.h"
#include "services/records/consumer.h"
#include "services/records/migrations.h"

namespace ccms::records {
namespace {

// The binary's name and default ports (the chart, the dev stack and docs/operations.md say the
// same; tests/deploy/consistency_test.sh checks it).
const server::ServiceIdentity kIdentity = {
    .name = "records",
    .grpc_service = "ccms.records.v1.RecordsService",
    .default_grpc_port = 50061,
    .default_metrics_port = 9461,
};

}  // namespace

void RecordsWiring::Configure(config::Env& env) { pii_key_ = env.RequiredSecret("CCMS_PII_KEY"); }

absl::Status RecordsWiring::Prepare(const policy::PolicyDocument& policy) {
  auto cipher = crypto::PiiCipher::FromHexKey(pii_key_);
  if (!cipher.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("CCMS_PII_KEY: ", cipher.status().message()));
  }
  cipher_ = std::make_unique<crypto::PiiCipher>(*std::move(cipher));
  auto records_policy = domain::LoadRecordsPolicies(policy);
  if (!records_policy.ok()) return records_policy.status();
  policy_ = std::make_unique<domain::RecordsPolicies>(*std::move(records_policy));
  policy_origin_ = policy.origin();
  return absl::OkStatus();
}

absl::Status RecordsWiring::Build(server::ServiceHost& host) {
  log::Info("policy_loaded",
            {{"version", policy_->InForce(time::ShanghaiDay(host.clock().Now())).version},
             {"versions", policy_->Summary()},
             {"origin", policy_origin_}});
  store_ = std::make_unique<PgRecordsStore>(host.pool(), &host.relay());
  service_ = std::make_unique<RecordsServiceImpl>(*store_, host.executor(), *cipher_, host.clock(),
                                                  *policy_);
  host.AddService(service_.get(), v1::RecordsService::service_full_name());
  if (auto st = host.AddConsumer(kRecordsConsumerGroup, {kAssessmentTopic}, ApplyAssessmentEvent);
      !st.ok()) {
    return st;
  }
  case_metrics_ =
      std::make_unique<CaseMetrics>(*store_, host.registry(), host.clock(), absl::Seconds(15));
  // discharge_approaching notices: a scan every 10 minutes, each case once.
  discharge_notices_ = std::make_unique<concurrency::PeriodicTask>(
      [this] {
        auto n = service_->EmitDischargeNotices();
        if (!n.ok()) {
          log::Warn("discharge_notices_failed", {{"error", std::string(n.status().message())}});
        }
      },
      absl::Minutes(10));
  return absl::OkStatus();
}

void RecordsWiring::StartBackground() {
  case_metrics_->Start();
  discharge_notices_->Start();
}

void RecordsWiring::StopBackground() {
  discharge_notices_->Stop();
  case_metrics_->Stop();
}

server::ServiceDefinition Definition() {
  return {.identity = kIdentity,
          .migrations = &Migrations,
          .queries = &PgRecordsStore::Queries,
          .make = [] { return std::unique_ptr<server::Service>(new RecordsWiring()); }};
}

}  // namespace ccms::records
