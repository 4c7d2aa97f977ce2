// Pre-sentence investigations, handover and intake against real PostgreSQL and the dev broker:
// due dates and the overdue list over a holiday calendar (checked against a naive day-by-day
// count), refusals, district scope, idempotent retries, events and audit rows.
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "ccms/events/v1/envelope.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/ids/uuid.h"
#include "common/policy/policy.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "services/records/domain/records_policy.h"
#include "services/records/handler_support.h"
#include "services/records/intake_service.h"
#include "tests/integration/records_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
namespace v1 = records::v1;

google::type::Date D(int y, int m, int d) {
  google::type::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}
google::type::Date D(absl::CivilDay day) {
  return D(static_cast<int>(day.year()), day.month(), day.day());
}
absl::CivilDay Day(const google::type::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

class RecordsInvestigationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() != nullptr) harness_ = new RecordsHarness();
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
  }
  RecordsHarness& h() { return *harness_; }

  v1::CommissionInvestigationRequest Commission(const std::string& district, google::type::Date on,
                                                bool fast_track) {
    v1::CommissionInvestigationRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_district_code(district);
    r.set_commissioning_body_kind(v1::COMMISSIONING_BODY_KIND_COURT);
    r.set_commissioning_body_name("测试区人民法院");
    r.set_person_name("调查对象甲");
    r.set_id_number(MakeIdNumber("19900101", 1 + 2 * (seq_++ % 400)));
    r.set_proposed_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
    r.set_fast_track(fast_track);
    *r.mutable_commissioned_on() = on;
    return r;
  }

  std::string Count(const std::string& sql) { return h().db().QueryValue(sql); }

  static RecordsHarness* harness_;
  static int seq_;
};

RecordsHarness* RecordsInvestigationTest::harness_ = nullptr;
int RecordsInvestigationTest::seq_ = 0;

