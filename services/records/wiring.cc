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
    .grpc_service = "ccms.records.v1.CaseService",
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
  handler_context_ = std::make_unique<HandlerContext>(
      HandlerContext{*store_, host.executor(), *cipher_, host.clock(), *policy_});
  const HandlerContext& context = *handler_context_;
  cases_ = std::make_unique<CaseServiceImpl>(*store_, context);
  supervision_ = std::make_unique<SupervisionServiceImpl>(*store_, context);
  sanctions_ = std::make_unique<SanctionServiceImpl>(*store_, context);
  leave_ = std::make_unique<LeaveServiceImpl>(*store_, context);
  orders_ = std::make_unique<OrderServiceImpl>(*store_, context);
  intake_ = std::make_unique<IntakeServiceImpl>(*store_, context);
  transfers_ = std::make_unique<TransferServiceImpl>(*store_, context);
  discharge_ = std::make_unique<DischargeServiceImpl>(*store_, context);
  audit_ = std::make_unique<AuditServiceImpl>(*store_, context);
  host.AddService(cases_.get(), v1::CaseService::service_full_name());
  host.AddService(supervision_.get(), v1::SupervisionService::service_full_name());
  host.AddService(sanctions_.get(), v1::SanctionService::service_full_name());
  host.AddService(leave_.get(), v1::LeaveService::service_full_name());
  host.AddService(orders_.get(), v1::OrderService::service_full_name());
  host.AddService(intake_.get(), v1::IntakeService::service_full_name());
  host.AddService(transfers_.get(), v1::TransferService::service_full_name());
  host.AddService(discharge_.get(), v1::DischargeService::service_full_name());
  host.AddService(audit_.get(), v1::AuditService::service_full_name());
  if (auto st = host.AddConsumer(kRecordsConsumerGroup, {kAssessmentTopic}, ApplyAssessmentEvent);
      !st.ok()) {
    return st;
  }
  // Records follows education back: absences after notice are admonition grounds.
  if (auto st =
          host.AddConsumer(kRecordsEducationConsumerGroup, {kEducationTopic}, ApplyEducationEvent);
      !st.ok()) {
    return st;
  }
  background_store_ = std::make_unique<PgRecordsStore>(host.background_pool(), &host.relay());
  background_context_ = std::make_unique<HandlerContext>(
      HandlerContext{*background_store_, host.executor(), *cipher_, host.clock(), *policy_});
  background_discharge_ =
      std::make_unique<DischargeServiceImpl>(*background_store_, *background_context_);
  background_cases_ = std::make_unique<CaseServiceImpl>(*background_store_, *background_context_);
  case_metrics_ = std::make_unique<CaseMetrics>(*background_store_, host.registry(), host.clock(),
                                                absl::Seconds(15));
  // discharge_approaching notices: a scan every 10 minutes, each case once.
  discharge_notices_ = std::make_unique<concurrency::PeriodicTask>(
      [this] {
        auto n = background_discharge_->EmitDischargeNotices();
        if (!n.ok()) {
          log::Warn("discharge_notices_failed", {{"error", std::string(n.status().message())}});
        }
      },
      absl::Minutes(10));
  // Case facts on the bus: snapshots of cases opened before case_opened carried them (at start),
  // then the age bands of open cases (a band moves on a birthday: a scan a few times a day).
  case_facts_ = std::make_unique<concurrency::PeriodicTask>(
      [this] {
        auto n = background_cases_->PublishCaseFacts();
        if (!n.ok()) {
          log::Warn("case_facts_failed", {{"error", std::string(n.status().message())}});
        } else if (*n > 0) {
          log::Info("case_facts_published", {{"events", std::to_string(*n)}});
        }
      },
      absl::Hours(6));
  return absl::OkStatus();
}

void RecordsWiring::StartBackground() {
  case_metrics_->Start();
  discharge_notices_->Start();
  case_facts_->Start();
}

void RecordsWiring::StopBackground() {
  case_facts_->Stop();
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
