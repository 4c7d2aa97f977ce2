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

std::string FakeRecordsServer::last_end_user() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_end_user_;
}

grpc::ServerUnaryReactor* FakeRecordsServer::GetCaseFacts(
    grpc::CallbackServerContext* context, const records::v1::GetCaseFactsRequest* request,
    records::v1::GetCaseFactsResponse* response) {
  auto* reactor = context->DefaultReactor();
  std::lock_guard<std::mutex> lock(mu_);
  ++calls_;
  auto end_user = context->client_metadata().find("x-ccms-end-user");
  last_end_user_ = end_user == context->client_metadata().end()
                       ? ""
                       : std::string(end_user->second.data(), end_user->second.size());
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
  const records::v1::Case& c = it->second;
  response->set_case_id(c.case_id());
  response->set_district_code(c.assignment().district_code());
  response->set_office_id(c.assignment().office_id());
  response->set_status(c.status());
  response->set_sentence_kind(c.sentence().kind());
  *response->mutable_supervision_start_date() = c.sentence().start_date();
  *response->mutable_supervision_end_date() = c.sentence().end_date();
  if (c.has_intake_reported_on()) *response->mutable_intake_reported_on() = c.intake_reported_on();
  response->set_minor(c.minor());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

namespace {
std::unique_ptr<FakeRecordsServer> StartFakeRecords() {
  auto records = std::make_unique<FakeRecordsServer>(kServiceToken);
  records->Start();
  return records;
}
}  // namespace

AssessmentHarness::AssessmentHarness()
    : clock_(FixedTestNow()),
      records_(StartFakeRecords()),
      service_(assessment::Definition(), {.clock = &clock_,
                                          .settings = {{"CCMS_RECORDS_ADDR", records_->address()},
                                                       {"CCMS_SERVICE_TOKEN", kServiceToken},
                                                       {"CCMS_RECORDS_TIMEOUT_MS", "500"},
                                                       {"CCMS_MAINTENANCE_PERIOD_MS", "86400000"}},
                                          .consumer_properties = {{"session.timeout.ms", "6000"}},
                                          .background = true}),
      stub_(assessment::v1::AssessmentService::NewStub(service_.channel())) {}

AssessmentHarness::~AssessmentHarness() = default;  // the service stops before the fake records

}  // namespace ccms::testing
