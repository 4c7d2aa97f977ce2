// Electronic monitoring orders and temporary execution outside prison against real PostgreSQL
// and the dev broker: the rules, bureau approval, district scope, idempotency, events, audit,
// and both lists against a brute-force recomputation over a simulated year.
#include <map>
#include <optional>
#include <random>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "ccms/events/v1/envelope.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "tests/integration/records_harness.h"

namespace ccms::testing {
namespace {

using absl::CivilDay;
using auth::Role;
using records::v1::Case;
namespace v1 = records::v1;

google::type::Date D(CivilDay d) {
  google::type::Date out;
  out.set_year(static_cast<int32_t>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}
CivilDay FromD(const google::type::Date& d) { return CivilDay(d.year(), d.month(), d.day()); }

// Calendar months, end of month clamped, by walking days (independent of the service's code).
CivilDay NaiveAddMonths(CivilDay from, int months) {
  int y = static_cast<int>(from.year());
  int m = from.month() + months;
  while (m > 12) {
    m -= 12;
    ++y;
  }
  CivilDay best(y, m, 1);
  for (CivilDay d(y, m, 1); d.month() == m && d.day() <= from.day(); ++d) best = d;
  return best;
}

bool NamesField(const grpc::Status& st, const std::string& field) {
  for (const auto& v : grpc_util::ViolationsOf(st)) {
    if (v.field == field) return true;
  }
  return false;
}

class RecordsOrdersTest : public ::testing::Test {
 protected:
  // The service runs on a fixed clock (noon 2026-09-30 in Asia/Shanghai), so every date below
  // means the same thing whenever the test runs.
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    clock_ = new time::FakeClock(
        absl::FromCivil(absl::CivilSecond(2026, 9, 30, 12, 0, 0), time::ShanghaiTimeZone()));
    harness_ = new RecordsHarness(clock_);
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
    delete clock_;
    clock_ = nullptr;
  }
  static CivilDay Today() { return time::ShanghaiDay(clock_->Now()); }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
  }
  RecordsHarness& h() { return *harness_; }

  int64_t Count(const std::string& sql) { return std::stoll(h().db().QueryValue(sql)); }

