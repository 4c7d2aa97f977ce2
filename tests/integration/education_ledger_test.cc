// The hours ledger, the intake / discharge windows and individual education stepped up (issue 14
// items 6-8) against a real PostgreSQL and the dev broker (started by tests/run): hours credited
// from attendance, part months, waivers (office staff only), lost contact marked from records'
// events, closing a month (frozen, idempotent, its event on Kafka), the shortfall, window and
// individual lists, district scope. (Hostile values: education_hostile_values_test.cc.)
#include <map>

#include "absl/strings/str_cat.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/education/v1/education_events.pb.h"
#include "ccms/events/v1/envelope.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/education_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
namespace v1 = education::v1;
using grpc_util::ToProtoDate;
using grpc_util::ToProtoTimestamp;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";

class EducationLedgerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    harness_ = new EducationHarness();
    // Events reach the service only through Process below.
    harness_->consumer().Stop();
    harness_->ledger_consumer().Stop();
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
    h().clock().Set(FixedTestNow());  // 2026-11-30 12:00 Asia/Shanghai
  }

  EducationHarness& h() { return *harness_; }
  std::string WorkerA() { return h().Token(Role::kSocialWorker, {kDistrictA}, "sw-a"); }
  std::string StaffA() { return h().Token(Role::kOfficeStaff, {kDistrictA}, "staff-a"); }
  std::string StaffB() { return h().Token(Role::kOfficeStaff, {kDistrictB}, "staff-b"); }
  absl::CivilDay Today() { return time::ShanghaiDay(h().clock().Now()); }
  int64_t Count(const std::string& sql) { return std::stoll(h().db().QueryValue(sql)); }

  events::v1::Envelope Event(const std::string& type, const std::string& case_id,
                             const google::protobuf::Message& payload) {
    return kafka::MakeEnvelope(type, case_id, kDistrictA, absl::Now(), absl::Now(), "test",
                               payload);
  }
  void Apply(const events::v1::Envelope& e) {
    auto r = h().consumer().Process("ccms.records.v1", 0, offset_++, e.SerializeAsString());
    ASSERT_TRUE(r.ok()) << r.status();
  }
  void ApplyLedger(const std::string& topic, const events::v1::Envelope& e) {
    auto r = h().ledger_consumer().Process(topic, 0, offset_++, e.SerializeAsString());
    ASSERT_TRUE(r.ok()) << r.status();
  }
  // An active case of district A: term `start`..`end`, intake reported on `reported`.
  std::string Case(absl::CivilDay start, absl::CivilDay end, absl::CivilDay reported) {
    const std::string id = ids::NewUuid();
    records::v1::CaseOpened p;
    p.set_case_id(id);
    p.set_district_code(kDistrictA);
    p.set_office_id("office-1");
    *p.mutable_supervision_start_date() = ToProtoDate(start);
    *p.mutable_supervision_end_date() = ToProtoDate(end);
    p.set_sex(common::v1::SEX_MALE);
    p.set_age_band(records::v1::AGE_BAND_26_TO_35);
    p.set_offence_category("theft");
    Apply(Event("ccms.records.case_opened", id, p));
    records::v1::IntakeReported i;
    i.set_case_id(id);
    i.set_district_code(kDistrictA);
    *i.mutable_reported_on() = ToProtoDate(reported);
    Apply(Event("ccms.records.intake_reported", id, i));
    return id;
  }
  // A session of `kind` starting at `start` (2 h), `cases` enrolled; then the clock moves past
  // its end and their outcome is recorded. The session's id.
  std::string Attend(v1::SessionKind kind, absl::Time start, const std::vector<std::string>& cases,
                     v1::AttendanceOutcome outcome) {
    h().clock().Set(start - absl::Hours(1));
    v1::ScheduleSessionRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_district_code(kDistrictA);
    req.set_office_id("office-1");
    req.set_kind(kind);
    req.set_form(v1::SESSION_FORM_FACE_TO_FACE);
    req.set_venue("Hall");
    *req.mutable_start_time() = ToProtoTimestamp(start);
    *req.mutable_end_time() = ToProtoTimestamp(start + absl::Hours(2));
    req.mutable_provider()->set_kind(v1::PROVIDER_KIND_STAFF);
    req.mutable_provider()->set_id("staff-a");
    req.set_capacity(50);
    req.set_audience(v1::AUDIENCE_ADULTS_ONLY);
    v1::ScheduleSessionResponse sresp;
    {
      auto ctx = h().Context(StaffA());
      const grpc::Status st = h().sessions().ScheduleSession(ctx.get(), req, &sresp);
      EXPECT_TRUE(st.ok()) << st.error_message();
    }
    if (sresp.sessions_size() == 0) return "";
    const std::string session = sresp.sessions(0).session_id();
    v1::RecordAttendanceRequest att;
    att.set_request_id(ids::NewUuid());
    att.set_session_id(session);
    for (const auto& c : cases) {
      v1::EnrolCaseRequest e;
      e.set_request_id(ids::NewUuid());
      e.set_session_id(session);
      e.set_case_id(c);
      v1::EnrolCaseResponse er;
      auto ctx = h().Context(StaffA());
      const grpc::Status st = h().sessions().EnrolCase(ctx.get(), e, &er);
      EXPECT_TRUE(st.ok()) << st.error_message();
      v1::AttendanceEntry* a = att.add_entries();
      a->set_case_id(c);
      a->set_outcome(outcome);
    }
    h().clock().Set(start + absl::Hours(3));
    v1::RecordAttendanceResponse ar;
    auto ctx = h().Context(StaffA());
    const grpc::Status st = h().sessions().RecordAttendance(ctx.get(), att, &ar);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return session;
  }
  absl::Time At(absl::CivilDay day, int hour) {
    return absl::FromCivil(absl::CivilHour(day) + hour, time::ShanghaiTimeZone());
  }
  grpc::Status Ledger(const std::string& token, const std::string& case_id, int year, int month,
                      v1::GetHoursLedgerResponse* resp) {
    v1::GetHoursLedgerRequest req;
    req.set_case_id(case_id);
    req.set_year(year);
    req.set_month(month);
    auto ctx = h().Context(token);
    return h().hours_ledger().GetHoursLedger(ctx.get(), req, resp);
  }
  grpc::Status Close(const std::string& token, const std::string& case_id, int year, int month,
                     v1::CloseHoursMonthResponse* resp, const std::string& request_id = "") {
    v1::CloseHoursMonthRequest req;
    req.set_request_id(request_id.empty() ? ids::NewUuid() : request_id);
    req.set_case_id(case_id);
    req.set_year(year);
    req.set_month(month);
    auto ctx = h().Context(token);
    return h().hours_ledger().CloseHoursMonth(ctx.get(), req, resp);
  }
  grpc::Status Waive(const std::string& token, const std::string& case_id, v1::WaiverScope scope,
                     absl::CivilDay from, absl::CivilDay until, v1::GrantHoursWaiverResponse* resp,
                     const std::string& reason = "ILLNESS") {
    v1::GrantHoursWaiverRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_scope(scope);
    req.set_reason_code(reason);
    *req.mutable_from_date() = ToProtoDate(from);
    *req.mutable_until_date() = ToProtoDate(until);
    auto ctx = h().Context(token);
    return h().hours_ledger().GrantHoursWaiver(ctx.get(), req, resp);
  }
  static bool HasLine(const v1::MonthLedger& l, const std::string& code, v1::HoursKind kind) {
    for (const auto& line : l.lines()) {
      if (line.code() == code && line.kind() == kind) return true;
    }
    return false;
  }

  static EducationHarness* harness_;
  int64_t offset_ = 1;
};
EducationHarness* EducationLedgerTest::harness_ = nullptr;

