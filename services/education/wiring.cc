#include "services/education/wiring.h"

#include "absl/strings/str_cat.h"
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
  for (const auto& s : PgSessionStore::Queries()) q.push_back(s);
  return q;
}

}  // namespace

void EducationWiring::Configure(config::Env& env) { pii_key_ = env.RequiredSecret("CCMS_PII_KEY"); }

absl::Status EducationWiring::Prepare(const policy::PolicyDocument& policy) {
  auto cipher = crypto::PiiCipher::FromHexKey(pii_key_);
  if (!cipher.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("CCMS_PII_KEY: ", cipher.status().message()));
  }
  cipher_ = std::make_unique<crypto::PiiCipher>(*std::move(cipher));
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
  session_store_ = std::make_unique<PgSessionStore>(host.pool(), &host.relay());
  sessions_ = std::make_unique<SessionServiceImpl>(*session_store_, host.executor(), *policies_,
                                                   host.clock(), *cipher_);
  handler_->OnLeaveApproved([this, &clock = host.clock()](pqxx::work& tx,
                                                          const std::string& case_id,
                                                          const domain::LeaveFact& leave) {
    return PgSessionStore::ExcuseForLeave(tx, case_id, leave, *policies_, clock.Now());
  });
  if (auto st = host.AddConsumer(kConsumerGroup, {kRecordsTopic},
                                 [this](pqxx::work& tx, const events::v1::Envelope& e) {
                                   return handler_->Handle(tx, e);
                                 });
      !st.ok()) {
    return st;
  }
  host.AddService(service_files_.get(), v1::ServiceFileService::service_full_name());
  host.AddService(sessions_.get(), v1::SessionService::service_full_name());
  return absl::OkStatus();
}

server::ServiceDefinition Definition() {
  return {.identity = kIdentity, .migrations = &Migrations, .queries = &AllQueries, .make = [] {
            return std::unique_ptr<server::Service>(new EducationWiring());
          }};
}

}  // namespace ccms::education