  // Opens a case in `district` whose judgment took effect (and supervision started) on `intake`,
  // and records the intake check-in that day.
  Case OpenCase(const std::string& token, const std::string& district,
                common::v1::SentenceKind kind = common::v1::SENTENCE_KIND_PROBATION,
                CivilDay intake = CivilDay(2025, 1, 15), CivilDay end = CivilDay(2027, 1, 9)) {
    const int n = seq_++;
    const std::string id =
        MakeIdNumber("19800303", 1 + 2 * (n % 499), absl::StrCat(150101 + n / 499));
    v1::OpenCaseRequest req = ValidOpenCase(id, district);
    req.mutable_sentence()->set_kind(kind);
    *req.mutable_sentence()->mutable_judgment_effective_date() = D(intake);
    *req.mutable_sentence()->mutable_start_date() = D(intake);
    *req.mutable_sentence()->mutable_end_date() = D(end);
    v1::OpenCaseResponse resp;
    auto ctx = h().Context(token);
    grpc::Status st = h().cases().OpenCase(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    v1::RecordIntakeCheckInRequest in;
    in.set_request_id(ids::NewUuid());
    in.set_case_id(resp.case_().case_id());
    *in.mutable_reported_on() = D(intake);
    v1::RecordIntakeCheckInResponse out;
    auto ctx2 = h().Context(token);
    st = h().cases().RecordIntakeCheckIn(ctx2.get(), in, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out.case_();
  }

  grpc::Status Order(const std::string& token, const std::string& case_id,
                     std::vector<v1::MonitoringGround> grounds, CivilDay starts, CivilDay ends,
                     v1::OrderMonitoringResponse* out = nullptr,
                     const std::string& request_id = "") {
    v1::OrderMonitoringRequest req;
    req.set_request_id(request_id.empty() ? ids::NewUuid() : request_id);
    req.set_case_id(case_id);
    for (auto g : grounds) req.add_grounds(g);
    *req.mutable_starts_on() = D(starts);
    *req.mutable_ends_on() = D(ends);
    v1::OrderMonitoringResponse local;
    auto ctx = h().Context(token);
    return h().orders().OrderMonitoring(ctx.get(), req, out ? out : &local);
  }
  grpc::Status Renew(const std::string& token, const std::string& case_id,
                     const std::string& order_id, CivilDay on, CivilDay new_end,
                     v1::RenewMonitoringResponse* out = nullptr) {
    v1::RenewMonitoringRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_order_id(order_id);
    *req.mutable_renewed_on() = D(on);
    *req.mutable_new_ends_on() = D(new_end);
    v1::RenewMonitoringResponse local;
    auto ctx = h().Context(token);
    return h().orders().RenewMonitoring(ctx.get(), req, out ? out : &local);
  }
  grpc::Status End(const std::string& token, const std::string& case_id,
                   const std::string& order_id, CivilDay on,
                   v1::EndMonitoringResponse* out = nullptr) {
    v1::EndMonitoringRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_order_id(order_id);
    *req.mutable_ended_on() = D(on);
    req.set_reason(v1::MONITORING_END_REASON_GROUNDS_NO_LONGER_APPLY);
    v1::EndMonitoringResponse local;
    auto ctx = h().Context(token);
    return h().orders().EndMonitoring(ctx.get(), req, out ? out : &local);
  }
  grpc::Status Warn(const std::string& token, const std::string& case_id,
                    v1::SanctionKind kind = v1::SANCTION_KIND_WARNING) {
    v1::IssueSanctionRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_kind(kind);
    *req.mutable_issued_on() = D(CivilDay(2025, 2, 1));
    req.set_reason("reason text");
    v1::IssueSanctionResponse resp;
    auto ctx = h().Context(token);
    return h().sanctions().IssueSanction(ctx.get(), req, &resp);
  }
  grpc::Status HealthReport(const std::string& token, const std::string& case_id, CivilDay on,
                            v1::RecordHealthReportResponse* out = nullptr,
                            const std::string& request_id = "") {
    v1::RecordHealthReportRequest req;
    req.set_request_id(request_id.empty() ? ids::NewUuid() : request_id);
    req.set_case_id(case_id);
    *req.mutable_received_on() = D(on);
    v1::RecordHealthReportResponse local;
    auto ctx = h().Context(token);
    return h().orders().RecordHealthReport(ctx.get(), req, out ? out : &local);
  }
  grpc::Status Review(const std::string& token, const std::string& case_id, CivilDay on,
                      v1::RecordMedicalReviewResponse* out = nullptr) {
    v1::RecordMedicalReviewRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    *req.mutable_reviewed_on() = D(on);
    req.set_institution("Secret Hospital No. 3");
    req.set_outcome(v1::MEDICAL_REVIEW_OUTCOME_CONDITION_CONTINUES);
    req.set_details("private diagnosis text");
    v1::RecordMedicalReviewResponse local;
    auto ctx = h().Context(token);
    return h().orders().RecordMedicalReview(ctx.get(), req, out ? out : &local);
  }

  static RecordsHarness* harness_;
  static time::FakeClock* clock_;
  static int seq_;
};

RecordsHarness* RecordsOrdersTest::harness_ = nullptr;
time::FakeClock* RecordsOrdersTest::clock_ = nullptr;
int RecordsOrdersTest::seq_ = 0;

TEST_F(RecordsOrdersTest, NaiveMonthsMatchTheCalendar) {
  EXPECT_EQ(NaiveAddMonths(CivilDay(2025, 11, 30), 3), CivilDay(2026, 2, 28));
  EXPECT_EQ(NaiveAddMonths(CivilDay(2027, 11, 30), 3), CivilDay(2028, 2, 29));
  EXPECT_EQ(NaiveAddMonths(CivilDay(2025, 1, 31), 1), CivilDay(2025, 2, 28));
  EXPECT_EQ(NaiveAddMonths(CivilDay(2025, 12, 15), 1), CivilDay(2026, 1, 15));
}

TEST_F(RecordsOrdersTest, MonitoringOrderRulesApprovalScopeAndIdempotency) {
  const std::string staff = h().Token(Role::kOfficeStaff, {"110101"}, "orders-staff");
  const std::string bureau = h().Token(Role::kDistrictBureau, {"110101"}, "orders-bureau");
  const std::string other = h().Token(Role::kDistrictBureau, {"310105"}, "orders-other");
  // An order started 83 days ago and ending at the 3-month limit is still running today.
  const CivilDay today = Today();
  ASSERT_EQ(today, CivilDay(2026, 9, 30));
  const CivilDay starts = today - 83;
  const CivilDay limit = NaiveAddMonths(starts, 3);
  const CivilDay term_end = NaiveAddMonths(limit, 2);
  const Case c = OpenCase(staff, "110101", common::v1::SENTENCE_KIND_PROBATION,
                          CivilDay(2025, 1, 15), term_end);
  const auto breach = v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH;

  // Office staff cannot order monitoring: refused and audited.
  grpc::Status st = Order(staff, c.case_id(), {breach}, starts, limit);
  EXPECT_EQ(st.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + c.case_id() +
                  "' AND action = 'OrderMonitoring' AND result = 'DENIED'"),
            1);
  // Grounds are required; one day over three months names ends_on.
  st = Order(bureau, c.case_id(), {}, starts, limit);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_TRUE(NamesField(st, "grounds")) << st.error_message();
  st = Order(bureau, c.case_id(), {breach}, starts, limit + 1);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_TRUE(NamesField(st, "ends_on")) << st.error_message();
  // A ground that rests on a warning needs the warning.
  st = Order(bureau, c.case_id(), {v1::MONITORING_GROUND_REFUSED_REPORTING_AFTER_WARNING}, starts,
             limit);
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find("WARNING"), std::string::npos) << st.error_message();
  ASSERT_TRUE(Warn(staff, c.case_id()).ok());
  // Another district's bureau does not see the case.
  st = Order(other, c.case_id(), {breach}, starts, limit);
  EXPECT_EQ(st.error_code(), grpc::NOT_FOUND);

