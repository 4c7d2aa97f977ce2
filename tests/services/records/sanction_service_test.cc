// SanctionServiceImpl (violations, sanctions, commendations) over FakeSanctionStore. What reaches
// the store, and what never does.
#include "services/records/sanction_service.h"

#include <string>

#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/services/records/fake_stores.h"
#include "tests/services/records/handler_fixture.h"

namespace ccms::records::testing {
namespace {

using SanctionServiceTest = AreaTest<FakeSanctionStore, SanctionServiceImpl>;

TEST_F(SanctionServiceTest, RevocationLadderIsCheckedBeforeTheStoreWrites) {
  v1::IssueSanctionRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(ids::NewUuid());
  req.set_kind(v1::SANCTION_KIND_REVOCATION_REQUEST);
  req.add_grounds(v1::REVOCATION_GROUND_REPEATED_WARNINGS);
  store_.ladder.sentence_kind = domain::SentenceKind::kProbation;
  store_.ladder.sanctions = {{domain::SanctionKind::kWarning, absl::CivilDay(2026, 10, 1)}};
  v1::IssueSanctionResponse resp;
  absl::Status st = service_.DoIssueSanction(staff_, req, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(st.message()).find("REPEATED_WARNINGS"), std::string::npos) << st;
  EXPECT_EQ(store_.mutations, 0);
  store_.ladder.sanctions.push_back({domain::SanctionKind::kWarning, absl::CivilDay(2026, 11, 1)});
  ASSERT_TRUE(service_.DoIssueSanction(staff_, req, &resp).ok());
  EXPECT_EQ(store_.mutations, 1);
  EXPECT_TRUE(resp.status().revocation_requested());
}

v1::RecordReoffenceRequest Reoffence(absl::CivilDay occurred) {
  v1::RecordReoffenceRequest q;
  q.set_request_id(ids::NewUuid());
  q.set_case_id(ids::NewUuid());
  q.set_reported_by("某区公安分局");
  q.set_offence_category("theft");
  q.set_detained(true);
  q.mutable_occurred_on()->set_year(static_cast<int32_t>(occurred.year()));
  q.mutable_occurred_on()->set_month(occurred.month());
  q.mutable_occurred_on()->set_day(occurred.day());
  return q;
}

TEST_F(SanctionServiceTest, AReoffenceIsARevocationGround) {
  store_.stored.case_id = "c-1";
  store_.stored.district_code = "110101";
  store_.stored.status = domain::CaseStatus::kActive;
  store_.stored.start_date = absl::CivilDay(2026, 1, 10);
  store_.stored.end_date = absl::CivilDay(2027, 1, 9);
  store_.ladder.sentence_kind = domain::SentenceKind::kProbation;
  v1::RecordReoffenceResponse resp;
  ASSERT_TRUE(
      service_.DoRecordReoffence(staff_, Reoffence(absl::CivilDay(2026, 11, 20)), &resp).ok());
  ASSERT_EQ(resp.status().grounds_met_size(), 1);
  EXPECT_EQ(resp.status().grounds_met(0), v1::REVOCATION_GROUND_REOFFENDING_DURING_TERM);
  EXPECT_NE(resp.status().next_step().find("REOFFENDING_DURING_TERM"), std::string::npos);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.reoffence_recorded");
  v1::ReoffenceRecorded ev;
  ASSERT_TRUE(store_.last_event.payload().UnpackTo(&ev));
  EXPECT_EQ(ev.offence_category(), "theft");
  EXPECT_TRUE(ev.detained());
  EXPECT_EQ(store_.last_event.SerializeAsString().find("公安"), std::string::npos);
  // A revocation request may now name the ground.
  v1::IssueSanctionRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(ids::NewUuid());
  req.set_kind(v1::SANCTION_KIND_REVOCATION_REQUEST);
  req.add_grounds(v1::REVOCATION_GROUND_REOFFENDING_DURING_TERM);
  v1::IssueSanctionResponse issued;
  EXPECT_TRUE(service_.DoIssueSanction(staff_, req, &issued).ok());
}

TEST_F(SanctionServiceTest, AReoffenceOutsideTheTermOrBadlyGivenIsRefused) {
  store_.stored.status = domain::CaseStatus::kActive;
  store_.stored.start_date = absl::CivilDay(2026, 1, 10);
  store_.stored.end_date = absl::CivilDay(2026, 11, 20);
  v1::RecordReoffenceResponse resp;
  // The last day of the term counts; the day before the start does not.
  EXPECT_TRUE(
      service_.DoRecordReoffence(staff_, Reoffence(absl::CivilDay(2026, 11, 20)), &resp).ok());
  absl::Status st =
      service_.DoRecordReoffence(staff_, Reoffence(absl::CivilDay(2026, 1, 9)), &resp);
  ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(grpc_util::ViolationsOf(st).at(0).field, "occurred_on");
  v1::RecordReoffenceRequest bad = Reoffence(absl::CivilDay(2026, 11, 1));
  bad.clear_reported_by();
  bad.set_offence_category("murder of the language");
  bad.mutable_reported_on()->set_year(2026);
  bad.mutable_reported_on()->set_month(10);
  bad.mutable_reported_on()->set_day(31);
  st = service_.DoRecordReoffence(staff_, bad, &resp);
  ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(grpc_util::ViolationsOf(st).size(), 2u);  // reported_by, offence_category
  // Reported before it happened: named by the rule.
  bad = Reoffence(absl::CivilDay(2026, 11, 1));
  *bad.mutable_reported_on() = bad.occurred_on();
  bad.mutable_reported_on()->set_day(0 + 31);
  bad.mutable_reported_on()->set_month(10);
  st = service_.DoRecordReoffence(staff_, bad, &resp);
  ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(grpc_util::ViolationsOf(st).at(0).field, "occurred_on");
  // Closed cases: not any more.
  store_.stored.status = domain::CaseStatus::kDischarged;
  EXPECT_EQ(
      service_.DoRecordReoffence(staff_, Reoffence(absl::CivilDay(2026, 11, 1)), &resp).code(),
      absl::StatusCode::kFailedPrecondition);
  auth::Principal sw = staff_;
  sw.role = auth::Role::kSocialWorker;
  EXPECT_EQ(service_.DoRecordReoffence(sw, Reoffence(absl::CivilDay(2026, 11, 1)), &resp).code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace ccms::records::testing
