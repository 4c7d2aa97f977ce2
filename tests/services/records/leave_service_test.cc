// LeaveServiceImpl (leave and standing approvals) over FakeLeaveStore. What reaches the store, and
// what never does.
#include "services/records/leave_service.h"

#include <optional>
#include <set>
#include <string>

#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/services/records/fake_stores.h"
#include "tests/services/records/handler_fixture.h"

namespace ccms::records::testing {
namespace {

using LeaveServiceTest = AreaTest<FakeLeaveStore, LeaveServiceImpl>;

TEST_F(LeaveServiceTest, LongLeaveNeedsTheBureauAndOfficeDenialIsAudited) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.district_code = "110101";
  store_.leave.leave_id = ids::NewUuid();
  store_.leave.start_date = absl::CivilDay(2026, 12, 1);
  store_.leave.end_date = absl::CivilDay(2026, 12, 8);  // 8 days
  v1::ApproveLeaveRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(store_.stored.case_id);
  req.set_leave_id(store_.leave.leave_id);
  v1::ApproveLeaveResponse resp;
  absl::Status st = service_.DoApproveLeave(staff_, req, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(st.message().find("needs the district bureau"), std::string::npos) << st;
  ASSERT_EQ(audit_.audited.size(), 1u);
  EXPECT_EQ(audit_.audited[0], "ApproveLeave:DENIED");
  EXPECT_EQ(store_.mutations, 0);

  auth::Principal bureau = staff_;
  bureau.role = auth::Role::kDistrictBureau;
  ASSERT_TRUE(service_.DoApproveLeave(bureau, req, &resp).ok());
  EXPECT_EQ(resp.leave().status(), v1::LEAVE_STATUS_APPROVED);
  EXPECT_EQ(resp.leave().approval_level(), v1::LEAVE_APPROVAL_LEVEL_BUREAU);
  EXPECT_EQ(resp.leave().decided_on().day(), 22);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.leave_approved");

  // Seven days: the office decides.
  store_.leave.end_date = absl::CivilDay(2026, 12, 7);
  ASSERT_TRUE(service_.DoApproveLeave(staff_, req, &resp).ok());
  EXPECT_EQ(resp.leave().approval_level(), v1::LEAVE_APPROVAL_LEVEL_OFFICE);
}

TEST_F(LeaveServiceTest, LeaveRequestsAreCheckedFieldByField) {
  v1::RequestLeaveRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(ids::NewUuid());
  req.mutable_start_date()->set_year(2026);
  req.mutable_start_date()->set_month(11);
  req.mutable_start_date()->set_day(21);  // yesterday
  *req.mutable_end_date() = req.start_date();
  req.mutable_end_date()->set_day(20);  // before the start
  v1::RequestLeaveResponse resp;
  absl::Status st = service_.DoRequestLeave(staff_, req, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : grpc_util::ViolationsOf(st)) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"start_date", "end_date", "destination"}));

  req.set_destination("  Suzhou ");
  req.mutable_start_date()->set_day(23);
  req.mutable_end_date()->set_month(12);
  req.mutable_end_date()->set_day(23);  // 31 days
  st = service_.DoRequestLeave(staff_, req, &resp);
  ASSERT_EQ(grpc_util::ViolationsOf(st).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(st)[0].field, "end_date");
  EXPECT_EQ(store_.mutations, 0);

  req.mutable_end_date()->set_day(22);  // 30 days: the bureau
  ASSERT_TRUE(service_.DoRequestLeave(staff_, req, &resp).ok());
  EXPECT_EQ(resp.leave().status(), v1::LEAVE_STATUS_REQUESTED);
  EXPECT_EQ(resp.leave().days(), 30);
  EXPECT_EQ(resp.leave().destination(), "Suzhou");
  EXPECT_EQ(resp.leave().approval_level(), v1::LEAVE_APPROVAL_LEVEL_BUREAU);
  EXPECT_EQ(resp.leave().decision_due().day(), 25);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.leave_requested");
  EXPECT_EQ(store_.last_event.SerializeAsString().find("Suzhou"), std::string::npos);

  // Overlapping an approved leave of the case: refused, naming its dates.
  store_.leave_context.others.push_back({ids::NewUuid(), domain::LeaveStatus::kApproved,
                                         absl::CivilDay(2026, 12, 20), absl::CivilDay(2026, 12, 31),
                                         std::nullopt});
  req.set_request_id(ids::NewUuid());
  st = service_.DoRequestLeave(staff_, req, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("approved leave from 2026-12-20 to 2026-12-31"), std::string::npos)
      << st;
}

