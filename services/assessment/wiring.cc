#include "services/assessment/wiring.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/time/calendar.h"
#include "services/assessment/migrations.h"

namespace ccms::assessment {
namespace {

// The binary's name and default ports (the chart, the dev stack and docs/operations.md say the
// same; tests/deploy/consistency_test.sh checks it).
const server::ServiceIdentity kIdentity = {
    .name = "assessment",
    .grpc_service = "ccms.assessment.v1.AssessmentService",
    .default_grpc_port = 50062,
    .default_metrics_port = 9462,
};

}  // namespace

void AssessmentWiring::Configure(config::Env& env) {
  records_addr_ = env.Address("CCMS_RECORDS_ADDR", "");
  // The service token: a file re-read when it changes (short-lived tokens renewed by a sidecar),
  // or inline (fixed).
  service_token_file_ = env.String("CCMS_SERVICE_TOKEN_FILE", "");
  if (service_token_file_.empty()) {
    service_token_ = env.RequiredString("CCMS_SERVICE_TOKEN");
  } else if (!env.String("CCMS_SERVICE_TOKEN", "").empty()) {
    env.Invalid("CCMS_SERVICE_TOKEN", "give it or CCMS_SERVICE_TOKEN_FILE, not both");
  }
  records_tls_ = grpc_util::LoadClientTls(env);
  retry_.attempt_timeout = env.Millis("CCMS_RECORDS_TIMEOUT_MS", 1000, 50, 60000);
  retry_.max_attempts = static_cast<int>(env.Int("CCMS_RECORDS_ATTEMPTS", 3, 1, 10));
  maintenance_period_ = env.Millis("CCMS_MAINTENANCE_PERIOD_MS", 60000, 100, 86400000);
}

absl::Status AssessmentWiring::Prepare(const policy::PolicyDocument& policy) {
  auto catalog = InstrumentCatalog::Load(EmbeddedInstruments());
  if (!catalog.ok()) return catalog.status();
  catalog_ = std::make_unique<InstrumentCatalog>(*std::move(catalog));
  // The catalog keeps the weights as shipped; each assessment is scored with the weights of the
  // policy version in force on its day.
  auto assessment_policy = domain::LoadAssessmentPolicies(policy, catalog_->WeightKeys());
  if (!assessment_policy.ok()) return assessment_policy.status();
  policy_ = std::make_unique<domain::AssessmentPolicies>(*std::move(assessment_policy));
  policy_origin_ = policy.origin();
  return absl::OkStatus();
}

absl::Status AssessmentWiring::AfterMigrations(server::ServiceHost& host) {
  store_ = std::make_unique<PgAssessmentStore>(host.pool(), &host.relay());
  return store_->RegisterInstruments(catalog_->Fingerprints());
}

absl::Status AssessmentWiring::Build(server::ServiceHost& host) {
  log::Info("policy_loaded",
            {{"policy_version", policy_->InForce(time::ShanghaiDay(host.clock().Now())).version},
             {"versions", policy_->Summary()},
             {"origin", policy_origin_}});
  if (service_token_file_.empty()) {
    token_source_ = grpc_util::ServiceToken::Inline(service_token_);
  } else {
    auto token = grpc_util::ServiceToken::FromFile(service_token_file_);
    if (!token.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("CCMS_SERVICE_TOKEN_FILE: ", token.status().message()));
    }
    token_source_ = *std::move(token);
  }
  records_ = std::make_unique<GrpcRecordsClient>(
      records_addr_, [this] { return token_source_->Current(); }, retry_, records_tls_);
  service_ = std::make_unique<AssessmentServiceImpl>(*store_, host.executor(), *catalog_, *policy_,
                                                     *records_, host.clock());
  background_store_ = std::make_unique<PgAssessmentStore>(host.background_pool(), &host.relay());
  maintenance_ = std::make_unique<Maintenance>(*background_store_, *policy_, host.clock(),
                                               host.registry(), maintenance_period_);
  service_->OnCrisisChange([this] { maintenance_->Nudge(); });
  handler_ = std::make_unique<RecordsEventHandler>(*store_, *policy_, host.clock());
  if (auto st = host.AddConsumer(kConsumerGroup, {kRecordsTopic},
                                 [this](pqxx::work& tx, const events::v1::Envelope& e) {
                                   return handler_->Handle(tx, e);
                                 });
      !st.ok()) {
    return st;
  }
  host.AddService(service_.get(), v1::AssessmentService::service_full_name());
  return absl::OkStatus();
}

void AssessmentWiring::StartBackground() { maintenance_->Start(); }

void AssessmentWiring::StopBackground() { maintenance_->Stop(); }

server::ServiceDefinition Definition() {
  return {.identity = kIdentity,
          .migrations = &Migrations,
          .queries = &PgAssessmentStore::Queries,
          .make = [] { return std::unique_ptr<server::Service>(new AssessmentWiring()); }};
}

}  // namespace ccms::assessment
