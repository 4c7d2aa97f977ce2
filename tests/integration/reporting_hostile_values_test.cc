// Every field of every reporting request (the report runs, snapshots, publication, diffs and
// exports), one hostile value at a time, against the real service on PostgreSQL: a client error or
// OK for each, never a server fault, a dead process or a refused call that wrote rows.
#include "absl/time/clock.h"
#include "ccms/records/v1/records_events.pb.h"
#include "ccms/reporting/v1/reporting_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/inbox_consumer.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/wiring.h"
#include "tests/support/hostile_values.h"
#include "tests/support/service_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
using grpc_util::ToProtoDate;

TEST(ReportingHostileValuesTest, EveryFieldOfEveryRequestGetsAClientErrorOrOk) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker";
  ServiceHarness h(reporting::Definition(), {});
  // Nothing but the calls may write while the database is watched: not other tests' cases on the
  // shared topics. One case, handed to the consumer by hand.
  h.host().consumer(0).Stop();
  const absl::CivilDay today = time::ShanghaiDay(h.clock().Now());
  const std::string case_id = ids::NewUuid();
  records::v1::CaseOpened opened;
  opened.set_case_id(case_id);
  opened.set_district_code("110101");
  opened.set_office_id("office-1");
  opened.set_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
  *opened.mutable_supervision_start_date() = ToProtoDate(today - 10);
  *opened.mutable_intake_deadline() = ToProtoDate(today + 5);
  const auto envelope = kafka::MakeEnvelope("ccms.records.case_opened", case_id, "110101",
                                            absl::Now(), absl::Now(), "test", opened);
  auto applied =
      h.host().consumer(0).Process(reporting::kRecordsTopic, 0, 1, envelope.SerializeAsString());
  ASSERT_TRUE(applied.ok() && *applied) << applied.status();

  HostileOptions o;
  o.channel = h.channel();
  o.services = {reporting::v1::ReportingService::service_full_name()};
  o.tokens = {ServiceHarness::Token(Role::kDistrictBureau, {"110101"}, "bureau-1"),
              ServiceHarness::Token(Role::kCityAdmin, {"*"}, "admin-1")};
  o.strings = {{"report_id", "monthly"},
               {"district_code", "110101"},
               {"breakdown", "district"},
               {"office_id", "office-1"}};
  o.today = today;
  o.snapshot = DatabaseSnapshot(h.db().dsn());

  const HostileReport report = RunHostileValues(o);
  ExpectNoFailures(o, report);
}

}  // namespace
}  // namespace ccms::testing
