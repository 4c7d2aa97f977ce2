#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ccms/assessment/v1/assessment_service.grpc.pb.h"
#include "ccms/records/v1/case_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "common/kafka/inbox_consumer.h"
#include "common/server/service_host.h"
#include "grpcpp/server.h"
#include "services/assessment/records_consumer.h"
#include "services/assessment/wiring.h"
#include "tests/support/integration_env.h"
#include "tests/support/service_harness.h"

namespace ccms::testing {

// A stand-in for the records service (its CaseService): GetCaseFacts from a map of cases,
// checking the service token and keeping the end user's token it was sent (x-ccms-end-user). It
// can be stopped and started again on the same port (records down / back).
class FakeRecordsServer final : public records::v1::CaseService::CallbackService {
 public:
  explicit FakeRecordsServer(std::string expected_token);
  ~FakeRecordsServer() override;

  void Start();
  void Stop();
  const std::string& address() const { return address_; }
  void Put(const records::v1::Case& c);
  int calls() const;
  // The x-ccms-end-user metadata of the last call ("" when it had none).
  std::string last_end_user() const;

  grpc::ServerUnaryReactor* GetCaseFacts(grpc::CallbackServerContext* context,
                                         const records::v1::GetCaseFactsRequest* request,
                                         records::v1::GetCaseFactsResponse* response) override;

 private:
  std::string expected_token_;
  std::string address_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  mutable std::mutex mu_;
  std::map<std::string, records::v1::Case> cases_;
  int calls_ = 0;
  std::string last_end_user_;
};

// The assessment service in-process, wired as ccms-assessment wires it (assessment::Definition()
// on the kit's ServiceHarness, the maintenance running), on a fresh database, the dev broker, a
// free port and a fake records server. The service's clock is a FakeClock tests may move (tokens
// are checked against the real time).
class AssessmentHarness {
 public:
  static constexpr const char* kJwtKey = ServiceHarness::kJwtKey;

  AssessmentHarness();
  ~AssessmentHarness();

  assessment::v1::AssessmentService::Stub& stub() { return *stub_; }
  // The channel to the service (plaintext, loopback), for generic calls.
  std::shared_ptr<grpc::Channel> channel() { return service_.channel(); }
  server::ServiceHost& host() { return service_.host(); }
  TestDatabase& db() { return service_.db(); }
  assessment::PgAssessmentStore& store() { return wiring().store(); }
  kafka::InboxConsumer& consumer() { return host().consumer(0); }
  assessment::Maintenance& maintenance() { return wiring().maintenance(); }
  FakeRecordsServer& records() { return *records_; }
  time::FakeClock& clock() { return clock_; }
  // The default file's only version.
  const assessment::domain::AssessmentPolicy& policy() {
    return wiring().policies().Latest().rules;
  }
  const assessment::InstrumentCatalog& catalog() { return wiring().catalog(); }

  std::string Token(auth::Role role, std::vector<std::string> districts,
                    const std::string& subject = "tester") {
    return ServiceHarness::Token(role, std::move(districts), subject);
  }
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    return ServiceHarness::Context(token);
  }

 private:
  assessment::AssessmentWiring& wiring() { return service_.wiring<assessment::AssessmentWiring>(); }

  time::FakeClock clock_;
  std::unique_ptr<FakeRecordsServer> records_;
  ServiceHarness service_;
  std::unique_ptr<assessment::v1::AssessmentService::Stub> stub_;
};

}  // namespace ccms::testing
