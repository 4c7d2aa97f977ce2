#include "tests/integration/employment_harness.h"

#include "absl/time/clock.h"
#include "common/kafka/outbox.h"

namespace ccms::testing {

EmploymentHarness::EmploymentHarness()
    : clock_(FixedTestNow()),
      service_(employment::Definition(), {.clock = &clock_,
                                          .settings = {{"CCMS_PII_KEY", kPiiKey}},
                                          .consumer_properties = {{"session.timeout.ms", "6000"}},
                                          .background = false}),
      partners_(employment::v1::PartnerService::NewStub(service_.channel())),
      referrals_(employment::v1::ReferralService::NewStub(service_.channel())),
      agency_(employment::v1::AgencyReferralService::NewStub(service_.channel())),
      houses_(employment::v1::HalfwayHouseService::NewStub(service_.channel())),
      retention_(employment::v1::RetentionService::NewStub(service_.channel())),
      training_(employment::v1::TrainingService::NewStub(service_.channel())),
      schooling_(employment::v1::SchoolingService::NewStub(service_.channel())),
      contracts_(employment::v1::PartnerContractService::NewStub(service_.channel())),
      assistance_(employment::v1::AssistanceService::NewStub(service_.channel())),
      volunteers_(employment::v1::VolunteerService::NewStub(service_.channel())) {}

EmploymentHarness::~EmploymentHarness() = default;

absl::Status EmploymentHarness::Feed(const std::string& type, const std::string& case_id,
                                     const std::string& district,
                                     const google::protobuf::Message& payload) {
  const auto envelope = kafka::MakeEnvelope(type, case_id, district, absl::Now(), absl::Now(),
                                            "records-test", payload);
  auto applied = consumer().Process("ccms.records.v1", 0, offset_++, envelope.SerializeAsString());
  if (!applied.ok()) return applied.status();
  if (!*applied) return absl::InternalError("event not applied");
  return absl::OkStatus();
}

}  // namespace ccms::testing