  // At the limit, twice with the same request id: one order.
  const std::string rid = ids::NewUuid();
  v1::OrderMonitoringResponse first, again;
  ASSERT_TRUE(Order(bureau, c.case_id(),
                    {v1::MONITORING_GROUND_REFUSED_REPORTING_AFTER_WARNING, breach}, starts, limit,
                    &first, rid)
                  .ok());
  ASSERT_TRUE(Order(bureau, c.case_id(), {breach}, starts, limit, &again, rid).ok());
  EXPECT_EQ(first.order().order_id(), again.order().order_id());
  EXPECT_EQ(again.order().grounds_size(), 2);
  EXPECT_EQ(first.order().status(), v1::MONITORING_ORDER_STATUS_ACTIVE);
  EXPECT_EQ(Count("SELECT count(*) FROM monitoring_orders WHERE case_id = '" + c.case_id() + "'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + c.case_id() +
                  "' AND action = 'OrderMonitoring' AND result = 'OK'"),
            1);
  // One order at a time.
  st = Order(bureau, c.case_id(), {breach}, today - 10, today);
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION);

  // Renewal: at most 3 months after the current end, and within the supervision term.
  const std::string order_id = first.order().order_id();
  st = Renew(bureau, c.case_id(), order_id, today, NaiveAddMonths(limit, 3) + 1);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_TRUE(NamesField(st, "new_ends_on")) << st.error_message();
  st = Renew(bureau, c.case_id(), order_id, today, NaiveAddMonths(limit, 3));
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION);  // past the term's end
  st = Renew(staff, c.case_id(), order_id, today, term_end);
  EXPECT_EQ(st.error_code(), grpc::PERMISSION_DENIED);
  v1::RenewMonitoringResponse renewed;
  ASSERT_TRUE(Renew(bureau, c.case_id(), order_id, today, term_end, &renewed).ok());
  EXPECT_EQ(FromD(renewed.order().ends_on()), term_end);
  EXPECT_EQ(FromD(renewed.order().original_ends_on()), limit);
  EXPECT_EQ(renewed.order().renewals(), 1);

  // End early; ending twice is refused; an ended order cannot be renewed.
  v1::EndMonitoringResponse ended;
  ASSERT_TRUE(End(bureau, c.case_id(), order_id, today, &ended).ok());
  EXPECT_EQ(ended.order().status(), v1::MONITORING_ORDER_STATUS_ENDED);
  EXPECT_EQ(End(bureau, c.case_id(), order_id, today).error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_EQ(Renew(bureau, c.case_id(), order_id, today, term_end).error_code(),
            grpc::FAILED_PRECONDITION);

  // The events reach the topic: ids, grounds and dates, no reasons.
  std::set<std::string> want = {"ccms.records.monitoring_ordered",
                                "ccms.records.monitoring_renewed", "ccms.records.monitoring_ended"};
  auto events = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got) {
        std::set<std::string> seen;
        for (const auto& r : got) {
          if (r.key == c.case_id() && r.headers.count("ce_type"))
            seen.insert(r.headers.at("ce_type"));
        }
        for (const auto& w : want) {
          if (!seen.count(w)) return false;
        }
        return true;
      },
      absl::Seconds(30));
  int ordered = 0;
  for (const auto& r : events) {
    if (r.key != c.case_id() || !want.count(r.headers.at("ce_type"))) continue;
    events::v1::Envelope env;
    v1::MonitoringOrderChanged payload;
    ASSERT_TRUE(env.ParseFromString(r.value));
    ASSERT_TRUE(env.payload().UnpackTo(&payload));
    EXPECT_EQ(payload.order_id(), order_id);
    EXPECT_EQ(env.district_code(), "110101");
    if (r.headers.at("ce_type") == "ccms.records.monitoring_ordered") ++ordered;
    if (r.headers.at("ce_type") == "ccms.records.monitoring_ended") {
      EXPECT_EQ(payload.end_reason(), "GROUNDS_NO_LONGER_APPLY");
    }
  }
  EXPECT_EQ(ordered, 1);

  // The timeline shows the order with kinds and dates.
  v1::GetCaseTimelineRequest tl;
  tl.set_case_id(c.case_id());
  v1::GetCaseTimelineResponse timeline;
  auto ctx = h().Context(staff);
  ASSERT_TRUE(h().cases().GetCaseTimeline(ctx.get(), tl, &timeline).ok());
  std::set<std::string> kinds;
  for (const auto& e : timeline.entries()) kinds.insert(e.kind());
  EXPECT_TRUE(kinds.count("MONITORING_ORDERED"));
  EXPECT_TRUE(kinds.count("MONITORING_RENEWED"));
  EXPECT_TRUE(kinds.count("MONITORING_ENDED"));
}

