#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ccms/employment/v1/agency_referral_service.grpc.pb.h"
#include "ccms/employment/v1/assistance_service.grpc.pb.h"
#include "ccms/employment/v1/halfway_house_service.grpc.pb.h"
#include "ccms/employment/v1/partner_contract_service.grpc.pb.h"
#include "ccms/employment/v1/partner_service.grpc.pb.h"
#include "ccms/employment/v1/referral_service.grpc.pb.h"
#include "ccms/employment/v1/retention_service.grpc.pb.h"
#include "ccms/employment/v1/schooling_service.grpc.pb.h"
#include "ccms/employment/v1/training_service.grpc.pb.h"
#include "ccms/employment/v1/volunteer_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "common/kafka/inbox_consumer.h"
#include "services/employment/wiring.h"
#include "tests/support/integration_env.h"
#include "tests/support/service_harness.h"

namespace ccms::testing {

// What EmploymentHarness::FeedOpenedCase's events say of a case.
struct OpenedCaseFacts {
  int judged_days_ago = 300;    // the judgment's effective date, before today
  int reported_days_ago = 290;  // the intake report
  int age = 30;                 // at the judgment
  bool minor = false;
  std::string offence_category;
};

// The employment service in-process, wired as ccms-employment wires it (employment::Definition()
// on the kit's ServiceHarness), on a fresh database, the dev broker and a free port. Its consumer
// of ccms.records.v1 is built but tests hand it events (Process); background work (escalation)
// is off: tests call the escalator. The service's clock is a FakeClock tests may move.
class EmploymentHarness {
 public:
  // A fixed key for contacts and given names at rest (tests only).
  static constexpr char kPiiKey[] =
      "7f1c0d9e8b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa00112233";

  EmploymentHarness();
  ~EmploymentHarness();

  employment::v1::PartnerService::Stub& partners() { return *partners_; }
  employment::v1::ReferralService::Stub& referrals() { return *referrals_; }
  employment::v1::AgencyReferralService::Stub& agency() { return *agency_; }
  employment::v1::HalfwayHouseService::Stub& houses() { return *houses_; }
  employment::v1::RetentionService::Stub& retention() { return *retention_; }
  employment::v1::TrainingService::Stub& training() { return *training_; }
  employment::v1::SchoolingService::Stub& schooling() { return *schooling_; }
  employment::v1::PartnerContractService::Stub& partner_contracts() { return *contracts_; }
  employment::v1::AssistanceService::Stub& assistance() { return *assistance_; }
  employment::v1::VolunteerService::Stub& volunteers() { return *volunteers_; }
  employment::EmploymentWiring& wiring() { return service_.wiring<employment::EmploymentWiring>(); }
  std::shared_ptr<grpc::Channel> channel() { return service_.channel(); }
  server::ServiceHost& host() { return service_.host(); }
  TestDatabase& db() { return service_.db(); }
  kafka::InboxConsumer& consumer() { return host().consumer(0); }
  // The consumer of ccms.education.v1 (group ccms-employment-education).
  kafka::InboxConsumer& education_consumer() { return host().consumer(1); }
  time::FakeClock& clock() { return clock_; }
  absl::CivilDay Today() const { return service_.Today(); }

  // Hands a records event to the consumer as if it came from ccms.records.v1 (inbox and all).
  absl::Status Feed(const std::string& type, const std::string& case_id,
                    const std::string& district, const google::protobuf::Message& payload);
  // A case of `district` as records makes one: case_opened (in office-1, with `facts`) and
  // intake_reported fed to the consumer; returns its id.
  absl::StatusOr<std::string> FeedOpenedCase(const std::string& district,
                                             const OpenedCaseFacts& facts = {});

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
  std::unique_ptr<employment::v1::PartnerService::Stub> partners_;
  std::unique_ptr<employment::v1::ReferralService::Stub> referrals_;
  std::unique_ptr<employment::v1::AgencyReferralService::Stub> agency_;
  std::unique_ptr<employment::v1::HalfwayHouseService::Stub> houses_;
  std::unique_ptr<employment::v1::RetentionService::Stub> retention_;
  std::unique_ptr<employment::v1::TrainingService::Stub> training_;
  std::unique_ptr<employment::v1::SchoolingService::Stub> schooling_;
  std::unique_ptr<employment::v1::PartnerContractService::Stub> contracts_;
  std::unique_ptr<employment::v1::AssistanceService::Stub> assistance_;
  std::unique_ptr<employment::v1::VolunteerService::Stub> volunteers_;
  int64_t offset_ = 1;
};

}  // namespace ccms::testing
