#include "tests/integration/employment_harness.h"

#include "absl/time/clock.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
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

absl::StatusOr<std::string> EmploymentHarness::FeedOpenedCase(const std::string& district,
                                                              const OpenedCaseFacts& facts) {
  const std::string case_id = ids::NewUuid();
  records::v1::CaseOpened opened;
  opened.set_case_id(case_id);
  opened.set_district_code(district);
  opened.set_office_id("office-1");
  *opened.mutable_judgment_effective_date() =
      grpc_util::ToProtoDate(Today() - facts.judged_days_ago);
  opened.set_age_at_judgment(facts.age);
  opened.set_minor(facts.minor);
  opened.set_offence_category(facts.offence_category);
  if (auto st = Feed("ccms.records.case_opened", case_id, district, opened); !st.ok()) return st;
  records::v1::IntakeReported intake;
  intake.set_case_id(case_id);
  *intake.mutable_reported_on() = grpc_util::ToProtoDate(Today() - facts.reported_days_ago);
  if (auto st = Feed("ccms.records.intake_reported", case_id, district, intake); !st.ok()) {
    return st;
  }
  return case_id;
}

}  // namespace ccms::testing