// A sentence reduction (减刑) moves the end of the term, and with it the discharge due list, the
// monitoring order running past the new end, and the discharge_approaching notice; the
// sentence_changed event reaches the topic with the new end date.
TEST_F(RecordsOrdersTest, ASentenceReductionMovesDischargeAndMonitoring) {
  const std::string district = "110108";
  const std::string staff = h().Token(Role::kOfficeStaff, {district}, "sentence-staff");
  const std::string bureau = h().Token(Role::kDistrictBureau, {district}, "sentence-bureau");
  const std::string worker = h().Token(Role::kSocialWorker, {district}, "sentence-worker");
  const CivilDay today = Today();  // 2026-09-30
  const CivilDay old_end(2027, 6, 30);
  const CivilDay new_end(2026, 11, 30);
  const Case c = OpenCase(staff, district, common::v1::SENTENCE_KIND_PROBATION,
                          CivilDay(2025, 1, 15), old_end);
  const CivilDay starts = today - 10;
  const CivilDay order_end = NaiveAddMonths(starts, 3);  // 2026-12-20, past the new end
  v1::OrderMonitoringResponse ordered;
  ASSERT_TRUE(Order(bureau, c.case_id(), {v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH}, starts,
                    order_end, &ordered)
                  .ok());
  const std::string order_id = ordered.order().order_id();

  auto expiring = [&](CivilDay as_of, int within) {
    std::map<std::string, CivilDay> out;
    v1::ListMonitoringExpiringRequest req;
    req.set_district_code(district);
    *req.mutable_as_of() = D(as_of);
    req.set_within_days(within);
    req.set_page_size(500);
    v1::ListMonitoringExpiringResponse resp;
    auto ctx = h().Context(staff);
    EXPECT_TRUE(h().orders().ListMonitoringExpiring(ctx.get(), req, &resp).ok());
    for (const auto& i : resp.items()) out[i.order_id()] = FromD(i.ends_on());
    return out;
  };
  auto discharges_due = [&](CivilDay as_of) {
    std::map<std::string, int> out;
    v1::ListDischargesDueRequest req;
    req.set_district_code(district);
    *req.mutable_as_of() = D(as_of);
    req.set_page_size(500);
    v1::ListDischargesDueResponse resp;
    auto ctx = h().Context(staff);
    EXPECT_TRUE(h().discharge().ListDischargesDue(ctx.get(), req, &resp).ok());
    for (const auto& i : resp.items()) out[i.case_id()] = i.days_left();
    return out;
  };
  auto change = [&](const std::string& token, v1::SentenceChangeKind kind, CivilDay end,
                    v1::RecordSentenceChangeResponse* out, const std::string& rid = "") {
    v1::RecordSentenceChangeRequest req;
    req.set_request_id(rid.empty() ? ids::NewUuid() : rid);
    req.set_case_id(c.case_id());
    req.set_kind(kind);
    req.set_court("Secret Intermediate Court");
    req.set_document_number("(2026) XG-0042");
    *req.mutable_new_end_date() = D(end);
    *req.mutable_effective_on() = D(today);
    auto ctx = h().Context(token);
    return h().cases().RecordSentenceChange(ctx.get(), req, out);
  };

  // Before: the order runs to 2026-12-20, the term to 2027-06-30.
  const CivilDay window_opens = new_end - 30;  // 2026-10-31
  EXPECT_FALSE(expiring(today, 61).count(order_id));
  EXPECT_FALSE(discharges_due(window_opens).count(c.case_id()));

  // Social workers may not record it; a "reduction" to a later day names new_end_date.
  v1::RecordSentenceChangeResponse resp;
  EXPECT_EQ(change(worker, v1::SENTENCE_CHANGE_KIND_REDUCTION, new_end, &resp).error_code(),
            grpc::PERMISSION_DENIED);
  grpc::Status st = change(staff, v1::SENTENCE_CHANGE_KIND_REDUCTION, old_end + 1, &resp);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_TRUE(NamesField(st, "new_end_date")) << st.error_message();

  // The reduction, twice with one request id: one change.
  const std::string rid = ids::NewUuid();
  ASSERT_TRUE(change(staff, v1::SENTENCE_CHANGE_KIND_REDUCTION, new_end, &resp, rid).ok());
  v1::RecordSentenceChangeResponse again;
  ASSERT_TRUE(change(staff, v1::SENTENCE_CHANGE_KIND_REDUCTION, new_end, &again, rid).ok());
  EXPECT_EQ(again.change_id(), resp.change_id());
  EXPECT_EQ(Count("SELECT count(*) FROM sentence_changes WHERE case_id = '" + c.case_id() + "'"),
            1);
  EXPECT_EQ(FromD(resp.case_().sentence().end_date()), new_end);
  EXPECT_EQ(FromD(resp.previous_end_date()), old_end);
  EXPECT_EQ(FromD(resp.summary_window_opens()), window_opens);
  ASSERT_EQ(resp.clamped_order_ids_size(), 1);
  EXPECT_EQ(resp.clamped_order_ids(0), order_id);

  // The monitoring order now ends with the term: on the expiry list 61 days ahead, ending on
  // the new end; a renewal past the new end is refused.
  const auto listed = expiring(today, 61);
  ASSERT_TRUE(listed.count(order_id));
  EXPECT_EQ(listed.at(order_id), new_end);
  EXPECT_FALSE(expiring(today, 60).count(order_id));
  EXPECT_EQ(Renew(bureau, c.case_id(), order_id, today, new_end + 1).error_code(),
            grpc::FAILED_PRECONDITION);
  // The discharge due list: from the day the window opens (30 days before the new end), not
  // the day before.
  const auto due = discharges_due(window_opens);
  ASSERT_TRUE(due.count(c.case_id()));
  EXPECT_EQ(due.at(c.case_id()), 30);
  EXPECT_FALSE(discharges_due(window_opens - 1).count(c.case_id()));
  // The personal summary's window moved too: today is still before it.
  v1::RecordDischargeSummaryRequest summary;
  summary.set_request_id(ids::NewUuid());
  summary.set_case_id(c.case_id());
  v1::RecordDischargeSummaryResponse summary_resp;
  auto sctx = h().Context(staff);
  st = h().discharge().RecordDischargeSummary(sctx.get(), summary, &summary_resp);
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find(time::FormatDate(window_opens)), std::string::npos);

  // The event is on the topic with the new end date; the court and the ruling stay in the file.
  auto events = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got) {
        for (const auto& r : got) {
          if (r.key == c.case_id() && r.headers.count("ce_type") &&
              r.headers.at("ce_type") == "ccms.records.sentence_changed")
            return true;
        }
        return false;
      },
      absl::Seconds(30));
  int changed = 0;
  for (const auto& r : events) {
    if (r.key != c.case_id() || r.headers.at("ce_type") != "ccms.records.sentence_changed")
      continue;
    ++changed;
    EXPECT_EQ(r.value.find("Secret Intermediate Court"), std::string::npos);
    EXPECT_EQ(r.value.find("XG-0042"), std::string::npos);
    events::v1::Envelope env;
    v1::SentenceChanged payload;
    ASSERT_TRUE(env.ParseFromString(r.value));
    ASSERT_TRUE(env.payload().UnpackTo(&payload));
    EXPECT_EQ(env.district_code(), district);
    EXPECT_EQ(payload.kind(), v1::SENTENCE_CHANGE_KIND_REDUCTION);
    EXPECT_EQ(FromD(payload.new_end_date()), new_end);
    EXPECT_EQ(FromD(payload.previous_end_date()), old_end);
    EXPECT_EQ(FromD(payload.effective_on()), today);
    ASSERT_EQ(payload.clamped_order_ids_size(), 1);
    EXPECT_EQ(payload.clamped_order_ids(0), order_id);
  }
  EXPECT_EQ(changed, 1);

  // The timeline shows it.
  v1::GetCaseTimelineRequest tl;
  tl.set_case_id(c.case_id());
  v1::GetCaseTimelineResponse timeline;
  auto tctx = h().Context(staff);
  ASSERT_TRUE(h().cases().GetCaseTimeline(tctx.get(), tl, &timeline).ok());
  bool shown = false;
  for (const auto& e : timeline.entries()) {
    if (e.kind() == "SENTENCE_CHANGE:REDUCTION") {
      shown = true;
      EXPECT_EQ(FromD(e.on()), today);
      EXPECT_NE(e.summary().find(time::FormatDate(new_end)), std::string::npos) << e.summary();
    }
  }
  EXPECT_TRUE(shown);
}

