#include "services/education/wiring.h"

#include "common/log/log.h"
#include "common/time/calendar.h"
#include "services/education/migrations.h"

namespace ccms::education {
namespace {

// The binary's name and default ports (the chart, the dev stack and docs/operations.md say the
// same; tests/deploy/consistency_test.sh checks it).
const server::ServiceIdentity kIdentity = {
    .name = "education",
    .grpc_service = "ccms.education.v1.ServiceFileService",
    .default_grpc_port = 50063,
    .default_metrics_port = 9463,
};

std::vector<db::Query> AllQueries() {
  std::vector<db::Query> q = PgCaseStore::Queries();
  for (const auto& s : PgServiceFileStore::Queries()) q.push_back(s);
  for (const auto& s : PgPlanStore::Queries()) q.push_back(s);
  for (const auto& s : PgCatalogueStore::Queries()) q.push_back(s);
  return q;
}

}  // namespace

absl::Status EducationWiring::Prepare(const policy::PolicyDocument& policy) {
  auto loaded = domain::LoadEducationPolicies(policy);
  if (!loaded.ok()) return loaded.status();
  policies_ = std::make_unique<domain::EducationPolicies>(*std::move(loaded));
  policy_origin_ = policy.origin();
  return absl::OkStatus();
}

absl::Status EducationWiring::Build(server::ServiceHost& host) {
  log::Info("policy_loaded",
            {{"policy_version", policies_->InForce(time::ShanghaiDay(host.clock().Now())).version},
             {"origin", policy_origin_}});
  cases_ = std::make_unique<PgCaseStore>(*policies_);
  service_file_store_ = std::make_unique<PgServiceFileStore>(host.pool(), &host.relay());
  service_files_ = std::make_unique<ServiceFileServiceImpl>(*service_file_store_, host.executor(),
                                                            *policies_, host.clock());
  handler_ = std::make_unique<RecordsEventHandler>(*cases_);
  if (auto st = host.AddConsumer(kConsumerGroup, {kRecordsTopic},
                                 [this](pqxx::work& tx, const events::v1::Envelope& e) {
                                   return handler_->Handle(tx, e);
                                 });
      !st.ok()) {
    return st;
  }
  host.AddService(service_files_.get(), v1::ServiceFileService::service_full_name());
  plan_store_ = std::make_unique<PgPlanStore>(host.pool(), &host.relay());
  plans_ = std::make_unique<CorrectionPlanServiceImpl>(*plan_store_, host.executor(), *policies_,
                                                       host.clock());
  plan_triggers_ = std::make_unique<PlanTriggerHandler>(*policies_, host.clock());
  if (auto st = host.AddConsumer(kPlanConsumerGroup, {kRecordsTopic, kAssessmentTopic},
                                 [this](pqxx::work& tx, const events::v1::Envelope& e) {
                                   return plan_triggers_->Handle(tx, e);
                                 });
      !st.ok()) {
    return st;
  }
  host.AddService(plans_.get(), v1::CorrectionPlanService::service_full_name());
  catalogue_store_ = std::make_unique<PgCatalogueStore>(host.pool());
  catalogue_ =
      std::make_unique<CatalogueServiceImpl>(*catalogue_store_, host.executor(), host.clock());
  host.AddService(catalogue_.get(), v1::CatalogueService::service_full_name());
  return absl::OkStatus();
}

server::ServiceDefinition Definition() {
  return {.identity = kIdentity, .migrations = &Migrations, .queries = &AllQueries, .make = [] {
            return std::unique_ptr<server::Service>(new EducationWiring());
          }};
}

}  // namespace ccms::education