TEST_F(RecordsInvestigationTest, CommissionConcludeScopeRetriesEventsAndAudit) {
  const std::string staff = h().Token(Role::kOfficeStaff, {"110101"}, "inv-staff");
  const std::string other = h().Token(Role::kOfficeStaff, {"310101"}, "inv-other");
  const std::string sw = h().Token(Role::kSocialWorker, {"110101"}, "inv-sw");

  // Commissioned Friday 2026-09-25: 10 working days with the default (weekends-only)
  // calendar end on Friday 10-09.
  v1::CommissionInvestigationRequest req = Commission("110101", D(2026, 9, 25), false);
  v1::CommissionInvestigationResponse first;
  auto ctx = h().Context(staff);
  ASSERT_TRUE(h().intake().CommissionInvestigation(ctx.get(), req, &first).ok());
  const v1::Investigation& inv = first.investigation();
  EXPECT_EQ(Day(inv.due_on()), absl::CivilDay(2026, 10, 9));
  EXPECT_EQ(inv.status(), v1::INVESTIGATION_STATUS_COMMISSIONED);
  EXPECT_EQ(inv.person_name(), "调查对象甲");
  EXPECT_EQ(inv.id_number_masked().size(), 18u);
  EXPECT_NE(inv.rule().find("10 working days"), std::string::npos);
  const std::string id = inv.investigation_id();

  // The same request again: the same investigation, one row.
  v1::CommissionInvestigationResponse again;
  auto ctx2 = h().Context(staff);
  ASSERT_TRUE(h().intake().CommissionInvestigation(ctx2.get(), req, &again).ok());
  EXPECT_EQ(again.investigation().investigation_id(), id);
  EXPECT_EQ(Count("SELECT count(*) FROM investigations WHERE investigation_id = '" + id + "'"),
            "1");
  EXPECT_EQ(Count("SELECT count(*) FROM investigations"), "1");
  // The identity number is stored only encrypted.
  EXPECT_EQ(Count("SELECT count(*) FROM investigations WHERE position('" + req.id_number() +
                  "'::bytea in id_cipher) > 0"),
            "0");

  // Refusals naming the fields.
  v1::CommissionInvestigationRequest bad = Commission("110101", D(2026, 9, 25), false);
  bad.clear_commissioning_body_kind();
  bad.set_id_number("123");
  auto ctx3 = h().Context(staff);
  grpc::Status st = h().intake().CommissionInvestigation(ctx3.get(), bad, &again);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("commissioning_body_kind"), std::string::npos);
  EXPECT_NE(st.error_message().find("id_number"), std::string::npos);
  // Social workers cannot commission; other districts' staff cannot commission here.
  auto ctx4 = h().Context(sw);
  EXPECT_EQ(
      h().intake()
          .CommissionInvestigation(ctx4.get(), Commission("110101", D(2026, 9, 25), false), &again)
          .error_code(),
      grpc::PERMISSION_DENIED);
  auto ctx5 = h().Context(other);
  EXPECT_EQ(
      h().intake()
          .CommissionInvestigation(ctx5.get(), Commission("110101", D(2026, 9, 25), false), &again)
          .error_code(),
      grpc::PERMISSION_DENIED);

  // Another district's staff does not see it, cannot conclude it.
  v1::GetInvestigationRequest get;
  get.set_investigation_id(id);
  v1::GetInvestigationResponse got;
  auto ctx6 = h().Context(other);
  EXPECT_EQ(h().intake().GetInvestigation(ctx6.get(), get, &got).error_code(), grpc::NOT_FOUND);
  v1::RecordInvestigationConclusionRequest conclude;
  conclude.set_request_id(ids::NewUuid());
  conclude.set_investigation_id(id);
  conclude.set_conclusion(v1::INVESTIGATION_CONCLUSION_SUITABLE);
  conclude.set_reasons("家庭支持良好，保密理由");
  *conclude.mutable_concluded_on() = D(2026, 10, 12);
  v1::RecordInvestigationConclusionResponse concluded;
  auto ctx7 = h().Context(other);
  EXPECT_EQ(
      h().intake().RecordInvestigationConclusion(ctx7.get(), conclude, &concluded).error_code(),
      grpc::NOT_FOUND);
  // Before the commission: INVALID_ARGUMENT naming concluded_on.
  v1::RecordInvestigationConclusionRequest early = conclude;
  early.set_request_id(ids::NewUuid());
  *early.mutable_concluded_on() = D(2026, 9, 24);
  auto ctx8 = h().Context(staff);
  st = h().intake().RecordInvestigationConclusion(ctx8.get(), early, &concluded);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("concluded_on"), std::string::npos) << st.error_message();
  // Concluded on Monday 10-12, after the due date: late.
  auto ctx9 = h().Context(staff);
  ASSERT_TRUE(h().intake().RecordInvestigationConclusion(ctx9.get(), conclude, &concluded).ok());
  EXPECT_EQ(concluded.investigation().status(), v1::INVESTIGATION_STATUS_CONCLUDED);
  EXPECT_TRUE(concluded.investigation().concluded_late());
  // Its retry returns the same; a second conclusion is refused.
  v1::RecordInvestigationConclusionResponse replay;
  auto ctx10 = h().Context(staff);
  ASSERT_TRUE(h().intake().RecordInvestigationConclusion(ctx10.get(), conclude, &replay).ok());
  EXPECT_EQ(replay.investigation().conclusion(), v1::INVESTIGATION_CONCLUSION_SUITABLE);
  conclude.set_request_id(ids::NewUuid());
  auto ctx11 = h().Context(staff);
  EXPECT_EQ(h().intake().RecordInvestigationConclusion(ctx11.get(), conclude, &replay).error_code(),
            grpc::FAILED_PRECONDITION);
  // The reader in the district sees it, with the reasons.
  auto ctx12 = h().Context(sw);
  ASSERT_TRUE(h().intake().GetInvestigation(ctx12.get(), get, &got).ok());
  EXPECT_EQ(got.investigation().reasons(), "家庭支持良好，保密理由");

  // Events: commissioned and concluded, keyed by the investigation, without names or reasons.
  auto events = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got_records) {
        int n = 0;
        for (const auto& r : got_records) n += r.key == id;
        return n >= 2;
      },
      absl::Seconds(30));
  std::map<std::string, int> types;
  for (const auto& r : events) {
    if (r.key != id) continue;
    ++types[r.headers.count("ce_type") ? r.headers.at("ce_type") : ""];
    EXPECT_EQ(r.value.find("调查对象甲"), std::string::npos);
    EXPECT_EQ(r.value.find("保密理由"), std::string::npos);
    EXPECT_EQ(r.value.find(req.id_number()), std::string::npos);
    events::v1::Envelope env;
    ASSERT_TRUE(env.ParseFromString(r.value));
    if (env.type() == "ccms.records.investigation_commissioned") {
      v1::InvestigationCommissioned p;
      ASSERT_TRUE(env.payload().UnpackTo(&p));
      EXPECT_EQ(Day(p.due_on()), absl::CivilDay(2026, 10, 9));
      EXPECT_EQ(p.commissioning_body_kind(), "COURT");
    }
  }
  EXPECT_EQ(types["ccms.records.investigation_commissioned"], 1);
  EXPECT_EQ(types["ccms.records.investigation_concluded"], 1);

  // Audit: every call touching the investigation has a row naming it.
  EXPECT_EQ(Count("SELECT string_agg(action || ':' || result, ',' ORDER BY audit_id) FROM "
                  "audit_log WHERE investigation_id = '" +
                  id + "'"),
            "CommissionInvestigation:OK,GetInvestigation:NOT_FOUND,"
            "RecordInvestigationConclusion:OK,GetInvestigation:OK");
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE investigation_id = '" + id +
                  "' AND case_id IS NOT NULL"),
            "0");
  EXPECT_GE(std::stoi(Count("SELECT count(*) FROM audit_log WHERE result = 'DENIED' AND action ="
                            " 'CommissionInvestigation'")),
            2);
}

