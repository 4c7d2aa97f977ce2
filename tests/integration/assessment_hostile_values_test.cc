// Every field of every assessment request, one hostile value at a time, against the real service
// on PostgreSQL: a client error or OK for each, never a server fault, a dead process or a refused
// call that wrote rows.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/assessment_harness.h"
#include "tests/support/hostile_values.h"

namespace ccms::testing {
namespace {

using auth::Role;
using grpc_util::ToProtoDate;

TEST(AssessmentHostileValuesTest, EveryFieldOfEveryRequestGetsAClientErrorOrOk) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker";
  AssessmentHarness h;
  const absl::CivilDay today = time::ShanghaiDay(h.clock().Now());
  // One active case, known from records' events and to the stand-in records server.
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
  records::v1::Case c;
  c.set_case_id(case_id);
  c.mutable_assignment()->set_district_code("110101");
  c.set_status(records::v1::CASE_STATUS_ACTIVE);
  *c.mutable_sentence()->mutable_start_date() = ToProtoDate(today - 10);
  *c.mutable_sentence()->mutable_end_date() = ToProtoDate(today + 720);
  *c.mutable_intake_reported_on() = ToProtoDate(today - 5);
  h.records().Put(c);
  // Nothing but the calls may write while the database is watched: not other tests' cases on the
  // shared topic, not the monthly maintenance.
  h.consumer().Stop();
  h.maintenance().Stop();

  HostileOptions o;
  o.channel = h.channel();
  o.services = {assessment::v1::AssessmentService::service_full_name()};
  o.tokens = {h.Token(Role::kOfficeStaff, {"110101"}, "staff-1"),
              h.Token(Role::kSocialWorker, {"110101"}, "worker-1"),
              h.Token(Role::kCityAdmin, {"*"}, "admin-1"),
              h.Token(Role::kAuditor, {"*"}, "auditor-1")};
  o.strings = {{"case_id", case_id},
               {"district_code", "110101"},
               {"instrument_id", "social_risk"},
               {"assessor_id", "staff-1"}};
  o.today = today;
  o.snapshot = DatabaseSnapshot(h.db().dsn());

  const HostileReport report = RunHostileValues(o);
  ExpectNoFailures(o, report);
}

}  // namespace
}  // namespace ccms::testing
