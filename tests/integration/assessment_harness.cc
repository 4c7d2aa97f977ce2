#include "tests/integration/assessment_harness.h"

#include <stdexcept>

#include "absl/strings/str_format.h"
#include "common/auth/jwt.h"
#include "common/ids/uuid.h"
#include "common/policy/policy.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/server_builder.h"
#include "services/assessment/migrations.h"

namespace ccms::testing {

namespace {
constexpr char kServiceToken[] = "fake-service-token";
}  // namespace

FakeRecordsServer::FakeRecordsServer(std::string expected_token)
    : expected_token_(std::move(expected_token)) {}

FakeRecordsServer::~FakeRecordsServer() { Stop(); }

void FakeRecordsServer::Start() {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::StrFormat("127.0.0.1:%d", port_),
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(this);
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) throw std::runtime_error("fake records server did not start");
  port_ = port;
  address_ = absl::StrFormat("127.0.0.1:%d", port_);
}

void FakeRecordsServer::Stop() {
  if (!server_) return;
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
  server_.reset();
}

void FakeRecordsServer::Put(const records::v1::Case& c) {
  std::lock_guard<std::mutex> lock(mu_);
  cases_[c.case_id()] = c;
}

int FakeRecordsServer::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

grpc::ServerUnaryReactor* FakeRecordsServer::GetCase(grpc::CallbackServerContext* context,
                                                     const records::v1::GetCaseRequest* request,
                                                     records::v1::GetCaseResponse* response) {
  auto* reactor = context->DefaultReactor();
  std::lock_guard<std::mutex> lock(mu_);
  ++calls_;
  auto auth = context->client_metadata().find("authorization");
  if (auth == context->client_metadata().end() ||
      std::string(auth->second.data(), auth->second.size()) != "Bearer " + expected_token_) {
    reactor->Finish(grpc::Status(grpc::UNAUTHENTICATED, "bad token"));
    return reactor;
  }
  auto it = cases_.find(request->case_id());
  if (it == cases_.end()) {
    reactor->Finish(grpc::Status(grpc::NOT_FOUND, "case not found"));
    return reactor;
  }
  *response->mutable_case_() = it->second;
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

AssessmentHarness::AssessmentHarness() : clock_(FixedTestNow()) {
  const IntegrationEnv* env = IntegrationEnv::Get();
  auto catalog = assessment::InstrumentCatalog::Load(assessment::EmbeddedInstruments());
  if (!catalog.ok()) throw std::runtime_error(std::string(catalog.status().message()));
  catalog_ = std::make_unique<assessment::InstrumentCatalog>(*std::move(catalog));
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "built-in");
  if (!doc.ok()) throw std::runtime_error("policy");
  auto policy = assessment::domain::LoadAssessmentPolicies(*doc, catalog_->WeightKeys());
  if (!policy.ok()) throw std::runtime_error(std::string(policy.status().message()));
  // As main() does: the catalog keeps the shipped weights, the service applies the policy's.
  policy_ = std::make_unique<assessment::domain::AssessmentPolicies>(*std::move(policy));

  records_ = std::make_unique<FakeRecordsServer>(kServiceToken);
  records_->Start();

  const server::CommonConfig config = TestHostConfig(db_.dsn(), kJwtKey);
  auto host = server::ServiceHost::Create({.name = "assessment",
                                           .grpc_service = "ccms.assessment.v1.AssessmentService",
                                           .default_grpc_port = 0,
                                           .default_metrics_port = 0},
                                          config, assessment::PgAssessmentStore::Queries(),
                                          assessment::Migrations(), system_clock_);
  if (!host.ok()) throw std::runtime_error(std::string(host.status().message()));
  host_ = std::move(*host);
  store_ = std::make_unique<assessment::PgAssessmentStore>(host_->pool(), &host_->relay());
  if (auto st = store_->RegisterInstruments(catalog_->Fingerprints()); !st.ok()) {
    throw std::runtime_error(std::string(st.message()));
  }
  grpc_util::RetryOptions retry;
  retry.attempt_timeout = absl::Milliseconds(500);
  records_client_ =
      std::make_unique<assessment::GrpcRecordsClient>(records_->address(), kServiceToken, retry);
  service_ = std::make_unique<assessment::AssessmentServiceImpl>(
      *store_, host_->executor(), *catalog_, *policy_, *records_client_, clock_);
  maintenance_ = std::make_unique<assessment::Maintenance>(*store_, *policy_, clock_,
                                                           host_->registry(), absl::Hours(24));
  service_->OnCrisisChange([this] { maintenance_->Nudge(); });
  handler_ = std::make_unique<assessment::RecordsEventHandler>(*store_, *policy_, clock_);
  auto consumer = kafka::InboxConsumer::Create(
      {.bootstrap_servers = env->kafka_bootstrap,
       .group_id = "ccms-assessment-it-" + ids::NewUuid(),
       .topics = {assessment::kRecordsTopic},
       .extra = {{"session.timeout.ms", "6000"}}},
      host_->pool(),
      [this](pqxx::work& tx, const events::v1::Envelope& e) { return handler_->Handle(tx, e); },
      &host_->registry());
  if (!consumer.ok()) throw std::runtime_error(std::string(consumer.status().message()));
  consumer_ = std::move(*consumer);
  host_->AddService(service_.get(), assessment::v1::AssessmentService::service_full_name());
  auto port = host_->Start();
  if (!port.ok()) throw std::runtime_error(std::string(port.status().message()));
  consumer_->Start();
  maintenance_->Start();
  channel_ = grpc::CreateChannel(absl::StrFormat("127.0.0.1:%d", *port),
                                 grpc::InsecureChannelCredentials());
  stub_ = assessment::v1::AssessmentService::NewStub(channel_);
}

AssessmentHarness::~AssessmentHarness() {
  stub_.reset();
  maintenance_->Stop();
  consumer_->Stop();
  host_->Shutdown();
  records_->Stop();
}

std::string AssessmentHarness::Token(auth::Role role, std::vector<std::string> districts,
                                     const std::string& subject) {
  auth::Principal p;
  p.subject = subject;
  p.role = role;
  if (districts.size() == 1 && districts[0] == "*") {
    p.all_districts = true;
  } else {
    p.districts = std::move(districts);
  }
  auto token = auth::MintToken(p, "HS256", kJwtKey, absl::Now(), absl::Hours(1));
  if (!token.ok()) throw std::runtime_error(std::string(token.status().message()));
  return *token;
}

std::unique_ptr<grpc::ClientContext> AssessmentHarness::Context(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

}  // namespace ccms::testing