// ~30 investigations around National Day 2026 under a policy with a holiday calendar; the
// overdue list at several dates equals a naive day-by-day recomputation.
TEST_F(RecordsInvestigationTest, OverdueListEqualsANaiveRecount) {
  // A service on the harness's database with a holiday calendar of its own (the harness's
  // service has the default, weekends-only one) and a fixed "today".
  std::string text(policy::PolicyDocument::BuiltInDefault());
  const std::string holidays =
      "    holidays: [2026-10-01, 2026-10-02, 2026-10-03, 2026-10-04, 2026-10-05, 2026-10-06,"
      " 2026-10-07, 2026-09-25]";
  const std::string extra = "    extra_working_days: [2026-09-27, 2026-10-10]";
  text.replace(text.find("    holidays: []"), std::string("    holidays: []").size(), holidays);
  text.replace(text.find("    extra_working_days: []"),
               std::string("    extra_working_days: []").size(), extra);
  auto doc = policy::PolicyDocument::Parse(text, "holidays.yaml");
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto policy = records::domain::LoadRecordsPolicies(*doc);
  ASSERT_TRUE(policy.ok()) << policy.status();
  records::PgRecordsStore store(h().host().pool(), nullptr);
  auto cipher = crypto::PiiCipher::FromHexKey(RecordsHarness::kPiiKey);
  ASSERT_TRUE(cipher.ok());
  time::FakeClock clock(
      absl::FromCivil(absl::CivilSecond(2026, 11, 20, 12, 0, 0), time::ShanghaiTimeZone()));
  const records::HandlerContext context{.audit = store,
                                        .executor = h().host().executor(),
                                        .cipher = *cipher,
                                        .clock = clock,
                                        .policies = *policy};
  records::IntakeServiceImpl svc(store, context);

  // The naive calendar of this test: a day-by-day loop over the same lists.
  const std::set<absl::CivilDay> off = {absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 2),
                                        absl::CivilDay(2026, 10, 3), absl::CivilDay(2026, 10, 4),
                                        absl::CivilDay(2026, 10, 5), absl::CivilDay(2026, 10, 6),
                                        absl::CivilDay(2026, 10, 7), absl::CivilDay(2026, 9, 25)};
  const std::set<absl::CivilDay> worked = {absl::CivilDay(2026, 9, 27),
                                           absl::CivilDay(2026, 10, 10)};
  auto naive_working = [&](absl::CivilDay d) {
    if (off.count(d)) return false;
    if (worked.count(d)) return true;
    const int wd = static_cast<int>(absl::GetWeekday(d));  // monday = 0 … sunday = 6
    return wd < 5;
  };
  auto naive_due = [&](absl::CivilDay start, int n) {
    absl::CivilDay d = start;
    int counted = 0;
    while (counted < n) {
      d += 1;
      if (naive_working(d)) ++counted;
    }
    return d;
  };

  auth::Principal staff;
  staff.subject = "overdue-staff";
  staff.role = Role::kOfficeStaff;
  staff.districts = {"110101"};
  auth::Principal far = staff;
  far.subject = "overdue-far";
  far.districts = {"310101"};

  struct Synthetic {
    std::string id;
    absl::CivilDay commissioned;
    bool fast_track;
    std::optional<absl::CivilDay> closed;
    bool withdrawn = false;
  };
  std::vector<Synthetic> ours;
  std::set<std::string> theirs;
  const absl::CivilDay first(2026, 9, 18);
  for (int k = 0; k < 32; ++k) {
    const absl::CivilDay on = first + (k * 5) % 29;  // weekdays, weekends and holidays
    const bool fast = k % 3 == 0;
    const std::string district = k % 8 == 7 ? "310101" : "110101";
    v1::CommissionInvestigationRequest req = Commission(district, D(on), fast);
    v1::CommissionInvestigationResponse resp;
    ASSERT_TRUE(svc.DoCommissionInvestigation(district == "110101" ? staff : far, req, &resp).ok());
    const std::string id = resp.investigation().investigation_id();
    ASSERT_EQ(Day(resp.investigation().due_on()), naive_due(on, fast ? 5 : 10))
        << time::FormatDate(on) << (fast ? " fast" : "");
    if (district != "110101") {
      theirs.insert(id);
      continue;
    }
    Synthetic s{id, on, fast, std::nullopt};
    if (k % 4 == 1) {  // concluded some days later
      v1::RecordInvestigationConclusionRequest c;
      c.set_request_id(ids::NewUuid());
      c.set_investigation_id(id);
      c.set_conclusion(k % 8 == 1 ? v1::INVESTIGATION_CONCLUSION_SUITABLE
                                  : v1::INVESTIGATION_CONCLUSION_NOT_SUITABLE);
      c.set_reasons("reasons");
      s.closed = on + 3 + k;
      *c.mutable_concluded_on() = D(*s.closed);
      v1::RecordInvestigationConclusionResponse cr;
      ASSERT_TRUE(svc.DoRecordInvestigationConclusion(staff, c, &cr).ok());
    } else if (k % 10 == 4) {  // withdrawn
      v1::WithdrawInvestigationRequest w;
      w.set_request_id(ids::NewUuid());
      w.set_investigation_id(id);
      s.closed = on + 8;
      s.withdrawn = true;
      *w.mutable_withdrawn_on() = D(*s.closed);
      v1::WithdrawInvestigationResponse wr;
      ASSERT_TRUE(svc.DoWithdrawInvestigation(staff, w, &wr).ok());
    }
    ours.push_back(s);
  }

  std::set<std::string> mine;
  for (const Synthetic& s : ours) mine.insert(s.id);
  for (const absl::CivilDay as_of :
       {absl::CivilDay(2026, 9, 28), absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 8),
        absl::CivilDay(2026, 10, 10), absl::CivilDay(2026, 10, 11), absl::CivilDay(2026, 10, 12),
        absl::CivilDay(2026, 10, 19), absl::CivilDay(2026, 11, 2)}) {
    SCOPED_TRACE(time::FormatDate(as_of));
    // Expected, naively.
    std::map<std::string, std::pair<int, int>> expected;  // id -> (calendar, working)
    for (const Synthetic& s : ours) {
      const absl::CivilDay due = naive_due(s.commissioned, s.fast_track ? 5 : 10);
      const bool open = s.commissioned <= as_of && (!s.closed || *s.closed > as_of);
      if (!open || !(due < as_of)) continue;
      int working = 0;
      for (absl::CivilDay d = due + 1; d <= as_of; d += 1) working += naive_working(d);
      expected[s.id] = {static_cast<int>(as_of - due), working};
    }
    // Listed, page by page (7 a page).
    std::map<std::string, std::pair<int, int>> listed;
    std::string token;
    int pages = 0;
    do {
      v1::ListInvestigationsRequest lr;
      lr.set_overdue_only(true);
      *lr.mutable_as_of() = D(as_of);
      lr.set_page_size(7);
      lr.set_page_token(token);
      v1::ListInvestigationsResponse resp;
      ASSERT_TRUE(svc.DoListInvestigations(staff, lr, &resp).ok());
      EXPECT_EQ(resp.policy_version(), policy->Latest().name);
      for (const auto& i : resp.investigations()) {
        EXPECT_EQ(theirs.count(i.investigation_id()), 0u) << "another district's";
        // Other tests' investigations share the database; compare this test's own.
        if (mine.count(i.investigation_id()) == 0) continue;
        listed[i.investigation_id()] = {i.calendar_days_overdue(), i.working_days_overdue()};
      }
      token = resp.next_page_token();
      ASSERT_LT(++pages, 20);
    } while (!token.empty());
    EXPECT_EQ(listed, expected);
  }
  // Scope: the other district's staff sees only its own.
  v1::ListInvestigationsRequest lr;
  lr.set_page_size(500);
  v1::ListInvestigationsResponse resp;
  ASSERT_TRUE(svc.DoListInvestigations(far, lr, &resp).ok());
  EXPECT_EQ(static_cast<size_t>(resp.investigations_size()), theirs.size());
  for (const auto& i : resp.investigations()) EXPECT_EQ(i.district_code(), "310101");
  // One audit row per listed investigation.
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE actor = 'overdue-far' AND action ="
                  " 'ListInvestigations'"),
            std::to_string(theirs.size()));
}

