#include "services/employment/wiring.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/time/calendar.h"
#include "services/employment/migrations.h"
#include "services/employment/pg_obligation_store.h"
#include "services/employment/pg_plan_step_store.h"
#include "services/employment/topics.h"

namespace ccms::employment {
namespace {

// The binary's name and default ports (the chart, the dev stack and docs/operations.md say the
// same; tests/deploy/consistency_test.sh checks it).
const server::ServiceIdentity kIdentity = {
    .name = "employment",
    .grpc_service = "ccms.employment.v1.ReferralService",
    .default_grpc_port = 50064,
    .default_metrics_port = 9464,
};

std::vector<db::Query> AllQueries() {
  std::vector<db::Query> q = PgCaseStore::Queries();
  for (const auto& s : PgPartnerStore::Queries()) q.push_back(s);
  for (const auto& s : PgReferralStore::Queries()) q.push_back(s);
  for (const auto& s : PgHalfwayHouseStore::Queries()) q.push_back(s);
  for (const auto& s : PgRetentionStore::Queries()) q.push_back(s);
  for (const auto& s : PgTrainingStore::Queries()) q.push_back(s);
  for (const auto& s : PgSchoolingStore::Queries()) q.push_back(s);
  for (const auto& s : PgNeedsStore::Queries()) q.push_back(s);
  for (const auto& s : PgOpeningStore::Queries()) q.push_back(s);
  for (const auto& s : PgPartnerContractStore::Queries()) q.push_back(s);
  for (const auto& s : PgAssistanceStore::Queries()) q.push_back(s);
  for (const auto& s : PgVolunteerStore::Queries()) q.push_back(s);
  for (const auto& s : PgResettlementStore::Queries()) q.push_back(s);
  for (const auto& s : PgObligationStore::Queries()) q.push_back(s);
  for (const auto& s : PgPlanStepStore::Queries()) q.push_back(s);
  return q;
}

}  // namespace

void EmploymentWiring::Configure(config::Env& env) {
  pii_key_ = env.RequiredSecret("CCMS_PII_KEY");
  escalation_period_ =
      env.Millis("CCMS_EMPLOYMENT_ESCALATION_PERIOD_MS", 600000, 1000, 24 * 3600 * 1000);
}

absl::Status EmploymentWiring::Prepare(const policy::PolicyDocument& policy) {
  auto cipher = crypto::PiiCipher::FromHexKey(pii_key_);
  if (!cipher.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("CCMS_PII_KEY: ", cipher.status().message()));
  }
  cipher_ = std::make_unique<crypto::PiiCipher>(*std::move(cipher));
  auto loaded = domain::LoadEmploymentPolicies(policy);
  if (!loaded.ok()) return loaded.status();
  policies_ = std::make_unique<domain::EmploymentPolicies>(*std::move(loaded));
  policy_origin_ = policy.origin();
  return absl::OkStatus();
}

