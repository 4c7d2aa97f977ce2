#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ccms/assessment/v1/assessment_service.grpc.pb.h"
#include "ccms/records/v1/records_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "common/kafka/inbox_consumer.h"
#include "common/server/service_host.h"
#include "grpcpp/server.h"
#include "services/assessment/assessment_service.h"
#include "services/assessment/domain/assessment_policy.h"
#include "services/assessment/instrument_catalog.h"
#include "services/assessment/maintenance.h"
#include "services/assessment/pg_assessment_store.h"
#include "services/assessment/records_client.h"
#include "services/assessment/records_consumer.h"
#include "tests/support/integration_env.h"

namespace ccms::testing {

// A stand-in for the records service: GetCase from a map, checking the service token. It can be
// stopped and started again on the same port (records down / back).
class FakeRecordsServer final : public records::v1::RecordsService::CallbackService {
 public:
  explicit FakeRecordsServer(std::string expected_token);
  ~FakeRecordsServer() override;

  void Start();
  void Stop();
  const std::string& address() const { return address_; }
  void Put(const records::v1::Case& c);
  int calls() const;

  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const records::v1::GetCaseRequest* request,
                                    records::v1::GetCaseResponse* response) override;

 private:
  std::string expected_token_;
  std::string address_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  mutable std::mutex mu_;
  std::map<std::string, records::v1::Case> cases_;
  int calls_ = 0;
};

// The assessment service in-process, wired as main() wires it (ServiceHost, PgAssessmentStore,
// AssessmentServiceImpl, the records consumer, the maintenance), on a fresh database, the dev
// broker, a free port and a fake records server. The service's clock is a FakeClock tests may
// move (tokens are checked against the real time).
class AssessmentHarness {
 public:
  static constexpr char kJwtKey[] = "integration-test-key-0123456789abcdef";

  AssessmentHarness();
  ~AssessmentHarness();

  assessment::v1::AssessmentService::Stub& stub() { return *stub_; }
  // The channel to the service (plaintext, loopback), for generic calls.
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  server::ServiceHost& host() { return *host_; }
  TestDatabase& db() { return db_; }
  assessment::PgAssessmentStore& store() { return *store_; }
  kafka::InboxConsumer& consumer() { return *consumer_; }
  assessment::Maintenance& maintenance() { return *maintenance_; }
  FakeRecordsServer& records() { return *records_; }
  time::FakeClock& clock() { return clock_; }
  // The default file's only version.
  const assessment::domain::AssessmentPolicy& policy() const { return policy_->Latest().rules; }
  const assessment::InstrumentCatalog& catalog() const { return *catalog_; }

  std::string Token(auth::Role role, std::vector<std::string> districts,
                    const std::string& subject = "tester");
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token);

 private:
  TestDatabase db_;
  time::SystemClock system_clock_;
  time::FakeClock clock_;
  std::unique_ptr<assessment::InstrumentCatalog> catalog_;
  std::unique_ptr<assessment::domain::AssessmentPolicies> policy_;
  std::unique_ptr<FakeRecordsServer> records_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<assessment::PgAssessmentStore> store_;
  std::unique_ptr<assessment::GrpcRecordsClient> records_client_;
  std::unique_ptr<assessment::AssessmentServiceImpl> service_;
  std::unique_ptr<assessment::Maintenance> maintenance_;
  std::unique_ptr<assessment::RecordsEventHandler> handler_;
  std::unique_ptr<kafka::InboxConsumer> consumer_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<assessment::v1::AssessmentService::Stub> stub_;
};

}  // namespace ccms::testing
