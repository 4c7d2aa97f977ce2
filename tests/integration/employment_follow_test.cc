// What employment follows from records as the term ends (issue 15 item 12) on PostgreSQL, fed
// real envelopes through the consumer's inbox: discharge approaching makes one resettlement
// referral due per case (due the policy's days before the end date), listed for staff of the
// case's district only (paged, overdue as of a day), moved by a later end date, satisfied by a
// referral sent, declined by staff with a policy code (repeatable), cancelled when the case
// closes, following a transfer; a redelivered event changes nothing; the events carry codes,
// dates and ids only.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "ccms/employment/v1/employment_events.pb.h"
#include "ccms/events/v1/envelope.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/employment_harness.h"

namespace ccms::testing {
namespace {

namespace v1 = employment::v1;
using absl::CivilDay;
using grpc_util::ToProtoDate;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";

std::optional<CivilDay> DayOf(const google::type::Date& d) {
  bool invalid = false;
  return grpc_util::FromProtoDate(d, &invalid);
}

class EmploymentFollowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.consumer().Stop();  // only this test's events make cases
    staff_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictA}, "staff-a");
    staff_b_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictB}, "staff-b");
    admin_ = h_.Token(auth::Role::kCityAdmin, {"*"}, "admin-1");
  }

  CivilDay Today() { return h_.Today(); }
  std::string Count(const std::string& sql) { return h_.db().QueryValue(sql); }

  std::string Case(const std::string& district) {
    auto case_id = h_.FeedOpenedCase(district);
    EXPECT_TRUE(case_id.ok()) << case_id.status();
    return case_id.value_or("");
  }

  // records' discharge_approaching as the serialized envelope the topic carries.
  std::string DischargeEnvelope(const std::string& case_id, const std::string& district,
                                CivilDay end) {
    records::v1::DischargeApproaching p;
    p.set_case_id(case_id);
    p.set_district_code(district);
    *p.mutable_end_date() = ToProtoDate(end);
    return kafka::MakeEnvelope("ccms.records.discharge_approaching", case_id, district, absl::Now(),
                               absl::Now(), "records-test", p)
        .SerializeAsString();
  }
  void Deliver(const std::string& bytes) {
    auto applied = h_.consumer().Process("ccms.records.v1", 1, offset_++, bytes);
    ASSERT_TRUE(applied.ok()) << applied.status();
  }
  void Approaching(const std::string& case_id, const std::string& district, CivilDay end) {
    Deliver(DischargeEnvelope(case_id, district, end));
  }

  grpc::Status List(const std::string& token, const std::string& district,
                    const std::string& case_id, bool overdue_only, std::optional<CivilDay> as_of,
                    v1::ListResettlementItemsResponse* out, int page_size = 0,
                    const std::string& page_token = "") {
    v1::ListResettlementItemsRequest req;
    req.set_district_code(district);
    req.set_case_id(case_id);
    req.set_overdue_only(overdue_only);
    if (as_of) *req.mutable_as_of() = ToProtoDate(*as_of);
    req.set_page_size(page_size);
    req.set_page_token(page_token);
    auto ctx = h_.Context(token);
    return h_.referrals().ListResettlementItems(ctx.get(), req, out);
  }

  v1::ResettlementItem ItemOf(const std::string& case_id) {
    v1::ListResettlementItemsResponse resp;
    EXPECT_TRUE(List(admin_, "", case_id, false, std::nullopt, &resp).ok());
    EXPECT_EQ(resp.items_size(), 1);
    return resp.items_size() > 0 ? resp.items(0) : v1::ResettlementItem();
  }

  grpc::Status Decline(const std::string& token, const std::string& item_id,
                       const std::string& code, const std::string& request_id,
                       v1::ResettlementItem* out) {
    v1::DeclineResettlementRequest req;
    req.set_request_id(request_id);
    req.set_item_id(item_id);
    req.set_reason_code(code);
    v1::DeclineResettlementResponse resp;
    auto ctx = h_.Context(token);
    grpc::Status st = h_.referrals().DeclineResettlement(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.item();
    return st;
  }

  std::string Events(const std::string& case_id) {
    return Count(
        "SELECT coalesce(string_agg(event_type, ',' ORDER BY id), '') FROM outbox WHERE "
        "record_key = '" +
        case_id + "' AND event_type LIKE 'ccms.employment.resettlement_%'");
  }

  EmploymentHarness h_;
  std::string staff_;
  std::string staff_b_;
  std::string admin_;
  int64_t offset_ = 1'000'000;
};