TEST_F(EducationLedgerTest, HoursFromAttendanceWaiversAndAClosedMonth) {
  using absl::CivilDay;
  // Term from 2026-10-17: October is a part month (15 of 31 days: 480 × 15 / 31 = 232 minutes).
  const std::string id =
      Case(CivilDay(2026, 10, 17), CivilDay(2027, 10, 16), CivilDay(2026, 10, 17));
  // An intake session on 11-27 (after the intake window's due day 11-17: completed late), a
  // routine one on 11-28 where the person came late (50% of 120 minutes).
  Attend(v1::SESSION_KIND_INTAKE, At(CivilDay(2026, 11, 27), 9), {id},
         v1::ATTENDANCE_OUTCOME_ATTENDED);
  Attend(v1::SESSION_KIND_ROUTINE, At(CivilDay(2026, 11, 28), 9), {id},
         v1::ATTENDANCE_OUTCOME_LATE);
  h().clock().Set(FixedTestNow());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.education.intake_education_completed' AND record_key = '" +
                  id + "'"),
            1);

  v1::GetHoursLedgerResponse nov;
  ASSERT_TRUE(Ledger(WorkerA(), id, 2026, 11, &nov).ok());
  EXPECT_EQ(nov.ledger().term_days(), 30);
  EXPECT_EQ(nov.ledger().study().required_minutes(), 480);
  EXPECT_EQ(nov.ledger().study().credited_minutes(), 180);
  EXPECT_EQ(nov.ledger().study().shortfall_minutes(), 300);
  EXPECT_EQ(nov.ledger().community_service().required_minutes(), 480);
  EXPECT_TRUE(HasLine(nov.ledger(), "ATTENDED", v1::HOURS_KIND_STUDY));
  EXPECT_TRUE(HasLine(nov.ledger(), "LATE_PART_CREDIT", v1::HOURS_KIND_STUDY));
  EXPECT_TRUE(HasLine(nov.ledger(), "REQUIRED_FULL_MONTH", v1::HOURS_KIND_STUDY));
  ASSERT_EQ(nov.windows_size(), 2);
  EXPECT_EQ(nov.windows(0).state(), "COMPLETED_LATE");
  EXPECT_EQ(nov.windows(1).state(), "NOT_OPEN");
  EXPECT_EQ(nov.individual().required(), 1);
  EXPECT_EQ(nov.individual().held(), 0);

  v1::GetHoursLedgerResponse oct;
  ASSERT_TRUE(Ledger(WorkerA(), id, 2026, 10, &oct).ok());
  EXPECT_EQ(oct.ledger().term_days(), 15);
  EXPECT_EQ(oct.ledger().study().required_minutes(), 232);
  EXPECT_TRUE(HasLine(oct.ledger(), "REQUIRED_PART_MONTH_TERM_START", v1::HOURS_KIND_STUDY));

  // Waivers: office staff only; community service waived 10-17..10-31 owes nothing in October.
  v1::GrantHoursWaiverResponse w;
  EXPECT_EQ(Waive(WorkerA(), id, v1::WAIVER_SCOPE_COMMUNITY_SERVICE, CivilDay(2026, 10, 17),
                  CivilDay(2026, 10, 31), &w)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Waive(StaffA(), id, v1::WAIVER_SCOPE_COMMUNITY_SERVICE, CivilDay(2026, 10, 17),
                  CivilDay(2026, 10, 31), &w, "BORED")
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Waive(StaffB(), id, v1::WAIVER_SCOPE_COMMUNITY_SERVICE, CivilDay(2026, 10, 17),
                  CivilDay(2026, 10, 31), &w)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Waive(StaffA(), id, v1::WAIVER_SCOPE_COMMUNITY_SERVICE, CivilDay(2026, 10, 17),
                    CivilDay(2026, 10, 31), &w)
                  .ok());
  EXPECT_EQ(w.waiver().decided_by(), "staff-a");
  ASSERT_TRUE(Ledger(WorkerA(), id, 2026, 10, &oct).ok());
  EXPECT_EQ(oct.ledger().community_service().required_minutes(), 0);
  EXPECT_EQ(oct.ledger().community_service().waived_days(), 15);
  EXPECT_TRUE(HasLine(oct.ledger(), "WAIVED_ILLNESS", v1::HOURS_KIND_COMMUNITY_SERVICE));

  // November has not ended: it cannot close. October can; closing again answers the frozen month.
  v1::CloseHoursMonthResponse closed;
  EXPECT_EQ(Close(WorkerA(), id, 2026, 11, &closed).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Close(WorkerA(), id, 2026, 9, &closed).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // before the term
  ASSERT_TRUE(Close(WorkerA(), id, 2026, 10, &closed).ok());
  EXPECT_FALSE(closed.already_closed());
  EXPECT_TRUE(closed.ledger().closed());
  EXPECT_EQ(closed.ledger().study().shortfall_minutes(), 232);
  // A waiver granted after closing changes nothing in the frozen month.
  ASSERT_TRUE(
      Waive(StaffA(), id, v1::WAIVER_SCOPE_BOTH, CivilDay(2026, 10, 20), CivilDay(2026, 11, 5), &w)
          .ok());
  v1::CloseHoursMonthResponse again;
  ASSERT_TRUE(Close(StaffA(), id, 2026, 10, &again).ok());
  EXPECT_TRUE(again.already_closed());
  EXPECT_EQ(again.ledger().SerializeAsString(), closed.ledger().SerializeAsString());
  ASSERT_TRUE(Ledger(WorkerA(), id, 2026, 10, &oct).ok());
  EXPECT_TRUE(oct.ledger().closed());
  EXPECT_EQ(oct.ledger().study().required_minutes(), 232);
  // November, open, sees the waiver's 5 days.
  ASSERT_TRUE(Ledger(WorkerA(), id, 2026, 11, &nov).ok());
  EXPECT_EQ(nov.ledger().study().waived_days(), 5);
  EXPECT_EQ(nov.ledger().study().required_minutes(), 480 * 25 / 30);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.education.hours_month_closed' AND record_key = '" +
                  id + "'"),
            1);
  // The event on Kafka: codes and minutes only.
  auto records = ReadTopic(
      "ccms.education.v1",
      [&](const std::vector<ConsumedRecord>& rs) {
        for (const auto& r : rs) {
          events::v1::Envelope env;
          if (r.key == id && env.ParseFromString(r.value) &&
              env.type() == "ccms.education.hours_month_closed") {
            return true;
          }
        }
        return false;
      },
      absl::Seconds(60));
  bool seen = false;
  for (const auto& r : records) {
    events::v1::Envelope env;
    if (r.key != id || !env.ParseFromString(r.value) ||
        env.type() != "ccms.education.hours_month_closed") {
      continue;
    }
    v1::HoursMonthClosed p;
    ASSERT_TRUE(env.payload().UnpackTo(&p));
    EXPECT_EQ(p.year(), 2026);
    EXPECT_EQ(p.month(), 10);
    EXPECT_EQ(p.study_required_minutes(), 232);
    EXPECT_EQ(p.community_service_waived_days(), 15);
    seen = true;
  }
  EXPECT_TRUE(seen);
  // Another district's staff see nothing of it.
  EXPECT_EQ(Ledger(StaffB(), id, 2026, 10, &oct).error_code(), grpc::StatusCode::NOT_FOUND);
  // The shortfall list of October has the case (frozen), November's too (computed).
  v1::ListHoursShortfallsRequest sreq;
  sreq.set_district_code(kDistrictA);
  sreq.set_year(2026);
  sreq.set_month(10);
  sreq.set_page_size(500);
  v1::ListHoursShortfallsResponse sresp;
  {
    auto ctx = h().Context(WorkerA());
    ASSERT_TRUE(h().hours_ledger().ListHoursShortfalls(ctx.get(), sreq, &sresp).ok());
  }
  bool listed = false;
  for (const auto& s : sresp.items()) {
    if (s.case_id() != id) continue;
    listed = true;
    EXPECT_TRUE(s.closed());
    EXPECT_EQ(s.study_shortfall_minutes(), 232);
    EXPECT_EQ(s.community_service_shortfall_minutes(), 0);
  }
  EXPECT_TRUE(listed);
}