// discharge_approaching follows the end date: sent for the old end, sent again for the new one.
TEST_F(RecordsOrdersTest, DischargeApproachingIsSentAgainForTheNewEnd) {
  const std::string district = "110109";
  const std::string staff = h().Token(Role::kOfficeStaff, {district}, "sentence-staff");
  const CivilDay today = Today();
  const Case c = OpenCase(staff, district, common::v1::SENTENCE_KIND_PAROLE, CivilDay(2025, 1, 15),
                          today + 20);
  ASSERT_TRUE(h().wiring().discharge().EmitDischargeNotices().ok());
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE case_id = '" + c.case_id() +
                  "' AND discharge_notice_on IS NOT NULL"),
            1);
  v1::RecordSentenceChangeRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(c.case_id());
  req.set_kind(v1::SENTENCE_CHANGE_KIND_EXTENSION);
  req.set_court("court");
  req.set_document_number("doc-1");
  *req.mutable_new_end_date() = D(today + 25);
  v1::RecordSentenceChangeResponse resp;
  auto ctx = h().Context(staff);
  ASSERT_TRUE(h().cases().RecordSentenceChange(ctx.get(), req, &resp).ok());
  ASSERT_TRUE(h().wiring().discharge().EmitDischargeNotices().ok());
  auto events = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got) {
        int n = 0;
        for (const auto& r : got) {
          if (r.key == c.case_id() && r.headers.count("ce_type") &&
              r.headers.at("ce_type") == "ccms.records.discharge_approaching")
            ++n;
        }
        return n >= 2;
      },
      absl::Seconds(30));
  std::vector<CivilDay> ends;
  for (const auto& r : events) {
    if (r.key != c.case_id() || r.headers.at("ce_type") != "ccms.records.discharge_approaching")
      continue;
    events::v1::Envelope env;
    v1::DischargeApproaching payload;
    ASSERT_TRUE(env.ParseFromString(r.value));
    ASSERT_TRUE(env.payload().UnpackTo(&payload));
    ends.push_back(FromD(payload.end_date()));
  }
  EXPECT_EQ(ends, (std::vector<CivilDay>{today + 20, today + 25}));
}

