// Leave (请假外出) against real PostgreSQL and the dev broker: approval levels, overlaps, late
// return, district scope, idempotency, audit rows, events, and the not-returned list over a
// simulated year (a fixed clock moved day by day) against a brute-force recomputation.
#include <algorithm>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "ccms/events/v1/envelope.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "common/policy/policy.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "services/records/domain/records_policy.h"
#include "tests/integration/records_harness.h"

namespace ccms::testing {
namespace {

using absl::CivilDay;
using auth::Role;
namespace v1 = records::v1;

constexpr char kDistrict[] = "110101";
constexpr char kDistrict2[] = "110102";
constexpr char kOtherDistrict[] = "120101";
// The simulated year's districts (no other test's leaves in them).
constexpr char kSimA[] = "110105";
constexpr char kSimB[] = "110106";

google::type::Date D(CivilDay d) {
  google::type::Date out;
  out.set_year(static_cast<int>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

CivilDay Day(const google::type::Date& d) { return CivilDay(d.year(), d.month(), d.day()); }

class RecordsLeaveTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    // The service as main() wires it, on a clock the test moves.
    clock_ = new time::FakeClock(At(CivilDay(2025, 1, 20)));
    harness_ = new RecordsHarness(clock_);
  }
  static void TearDownTestSuite() {
    delete harness_;
    delete clock_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
  }

  static absl::Time At(CivilDay d) {
    // 10:00 in Asia/Shanghai.
    return absl::FromCivil(absl::CivilSecond(d.year(), d.month(), d.day(), 2, 0, 0),
                           absl::UTCTimeZone());
  }
  static void Today(CivilDay d) { clock_->Set(At(d)); }

  static auth::Principal P(Role role, std::vector<std::string> districts,
                           const std::string& subject) {
    auth::Principal p;
    p.subject = subject;
    p.role = role;
    if (districts.size() == 1 && districts[0] == "*") {
      p.all_districts = true;
    } else {
      p.districts = std::move(districts);
    }
    return p;
  }
  auth::Principal office_ = P(Role::kOfficeStaff, {kDistrict, kDistrict2}, "office-1");
  auth::Principal bureau_ = P(Role::kDistrictBureau, {kDistrict, kDistrict2}, "bureau-1");
  auth::Principal worker_ = P(Role::kSocialWorker, {kDistrict, kDistrict2}, "worker-1");
  auth::Principal city_ = P(Role::kCityAdmin, {"*"}, "city-1");
  auth::Principal other_office_ = P(Role::kOfficeStaff, {kOtherDistrict}, "office-9");
  auth::Principal other_bureau_ = P(Role::kDistrictBureau, {kOtherDistrict}, "bureau-9");

  // The service's handlers, called without a server.
  records::RecordsWiring& handlers() { return harness_->wiring(); }
  std::string Q(const std::string& sql) { return harness_->db().QueryValue(sql); }

  // An active case in `district` (opened and checked in on the clock's day, 2025-01-20 or later).
  std::string OpenActiveCase(const std::string& district) {
    const int n = seq_++;
    const std::string id =
        MakeIdNumber("19900101", 1 + 2 * (n % 499), absl::StrCat(150101 + n / 499));
    v1::OpenCaseResponse opened;
    absl::Status st = handlers().cases().DoOpenCase(city_, ValidOpenCase(id, district), &opened);
    EXPECT_TRUE(st.ok()) << st;
    v1::RecordIntakeCheckInRequest in;
    in.set_request_id(ids::NewUuid());
    in.set_case_id(opened.case_().case_id());
    *in.mutable_reported_on() = D(CivilDay(2025, 1, 15));
    v1::RecordIntakeCheckInResponse done;
    st = handlers().cases().DoRecordIntakeCheckIn(city_, in, &done);
    EXPECT_TRUE(st.ok()) << st;
    return opened.case_().case_id();
  }

  absl::Status Request(const auth::Principal& p, const std::string& case_id, CivilDay start,
                       CivilDay end, v1::Leave* out = nullptr, const std::string& rid = "",
                       const std::string& standing = "",
                       const std::string& dest = "上海市浦东新区") {
    v1::RequestLeaveRequest q;
    q.set_request_id(rid.empty() ? ids::NewUuid() : rid);
    q.set_case_id(case_id);
    *q.mutable_start_date() = D(start);
    *q.mutable_end_date() = D(end);
    q.set_destination(dest);
    q.set_reason("探望住院的母亲");
    q.set_standing_approval_id(standing);
    v1::RequestLeaveResponse r;
    absl::Status st = harness_->host().RunAsCall(
        p, q, &r, [&] { return handlers().leave().DoRequestLeave(p, q, &r); });
    if (out != nullptr) *out = r.leave();
    return st;
  }
  absl::Status Approve(const auth::Principal& p, const std::string& case_id,
                       const std::string& leave_id, v1::Leave* out = nullptr,
                       const std::string& rid = "") {
    v1::ApproveLeaveRequest q;
    q.set_request_id(rid.empty() ? ids::NewUuid() : rid);
    q.set_case_id(case_id);
    q.set_leave_id(leave_id);
    v1::ApproveLeaveResponse r;
    absl::Status st = harness_->host().RunAsCall(
        p, q, &r, [&] { return handlers().leave().DoApproveLeave(p, q, &r); });
    if (out != nullptr) *out = r.leave();
    return st;
  }
  absl::Status Reject(const auth::Principal& p, const std::string& case_id,
                      const std::string& leave_id) {
    v1::RejectLeaveRequest q;
    q.set_request_id(ids::NewUuid());
    q.set_case_id(case_id);
    q.set_leave_id(leave_id);
    q.set_reason("not needed");
    v1::RejectLeaveResponse r;
    return handlers().leave().DoRejectLeave(p, q, &r);
  }
  absl::Status Return(const auth::Principal& p, const std::string& case_id,
                      const std::string& leave_id, CivilDay on, v1::Leave* out = nullptr,
                      const std::string& rid = "") {
    v1::RecordLeaveReturnRequest q;
    q.set_request_id(rid.empty() ? ids::NewUuid() : rid);
    q.set_case_id(case_id);
    q.set_leave_id(leave_id);
    *q.mutable_returned_on() = D(on);
    v1::RecordLeaveReturnResponse r;
    absl::Status st = harness_->host().RunAsCall(
        p, q, &r, [&] { return handlers().leave().DoRecordLeaveReturn(p, q, &r); });
    if (out != nullptr) *out = r.leave();
    return st;
  }
  // Every page of ListLeavesNotReturned: leave id -> days overdue (only the leaves of
  // `only_cases` when given).
  std::map<std::string, int> NotReturned(const auth::Principal& p, const std::string& district,
                                         std::optional<CivilDay> as_of,
                                         const std::set<std::string>* only_cases = nullptr) {
    std::map<std::string, int> out;
    v1::ListLeavesNotReturnedRequest q;
    q.set_district_code(district);
    if (as_of.has_value()) *q.mutable_as_of() = D(*as_of);
    q.set_page_size(7);
    for (int pages = 0; pages < 1000; ++pages) {
      v1::ListLeavesNotReturnedResponse r;
      absl::Status st = handlers().leave().DoListLeavesNotReturned(p, q, &r);
      EXPECT_TRUE(st.ok()) << st;
      if (!st.ok()) break;
      for (const auto& item : r.items()) {
        EXPECT_FALSE(item.case_number().empty());
        EXPECT_TRUE(district.empty() || item.district_code() == district);
        EXPECT_EQ(
            item.policy_version(),
            records::domain::LoadRecordsPolicies(
                *policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default"))
                ->Latest()
                .name);
        if (only_cases != nullptr && !only_cases->count(item.case_id())) continue;
        EXPECT_TRUE(out.emplace(item.leave_id(), item.days_overdue()).second) << "twice";
      }
      if (r.next_page_token().empty()) break;
      q.set_page_token(r.next_page_token());
    }
    return out;
  }

  static RecordsHarness* harness_;
  static time::FakeClock* clock_;
  static int seq_;
};

RecordsHarness* RecordsLeaveTest::harness_ = nullptr;
time::FakeClock* RecordsLeaveTest::clock_ = nullptr;
int RecordsLeaveTest::seq_ = 0;

TEST_F(RecordsLeaveTest, ApprovalLevelsOverlapsAndScope) {
  Today(CivilDay(2025, 2, 1));
  const std::string c = OpenActiveCase(kDistrict);

  // Seven days: recorded by a social worker, decided by the office.
  v1::Leave seven;
  ASSERT_TRUE(Request(worker_, c, CivilDay(2025, 2, 10), CivilDay(2025, 2, 16), &seven).ok());
  EXPECT_EQ(seven.status(), v1::LEAVE_STATUS_REQUESTED);
  EXPECT_EQ(seven.days(), 7);
  EXPECT_EQ(seven.approval_level(), v1::LEAVE_APPROVAL_LEVEL_OFFICE);
  EXPECT_EQ(Day(seven.decision_due()), CivilDay(2025, 2, 4));
  // A social worker cannot decide it (denied and audited).
  EXPECT_EQ(Approve(worker_, c, seven.leave_id()).code(), absl::StatusCode::kPermissionDenied);
  v1::Leave approved;
  ASSERT_TRUE(Approve(office_, c, seven.leave_id(), &approved).ok());
  EXPECT_EQ(approved.status(), v1::LEAVE_STATUS_APPROVED);
  EXPECT_EQ(Day(approved.decided_on()), CivilDay(2025, 2, 1));

  // Eight days: the office's approval is denied, naming the rule, and audited as DENIED.
  v1::Leave eight;
  ASSERT_TRUE(Request(office_, c, CivilDay(2025, 3, 1), CivilDay(2025, 3, 8), &eight).ok());
  EXPECT_EQ(eight.approval_level(), v1::LEAVE_APPROVAL_LEVEL_BUREAU);
  const std::string denied_rid = ids::NewUuid();
  absl::Status denied = Approve(office_, c, eight.leave_id(), nullptr, denied_rid);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("over the judicial office's 7 days"), std::string::npos)
      << denied;
  EXPECT_EQ(Q(absl::StrCat("SELECT count(*) FROM audit_log WHERE action = 'ApproveLeave'"
                           " AND result = 'DENIED' AND case_id = '",
                           c, "' AND request_id = '", denied_rid, "'")),
            "1");
  EXPECT_EQ(Q(absl::StrCat("SELECT status FROM leaves WHERE leave_id = '", eight.leave_id(), "'")),
            "REQUESTED");
  // Another district's bureau does not see the case; the case's own bureau approves.
  EXPECT_EQ(Approve(other_bureau_, c, eight.leave_id()).code(), absl::StatusCode::kNotFound);
  v1::Leave by_bureau;
  ASSERT_TRUE(Approve(bureau_, c, eight.leave_id(), &by_bureau).ok());
  EXPECT_EQ(by_bureau.status(), v1::LEAVE_STATUS_APPROVED);
  EXPECT_EQ(by_bureau.decided_by(), "bureau-1");
  // Deciding twice is a workflow refusal.
  EXPECT_EQ(Approve(bureau_, c, eight.leave_id()).code(), absl::StatusCode::kFailedPrecondition);

  // Overlap with an approved leave: refused, naming the other leave's dates.
  absl::Status overlap = Request(worker_, c, CivilDay(2025, 2, 16), CivilDay(2025, 2, 18));
  EXPECT_EQ(overlap.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(overlap.message().find("from 2025-02-10 to 2025-02-16"), std::string::npos) << overlap;
  // A rejected leave holds no days.
  v1::Leave rejected;
  ASSERT_TRUE(Request(worker_, c, CivilDay(2025, 4, 1), CivilDay(2025, 4, 2), &rejected).ok());
  ASSERT_TRUE(Reject(office_, c, rejected.leave_id()).ok());
  EXPECT_TRUE(Request(worker_, c, CivilDay(2025, 4, 2), CivilDay(2025, 4, 3)).ok());

  // Bad input names the field.
  absl::Status too_long = Request(worker_, c, CivilDay(2025, 5, 1), CivilDay(2025, 5, 31));
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(grpc_util::ViolationsOf(too_long).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(too_long)[0].field, "end_date");
  absl::Status past = Request(worker_, c, CivilDay(2025, 1, 31), CivilDay(2025, 2, 2));
  ASSERT_EQ(grpc_util::ViolationsOf(past).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(past)[0].field, "start_date");

  // District scope: another district's staff get NOT_FOUND for every call on the case.
  EXPECT_EQ(Request(other_office_, c, CivilDay(2025, 6, 1), CivilDay(2025, 6, 2)).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Return(other_office_, c, seven.leave_id(), CivilDay(2025, 2, 1)).code(),
            absl::StatusCode::kNotFound);
  v1::ListLeavesRequest lq;
  lq.set_case_id(c);
  v1::ListLeavesResponse lr;
  EXPECT_EQ(handlers().leave().DoListLeaves(other_office_, lq, &lr).code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(handlers().leave().DoListLeaves(worker_, lq, &lr).ok());
  EXPECT_EQ(lr.leaves_size(), 4);

  // The timeline shows the leaves by kind and dates only.
  v1::GetCaseTimelineRequest tq;
  tq.set_case_id(c);
  v1::GetCaseTimelineResponse tr;
  ASSERT_TRUE(handlers().cases().DoGetCaseTimeline(office_, tq, &tr).ok());
  int leave_entries = 0;
  for (const auto& e : tr.entries()) {
    if (e.kind().rfind("LEAVE:", 0) != 0) continue;
    ++leave_entries;
    EXPECT_EQ(e.summary().find("上海"), std::string::npos);
  }
  EXPECT_EQ(leave_entries, 4);

  // Over the wire as well: the same case through gRPC with a token.
  auto ctx = harness_->Context(harness_->Token(Role::kOfficeStaff, {kDistrict}));
  v1::ListLeavesResponse wire;
  grpc::Status gst = harness_->leave().ListLeaves(ctx.get(), lq, &wire);
  ASSERT_TRUE(gst.ok()) << gst.error_message();
  EXPECT_EQ(wire.leaves_size(), 4);
  auto ctx2 = harness_->Context(harness_->Token(Role::kOfficeStaff, {kOtherDistrict}));
  EXPECT_EQ(harness_->leave().ListLeaves(ctx2.get(), lq, &wire).error_code(), grpc::NOT_FOUND);
}

TEST_F(RecordsLeaveTest, LateReturnIsAViolationInTheSameChange) {
  Today(CivilDay(2025, 3, 1));
  const std::string c = OpenActiveCase(kDistrict);
  v1::Leave leave;
  ASSERT_TRUE(Request(worker_, c, CivilDay(2025, 3, 3), CivilDay(2025, 3, 5), &leave).ok());
  ASSERT_TRUE(Approve(office_, c, leave.leave_id()).ok());
  // Not approved yet: no return; before the first day: refused, naming the field.
  Today(CivilDay(2025, 3, 10));
  absl::Status early = Return(worker_, c, leave.leave_id(), CivilDay(2025, 3, 2));
  EXPECT_EQ(early.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(grpc_util::ViolationsOf(early).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(early)[0].field, "returned_on");

  const std::string rid = ids::NewUuid();
  v1::Leave returned;
  ASSERT_TRUE(Return(worker_, c, leave.leave_id(), CivilDay(2025, 3, 7), &returned, rid).ok());
  EXPECT_EQ(returned.status(), v1::LEAVE_STATUS_RETURNED);
  EXPECT_EQ(returned.days_late(), 2);
  ASSERT_FALSE(returned.violation_id().empty());
  EXPECT_EQ(Q(absl::StrCat("SELECT kind || ' ' || occurred_on FROM violations WHERE case_id = '", c,
                           "' AND violation_id = '", returned.violation_id(), "'")),
            "LEAVE_NOT_RETURNED 2025-03-06");
  // A retry returns the same result and changes nothing.
  v1::Leave again;
  ASSERT_TRUE(Return(worker_, c, leave.leave_id(), CivilDay(2025, 3, 7), &again, rid).ok());
  EXPECT_EQ(again.violation_id(), returned.violation_id());
  EXPECT_EQ(again.days_late(), 2);
  EXPECT_EQ(Q(absl::StrCat("SELECT count(*) FROM violations WHERE case_id = '", c, "'")), "1");
  EXPECT_EQ(Q(absl::StrCat("SELECT count(*) FROM audit_log WHERE request_id = '", rid, "'")), "1");
  // A second return is a workflow refusal.
  EXPECT_EQ(Return(worker_, c, leave.leave_id(), CivilDay(2025, 3, 7)).code(),
            absl::StatusCode::kFailedPrecondition);
  // The sanction ladder sees the violation.
  v1::GetSanctionStatusRequest sq;
  sq.set_case_id(c);
  v1::GetSanctionStatusResponse sr;
  ASSERT_TRUE(handlers().sanctions().DoGetSanctionStatus(office_, sq, &sr).ok());

  // Both events reach the topic, with dates and ids but no destination or reason.
  auto records = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got) {
        int n = 0;
        for (const auto& r : got) {
          if (r.key != c || !r.headers.count("ce_type")) continue;
          const std::string& t = r.headers.at("ce_type");
          n += t == "ccms.records.violation_recorded" || t == "ccms.records.leave_returned";
        }
        return n >= 2;
      },
      absl::Seconds(30));
  std::map<std::string, int> types;
  for (const auto& r : records) {
    if (r.key != c) continue;
    EXPECT_EQ(r.value.find("上海"), std::string::npos);
    EXPECT_EQ(r.value.find("探望"), std::string::npos);
    const std::string t = r.headers.count("ce_type") ? r.headers.at("ce_type") : "";
    ++types[t];
    events::v1::Envelope env;
    ASSERT_TRUE(env.ParseFromString(r.value));
    if (t == "ccms.records.leave_returned") {
      v1::LeaveChanged lc;
      ASSERT_TRUE(env.payload().UnpackTo(&lc));
      EXPECT_TRUE(lc.late());
      EXPECT_EQ(lc.days_late(), 2);
      EXPECT_EQ(lc.violation_id(), returned.violation_id());
      EXPECT_EQ(lc.district_code(), kDistrict);
    }
    if (t == "ccms.records.violation_recorded") {
      v1::ViolationRecorded vr;
      ASSERT_TRUE(env.payload().UnpackTo(&vr));
      EXPECT_EQ(vr.kind(), v1::VIOLATION_KIND_LEAVE_NOT_RETURNED);
      EXPECT_EQ(vr.violation_id(), returned.violation_id());
    }
  }
  EXPECT_EQ(types["ccms.records.leave_requested"], 1);
  EXPECT_EQ(types["ccms.records.leave_approved"], 1);
  EXPECT_EQ(types["ccms.records.leave_returned"], 1);
  EXPECT_EQ(types["ccms.records.violation_recorded"], 1);
}

TEST_F(RecordsLeaveTest, IdempotentRequestsAndAuditRows) {
  Today(CivilDay(2025, 4, 1));
  const std::string c = OpenActiveCase(kDistrict2);
  const std::string rid = ids::NewUuid();
  v1::Leave first, second;
  ASSERT_TRUE(Request(worker_, c, CivilDay(2025, 4, 2), CivilDay(2025, 4, 4), &first, rid).ok());
  ASSERT_TRUE(Request(worker_, c, CivilDay(2025, 4, 2), CivilDay(2025, 4, 4), &second, rid).ok());
  EXPECT_EQ(first.leave_id(), second.leave_id());
  EXPECT_EQ(second.status(), v1::LEAVE_STATUS_REQUESTED);
  EXPECT_EQ(Q(absl::StrCat("SELECT count(*) FROM leaves WHERE case_id = '", c, "'")), "1");
  const std::string arid = ids::NewUuid();
  v1::Leave a1, a2;
  ASSERT_TRUE(Approve(office_, c, first.leave_id(), &a1, arid).ok());
  ASSERT_TRUE(Approve(office_, c, first.leave_id(), &a2, arid).ok());
  EXPECT_EQ(a2.status(), v1::LEAVE_STATUS_APPROVED);
  EXPECT_EQ(Day(a2.decided_on()), CivilDay(2025, 4, 1));
  // The same request id for another call is refused.
  EXPECT_EQ(Approve(office_, c, first.leave_id(), nullptr, rid).code(),
            absl::StatusCode::kAlreadyExists);

  // One audit row per call that reached the case: request, approve, list.
  v1::ListLeavesRequest lq;
  lq.set_case_id(c);
  v1::ListLeavesResponse lr;
  ASSERT_TRUE(handlers().leave().DoListLeaves(office_, lq, &lr, "list-call-1").ok());
  EXPECT_EQ(Q(absl::StrCat("SELECT count(*) FROM audit_log WHERE case_id = '", c,
                           "' AND action IN ('RequestLeave', 'ApproveLeave', 'ListLeaves')")),
            "3");
  EXPECT_EQ(Q("SELECT count(*) FROM audit_log WHERE request_id = 'list-call-1'"
              " AND action = 'ListLeaves' AND result = 'OK'"),
            "1");
  v1::ListLeavesNotReturnedRequest nq;
  nq.set_district_code(kDistrict2);
  v1::ListLeavesNotReturnedResponse nr;
  ASSERT_TRUE(handlers().leave().DoListLeavesNotReturned(office_, nq, &nr, "nr-call-1").ok());
  EXPECT_EQ(Q("SELECT count(*) FROM audit_log WHERE request_id = 'nr-call-1'"
              " AND action = 'ListLeavesNotReturned'"),
            "1");
  // A district is required for a caller without all districts.
  nq.clear_district_code();
  absl::Status st = handlers().leave().DoListLeavesNotReturned(office_, nq, &nr);
  ASSERT_EQ(grpc_util::ViolationsOf(st).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(st)[0].field, "district_code");
}

TEST_F(RecordsLeaveTest, StandingApprovalForWorkTravel) {
  Today(CivilDay(2025, 5, 1));
  const std::string c = OpenActiveCase(kDistrict);
  v1::GrantStandingApprovalRequest g;
  g.set_request_id(ids::NewUuid());
  g.set_case_id(c);
  g.set_destination("苏州市工业园区");
  g.set_purpose("routine deliveries for the employer");
  *g.mutable_valid_until() = D(CivilDay(2025, 11, 2));  // more than 6 months
  v1::GrantStandingApprovalResponse gr;
  EXPECT_EQ(handlers().leave().DoGrantStandingApproval(office_, g, &gr).code(),
            absl::StatusCode::kPermissionDenied);
  absl::Status st = handlers().leave().DoGrantStandingApproval(bureau_, g, &gr);
  ASSERT_EQ(grpc_util::ViolationsOf(st).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(st)[0].field, "valid_until");
  *g.mutable_valid_until() = D(CivilDay(2025, 11, 1));
  EXPECT_EQ(handlers().leave().DoGrantStandingApproval(other_bureau_, g, &gr).code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(handlers().leave().DoGrantStandingApproval(bureau_, g, &gr).ok());
  const std::string sid = gr.standing_approval().standing_approval_id();

  // A trip under it is approved as recorded, to its destination only, within its validity.
  v1::Leave trip;
  ASSERT_TRUE(Request(worker_, c, CivilDay(2025, 5, 6), CivilDay(2025, 5, 8), &trip, "", sid,
                      "苏州市工业园区")
                  .ok());
  EXPECT_EQ(trip.status(), v1::LEAVE_STATUS_APPROVED);
  EXPECT_EQ(trip.approval_level(), v1::LEAVE_APPROVAL_LEVEL_STANDING);
  absl::Status elsewhere =
      Request(worker_, c, CivilDay(2025, 5, 10), CivilDay(2025, 5, 11), nullptr, "", sid, "杭州");
  ASSERT_EQ(grpc_util::ViolationsOf(elsewhere).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(elsewhere)[0].field, "destination");
  absl::Status after = Request(worker_, c, CivilDay(2025, 10, 31), CivilDay(2025, 11, 2), nullptr,
                               "", sid, "苏州市工业园区");
  EXPECT_EQ(grpc_util::ViolationsOf(after)[0].field, "standing_approval_id");
  // It still needs its return: not returned on the 9th.
  Today(CivilDay(2025, 5, 9));
  EXPECT_EQ(NotReturned(office_, kDistrict, std::nullopt).count(trip.leave_id()), 1u);
  ASSERT_TRUE(Return(worker_, c, trip.leave_id(), CivilDay(2025, 5, 8)).ok());
  EXPECT_EQ(NotReturned(office_, kDistrict, std::nullopt).count(trip.leave_id()), 0u);

  // Revoked: no more trips under it.
  v1::RevokeStandingApprovalRequest rv;
  rv.set_request_id(ids::NewUuid());
  rv.set_case_id(c);
  rv.set_standing_approval_id(sid);
  rv.set_reason("employment ended");
  v1::RevokeStandingApprovalResponse rr;
  ASSERT_TRUE(handlers().leave().DoRevokeStandingApproval(bureau_, rv, &rr).ok());
  EXPECT_EQ(Day(rr.standing_approval().revoked_on()), CivilDay(2025, 5, 9));
  absl::Status revoked = Request(worker_, c, CivilDay(2025, 5, 12), CivilDay(2025, 5, 13), nullptr,
                                 "", sid, "苏州市工业园区");
  EXPECT_EQ(grpc_util::ViolationsOf(revoked)[0].field, "standing_approval_id");
  rv.set_request_id(ids::NewUuid());
  EXPECT_EQ(handlers().leave().DoRevokeStandingApproval(bureau_, rv, &rr).code(),
            absl::StatusCode::kFailedPrecondition);
  v1::ListLeavesRequest lq;
  lq.set_case_id(c);
  v1::ListLeavesResponse lr;
  ASSERT_TRUE(handlers().leave().DoListLeaves(worker_, lq, &lr).ok());
  ASSERT_EQ(lr.standing_approvals_size(), 1);
  EXPECT_TRUE(lr.standing_approvals(0).has_revoked_on());
}

// ~40 cases in two districts over a simulated year; the not-returned list, at many days and
// per district, equals a brute-force recomputation from what the test did.
TEST_F(RecordsLeaveTest, NotReturnedEqualsBruteForceOverASimulatedYear) {
  Today(CivilDay(2025, 1, 20));
  struct SimCase {
    std::string case_id;
    std::string district;
  };
  const auth::Principal office = P(Role::kOfficeStaff, {kSimA, kSimB}, "sim-office");
  const auth::Principal bureau = P(Role::kDistrictBureau, {kSimA, kSimB}, "sim-bureau");
  const auth::Principal worker = P(Role::kSocialWorker, {kSimA, kSimB}, "sim-worker");
  const auth::Principal office_a = P(Role::kOfficeStaff, {kSimA}, "sim-office-a");
  std::vector<SimCase> cases;
  std::set<std::string> sim_cases;
  for (int i = 0; i < 40; ++i) {
    const std::string district = i % 4 == 3 ? kSimB : kSimA;
    cases.push_back({OpenActiveCase(district), district});
    sim_cases.insert(cases.back().case_id);
  }
  // The plan: per case, leaves one after another; each is requested, decided (approved 80%,
  // rejected 10%, left pending 10%) and, if approved, returned on time, late or never.
  enum Kind { kRequest, kDecide, kReturn };
  struct Action {
    CivilDay day;
    int order;
    Kind kind;
    int leave;  // index into `leaves`
  };
  struct SimLeave {
    int case_index;
    CivilDay requested, start, end, decide_on;
    int outcome;  // 0 approve, 1 reject, 2 pending
    std::optional<CivilDay> return_on;
    std::string leave_id;
    bool approved = false;
  };
  std::mt19937 rng(20250201);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<SimLeave> leaves;
  std::vector<Action> actions;
  const CivilDay first(2025, 2, 1), last(2026, 1, 31);
  for (int ci = 0; ci < static_cast<int>(cases.size()); ++ci) {
    CivilDay cursor = first + pick(0, 20);
    while (true) {
      SimLeave l;
      l.case_index = ci;
      l.requested = cursor;
      l.start = cursor + pick(1, 5);
      l.end = l.start + pick(0, 9);
      if (l.end >= last) break;
      l.decide_on = std::min(l.requested + pick(0, 3), l.start - 1);
      const int r = pick(0, 9);
      l.outcome = r < 8 ? 0 : (r == 8 ? 1 : 2);
      CivilDay next = l.end;
      if (l.outcome == 0) {
        const int how = pick(0, 19);
        if (how < 12) {
          l.return_on = l.start + pick(0, static_cast<int>(l.end - l.start));
        } else if (how < 17) {
          l.return_on = l.end + pick(1, 6);
          next = *l.return_on;
        }
      }
      const int idx = static_cast<int>(leaves.size());
      leaves.push_back(l);
      actions.push_back({l.requested, 0, kRequest, idx});
      if (l.outcome != 2) actions.push_back({l.decide_on, 1, kDecide, idx});
      if (l.return_on.has_value()) actions.push_back({*l.return_on, 2, kReturn, idx});
      cursor = next + pick(1, 25);
    }
  }
  std::stable_sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
    return std::tie(a.day, a.order) < std::tie(b.day, b.order);
  });

  // The independent recomputation: approved by the day, ended before it, not returned by it.
  auto brute = [&](CivilDay as_of, const std::string& district) {
    std::map<std::string, int> out;
    for (const SimLeave& l : leaves) {
      if (!l.approved || l.outcome != 0) continue;
      if (!district.empty() && cases[l.case_index].district != district) continue;
      if (l.decide_on > as_of || !(l.end < as_of)) continue;
      if (l.return_on.has_value() && *l.return_on <= as_of) continue;
      out[l.leave_id] = static_cast<int>(as_of - l.end);
    }
    return out;
  };

  int checks = 0;
  size_t next_action = 0;
  // A few days past the year for the last late returns.
  for (CivilDay today = first; today <= last + 7; ++today) {
    Today(today);
    while (next_action < actions.size() && actions[next_action].day == today) {
      const Action& a = actions[next_action++];
      SimLeave& l = leaves[a.leave];
      const std::string& c = cases[l.case_index].case_id;
      if (a.kind == kRequest) {
        v1::Leave got;
        absl::Status st = Request(l.case_index % 2 ? worker : office, c, l.start, l.end, &got);
        ASSERT_TRUE(st.ok()) << st << " " << time::FormatDate(today);
        l.leave_id = got.leave_id();
      } else if (a.kind == kDecide) {
        if (l.outcome == 1) {
          // Rejections need the same level as approvals.
          absl::Status st = Reject(office, c, l.leave_id);
          if (st.code() == absl::StatusCode::kPermissionDenied) st = Reject(bureau, c, l.leave_id);
          if (st.code() == absl::StatusCode::kPermissionDenied) st = Reject(city_, c, l.leave_id);
          ASSERT_TRUE(st.ok()) << st;
          continue;
        }
        // The level the rules ask for decides it.
        v1::Leave got;
        absl::Status st = Approve(office, c, l.leave_id, &got);
        if (st.code() == absl::StatusCode::kPermissionDenied)
          st = Approve(bureau, c, l.leave_id, &got);
        if (st.code() == absl::StatusCode::kPermissionDenied)
          st = Approve(city_, c, l.leave_id, &got);
        ASSERT_TRUE(st.ok()) << st;
        l.approved = true;
      } else {
        v1::Leave got;
        absl::Status st = Return(l.case_index % 3 ? worker : office, c, l.leave_id, today, &got);
        ASSERT_TRUE(st.ok()) << st;
        EXPECT_EQ(got.days_late(), today > l.end ? static_cast<int>(today - l.end) : 0);
      }
    }
    // Live: today's list on the 1st and 15th of each month, for the city and per district.
    if (today.day() == 1 || today.day() == 15) {
      EXPECT_EQ(NotReturned(city_, "", std::nullopt, &sim_cases), brute(today, ""))
          << time::FormatDate(today);
      EXPECT_EQ(NotReturned(office_a, kSimA, std::nullopt), brute(today, kSimA))
          << time::FormatDate(today);
      checks += 2;
    }
  }
  ASSERT_EQ(next_action, actions.size());
  // After the year: the list as of past days (approvals and returns after the day ignored).
  int nonempty = 0;
  for (CivilDay as_of = first; as_of <= last + 10; as_of += 9) {
    for (const std::string& district : {std::string(), std::string(kSimA), std::string(kSimB)}) {
      const auto want = brute(as_of, district);
      EXPECT_EQ(NotReturned(city_, district, as_of, district.empty() ? &sim_cases : nullptr), want)
          << time::FormatDate(as_of) << " " << district;
      nonempty += !want.empty();
      ++checks;
    }
  }
  // Another district's staff see none of it, even naming the district.
  EXPECT_TRUE(NotReturned(other_office_, kOtherDistrict, last).empty());
  EXPECT_TRUE(NotReturned(other_office_, kSimA, last).empty());
  EXPECT_FALSE(brute(last, kSimA).empty());
  EXPECT_GT(nonempty, 20);
  EXPECT_GT(leaves.size(), 200u);
  int late = 0, never = 0;
  for (const auto& l : leaves) {
    late += l.return_on.has_value() && *l.return_on > l.end;
    never += l.outcome == 0 && !l.return_on.has_value();
  }
  EXPECT_GT(late, 10);
  EXPECT_GT(never, 10);
  EXPECT_EQ(Q(absl::StrCat("SELECT count(*) FROM violations v JOIN cases c USING (case_id)"
                           " WHERE v.kind = 'LEAVE_NOT_RETURNED' AND c.district_code IN ('",
                           kSimA, "', '", kSimB, "')")),
            std::to_string(late));
  std::cout << "simulated " << leaves.size() << " leaves, " << late << " late, " << never
            << " never returned; " << checks << " list comparisons\n";
}

// Work away from home (外出务工): the standing approval checks the policy's conditions and names
// every missing one; granted with all of them, it keeps them.
TEST_F(RecordsLeaveTest, WorkAwayNamesEveryMissingCondition) {
  Today(CivilDay(2025, 5, 1));
  const std::string c = OpenActiveCase(kDistrict);
  v1::GrantStandingApprovalRequest g;
  g.set_request_id(ids::NewUuid());
  g.set_case_id(c);
  g.set_destination("深圳市南山区");
  g.set_purpose("works at a factory");
  *g.mutable_valid_until() = D(CivilDay(2025, 10, 31));
  g.mutable_work_away()->set_guarantor(true);
  *g.mutable_work_away()->mutable_job_held_since() = D(CivilDay(2024, 5, 2));  // 12 months on 5-2
  v1::GrantStandingApprovalResponse gr;
  absl::Status st = handlers().leave().DoGrantStandingApproval(bureau_, g, &gr);
  ASSERT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  const std::string m(st.message());
  EXPECT_EQ(m.rfind("WORK_AWAY_CONDITIONS", 0), 0u) << m;
  EXPECT_NE(m.find("a fixed residence"), std::string::npos) << m;
  EXPECT_NE(m.find("held at least 12 month(s)"), std::string::npos) << m;
  EXPECT_NE(m.find("a close relative"), std::string::npos) << m;
  EXPECT_EQ(m.find("a guarantor"), std::string::npos) << m;
  EXPECT_EQ(Q("SELECT count(*) FROM standing_approvals WHERE case_id = '" + c + "'"), "0");

  g.mutable_work_away()->set_fixed_residence(true);
  g.mutable_work_away()->set_relative_assisting(true);
  *g.mutable_work_away()->mutable_job_held_since() = D(CivilDay(2024, 5, 1));  // 12 months today
  ASSERT_TRUE(handlers().leave().DoGrantStandingApproval(bureau_, g, &gr).ok());
  EXPECT_TRUE(gr.standing_approval().has_work_away());
  EXPECT_EQ(gr.standing_approval().work_away().job_held_since().day(), 1);
  EXPECT_EQ(Q("SELECT work_away::text || guarantor::text || job_held_since::text FROM "
              "standing_approvals WHERE case_id = '" +
              c + "'"),
            "truetrue2024-05-01");
}

}  // namespace
}  // namespace ccms::testing