TEST_F(EducationLedgerTest, LostContactAndStepUpsFromEvents) {
  using absl::CivilDay;
  const std::string id = Case(CivilDay(2026, 6, 1), CivilDay(2027, 5, 31), CivilDay(2026, 6, 1));
  records::v1::LostContactChanged lost;
  lost.set_case_id(id);
  lost.set_district_code(kDistrictA);
  lost.set_period_id("lost-" + id.substr(0, 8));
  *lost.mutable_since() = ToProtoDate(CivilDay(2026, 11, 10));
  ApplyLedger("ccms.records.v1", Event("ccms.records.lost_contact_marked", id, lost));
  *lost.mutable_found_on() = ToProtoDate(CivilDay(2026, 11, 20));
  lost.set_days_lost(10);
  ApplyLedger("ccms.records.v1", Event("ccms.records.found_again", id, lost));
  records::v1::SanctionIssued s;
  s.set_case_id(id);
  s.set_district_code(kDistrictA);
  s.set_sanction_id(ids::NewUuid());
  *s.mutable_issued_on() = ToProtoDate(CivilDay(2026, 11, 5));
  const auto sanction = Event("ccms.records.sanction_issued", id, s);
  ApplyLedger("ccms.records.v1", sanction);
  ApplyLedger("ccms.records.v1", sanction);  // redelivered: one trigger
  EXPECT_EQ(Count("SELECT count(*) FROM individual_step_ups WHERE case_id = '" + id + "'"), 1);
  // A LOW risk assessment steps nothing up; a HIGH one does.
  assessment::v1::AssessmentRecorded a;
  a.set_case_id(id);
  a.set_district_code(kDistrictA);
  *a.mutable_assessed_on() = ToProtoDate(CivilDay(2026, 11, 6));
  a.set_risk_level(assessment::v1::RISK_LEVEL_LOW);
  ApplyLedger("ccms.assessment.v1", Event("ccms.assessment.assessment_recorded", id, a));
  EXPECT_EQ(Count("SELECT count(*) FROM individual_step_ups WHERE case_id = '" + id + "'"), 1);
  a.set_risk_level(assessment::v1::RISK_LEVEL_HIGH);
  ApplyLedger("ccms.assessment.v1", Event("ccms.assessment.assessment_recorded", id, a));
  EXPECT_EQ(Count("SELECT count(*) FROM individual_step_ups WHERE case_id = '" + id + "'"), 2);

  v1::GetHoursLedgerResponse nov;
  ASSERT_TRUE(Ledger(WorkerA(), id, 0, 0, &nov).ok());  // this month: November
  EXPECT_EQ(nov.ledger().month(), 11);
  EXPECT_EQ(nov.ledger().lost_contact_days(), 10);
  EXPECT_TRUE(HasLine(nov.ledger(), "LOST_CONTACT", v1::HOURS_KIND_UNSPECIFIED));
  EXPECT_EQ(nov.individual().required(), 2);
  EXPECT_EQ(nov.individual().held(), 0);
  ASSERT_EQ(nov.individual().reasons_size(), 2);
  // One individual session is not enough: the case stays on the list; two take it off.
  Attend(v1::SESSION_KIND_INDIVIDUAL, At(CivilDay(2026, 11, 27), 9), {id},
         v1::ATTENDANCE_OUTCOME_ATTENDED);
  h().clock().Set(FixedTestNow());
  auto due = [&]() {
    v1::ListIndividualEducationDueRequest req;
    req.set_district_code(kDistrictA);
    req.set_page_size(500);
    v1::ListIndividualEducationDueResponse resp;
    auto ctx = h().Context(WorkerA());
    EXPECT_TRUE(h().hours_ledger().ListIndividualEducationDue(ctx.get(), req, &resp).ok());
    for (const auto& m : resp.items()) {
      if (m.case_id() == id) return m.required() - m.held();
    }
    return 0;
  };
  EXPECT_EQ(due(), 1);
  Attend(v1::SESSION_KIND_INDIVIDUAL, At(CivilDay(2026, 11, 28), 9), {id},
         v1::ATTENDANCE_OUTCOME_LATE);
  h().clock().Set(FixedTestNow());
  EXPECT_EQ(due(), 0);
}