TEST_F(RecordsOrdersTest, RenewalOnTheLastDayButNotAfterExpiry) {
  const std::string staff = h().Token(Role::kOfficeStaff, {"110101"}, "orders-staff");
  const std::string admin = h().Token(Role::kCityAdmin, {"*"}, "orders-admin");
  const Case c = OpenCase(staff, "110101");
  v1::OrderMonitoringResponse o;
  ASSERT_TRUE(Order(admin, c.case_id(), {v1::MONITORING_GROUND_LEFT_AREA_WITHOUT_APPROVAL},
                    CivilDay(2025, 3, 1), CivilDay(2025, 5, 31), &o)
                  .ok());
  EXPECT_EQ(o.order().status(), v1::MONITORING_ORDER_STATUS_EXPIRED);
  const std::string id = o.order().order_id();
  grpc::Status late = Renew(admin, c.case_id(), id, CivilDay(2025, 6, 1), CivilDay(2025, 8, 31));
  EXPECT_EQ(late.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(late.error_message().find("expired"), std::string::npos);
  ASSERT_TRUE(Renew(admin, c.case_id(), id, CivilDay(2025, 5, 31), CivilDay(2025, 8, 31)).ok());
  EXPECT_EQ(End(admin, c.case_id(), id, CivilDay(2025, 9, 1)).error_code(),
            grpc::FAILED_PRECONDITION);
}

TEST_F(RecordsOrdersTest, HealthReportsAndMedicalReviews) {
  const std::string staff = h().Token(Role::kOfficeStaff, {"110101"}, "medical-staff");
  const std::string worker = h().Token(Role::kSocialWorker, {"110101"}, "medical-worker");
  const std::string other = h().Token(Role::kOfficeStaff, {"310105"}, "medical-other");
  const Case probation = OpenCase(staff, "110101");
  const Case top = OpenCase(staff, "110101", common::v1::SENTENCE_KIND_TEMPORARY_OUTSIDE_PRISON,
                            CivilDay(2025, 1, 31));
  EXPECT_EQ(HealthReport(staff, probation.case_id(), CivilDay(2025, 3, 1)).error_code(),
            grpc::FAILED_PRECONDITION);
  EXPECT_EQ(HealthReport(staff, top.case_id(), CivilDay(2025, 1, 30)).error_code(),
            grpc::FAILED_PRECONDITION);  // before the intake
  EXPECT_EQ(HealthReport(other, top.case_id(), CivilDay(2025, 2, 27)).error_code(),
            grpc::NOT_FOUND);
  // A social worker takes the monthly report; the review is office work.
  const std::string rid = ids::NewUuid();
  v1::RecordHealthReportResponse hr, hr2;
  ASSERT_TRUE(HealthReport(worker, top.case_id(), CivilDay(2025, 2, 28), &hr, rid).ok());
  ASSERT_TRUE(HealthReport(worker, top.case_id(), CivilDay(2025, 2, 28), &hr2, rid).ok());
  EXPECT_EQ(hr.report_id(), hr2.report_id());
  EXPECT_EQ(FromD(hr.next_due()), CivilDay(2025, 3, 28));
  EXPECT_EQ(Count("SELECT count(*) FROM health_reports WHERE case_id = '" + top.case_id() + "'"),
            1);
  EXPECT_EQ(Review(worker, top.case_id(), CivilDay(2025, 4, 30)).error_code(),
            grpc::PERMISSION_DENIED);
  v1::RecordMedicalReviewResponse rv;
  ASSERT_TRUE(Review(staff, top.case_id(), CivilDay(2025, 4, 30), &rv).ok());
  EXPECT_EQ(FromD(rv.next_due()), CivilDay(2025, 7, 30));
  // Missing institution and outcome name the fields.
  v1::RecordMedicalReviewRequest bad;
  bad.set_request_id(ids::NewUuid());
  bad.set_case_id(top.case_id());
  v1::RecordMedicalReviewResponse unused;
  auto ctx = h().Context(staff);
  grpc::Status st = h().orders().RecordMedicalReview(ctx.get(), bad, &unused);
  EXPECT_TRUE(NamesField(st, "institution"));
  EXPECT_TRUE(NamesField(st, "outcome"));
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + top.case_id() +
                  "' AND action IN ('RecordHealthReport', 'RecordMedicalReview')"
                  " AND result = 'OK'"),
            2);

  // The review's event carries no institution and no details.
  auto events = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got) {
        for (const auto& r : got) {
          if (r.key == top.case_id() && r.headers.count("ce_type") &&
              r.headers.at("ce_type") == "ccms.records.medical_review_recorded") {
            return true;
          }
        }
        return false;
      },
      absl::Seconds(30));
  bool seen = false;
  for (const auto& r : events) {
    if (r.key != top.case_id()) continue;
    EXPECT_EQ(r.value.find("Secret Hospital"), std::string::npos);
    EXPECT_EQ(r.value.find("private diagnosis"), std::string::npos);
    if (r.headers.at("ce_type") != "ccms.records.medical_review_recorded") continue;
    events::v1::Envelope env;
    v1::MedicalRecordAdded payload;
    ASSERT_TRUE(env.ParseFromString(r.value) && env.payload().UnpackTo(&payload));
    EXPECT_EQ(payload.outcome(), "CONDITION_CONTINUES");
    EXPECT_EQ(FromD(payload.on()), CivilDay(2025, 4, 30));
    seen = true;
  }
  EXPECT_TRUE(seen);
}