TEST_F(RecordsInvestigationTest, HandoverAnnouncementAndTeam) {
  const std::string staff = h().Token(Role::kOfficeStaff, {"110101"}, "intake-staff");
  const std::string other = h().Token(Role::kOfficeStaff, {"310101"}, "intake-other");
  const std::string sw = h().Token(Role::kSocialWorker, {"110101"}, "intake-sw");
  v1::OpenCaseResponse opened;
  auto ctx = h().Context(staff);
  ASSERT_TRUE(
      h().cases()
          .OpenCase(ctx.get(), ValidOpenCase(MakeIdNumber("19870505", 11, "150101")), &opened)
          .ok());
  const std::string case_id = opened.case_().case_id();  // judgment effective 2025-01-10

  // The notification on day 6 (late), documents on day 10 (on time); on a pending case.
  v1::RecordHandoverNotificationRequest hn;
  hn.set_request_id(ids::NewUuid());
  hn.set_case_id(case_id);
  *hn.mutable_notified_on() = D(2025, 1, 16);
  *hn.mutable_documents_received_on() = D(2025, 1, 20);
  v1::RecordHandoverNotificationResponse hr;
  auto c1 = h().Context(staff);
  ASSERT_TRUE(h().intake().RecordHandoverNotification(c1.get(), hn, &hr).ok());
  EXPECT_TRUE(hr.handover().notice_late());
  EXPECT_FALSE(hr.handover().documents_late());
  EXPECT_EQ(Day(hr.handover().notice_due()), absl::CivilDay(2025, 1, 15));
  // A notification before the judgment took effect names the field.
  v1::RecordHandoverNotificationRequest early = hn;
  early.set_request_id(ids::NewUuid());
  *early.mutable_notified_on() = D(2025, 1, 9);
  auto c2 = h().Context(staff);
  grpc::Status st = h().intake().RecordHandoverNotification(c2.get(), early, &hr);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("notified_on"), std::string::npos);
  // Other district: NOT_FOUND; social worker: PERMISSION_DENIED.
  early.set_request_id(ids::NewUuid());
  *early.mutable_notified_on() = D(2025, 1, 12);
  auto c3 = h().Context(other);
  EXPECT_EQ(h().intake().RecordHandoverNotification(c3.get(), early, &hr).error_code(),
            grpc::NOT_FOUND);
  auto c4 = h().Context(sw);
  EXPECT_EQ(h().intake().RecordHandoverNotification(c4.get(), early, &hr).error_code(),
            grpc::PERMISSION_DENIED);

  // The announcement needs the intake first.
  v1::RecordIntakeAnnouncementRequest an;
  an.set_request_id(ids::NewUuid());
  an.set_case_id(case_id);
  *an.mutable_announced_on() = D(2025, 1, 16);
  an.add_present_staff_ids("intake-staff");
  an.add_present_staff_ids("officer-2");
  v1::RecordIntakeAnnouncementResponse ar;
  auto c5 = h().Context(staff);
  EXPECT_EQ(h().intake().RecordIntakeAnnouncement(c5.get(), an, &ar).error_code(),
            grpc::FAILED_PRECONDITION);
  v1::RecordIntakeCheckInRequest in;
  in.set_request_id(ids::NewUuid());
  in.set_case_id(case_id);
  *in.mutable_reported_on() = D(2025, 1, 15);
  v1::RecordIntakeCheckInResponse ir;
  auto c6 = h().Context(staff);
  ASSERT_TRUE(h().cases().RecordIntakeCheckIn(c6.get(), in, &ir).ok());
  an.set_request_id(ids::NewUuid());
  auto c7 = h().Context(staff);
  ASSERT_TRUE(h().intake().RecordIntakeAnnouncement(c7.get(), an, &ar).ok());
  const std::string announcement_id = ar.announcement().announcement_id();
  // Retry: the same announcement, one row; another one: refused.
  auto c8 = h().Context(staff);
  ASSERT_TRUE(h().intake().RecordIntakeAnnouncement(c8.get(), an, &ar).ok());
  EXPECT_EQ(ar.announcement().announcement_id(), announcement_id);
  EXPECT_EQ(Count("SELECT count(*) FROM intake_announcements WHERE case_id = '" + case_id + "'"),
            "1");
  an.set_request_id(ids::NewUuid());
  auto c9 = h().Context(staff);
  EXPECT_EQ(h().intake().RecordIntakeAnnouncement(c9.get(), an, &ar).error_code(),
            grpc::FAILED_PRECONDITION);

  // Two teams: the second replaces the first, and the case's officer follows.
  for (const char* officer : {"officer-1", "officer-2"}) {
    v1::SetSupervisionTeamRequest t;
    t.set_request_id(ids::NewUuid());
    t.set_case_id(case_id);
    t.set_officer_id(officer);
    t.set_social_worker_id("sw-9");
    t.add_volunteer_ids("vol-1");
    t.add_volunteer_ids("vol-2");
    t.mutable_family_contact()->set_name("家属乙");
    t.mutable_family_contact()->set_phone("13912345678");
    *t.mutable_effective_on() = D(2025, 1, 16);
    v1::SetSupervisionTeamResponse tr;
    auto ct = h().Context(staff);
    ASSERT_TRUE(h().intake().SetSupervisionTeam(ct.get(), t, &tr).ok()) << officer;
    EXPECT_EQ(tr.team().officer_id(), officer);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM supervision_teams WHERE case_id = '" + case_id + "'"), "2");
  EXPECT_EQ(Count("SELECT count(*) FROM supervision_teams WHERE position('13912345678'::bytea in"
                  " family_contact_cipher) > 0"),
            "0");
  EXPECT_EQ(Count("SELECT officer_id FROM cases WHERE case_id = '" + case_id + "'"), "officer-2");

  v1::GetHandoverAndIntakeRequest g;
  g.set_case_id(case_id);
  v1::GetHandoverAndIntakeResponse gr;
  auto c10 = h().Context(sw);
  ASSERT_TRUE(h().intake().GetHandoverAndIntake(c10.get(), g, &gr).ok());
  EXPECT_TRUE(gr.handover().notice_late());
  EXPECT_EQ(gr.announcement().present_staff_ids_size(), 2);
  EXPECT_EQ(gr.team().officer_id(), "officer-2");
  EXPECT_EQ(gr.team().volunteer_ids_size(), 2);
  EXPECT_EQ(gr.team().family_contact().phone(), "13912345678");
  auto c11 = h().Context(other);
  EXPECT_EQ(h().intake().GetHandoverAndIntake(c11.get(), g, &gr).error_code(), grpc::NOT_FOUND);

  // The timeline shows them, kinds and dates only.
  v1::GetCaseTimelineRequest tl;
  tl.set_case_id(case_id);
  v1::GetCaseTimelineResponse timeline;
  auto c12 = h().Context(staff);
  ASSERT_TRUE(h().cases().GetCaseTimeline(c12.get(), tl, &timeline).ok());
  std::multiset<std::string> kinds;
  for (const auto& e : timeline.entries()) kinds.insert(e.kind());
  EXPECT_EQ(kinds.count("HANDOVER_NOTIFIED"), 1u);
  EXPECT_EQ(kinds.count("INTAKE_ANNOUNCED"), 1u);
  EXPECT_EQ(kinds.count("SUPERVISION_TEAM"), 2u);
  EXPECT_EQ(timeline.DebugString().find("13912345678"), std::string::npos);

  // Events: ids only.
  auto events = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got) {
        int n = 0;
        for (const auto& r : got) n += r.key == case_id;
        return n >= 6;  // opened, handover, intake, announced, two teams
      },
      absl::Seconds(30));
  std::map<std::string, int> types;
  for (const auto& r : events) {
    if (r.key != case_id) continue;
    ++types[r.headers.count("ce_type") ? r.headers.at("ce_type") : ""];
    EXPECT_EQ(r.value.find("13912345678"), std::string::npos);
    EXPECT_EQ(r.value.find("家属乙"), std::string::npos);
  }
  EXPECT_EQ(types["ccms.records.handover_notification_recorded"], 1);
  EXPECT_EQ(types["ccms.records.intake_announced"], 1);
  EXPECT_EQ(types["ccms.records.supervision_team_changed"], 2);

  // Audit rows for each call on the case.
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + case_id +
                  "' AND action = 'RecordHandoverNotification' AND result = 'OK'"),
            "1");
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + case_id +
                  "' AND action = 'RecordIntakeAnnouncement' AND result = 'OK'"),
            "1");
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + case_id +
                  "' AND action = 'SetSupervisionTeam' AND result = 'OK'"),
            "2");
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + case_id +
                  "' AND action = 'GetHandoverAndIntake'"),
            "2");
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + case_id +
                  "' AND action = 'RecordHandoverNotification' AND result = 'DENIED'"),
            "1");
}

}  // namespace
}  // namespace ccms::testing