TEST_F(EducationLedgerTest, DueAndOverdueWindows) {
  using absl::CivilDay;
  // Reported 11-25: intake due 12-25 (DUE). Reported 10-01, no intake session: OVERDUE since 11-02.
  // Term ending 12-20: the discharge window opened 11-21 (DUE).
  const std::string due =
      Case(CivilDay(2026, 11, 25), CivilDay(2027, 11, 24), CivilDay(2026, 11, 25));
  const std::string overdue =
      Case(CivilDay(2026, 10, 1), CivilDay(2027, 9, 30), CivilDay(2026, 10, 1));
  const std::string ending =
      Case(CivilDay(2026, 1, 1), CivilDay(2026, 12, 20), CivilDay(2026, 1, 1));
  auto list = [&](v1::WindowKind kind, bool overdue_only) {
    std::map<std::string, std::string> out;
    v1::ListEducationWindowsRequest req;
    req.set_district_code(kDistrictA);
    req.set_kind(kind);
    req.set_overdue_only(overdue_only);
    req.set_page_size(500);
    v1::ListEducationWindowsResponse resp;
    auto ctx = h().Context(WorkerA());
    EXPECT_TRUE(h().hours_ledger().ListEducationWindows(ctx.get(), req, &resp).ok());
    for (const auto& w : resp.items())
      out[w.case_id() + "/" + std::to_string(w.kind())] = w.state();
    return out;
  };
  const std::string intake = "/" + std::to_string(v1::WINDOW_KIND_INTAKE);
  const std::string discharge = "/" + std::to_string(v1::WINDOW_KIND_DISCHARGE);
  auto all = list(v1::WINDOW_KIND_UNSPECIFIED, false);
  EXPECT_EQ(all[due + intake], "DUE");
  EXPECT_EQ(all[overdue + intake], "OVERDUE");
  EXPECT_EQ(all[ending + discharge], "DUE");
  auto only = list(v1::WINDOW_KIND_INTAKE, true);
  EXPECT_EQ(only.count(due + intake), 0u);
  EXPECT_EQ(only[overdue + intake], "OVERDUE");
  EXPECT_EQ(only.count(ending + discharge), 0u);
  // The discharge session completes the window and emits its event.
  Attend(v1::SESSION_KIND_DISCHARGE, At(CivilDay(2026, 11, 29), 9), {ending},
         v1::ATTENDANCE_OUTCOME_ATTENDED);
  h().clock().Set(FixedTestNow());
  EXPECT_EQ(list(v1::WINDOW_KIND_DISCHARGE, false).count(ending + discharge), 0u);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.education.discharge_education_completed' AND record_key = '" +
                  ending + "'"),
            1);
}

}  // namespace
}  // namespace ccms::testing
