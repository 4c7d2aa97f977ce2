// Every field of every correction-plan and catalogue request, one hostile value at a time,
// against the real education service on PostgreSQL: a client error or OK for each, never a server
// fault, a dead process or a refused call that wrote rows.
#include "absl/time/clock.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/education_harness.h"
#include "tests/support/hostile_values.h"

namespace ccms::testing {
namespace {

using auth::Role;
using grpc_util::ToProtoDate;

TEST(EducationPlanHostileValuesTest, EveryFieldOfEveryRequestGetsAClientErrorOrOk) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker";
  EducationHarness h;
  const absl::CivilDay today = time::ShanghaiDay(h.clock().Now());
  // One active case, known from records' events.
  const std::string case_id = ids::NewUuid();
  records::v1::CaseOpened opened;
  opened.set_case_id(case_id);
  opened.set_district_code("110101");
  opened.set_office_id("office-1");
  *opened.mutable_supervision_start_date() = ToProtoDate(today - 10);
  *opened.mutable_supervision_end_date() = ToProtoDate(today + 720);
  records::v1::IntakeReported intake;
  intake.set_case_id(case_id);
  intake.set_district_code("110101");
  *intake.mutable_reported_on() = ToProtoDate(today - 5);
  int64_t offset = 0;
  for (const auto& [type, payload] :
       std::vector<std::pair<std::string, const google::protobuf::Message*>>{
           {"ccms.records.case_opened", &opened}, {"ccms.records.intake_reported", &intake}}) {
    const auto envelope = kafka::MakeEnvelope(type, case_id, "110101", absl::Now(), absl::Now(),
                                              "records-test", *payload);
    auto applied =
        h.consumer().Process("ccms.records.v1", 0, offset++, envelope.SerializeAsString());
    ASSERT_TRUE(applied.ok() && *applied) << applied.status();
  }
  // Nothing but the calls may write while the database is watched.
  h.StopConsumers();

  HostileOptions o;
  o.channel = h.channel();
  o.services = {education::v1::CorrectionPlanService::service_full_name(),
                education::v1::CatalogueService::service_full_name()};
  o.tokens = {h.Token(Role::kOfficeStaff, {"110101"}, "staff-1"),
              h.Token(Role::kSocialWorker, {"110101"}, "worker-1"),
              h.Token(Role::kCityAdmin, {"*"}, "admin-1"),
              h.Token(Role::kAuditor, {"*"}, "auditor-1")};
  o.strings = {{"case_id", case_id}, {"district_code", "110101"}};
  o.today = today;
  o.snapshot = DatabaseSnapshot(h.db().dsn());

  const HostileReport report = RunHostileValues(o);
  ExpectNoFailures(o, report);
}

}  // namespace
}  // namespace ccms::testing