// A synthetic district over a simulated year: every list equals a brute-force recomputation.
TEST_F(RecordsOrdersTest, ListsEqualBruteForceOverASimulatedYear) {
  const std::string district = "320102";
  const std::string staff = h().Token(Role::kOfficeStaff, {district, "320104"}, "sim-staff");
  const std::string bureau = h().Token(Role::kDistrictBureau, {district, "320104"}, "sim-bureau");
  std::mt19937 rng(20250101);
  auto rnd = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

  struct SimOrder {
    std::string case_id, order_id;
    CivilDay starts, ends;
    std::optional<CivilDay> ended;
  };
  struct SimCase {
    std::string case_id;
    bool top = false;
    CivilDay intake;
    std::vector<CivilDay> reports, reviews;
  };
  std::vector<SimOrder> orders;
  std::vector<SimCase> cases;
  const CivilDay intake_days[] = {CivilDay(2024, 11, 30), CivilDay(2024, 12, 31),
                                  CivilDay(2025, 1, 31), CivilDay(2025, 1, 29),
                                  CivilDay(2025, 2, 15)};
  const CivilDay year_end(2026, 2, 28);
  for (int i = 0; i < 44; ++i) {
    // Four cases of a neighbouring district: they must not appear in the district's lists.
    const std::string d = i < 40 ? district : "320104";
    SimCase sc;
    sc.top = i % 4 != 3;  // with i % 5 below: every intake day has both kinds
    sc.intake = intake_days[i % 5];
    const Case c = OpenCase(staff, d,
                            sc.top ? common::v1::SENTENCE_KIND_TEMPORARY_OUTSIDE_PRISON
                                   : common::v1::SENTENCE_KIND_PAROLE,
                            sc.intake, CivilDay(2027, 6, 30));
    sc.case_id = c.case_id();
    if (sc.top) {
      for (CivilDay m = sc.intake + rnd(20, 40); m <= year_end; m += rnd(20, 45)) {
        if (rnd(0, 9) < 8) {
          ASSERT_TRUE(HealthReport(staff, sc.case_id, m).ok());
          sc.reports.push_back(m);
        }
      }
      for (CivilDay m = sc.intake + rnd(60, 100); m <= year_end; m += rnd(70, 110)) {
        if (rnd(0, 9) < 7) {
          ASSERT_TRUE(Review(staff, sc.case_id, m).ok());
          sc.reviews.push_back(m);
        }
      }
    }
    // Monitoring orders one after another through the year, some renewed, some ended early.
    if (rnd(0, 9) < 7) {
      CivilDay start = CivilDay(2025, 3, 1) + rnd(0, 60);
      while (start <= CivilDay(2026, 1, 31)) {
        CivilDay end = std::min(NaiveAddMonths(start, 3), start + rnd(0, 95));
        v1::OrderMonitoringResponse o;
        grpc::Status st = Order(bureau, sc.case_id,
                                {v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH}, start, end, &o);
        ASSERT_TRUE(st.ok()) << st.error_message();
        SimOrder so{sc.case_id, o.order().order_id(), start, end, std::nullopt};
        if (rnd(0, 9) < 4) {
          const CivilDay on = start + rnd(0, static_cast<int>(end - start));
          const CivilDay new_end = std::min(NaiveAddMonths(end, 3), end + rnd(1, 92));
          st = Renew(bureau, sc.case_id, so.order_id, on, new_end);
          ASSERT_TRUE(st.ok()) << st.error_message();
          so.ends = new_end;
        }
        if (rnd(0, 9) < 3) {
          const CivilDay on = so.starts + rnd(0, static_cast<int>(so.ends - so.starts));
          ASSERT_TRUE(End(bureau, sc.case_id, so.order_id, on).ok());
          so.ended = on;
        }
        orders.push_back(so);
        const CivilDay last = so.ended.has_value() ? *so.ended - 1 : so.ends;
        start = std::max(last + 1, so.starts) + rnd(0, 40);
      }
    }
    if (i < 40) cases.push_back(sc);
  }
  std::set<std::string> in_district;
  for (const auto& sc : cases) in_district.insert(sc.case_id);

  const CivilDay as_ofs[] = {CivilDay(2025, 3, 15),  CivilDay(2025, 5, 31),  CivilDay(2025, 8, 31),
                             CivilDay(2025, 11, 30), CivilDay(2025, 12, 31), CivilDay(2026, 1, 31),
                             CivilDay(2026, 2, 28),  CivilDay(2026, 4, 30)};
  const std::string reader = h().Token(Role::kCityAdmin, {"*"}, "sim-reader");
  int monitoring_items = 0, medical_items = 0;
  for (CivilDay as_of : as_ofs) {
    for (int within : {0, 7, 30}) {
      SCOPED_TRACE(absl::StrCat(time::FormatDate(as_of), " within ", within));
      // Brute force: walk each order's monitored days.
      std::set<std::tuple<std::string, std::string, std::string, int>> want;
      for (const SimOrder& o : orders) {
        if (!in_district.count(o.case_id)) continue;
        bool running = false;
        for (CivilDay d = o.starts; d <= o.ends; ++d) {
          if (o.ended.has_value() && d >= *o.ended) break;
          if (d == as_of) running = true;
        }
        if (!running) continue;
        int steps = 0;
        for (CivilDay d = as_of; steps <= within; ++d, ++steps) {
          if (d == o.ends) {
            want.insert({o.case_id, o.order_id, time::FormatDate(o.ends), steps});
            break;
          }
        }
      }
      std::set<std::tuple<std::string, std::string, std::string, int>> got;
      std::string token;
      int pages = 0;
      do {
        v1::ListMonitoringExpiringRequest req;
        req.set_district_code(district);
        *req.mutable_as_of() = D(as_of);
        req.set_within_days(within);
        req.set_page_size(3);
        req.set_page_token(token);
        v1::ListMonitoringExpiringResponse resp;
        auto ctx = h().Context(reader);
        grpc::Status st = h().orders().ListMonitoringExpiring(ctx.get(), req, &resp);
        ASSERT_TRUE(st.ok()) << st.error_message();
        for (const auto& it : resp.items()) {
          EXPECT_FALSE(it.policy_version().empty());
          EXPECT_EQ(it.district_code(), district);
          got.insert(
              {it.case_id(), it.order_id(), time::FormatDate(FromD(it.ends_on())), it.days_left()});
        }
        token = resp.next_page_token();
        ASSERT_LT(++pages, 100);
      } while (!token.empty());
      EXPECT_EQ(got, want);
      monitoring_items += static_cast<int>(want.size());

      // Brute force: last report on or before as_of (or the intake), plus the months.
      std::set<std::tuple<std::string, int, std::string, int>> want_med;
      for (const SimCase& sc : cases) {
        if (!sc.top) continue;
        for (int kind : {1, 2}) {
          const auto& done = kind == 1 ? sc.reports : sc.reviews;
          CivilDay last = sc.intake;
          for (CivilDay r : done) {
            if (r <= as_of && r > last) last = r;
          }
          const CivilDay due = NaiveAddMonths(last, kind == 1 ? 1 : 3);
          int overdue = 0;
          if (due <= as_of) {
            for (CivilDay d = due; d < as_of; ++d) ++overdue;
          } else {
            for (CivilDay d = as_of; d < due; ++d) --overdue;
          }
          if (-overdue <= within) {
            want_med.insert({sc.case_id, kind, time::FormatDate(due), overdue});
          }
        }
      }
      std::set<std::tuple<std::string, int, std::string, int>> got_med;
      token.clear();
      pages = 0;
      do {
        v1::ListMedicalDueRequest req;
        req.set_district_code(district);
        *req.mutable_as_of() = D(as_of);
        req.set_within_days(within);
        req.set_page_size(7);
        req.set_page_token(token);
        v1::ListMedicalDueResponse resp;
        auto ctx = h().Context(reader);
        grpc::Status st = h().orders().ListMedicalDue(ctx.get(), req, &resp);
        ASSERT_TRUE(st.ok()) << st.error_message();
        for (const auto& it : resp.items()) {
          got_med.insert({it.case_id(), static_cast<int>(it.kind()),
                          time::FormatDate(FromD(it.due())), it.days_overdue()});
        }
        token = resp.next_page_token();
        ASSERT_LT(++pages, 100);
      } while (!token.empty());
      EXPECT_EQ(got_med, want_med);
      medical_items += static_cast<int>(want_med.size());
    }
  }
  // The simulation is not vacuous.
  EXPECT_GT(monitoring_items, 10);
  EXPECT_GT(medical_items, 50);
  // Each list call writes one audit row.
  EXPECT_GE(Count("SELECT count(*) FROM audit_log WHERE actor = 'sim-reader'"
                  " AND action IN ('ListMonitoringExpiring', 'ListMedicalDue')"),
            2 * 8 * 3);

  // District scope: a bureau of another district sees none of them.
  const std::string outsider = h().Token(Role::kDistrictBureau, {"310105"}, "sim-outsider");
  v1::ListMonitoringExpiringRequest req;
  req.set_district_code(district);
  *req.mutable_as_of() = D(CivilDay(2025, 8, 31));
  req.set_within_days(366);
  v1::ListMonitoringExpiringResponse resp;
  auto ctx = h().Context(outsider);
  ASSERT_TRUE(h().orders().ListMonitoringExpiring(ctx.get(), req, &resp).ok());
  EXPECT_EQ(resp.items_size(), 0);
  v1::ListMedicalDueRequest mreq;
  mreq.set_district_code(district);
  v1::ListMedicalDueResponse mresp;
  auto ctx2 = h().Context(outsider);
  ASSERT_TRUE(h().orders().ListMedicalDue(ctx2.get(), mreq, &mresp).ok());
  EXPECT_EQ(mresp.items_size(), 0);
}

}  // namespace
}  // namespace ccms::testing