TEST_F(EmploymentFollowTest, DischargeApproachingMakesAResettlementReferralDueOnce) {
  const std::string case_id = Case(kDistrictA);
  const CivilDay end = Today() + 25;
  const std::string bytes = DischargeEnvelope(case_id, kDistrictA, end);
  Deliver(bytes);
  Deliver(bytes);  // redelivered: the inbox has it, nothing changes
  v1::ResettlementItem item = ItemOf(case_id);
  EXPECT_EQ(item.status(), v1::RESETTLEMENT_ITEM_STATUS_OPEN);
  EXPECT_EQ(item.district_code(), kDistrictA);
  EXPECT_EQ(DayOf(item.end_date()), end);
  EXPECT_EQ(DayOf(item.raised_on()), Today());
  EXPECT_EQ(DayOf(item.due_on()), end - 7);  // the policy's default 7 days
  EXPECT_FALSE(item.overdue());
  EXPECT_EQ(Events(case_id), "ccms.employment.resettlement_due");
  EXPECT_EQ(Count("SELECT count(*) FROM resettlement_items WHERE case_id = '" + case_id + "'"),
            "1");

  // The due list: not overdue on the due day, overdue the day after.
  v1::ListResettlementItemsResponse due;
  ASSERT_TRUE(List(staff_, kDistrictA, "", true, end - 7, &due).ok());
  for (const auto& i : due.items()) EXPECT_NE(i.case_id(), case_id);
  v1::ListResettlementItemsResponse overdue;
  ASSERT_TRUE(List(staff_, kDistrictA, "", true, end - 6, &overdue).ok());
  bool found = false;
  for (const auto& i : overdue.items()) {
    if (i.case_id() == case_id) {
      found = true;
      EXPECT_TRUE(i.overdue());
    }
  }
  EXPECT_TRUE(found);

  // Another district's staff: nothing of district A, by filter or by case; declining is
  // NOT_FOUND and writes nothing.
  v1::ListResettlementItemsResponse other;
  ASSERT_TRUE(List(staff_b_, kDistrictB, case_id, false, std::nullopt, &other).ok());
  EXPECT_EQ(other.items_size(), 0);
  v1::ListResettlementItemsResponse filtered;
  ASSERT_TRUE(List(staff_b_, kDistrictA, "", false, std::nullopt, &filtered).ok());
  for (const auto& i : filtered.items()) EXPECT_NE(i.case_id(), case_id);
  EXPECT_EQ(Decline(staff_b_, item.item_id(), "OTHER", ids::NewUuid(), nullptr).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ItemOf(case_id).status(), v1::RESETTLEMENT_ITEM_STATUS_OPEN);

  // A sentence change moves the end: the open item's end and due day follow (another event).
  Approaching(case_id, kDistrictA, end - 20);
  item = ItemOf(case_id);
  EXPECT_EQ(DayOf(item.end_date()), end - 20);
  EXPECT_EQ(DayOf(item.due_on()), Today());  // never before it opened
  EXPECT_EQ(Events(case_id), "ccms.employment.resettlement_due,ccms.employment.resettlement_due");
}

