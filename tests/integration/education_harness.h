#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ccms/education/v1/catalogue_service.grpc.pb.h"
#include "ccms/education/v1/community_service.grpc.pb.h"
#include "ccms/education/v1/correction_plan_service.grpc.pb.h"
#include "ccms/education/v1/counselling_service.grpc.pb.h"
#include "ccms/education/v1/feedback_service.grpc.pb.h"
#include "ccms/education/v1/hours_ledger_service.grpc.pb.h"
#include "ccms/education/v1/legal_test_service.grpc.pb.h"
#include "ccms/education/v1/service_file_service.grpc.pb.h"
#include "ccms/education/v1/session_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "common/kafka/inbox_consumer.h"
#include "services/education/wiring.h"
#include "tests/support/integration_env.h"
#include "tests/support/service_harness.h"

namespace ccms::testing {

// The education service in-process, wired as ccms-education wires it (education::Definition()
// on the kit's ServiceHarness, its consumer of ccms.records.v1 running), on a fresh database, the
// dev broker and a free port. The service's clock is a FakeClock tests may move (tokens are
// checked against the real time).
class EducationHarness {
 public:
  // The key of psychological files, complaints and behaviour notes (CCMS_PII_KEY), a test key.
  static constexpr char kPiiKey[] =
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  EducationHarness();
  ~EducationHarness();

  education::v1::ServiceFileService::Stub& service_files() { return *service_files_; }
  education::v1::CounsellingService::Stub& counselling() { return *counselling_; }
  education::v1::LegalTestService::Stub& legal_tests() { return *legal_tests_; }
  education::v1::FeedbackService::Stub& feedback() { return *feedback_; }
  education::v1::SessionService::Stub& sessions() { return *sessions_; }
  education::v1::CommunityServiceService::Stub& community_service() { return *community_; }
  std::shared_ptr<grpc::Channel> channel() { return service_.channel(); }
  server::ServiceHost& host() { return service_.host(); }
  TestDatabase& db() { return service_.db(); }
  kafka::InboxConsumer& consumer() { return host().consumer(0); }
  // The consumers in wiring.cc's order: records' events (0), the plans' revisions (1), care (2).
  // The consumer of records' and assessment's events for the plans' revisions.
  kafka::InboxConsumer& plan_consumer() { return host().consumer(1); }
  education::v1::CorrectionPlanService::Stub& plans() { return *plans_; }
  education::v1::CatalogueService::Stub& catalogue() { return *catalogue_; }
  // The care area's consumer of ccms.assessment.v1 (crisis flags).
  kafka::InboxConsumer& care_consumer() { return host().consumer(2); }
  time::FakeClock& clock() { return clock_; }
  // The hours ledger (issue 14 items 6-8) and its consumer of records' and assessment's events
  // (lost contact, step-up triggers), the fourth in wiring.cc's order.
  education::v1::HoursLedgerService::Stub& hours_ledger() { return *hours_ledger_; }
  kafka::InboxConsumer& ledger_consumer() { return host().consumer(3); }
  // Stops every consumer: a test that watches the database (hostile values) hands its events to
  // consumer() by hand; the others would apply other tests' events from the shared topics.
  void StopConsumers() {
    for (size_t i = 0; i < 4; ++i) host().consumer(i).Stop();
  }
  const education::domain::EducationPolicy& policy() {
    return service_.wiring<education::EducationWiring>().policies().Latest().rules;
  }

  // The service's handlers, for calls made as a principal without the wire (a partner's: the
  // harness channel is plaintext, and a partner token needs its client certificate).
  education::EducationWiring& wiring() { return service_.wiring<education::EducationWiring>(); }

  std::string Token(auth::Role role, std::vector<std::string> districts,
                    const std::string& subject = "tester") {
    return ServiceHarness::Token(role, std::move(districts), subject);
  }
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    return ServiceHarness::Context(token);
  }

 private:
  time::FakeClock clock_;
  ServiceHarness service_;
  std::unique_ptr<education::v1::ServiceFileService::Stub> service_files_;
  std::unique_ptr<education::v1::CorrectionPlanService::Stub> plans_;
  std::unique_ptr<education::v1::CatalogueService::Stub> catalogue_;
  std::unique_ptr<education::v1::CounsellingService::Stub> counselling_;
  std::unique_ptr<education::v1::LegalTestService::Stub> legal_tests_;
  std::unique_ptr<education::v1::FeedbackService::Stub> feedback_;
  std::unique_ptr<education::v1::SessionService::Stub> sessions_;
  std::unique_ptr<education::v1::CommunityServiceService::Stub> community_;
  std::unique_ptr<education::v1::HoursLedgerService::Stub> hours_ledger_;
};

}  // namespace ccms::testing