TEST_F(LeaveServiceTest, LateReturnRecordsAViolation) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.district_code = "110101";
  store_.leave.leave_id = ids::NewUuid();
  store_.leave.status = domain::LeaveStatus::kApproved;
  store_.leave.destination = "Hangzhou";
  store_.leave.start_date = absl::CivilDay(2026, 11, 10);
  store_.leave.end_date = absl::CivilDay(2026, 11, 19);
  v1::RecordLeaveReturnRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(store_.stored.case_id);
  req.set_leave_id(store_.leave.leave_id);
  v1::RecordLeaveReturnResponse resp;
  ASSERT_TRUE(service_.DoRecordLeaveReturn(staff_, req, &resp).ok());  // today, 2026-11-22
  EXPECT_EQ(resp.leave().status(), v1::LEAVE_STATUS_RETURNED);
  EXPECT_EQ(resp.leave().days_late(), 3);
  EXPECT_FALSE(resp.leave().violation_id().empty());
  EXPECT_EQ(store_.last_violation_event.type(), "ccms.records.violation_recorded");
  v1::ViolationRecorded v;
  ASSERT_TRUE(store_.last_violation_event.payload().UnpackTo(&v));
  EXPECT_EQ(v.kind(), v1::VIOLATION_KIND_LEAVE_NOT_RETURNED);
  EXPECT_EQ(v.violation_id(), resp.leave().violation_id());
  EXPECT_EQ(v.occurred_on().day(), 20);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.leave_returned");
  v1::LeaveChanged changed;
  ASSERT_TRUE(store_.last_event.payload().UnpackTo(&changed));
  EXPECT_TRUE(changed.late());
  EXPECT_EQ(store_.last_event.SerializeAsString().find("Hangzhou"), std::string::npos);

  // Before the first day: refused, naming the field.
  req.mutable_returned_on()->set_year(2026);
  req.mutable_returned_on()->set_month(11);
  req.mutable_returned_on()->set_day(9);
  absl::Status st = service_.DoRecordLeaveReturn(staff_, req, &resp);
  ASSERT_EQ(grpc_util::ViolationsOf(st).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(st)[0].field, "returned_on");
}

TEST_F(LeaveServiceTest, StandingApprovalValidityAndNotReturnedDays) {
  auth::Principal bureau = staff_;
  bureau.role = auth::Role::kDistrictBureau;
  v1::GrantStandingApprovalRequest g;
  g.set_request_id(ids::NewUuid());
  g.set_case_id(ids::NewUuid());
  g.set_destination("Suzhou");
  g.mutable_valid_until()->set_year(2027);
  g.mutable_valid_until()->set_month(5);
  g.mutable_valid_until()->set_day(23);  // today + 6 months + 1 day
  v1::GrantStandingApprovalResponse gr;
  absl::Status st = service_.DoGrantStandingApproval(bureau, g, &gr);
  ASSERT_EQ(grpc_util::ViolationsOf(st).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(st)[0].field, "valid_until");
  g.mutable_valid_until()->set_day(22);
  ASSERT_TRUE(service_.DoGrantStandingApproval(bureau, g, &gr).ok());
  EXPECT_EQ(gr.standing_approval().valid_from().day(), 22);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.standing_approval_granted");
  EXPECT_EQ(store_.last_event.SerializeAsString().find("Suzhou"), std::string::npos);

  store_.not_returned = {
      {ids::NewUuid(), "n", "110101", ids::NewUuid(), absl::CivilDay(2026, 10, 31)}};
  v1::ListLeavesNotReturnedRequest lq;
  lq.set_district_code("110101");
  v1::ListLeavesNotReturnedResponse lr;
  ASSERT_TRUE(service_.DoListLeavesNotReturned(staff_, lq, &lr).ok());
  ASSERT_EQ(lr.items_size(), 1);
  EXPECT_EQ(lr.items(0).days_overdue(), 22);
  EXPECT_EQ(lr.items(0).policy_version(), policy_.Latest().name);
}

}  // namespace
}  // namespace ccms::records::testing