namespace ccms::testing {
namespace {

// A case opened for the person of an investigation links it; the case's audit entries then show
// the investigation's rows too, and an investigation's rows are listed by its id.
TEST_F(RecordsInvestigationTest, ACaseOpenedForThePersonLinksTheInvestigation) {
  const std::string district = "110106";
  const std::string staff = h().Token(Role::kOfficeStaff, {district}, "link-staff");
  const std::string auditor = h().Token(Role::kAuditor, {"*"}, "link-auditor");
  const std::string id_number = MakeIdNumber("19770707", 3, "110102");
  v1::CommissionInvestigationRequest req = Commission(district, D(2026, 11, 2), false);
  req.set_id_number(id_number);
  v1::CommissionInvestigationResponse commissioned;
  auto ctx = h().Context(staff);
  ASSERT_TRUE(h().intake().CommissionInvestigation(ctx.get(), req, &commissioned).ok());
  const std::string inv_id = commissioned.investigation().investigation_id();
  EXPECT_TRUE(commissioned.investigation().case_id().empty());
  // Another person's investigation is not linked.
  v1::CommissionInvestigationRequest other = Commission(district, D(2026, 11, 2), false);
  other.set_id_number(MakeIdNumber("19770707", 5, "110102"));
  v1::CommissionInvestigationResponse other_resp;
  auto ctx2 = h().Context(staff);
  ASSERT_TRUE(h().intake().CommissionInvestigation(ctx2.get(), other, &other_resp).ok());

  v1::OpenCaseResponse opened;
  auto ctx3 = h().Context(staff);
  ASSERT_TRUE(h().cases().OpenCase(ctx3.get(), ValidOpenCase(id_number, district), &opened).ok());
  const std::string case_id = opened.case_().case_id();

  v1::GetInvestigationRequest get;
  get.set_investigation_id(inv_id);
  v1::GetInvestigationResponse got;
  auto ctx4 = h().Context(staff);
  ASSERT_TRUE(h().intake().GetInvestigation(ctx4.get(), get, &got).ok());
  EXPECT_EQ(got.investigation().case_id(), case_id);
  get.set_investigation_id(other_resp.investigation().investigation_id());
  auto ctx5 = h().Context(staff);
  ASSERT_TRUE(h().intake().GetInvestigation(ctx5.get(), get, &got).ok());
  EXPECT_TRUE(got.investigation().case_id().empty());

  // By case: the case's rows and the linked investigation's (commission, the read above).
  auto list = [&](const std::string& by_case, const std::string& by_investigation) {
    v1::ListAuditEntriesRequest q;
    q.set_case_id(by_case);
    q.set_investigation_id(by_investigation);
    q.set_page_size(1000);
    v1::ListAuditEntriesResponse r;
    auto c = h().Context(auditor);
    EXPECT_TRUE(h().audit().ListAuditEntries(c.get(), q, &r).ok());
    return r;
  };
  std::set<std::string> case_actions, investigation_actions;
  const v1::ListAuditEntriesResponse by_case = list(case_id, "");
  for (const auto& e : by_case.entries()) {
    if (e.investigation_id() == inv_id) {
      investigation_actions.insert(e.action());
    } else {
      EXPECT_EQ(e.case_id(), case_id);
      case_actions.insert(e.action());
    }
  }
  EXPECT_TRUE(case_actions.count("OpenCase"));
  EXPECT_TRUE(investigation_actions.count("CommissionInvestigation"));
  EXPECT_TRUE(investigation_actions.count("GetInvestigation"));
  const auto by_investigation = list("", inv_id);
  ASSERT_GE(by_investigation.entries_size(), 2);
  for (const auto& e : by_investigation.entries()) {
    EXPECT_EQ(e.investigation_id(), inv_id);
    EXPECT_TRUE(e.case_id().empty());
  }
}

}  // namespace
}  // namespace ccms::testing