TEST_F(EmploymentFollowTest, AReferralSentSatisfiesIt) {
  const std::string case_id = Case(kDistrictA);
  Approaching(case_id, kDistrictA, Today() + 20);
  v1::RegisterPartnerRequest preq;
  preq.set_request_id(ids::NewUuid());
  preq.set_agency_id("resettle-agency");
  preq.set_name("Partner resettle");
  preq.set_kind(v1::PARTNER_KIND_ENTERPRISE);
  preq.set_district_code(kDistrictA);
  v1::RegisterPartnerResponse partner;
  auto pctx = h_.Context(staff_);
  ASSERT_TRUE(h_.partners().RegisterPartner(pctx.get(), preq, &partner).ok());
  v1::CreateReferralRequest creq;
  creq.set_request_id(ids::NewUuid());
  creq.set_case_id(case_id);
  creq.set_partner_id(partner.partner().partner_id());
  creq.set_kind(v1::REFERRAL_KIND_JOB_PLACEMENT);
  creq.set_given_name("GIVEN-NAME-MARKER");
  creq.add_skills("forklift");
  v1::CreateReferralResponse created;
  auto cctx = h_.Context(staff_);
  ASSERT_TRUE(h_.referrals().CreateReferral(cctx.get(), creq, &created).ok());
  // A draft satisfies nothing.
  EXPECT_EQ(ItemOf(case_id).status(), v1::RESETTLEMENT_ITEM_STATUS_OPEN);
  v1::SendReferralRequest sreq;
  sreq.set_request_id(ids::NewUuid());
  sreq.set_referral_id(created.referral().referral_id());
  *sreq.mutable_consent_recorded_on() = ToProtoDate(Today());
  v1::SendReferralResponse sent;
  auto sctx = h_.Context(staff_);
  ASSERT_TRUE(h_.referrals().SendReferral(sctx.get(), sreq, &sent).ok());
  const v1::ResettlementItem item = ItemOf(case_id);
  EXPECT_EQ(item.status(), v1::RESETTLEMENT_ITEM_STATUS_SATISFIED);
  EXPECT_EQ(item.referral_id(), created.referral().referral_id());
  EXPECT_EQ(DayOf(item.closed_on()), Today());
  EXPECT_EQ(Events(case_id),
            "ccms.employment.resettlement_due,ccms.employment.resettlement_satisfied");
  // No longer in the open list; a later announcement opens nothing new.
  v1::ListResettlementItemsResponse open;
  ASSERT_TRUE(List(staff_, kDistrictA, "", false, std::nullopt, &open).ok());
  for (const auto& i : open.items()) EXPECT_NE(i.case_id(), case_id);
  Approaching(case_id, kDistrictA, Today() + 60);
  EXPECT_EQ(ItemOf(case_id).status(), v1::RESETTLEMENT_ITEM_STATUS_SATISFIED);
  // The satisfied event: ids, dates, codes; never the given name.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type LIKE "
                  "'ccms.employment.resettlement_%' AND position('GIVEN-NAME-MARKER'::bytea in "
                  "payload) > 0"),
            "0");
  // A declined item cannot be declined after it was satisfied.
  EXPECT_EQ(Decline(staff_, item.item_id(), "OTHER", ids::NewUuid(), nullptr).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(EmploymentFollowTest, StaffDeclineWithACodeAndAClosedCaseCancels) {
  const std::string declined_case = Case(kDistrictA);
  Approaching(declined_case, kDistrictA, Today() + 10);
  const std::string item_id = ItemOf(declined_case).item_id();
  v1::ResettlementItem item;
  grpc::Status bad = Decline(staff_, item_id, "NOT_A_CODE", ids::NewUuid(), &item);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::string request_id = ids::NewUuid();
  ASSERT_TRUE(Decline(staff_, item_id, "ALREADY_EMPLOYED", request_id, &item).ok());
  EXPECT_EQ(item.status(), v1::RESETTLEMENT_ITEM_STATUS_DECLINED);
  EXPECT_EQ(item.reason_code(), "ALREADY_EMPLOYED");
  // Repeated: the same item, no second event.
  ASSERT_TRUE(Decline(staff_, item_id, "ALREADY_EMPLOYED", request_id, &item).ok());
  EXPECT_EQ(item.status(), v1::RESETTLEMENT_ITEM_STATUS_DECLINED);
  EXPECT_EQ(Events(declined_case),
            "ccms.employment.resettlement_due,ccms.employment.resettlement_declined");
  // An auditor reads but may not decline.
  const std::string auditor = h_.Token(auth::Role::kAuditor, {"*"}, "auditor-1");
  EXPECT_EQ(Decline(auditor, item_id, "OTHER", ids::NewUuid(), nullptr).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Closed: the open item cancelled (CASE_CLOSED); a later announcement opens nothing.
  const std::string closing = Case(kDistrictA);
  Approaching(closing, kDistrictA, Today() + 10);
  records::v1::CaseClosed closed;
  closed.set_case_id(closing);
  *closed.mutable_closed_on() = ToProtoDate(Today());
  ASSERT_TRUE(h_.Feed("ccms.records.case_closed", closing, kDistrictA, closed).ok());
  EXPECT_EQ(ItemOf(closing).status(), v1::RESETTLEMENT_ITEM_STATUS_CANCELLED);
  EXPECT_EQ(ItemOf(closing).reason_code(), "CASE_CLOSED");
  EXPECT_EQ(Events(closing),
            "ccms.employment.resettlement_due,ccms.employment.resettlement_cancelled");
  Approaching(closing, kDistrictA, Today() + 30);
  EXPECT_EQ(Count("SELECT count(*) FROM resettlement_items WHERE case_id = '" + closing + "'"),
            "1");
}

TEST_F(EmploymentFollowTest, TheItemFollowsATransfer) {
  const std::string case_id = Case(kDistrictA);
  Approaching(case_id, kDistrictA, Today() + 15);
  records::v1::CaseTransferred t;
  t.set_case_id(case_id);
  t.set_from_district_code(kDistrictA);
  t.set_to_district_code(kDistrictB);
  t.set_to_office_id("office-b");
  *t.mutable_effective_on() = ToProtoDate(Today());
  ASSERT_TRUE(h_.Feed("ccms.records.case_transferred", case_id, kDistrictB, t).ok());
  v1::ListResettlementItemsResponse a;
  ASSERT_TRUE(List(staff_, kDistrictA, case_id, false, std::nullopt, &a).ok());
  EXPECT_EQ(a.items_size(), 0);
  v1::ListResettlementItemsResponse b;
  ASSERT_TRUE(List(staff_b_, kDistrictB, case_id, false, std::nullopt, &b).ok());
  ASSERT_EQ(b.items_size(), 1);
  EXPECT_EQ(b.items(0).district_code(), kDistrictB);
  v1::ResettlementItem item;
  EXPECT_TRUE(Decline(staff_b_, b.items(0).item_id(), "MOVING_AWAY", ids::NewUuid(), &item).ok());
}

TEST_F(EmploymentFollowTest, TheListPages) {
  std::vector<std::string> cases;
  for (int i = 0; i < 5; ++i) {
    cases.push_back(Case(kDistrictB));
    Approaching(cases.back(), kDistrictB, Today() + 10 + i);
  }
  std::vector<std::string> seen;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    v1::ListResettlementItemsResponse resp;
    ASSERT_TRUE(List(staff_b_, kDistrictB, "", false, std::nullopt, &resp, 2, token).ok());
    EXPECT_LE(resp.items_size(), 2);
    for (const auto& i : resp.items()) seen.push_back(i.case_id());
    token = resp.next_page_token();
    if (token.empty()) break;
  }
  EXPECT_EQ(seen.size(), 5u);
  for (const auto& c : cases) EXPECT_NE(std::find(seen.begin(), seen.end(), c), seen.end());
  v1::ListResettlementItemsResponse bad;
  EXPECT_EQ(List(staff_b_, kDistrictB, "", false, std::nullopt, &bad, 501).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace ccms::testing

namespace ccms::testing {
namespace {

// records' standing approval for cross-city work travel, granted then revoked, through the inbox:
// kept on the case (id and days), a revocation of another approval ignored, its own cleared.
TEST_F(EmploymentFollowTest, FollowsTheStandingApprovalForWork) {
  const std::string case_id = Case(kDistrictA);
  auto feed = [&](const std::string& type, const std::string& id) {
    records::v1::StandingApprovalChanged p;
    p.set_case_id(case_id);
    p.set_district_code(kDistrictA);
    p.set_standing_approval_id(id);
    *p.mutable_valid_from() = ToProtoDate(Today());
    *p.mutable_valid_until() = ToProtoDate(Today() + 181);
    if (type == "ccms.records.standing_approval_revoked") {
      *p.mutable_revoked_on() = ToProtoDate(Today());
    }
    ASSERT_TRUE(h_.Feed(type, case_id, kDistrictA, p).ok());
  };
  const std::string sql =
      "SELECT standing_approval_id || ' ' || coalesce(standing_approval_until::text, '-') FROM "
      "cases WHERE case_id = '" +
      case_id + "'";
  const std::string sa = ids::NewUuid();
  feed("ccms.records.standing_approval_granted", sa);
  EXPECT_EQ(Count(sql), sa + " " + time::FormatDate(Today() + 181));
  feed("ccms.records.standing_approval_revoked", ids::NewUuid());
  EXPECT_EQ(Count(sql), sa + " " + time::FormatDate(Today() + 181));
  feed("ccms.records.standing_approval_revoked", sa);
  EXPECT_EQ(Count(sql), " -");
}

}  // namespace
}  // namespace ccms::testing

namespace ccms::testing {
namespace {

// A case closed in records closes its welfare and relief: granted records ENDED, applications
// REFUSED (code CASE_CLOSED, on the closing day); a refused one stays; the year's sum still counts
// the ended grant.
TEST_F(EmploymentFollowTest, AClosedCaseClosesItsAssistance) {
  const std::string case_id = Case(kDistrictA);
  auto record = [&](v1::AssistanceStatus status) {
    v1::RecordAssistanceRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_kind(v1::ASSISTANCE_KIND_TEMPORARY_RELIEF);
    req.set_status(status);
    req.set_amount_fen(50'000);
    *req.mutable_applied_on() = ToProtoDate(Today() - 10);
    v1::RecordAssistanceResponse resp;
    auto ctx = h_.Context(staff_);
    const grpc::Status st = h_.assistance().RecordAssistance(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.assistance().assistance_id();
  };
  const std::string granted = record(v1::ASSISTANCE_STATUS_GRANTED);
  const std::string applied = record(v1::ASSISTANCE_STATUS_APPLIED);
  records::v1::CaseClosed closed;
  closed.set_case_id(case_id);
  *closed.mutable_closed_on() = ToProtoDate(Today());
  ASSERT_TRUE(h_.Feed("ccms.records.case_closed", case_id, kDistrictA, closed).ok());
  auto row = [&](const std::string& id) {
    return Count(
        "SELECT status || ' ' || reason_code || ' ' || coalesce(ended_on::text, '-') || ' ' || "
        "coalesce(decided_on::text, '-') FROM assistance_records WHERE assistance_id = '" +
        id + "'");
  };
  const std::string today = time::FormatDate(Today());
  // A grant keeps its decision day; the end is the closing day.
  EXPECT_EQ(row(granted), "ENDED CASE_CLOSED " + today + " " + time::FormatDate(Today() - 10));
  EXPECT_EQ(row(applied), "REFUSED CASE_CLOSED - " + today);
  v1::SumAssistanceRequest sum;
  sum.set_district_code(kDistrictA);
  sum.set_year(Today().year());
  v1::SumAssistanceResponse sums;
  auto ctx = h_.Context(staff_);
  ASSERT_TRUE(h_.assistance().SumAssistance(ctx.get(), sum, &sums).ok());
  EXPECT_EQ(sums.records(), 1);  // the ended grant
  EXPECT_EQ(sums.amount_fen(), 50'000);
}

// A commendation writes its event (ids, district, day, code; never the volunteer's name).
TEST_F(EmploymentFollowTest, ACommendationEmitsItsEvent) {
  v1::RegisterVolunteerRequest reg;
  reg.set_request_id(ids::NewUuid());
  reg.set_kind(v1::VOLUNTEER_KIND_VOLUNTEER);
  reg.set_name("VOLUNTEER-NAME-MARKER");
  reg.set_district_code(kDistrictA);
  v1::RegisterVolunteerResponse volunteer;
  auto rctx = h_.Context(staff_);
  ASSERT_TRUE(h_.volunteers().RegisterVolunteer(rctx.get(), reg, &volunteer).ok());
  const std::string id = volunteer.volunteer().volunteer_id();
  v1::CommendVolunteerRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_volunteer_id(id);
  req.set_district_code(kDistrictA);
  req.set_code("DISTRICT_COMMENDATION");
  v1::CommendVolunteerResponse resp;
  auto ctx = h_.Context(staff_);
  ASSERT_TRUE(h_.volunteers().CommendVolunteer(ctx.get(), req, &resp).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type = "
                  "'ccms.employment.volunteer_commended' AND record_key = '" +
                  id + "'"),
            "1");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE position('VOLUNTEER-NAME-MARKER'::bytea in "
                  "payload) > 0"),
            "0");
  // Refused (another district's staff): no event.
  v1::CommendVolunteerRequest other = req;
  other.set_request_id(ids::NewUuid());
  other.set_district_code(kDistrictB);
  auto bctx = h_.Context(staff_b_);
  EXPECT_FALSE(h_.volunteers().CommendVolunteer(bctx.get(), other, &resp).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type = "
                  "'ccms.employment.volunteer_commended' AND record_key = '" +
                  id + "'"),
            "1");
}

}  // namespace
}  // namespace ccms::testing
