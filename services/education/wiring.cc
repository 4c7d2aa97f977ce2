#include "services/education/wiring.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/time/calendar.h"
#include "services/education/migrations.h"
#include "services/education/pg_case_command.h"

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
  for (const auto& s : CaseCommandQueries()) q.push_back(s);
  for (const auto& s : PgServiceFileStore::Queries()) q.push_back(s);
  for (const auto& s : PgPlanStore::Queries()) q.push_back(s);
  for (const auto& s : PgCatalogueStore::Queries()) q.push_back(s);
  for (const auto& s : PgCounsellingStore::Queries()) q.push_back(s);
  for (const auto& s : PgLegalTestStore::Queries()) q.push_back(s);
  for (const auto& s : PgFeedbackStore::Queries()) q.push_back(s);
  for (const auto& s : PgSessionStore::Queries()) q.push_back(s);
  for (const auto& s : PgCommunityServiceStore::Queries()) q.push_back(s);
  for (const auto& s : PgHoursLedgerStore::Queries()) q.push_back(s);
  for (const auto& s : PgCommunityServiceHours::Queries()) q.push_back(s);
  for (const auto& s : PgPartnerSessionStore::Queries()) q.push_back(s);
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
  // Care (issue 14 items 10-12): psychological help, with assessment's crisis flags.
  counselling_store_ = std::make_unique<PgCounsellingStore>(host.pool(), &host.relay());
  counselling_ = std::make_unique<CounsellingServiceImpl>(*counselling_store_, host.executor(),
                                                          *policies_, host.clock(), *cipher_);
  crisis_handler_ = std::make_unique<CrisisEventHandler>(*policies_);
  if (auto st = host.AddConsumer(kCareConsumerGroup, {kAssessmentTopic},
                                 [this](pqxx::work& tx, const events::v1::Envelope& e) {
                                   return crisis_handler_->Handle(tx, e);
                                 });
      !st.ok()) {
    return st;
  }
  host.AddService(counselling_.get(), v1::CounsellingService::service_full_name());
  legal_test_store_ = std::make_unique<PgLegalTestStore>(host.pool(), &host.relay());
  legal_tests_ = std::make_unique<LegalTestServiceImpl>(*legal_test_store_, host.executor(),
                                                        *policies_, host.clock());
  host.AddService(legal_tests_.get(), v1::LegalTestService::service_full_name());
  feedback_store_ = std::make_unique<PgFeedbackStore>(host.pool(), &host.relay());
  feedback_ = std::make_unique<FeedbackServiceImpl>(*feedback_store_, host.executor(), *policies_,
                                                    host.clock(), *cipher_);
  host.AddService(feedback_.get(), v1::FeedbackService::service_full_name());
  host.AddService(sessions_.get(), v1::SessionService::service_full_name());
  community_service_store_ = std::make_unique<PgCommunityServiceStore>(host.pool(), &host.relay());
  community_service_ = std::make_unique<CommunityServiceServiceImpl>(
      *community_service_store_, host.executor(), *policies_, host.clock());
  host.AddService(community_service_.get(), v1::CommunityServiceService::service_full_name());
  // The hours ledger, windows and individual education (issue 14 items 6-8).
  hours_ledger_store_ =
      std::make_unique<PgHoursLedgerStore>(host.pool(), &host.relay(), community_service_hours_);
  hours_ledger_ = std::make_unique<HoursLedgerServiceImpl>(*hours_ledger_store_, host.executor(),
                                                           *policies_, host.clock());
  session_store_->OnAttendanceWritten(
      [this, &clock = host.clock()](pqxx::work& tx, const SessionRecord& s,
                                    const std::string& case_id, const AttendanceRecord& a) {
        PgHoursLedgerStore::OnAttendance(tx, s, case_id, a, *policies_, clock.Now());
      });
  ledger_events_ = std::make_unique<LedgerEventHandler>();
  if (auto st = host.AddConsumer(kLedgerConsumerGroup, {kRecordsTopic, kAssessmentTopic},
                                 [this](pqxx::work& tx, const events::v1::Envelope& e) {
                                   return ledger_events_->Handle(tx, e);
                                 });
      !st.ok()) {
    return st;
  }
  host.AddService(hours_ledger_.get(), v1::HoursLedgerService::service_full_name());
  // The partner view of sessions (issue 14 item 14): partners' reach is their agency.
  partner_session_store_ = std::make_unique<PgPartnerSessionStore>(host.pool(), *session_store_);
  sessions_->SetPartnerStore(partner_session_store_.get());
  partner_sessions_ = std::make_unique<PartnerSessionServiceImpl>(
      *partner_session_store_, host.executor(), *policies_, host.clock(), *cipher_);
  host.AddService(partner_sessions_.get(), v1::PartnerSessionService::service_full_name());
  return absl::OkStatus();
}

server::ServiceDefinition Definition() {
  return {.identity = kIdentity, .migrations = &Migrations, .queries = &AllQueries, .make = [] {
            return std::unique_ptr<server::Service>(new EducationWiring());
          }};
}

}  // namespace ccms::education