absl::Status EmploymentWiring::Build(server::ServiceHost& host) {
  log::Info("policy_loaded",
            {{"policy_version", policies_->InForce(time::ShanghaiDay(host.clock().Now())).version},
             {"origin", policy_origin_}});
  cases_ = std::make_unique<PgCaseStore>(*policies_, host.clock());
  partner_store_ = std::make_unique<PgPartnerStore>(host.pool(), *cipher_, &host.relay());
  referral_store_ = std::make_unique<PgReferralStore>(host.pool(), *cipher_, &host.relay());
  background_referrals_ =
      std::make_unique<PgReferralStore>(host.background_pool(), *cipher_, &host.relay());
  partner_service_ = std::make_unique<PartnerServiceImpl>(*partner_store_, host.executor(),
                                                          *policies_, host.clock());
  resettlement_store_ = std::make_unique<PgResettlementStore>(host.pool(), &host.relay());
  plan_step_store_ = std::make_unique<PgPlanStepStore>(host.pool());
  referral_service_ = std::make_unique<ReferralServiceImpl>(*referral_store_, *resettlement_store_,
                                                            *plan_step_store_, host.executor(),
                                                            *policies_, host.clock());
  agency_service_ = std::make_unique<AgencyReferralServiceImpl>(
      *referral_store_, *partner_store_, host.executor(), *policies_, host.clock());
  house_store_ = std::make_unique<PgHalfwayHouseStore>(host.pool(), &host.relay());
  house_service_ = std::make_unique<HalfwayHouseServiceImpl>(*house_store_, host.executor(),
                                                             *policies_, host.clock());
  retention_store_ = std::make_unique<PgRetentionStore>(host.pool(), &host.relay());
  background_retention_ = std::make_unique<PgRetentionStore>(host.background_pool(), &host.relay());
  retention_service_ = std::make_unique<RetentionServiceImpl>(
      *retention_store_, *partner_store_, host.executor(), *policies_, host.clock());
  retention_sweeper_ = std::make_unique<RetentionSweeper>(*background_retention_, host.clock());
  training_store_ = std::make_unique<PgTrainingStore>(host.pool(), &host.relay());
  training_service_ = std::make_unique<TrainingServiceImpl>(
      *training_store_, *partner_store_, host.executor(), *policies_, host.clock());
  schooling_store_ = std::make_unique<PgSchoolingStore>(host.pool(), &host.relay());
  schooling_service_ = std::make_unique<SchoolingServiceImpl>(*schooling_store_, host.executor(),
                                                              *policies_, host.clock());
  needs_store_ = std::make_unique<PgNeedsStore>(host.pool(), &host.relay());
  needs_service_ =
      std::make_unique<NeedsServiceImpl>(*needs_store_, host.executor(), *policies_, host.clock());
  opening_store_ = std::make_unique<PgOpeningStore>(host.pool(), &host.relay());
  opening_service_ = std::make_unique<OpeningServiceImpl>(
      *opening_store_, *partner_store_, host.executor(), *policies_, host.clock());
  contract_store_ = std::make_unique<PgPartnerContractStore>(host.pool(), &host.relay());
  contract_service_ = std::make_unique<PartnerContractServiceImpl>(
      *contract_store_, host.executor(), *policies_, host.clock());
  background_contracts_ =
      std::make_unique<PgPartnerContractStore>(host.background_pool(), &host.relay());
  contract_sweeper_ = std::make_unique<ContractSweeper>(*background_contracts_, host.clock());
  assistance_store_ = std::make_unique<PgAssistanceStore>(host.pool(), &host.relay());
  assistance_service_ = std::make_unique<AssistanceServiceImpl>(*assistance_store_, host.executor(),
                                                                *policies_, host.clock());
  volunteer_store_ = std::make_unique<PgVolunteerStore>(host.pool(), *cipher_, &host.relay());
  volunteer_service_ = std::make_unique<VolunteerServiceImpl>(*volunteer_store_, host.executor(),
                                                              *policies_, host.clock());
  escalator_ =
      std::make_unique<ReferralEscalator>(*background_referrals_, host.clock(), &host.registry());
  escalation_task_ = std::make_unique<concurrency::PeriodicTask>(
      [this] {
        auto n = escalator_->RunOnce();
        if (!n.ok()) {
          log::Warn("referral_escalation_failed", {{"error", std::string(n.status().message())}});
        } else if (*n > 0) {
          log::Info("referrals_escalated", {{"count", std::to_string(*n)}});
        }
        // Retention checks whose window closed unconfirmed are missed (the same period).
        auto missed = retention_sweeper_->RunOnce();
        if (!missed.ok()) {
          log::Warn("retention_sweep_failed", {{"error", std::string(missed.status().message())}});
        } else if (*missed > 0) {
          log::Info("retention_checks_missed", {{"count", std::to_string(*missed)}});
        }
        // Purchased-service contracts past their end are completed (the same period).
        auto ended = contract_sweeper_->RunOnce();
        if (!ended.ok()) {
          log::Warn("contract_end_failed", {{"error", std::string(ended.status().message())}});
        } else if (*ended > 0) {
          log::Info("partner_contracts_ended", {{"count", std::to_string(*ended)}});
        }
      },
      escalation_period_);
  handler_ = std::make_unique<RecordsEventHandler>(*cases_);
  if (auto st = host.AddConsumer(kConsumerGroup, {kRecordsTopic},
                                 [this](pqxx::work& tx, const events::v1::Envelope& e) {
                                   return handler_->Handle(tx, e);
                                 });
      !st.ok()) {
    return st;
  }
  education_handler_ = std::make_unique<EducationEventHandler>(*policies_);
  if (auto st = host.AddConsumer(kEducationConsumerGroup, {kEducationTopic},
                                 [this](pqxx::work& tx, const events::v1::Envelope& e) {
                                   return education_handler_->Handle(tx, e);
                                 });
      !st.ok()) {
    return st;
  }
  host.AddService(referral_service_.get(), v1::ReferralService::service_full_name());
  host.AddService(partner_service_.get(), v1::PartnerService::service_full_name());
  host.AddService(agency_service_.get(), v1::AgencyReferralService::service_full_name());
  host.AddService(house_service_.get(), v1::HalfwayHouseService::service_full_name());
  host.AddService(retention_service_.get(), v1::RetentionService::service_full_name());
  host.AddService(training_service_.get(), v1::TrainingService::service_full_name());
  host.AddService(schooling_service_.get(), v1::SchoolingService::service_full_name());
  host.AddService(needs_service_.get(), v1::NeedsService::service_full_name());
  host.AddService(opening_service_.get(), v1::OpeningService::service_full_name());
  host.AddService(contract_service_.get(), v1::PartnerContractService::service_full_name());
  host.AddService(assistance_service_.get(), v1::AssistanceService::service_full_name());
  host.AddService(volunteer_service_.get(), v1::VolunteerService::service_full_name());
  return absl::OkStatus();
}

void EmploymentWiring::StartBackground() { escalation_task_->Start(); }

void EmploymentWiring::StopBackground() { escalation_task_->Stop(); }

server::ServiceDefinition Definition() {
  return {.identity = kIdentity, .migrations = &Migrations, .queries = &AllQueries, .make = [] {
            return std::unique_ptr<server::Service>(new EmploymentWiring());
          }};
}

}  // namespace ccms::employment
