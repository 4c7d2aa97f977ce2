// Every field of every records request, one hostile value at a time, against the real service on
// PostgreSQL: a client error or OK for each, never a server fault, a dead process or a refused
// call that wrote rows.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "ccms/ops/v1/audit_chain_service.grpc.pb.h"
#include "ccms/ops/v1/dead_letter_service.grpc.pb.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/records_harness.h"
#include "tests/support/hostile_values.h"

namespace ccms::testing {
namespace {

using auth::Role;

TEST(RecordsHostileValuesTest, EveryFieldOfEveryRequestGetsAClientErrorOrOk) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker";
  RecordsHarness h;
  const std::string admin = h.Token(Role::kCityAdmin, {"*"}, "admin-1");
  // One case that exists and has reported, so case ids reach the rules behind the lookup.
  records::v1::OpenCaseResponse opened;
  {
    auto ctx = h.Context(admin);
    ASSERT_TRUE(
        h.cases().OpenCase(ctx.get(), ValidOpenCase(MakeIdNumber("19900307", 11)), &opened).ok());
    records::v1::RecordIntakeCheckInRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(opened.case_().case_id());
    records::v1::RecordIntakeCheckInResponse resp;
    auto ctx2 = h.Context(admin);
    ASSERT_TRUE(h.cases().RecordIntakeCheckIn(ctx2.get(), req, &resp).ok());
  }

  HostileOptions o;
  o.channel = h.channel();
  o.services = RecordsServiceNames();
  // The ops services every service serves (common/server/dead_letter_service.h,
  // audit_chain_service.h).
  o.services.push_back(ops::v1::DeadLetterService::service_full_name());
  o.services.push_back(ops::v1::AuditChainService::service_full_name());
  o.tokens = {h.Token(Role::kOps, {"*"}, "ops-1"),
              h.Token(Role::kDistrictBureau, {"110101"}, "bureau-1"),
              h.Token(Role::kOfficeStaff, {"110101"}, "staff-1"),
              h.Token(Role::kSocialWorker, {"110101"}, "worker-1"),
              admin,
              h.Token(Role::kAuditor, {"*"}, "auditor-1"),
              h.Token(Role::kService, {"*"}, "service-1")};
  o.strings = {{"case_id", opened.case_().case_id()},
               {"id_number", MakeIdNumber("19850101", 13)},
               {"district_code", "110101"},
               {"office_id", "office-1"},
               {"phone", "13800000000"}};
  o.today = h.Today();
  o.snapshot = DatabaseSnapshot(h.db().dsn());

  const HostileReport report = RunHostileValues(o);
  ExpectNoFailures(o, report);
  // The three calls that once ended the process.
  EXPECT_TRUE(report.tried.count("RecordContact.kind=8"));
  EXPECT_TRUE(report.tried.count("RecordViolation.kind=9"));
  EXPECT_TRUE(report.tried.count("IssueSanction.kind=5"));
  // Sentence changes: an unknown kind on the open case.
  EXPECT_TRUE(report.tried.count("RecordSentenceChange.kind=3"));
}

}  // namespace
}  // namespace ccms::testing
