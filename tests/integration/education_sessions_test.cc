// Sessions, enrolment and attendance against a real PostgreSQL and the dev broker (started by
// tests/run): capacity under concurrency with a waitlist that moves up, minors and adults never
// together (randomized), no person in two overlapping sessions, bulk attendance (idempotent, hours
// computed, notes encrypted and never in events), approved leave → EXCUSED, cancel and move
// supersede, district scope; and every field of every SessionService request, one hostile value at
// a time.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ccms/education/v1/education_events.pb.h"
#include "ccms/events/v1/envelope.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/education_harness.h"
#include "tests/support/hostile_values.h"

namespace ccms::testing {
namespace {

using auth::Role;
namespace v1 = education::v1;
using grpc_util::ToProtoDate;
using grpc_util::ToProtoTimestamp;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";
constexpr char kRecordsTopic[] = "ccms.records.v1";
constexpr char kSecretNote[] = "NOTE-STAYS-ENCRYPTED-IN-EDUCATION";

class EducationSessionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    harness_ = new EducationHarness();
    // Cases reach the service only through Process below (not other tests' events).
    harness_->consumer().Stop();
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
    h().clock().Set(FixedTestNow());
  }

  EducationHarness& h() { return *harness_; }
  std::string WorkerA() { return h().Token(Role::kSocialWorker, {kDistrictA}, "sw-a"); }
  std::string StaffA() { return h().Token(Role::kOfficeStaff, {kDistrictA}, "staff-a"); }
  std::string StaffB() { return h().Token(Role::kOfficeStaff, {kDistrictB}, "staff-b"); }
  absl::Time Now() { return h().clock().Now(); }
  absl::CivilDay Today() { return time::ShanghaiDay(Now()); }
  int64_t Count(const std::string& sql) { return std::stoll(h().db().QueryValue(sql)); }

  events::v1::Envelope Event(const std::string& type, const std::string& case_id,
                             const google::protobuf::Message& payload,
                             const std::string& district = kDistrictA) {
    return kafka::MakeEnvelope(type, case_id, district, absl::Now(), absl::Now(), "records-test",
                               payload);
  }
  bool Apply(const events::v1::Envelope& e) {
    auto r = h().consumer().Process(kRecordsTopic, 0, next_offset_++, e.SerializeAsString());
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && *r;
  }
  // An active case (opened, intake reported) of `district`.
  std::string ActiveCase(bool minor, const std::string& district = kDistrictA) {
    const std::string id = ids::NewUuid();
    records::v1::CaseOpened p;
    p.set_case_id(id);
    p.set_district_code(district);
    p.set_office_id("office-1");
    *p.mutable_supervision_start_date() = ToProtoDate(Today() - 20);
    *p.mutable_supervision_end_date() = ToProtoDate(Today() + 700);
    p.set_minor(minor);
    p.set_sex(common::v1::SEX_FEMALE);
    p.set_age_band(minor ? records::v1::AGE_BAND_16_TO_17 : records::v1::AGE_BAND_26_TO_35);
    p.set_offence_category("theft");
    EXPECT_TRUE(Apply(Event("ccms.records.case_opened", id, p, district)));
    records::v1::IntakeReported i;
    i.set_case_id(id);
    i.set_district_code(district);
    *i.mutable_reported_on() = ToProtoDate(Today() - 10);
    EXPECT_TRUE(Apply(Event("ccms.records.intake_reported", id, i, district)));
    return id;
  }

  v1::ScheduleSessionRequest ScheduleRequest(v1::Audience audience, int capacity, absl::Time start,
                                             absl::Duration length,
                                             const std::string& district = kDistrictA) {
    v1::ScheduleSessionRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_district_code(district);
    req.set_office_id("office-1");
    req.set_kind(v1::SESSION_KIND_CENTRALIZED);
    req.set_form(v1::SESSION_FORM_FACE_TO_FACE);
    req.set_topic_code("LAW_BASICS");
    req.set_venue("Office hall 2");
    *req.mutable_start_time() = ToProtoTimestamp(start);
    *req.mutable_end_time() = ToProtoTimestamp(start + length);
    req.mutable_provider()->set_kind(v1::PROVIDER_KIND_STAFF);
    req.mutable_provider()->set_id("staff-a");
    req.set_capacity(capacity);
    req.set_audience(audience);
    return req;
  }
  // One session; its id.
  std::string Schedule(v1::Audience audience, int capacity, absl::Time start,
                       absl::Duration length = absl::Hours(2),
                       const std::string& district = kDistrictA) {
    v1::ScheduleSessionResponse resp;
    auto ctx = h().Context(district == kDistrictA ? WorkerA() : StaffB());
    const grpc::Status st = h().sessions().ScheduleSession(
        ctx.get(), ScheduleRequest(audience, capacity, start, length, district), &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.sessions_size() > 0 ? resp.sessions(0).session_id() : "";
  }
  grpc::Status Enrol(const std::string& session_id, const std::string& case_id,
                     v1::EnrolCaseResponse* resp, const std::string& token = "") {
    v1::EnrolCaseRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_session_id(session_id);
    req.set_case_id(case_id);
    auto ctx = h().Context(token.empty() ? WorkerA() : token);
    return h().sessions().EnrolCase(ctx.get(), req, resp);
  }
  grpc::Status GetSession(const std::string& session_id, v1::GetSessionResponse* resp,
                          const std::string& token = "") {
    v1::GetSessionRequest req;
    req.set_session_id(session_id);
    auto ctx = h().Context(token.empty() ? WorkerA() : token);
    return h().sessions().GetSession(ctx.get(), req, resp);
  }
  events::v1::Envelope LeaveApproved(const std::string& case_id, absl::CivilDay start,
                                     absl::CivilDay end) {
    records::v1::LeaveChanged p;
    p.set_case_id(case_id);
    p.set_district_code(kDistrictA);
    p.set_leave_id(ids::NewUuid());
    p.set_status("APPROVED");
    *p.mutable_start_date() = ToProtoDate(start);
    *p.mutable_end_date() = ToProtoDate(end);
    *p.mutable_on() = ToProtoDate(Today());
    return Event("ccms.records.leave_approved", case_id, p);
  }
  // Tomorrow at `hour`:00, Asia/Shanghai.
  absl::Time Tomorrow(int hour, int day_offset = 1) {
    return absl::FromCivil(absl::CivilHour(Today() + day_offset) + hour, time::ShanghaiTimeZone());
  }

  static EducationHarness* harness_;
  int64_t next_offset_ = 1;
};

EducationHarness* EducationSessionsTest::harness_ = nullptr;

TEST_F(EducationSessionsTest, ThirtyTwoConcurrentEnrolmentsForTheLastFiveSeatsFiveSucceed) {
  const std::string session = Schedule(v1::AUDIENCE_ADULTS_ONLY, 10, Tomorrow(9));
  for (int i = 0; i < 5; ++i) {
    v1::EnrolCaseResponse resp;
    ASSERT_TRUE(Enrol(session, ActiveCase(false), &resp).ok());
    EXPECT_EQ(resp.enrolment().status(), v1::ENROLMENT_STATUS_ENROLLED);
  }
  std::vector<std::string> cases;
  for (int i = 0; i < 32; ++i) cases.push_back(ActiveCase(false));
  std::atomic<int> enrolled{0}, waitlisted{0}, failed{0};
  std::vector<int> positions(32, 0);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      v1::EnrolCaseResponse resp;
      const grpc::Status st = Enrol(session, cases[i], &resp);
      if (!st.ok()) {
        ++failed;
        ADD_FAILURE() << st.error_code() << " " << st.error_message();
      } else if (resp.enrolment().status() == v1::ENROLMENT_STATUS_ENROLLED) {
        ++enrolled;
      } else if (resp.enrolment().status() == v1::ENROLMENT_STATUS_WAITLISTED) {
        ++waitlisted;
        positions[i] = resp.enrolment().waitlist_position();
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(enrolled.load(), 5);
  EXPECT_EQ(waitlisted.load(), 27);
  // The waitlist's positions are 1..27, each once.
  std::vector<int> seen;
  for (int p : positions) {
    if (p > 0) seen.push_back(p);
  }
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(seen.size(), 27u);
  for (int i = 0; i < 27; ++i) EXPECT_EQ(seen[i], i + 1);
  EXPECT_EQ(Count("SELECT count(*) FROM enrolments WHERE session_id = '" + session +
                  "' AND status = 'ENROLLED'"),
            10);

  // A withdrawal moves the waitlist up: the first waitlisted takes the seat.
  v1::GetSessionResponse before;
  ASSERT_TRUE(GetSession(session, &before).ok());
  ASSERT_EQ(before.session().enrolled_count(), 10);
  ASSERT_EQ(before.session().waitlisted_count(), 27);
  std::string first_waiting;
  for (const auto& e : before.enrolments()) {
    if (e.waitlist_position() == 1) first_waiting = e.case_id();
  }
  v1::WithdrawEnrolmentRequest w;
  w.set_request_id(ids::NewUuid());
  w.set_session_id(session);
  w.set_case_id(before.enrolments(0).case_id());
  v1::WithdrawEnrolmentResponse wr;
  auto ctx = h().Context(WorkerA());
  ASSERT_TRUE(h().sessions().WithdrawEnrolment(ctx.get(), w, &wr).ok());
  EXPECT_EQ(wr.enrolment().status(), v1::ENROLMENT_STATUS_WITHDRAWN);
  EXPECT_EQ(wr.promoted().case_id(), first_waiting);
  EXPECT_EQ(wr.promoted().status(), v1::ENROLMENT_STATUS_ENROLLED);
  v1::GetSessionResponse after;
  ASSERT_TRUE(GetSession(session, &after).ok());
  EXPECT_EQ(after.session().enrolled_count(), 10);
  EXPECT_EQ(after.session().waitlisted_count(), 26);
  for (const auto& e : after.enrolments()) {
    if (e.status() == v1::ENROLMENT_STATUS_WAITLISTED) {
      EXPECT_GE(e.waitlist_position(), 1);
    }
  }
}

TEST_F(EducationSessionsTest, MinorsNeverWithAdultsOverManyRandomAttempts) {
  std::mt19937 rng(1402);
  std::vector<std::string> minors_sessions, adults_sessions;
  for (int i = 0; i < 6; ++i) {
    minors_sessions.push_back(Schedule(v1::AUDIENCE_MINORS_ONLY, 200, Tomorrow(8 + i, 3)));
    adults_sessions.push_back(Schedule(v1::AUDIENCE_ADULTS_ONLY, 200, Tomorrow(8 + i, 4)));
  }
  std::vector<std::string> minors, adults;
  for (int i = 0; i < 30; ++i) {
    minors.push_back(ActiveCase(true));
    adults.push_back(ActiveCase(false));
  }
  int ok = 0, refused = 0;
  for (int attempt = 0; attempt < 300; ++attempt) {
    const bool minor = rng() % 2 == 0;
    const bool to_minors = rng() % 2 == 0;
    const std::string& c = minor ? minors[rng() % minors.size()] : adults[rng() % adults.size()];
    const std::string& s = to_minors ? minors_sessions[rng() % minors_sessions.size()]
                                     : adults_sessions[rng() % adults_sessions.size()];
    v1::EnrolCaseResponse resp;
    const grpc::Status st = Enrol(s, c, &resp);
    if (minor != to_minors) {
      EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << attempt;
      ++refused;
    } else {
      // Allowed unless the case is in the session already or in another at that hour.
      EXPECT_TRUE(st.ok() || st.error_code() == grpc::StatusCode::ALREADY_EXISTS ||
                  st.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
          << st.error_code();
      if (st.ok()) ++ok;
    }
  }
  EXPECT_GT(ok, 30);
  EXPECT_GT(refused, 100);
  // Whatever happened, the database holds no mixed enrolment.
  EXPECT_EQ(Count("SELECT count(*) FROM enrolments e JOIN sessions s USING (session_id)"
                  " JOIN cases c ON c.case_id = e.case_id WHERE e.status <> 'WITHDRAWN' AND"
                  " ((c.minor AND s.audience <> 'MINORS_ONLY') OR"
                  " (NOT c.minor AND s.audience <> 'ADULTS_ONLY'))"),
            0);
  // A session with no audience is refused when scheduled.
  auto req = ScheduleRequest(v1::AUDIENCE_UNSPECIFIED, 5, Tomorrow(9), absl::Hours(1));
  v1::ScheduleSessionResponse resp;
  auto ctx = h().Context(WorkerA());
  EXPECT_EQ(h().sessions().ScheduleSession(ctx.get(), req, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(EducationSessionsTest, NoPersonInTwoOverlappingSessionsEvenConcurrently) {
  const std::string a = Schedule(v1::AUDIENCE_ADULTS_ONLY, 20, Tomorrow(9, 5));
  const std::string b = Schedule(v1::AUDIENCE_ADULTS_ONLY, 20, Tomorrow(10, 5));  // 10-12
  const std::string c = Schedule(v1::AUDIENCE_ADULTS_ONLY, 20, Tomorrow(11, 5));  // 11-13
  const std::string person = ActiveCase(false);
  v1::EnrolCaseResponse r;
  ASSERT_TRUE(Enrol(a, person, &r).ok());
  EXPECT_EQ(Enrol(b, person, &r).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(Enrol(c, person, &r).ok());  // back to back with a (9-11, 11-13)
  EXPECT_EQ(Enrol(a, person, &r).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  // Two overlapping sessions at once, many times: never both.
  for (int round = 0; round < 10; ++round) {
    const std::string x = Schedule(v1::AUDIENCE_ADULTS_ONLY, 20, Tomorrow(9, 6 + round));
    const std::string y = Schedule(v1::AUDIENCE_ADULTS_ONLY, 20, Tomorrow(10, 6 + round));
    const std::string who = ActiveCase(false);
    std::atomic<int> oks{0};
    std::thread t1([&] {
      v1::EnrolCaseResponse resp;
      if (Enrol(x, who, &resp).ok()) ++oks;
    });
    std::thread t2([&] {
      v1::EnrolCaseResponse resp;
      if (Enrol(y, who, &resp).ok()) ++oks;
    });
    t1.join();
    t2.join();
    EXPECT_EQ(oks.load(), 1) << round;
  }
}

TEST_F(EducationSessionsTest, BulkAttendanceIsIdempotentComputesHoursAndEncryptsNotes) {
  // A session that started an hour ago (2 h long), 50 people.
  const std::string session =
      Schedule(v1::AUDIENCE_ADULTS_ONLY, 60, Now() - absl::Hours(1), absl::Hours(2));
  std::vector<std::string> people;
  for (int i = 0; i < 50; ++i) {
    people.push_back(ActiveCase(false));
    v1::EnrolCaseResponse r;
    ASSERT_TRUE(Enrol(session, people.back(), &r).ok());
  }
  v1::RecordAttendanceRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_session_id(session);
  const v1::AttendanceOutcome outcomes[] = {
      v1::ATTENDANCE_OUTCOME_ATTENDED, v1::ATTENDANCE_OUTCOME_LATE, v1::ATTENDANCE_OUTCOME_EXCUSED,
      v1::ATTENDANCE_OUTCOME_ABSENT_AFTER_NOTICE, v1::ATTENDANCE_OUTCOME_ABSENT};
  for (int i = 0; i < 50; ++i) {
    v1::AttendanceEntry* e = req.add_entries();
    e->set_case_id(people[i]);
    e->set_outcome(outcomes[i % 5]);
    if (outcomes[i % 5] == v1::ATTENDANCE_OUTCOME_EXCUSED) {
      e->set_excuse_reason(v1::EXCUSE_REASON_HOSPITAL);
    }
    if (i == 0) e->set_behaviour_note(kSecretNote);
  }
  const int64_t outbox_before = Count("SELECT count(*) FROM outbox");
  v1::RecordAttendanceResponse first;
  {
    auto ctx = h().Context(StaffA());
    const grpc::Status st = h().sessions().RecordAttendance(ctx.get(), req, &first);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  ASSERT_EQ(first.enrolments_size(), 50);
  const int expected[] = {120, 60, 0, 0, 0};  // default policy: 100% / 50% / 0
  for (const auto& e : first.enrolments()) {
    const auto it = std::find(people.begin(), people.end(), e.case_id());
    ASSERT_NE(it, people.end());
    const int i = static_cast<int>(it - people.begin());
    EXPECT_EQ(e.attendance().outcome(), outcomes[i % 5]);
    EXPECT_EQ(e.attendance().credited_minutes(), expected[i % 5]) << i;
    EXPECT_EQ(e.attendance().notice_given(),
              outcomes[i % 5] == v1::ATTENDANCE_OUTCOME_ABSENT_AFTER_NOTICE);
    if (i == 0) {
      EXPECT_EQ(e.attendance().behaviour_note(), kSecretNote);
    }
  }
  EXPECT_EQ(Count("SELECT count(*) FROM outbox") - outbox_before, 50);
  // The same request again: the first answer, nothing written.
  v1::RecordAttendanceResponse again;
  {
    auto ctx = h().Context(StaffA());
    ASSERT_TRUE(h().sessions().RecordAttendance(ctx.get(), req, &again).ok());
  }
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox") - outbox_before, 50);
  // The note is encrypted at rest and in no event.
  EXPECT_EQ(Count("SELECT count(*) FROM attendance WHERE note_cipher IS NOT NULL"), 1);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM attendance WHERE position('", kSecretNote,
                               "'::bytea IN note_cipher) > 0")),
            0);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM outbox WHERE position('", kSecretNote,
                               "'::bytea IN payload) > 0")),
            0);
  // The events carry outcome, notice and minutes.
  const std::string payload = h().db().QueryValue(
      "SELECT encode(payload, 'base64') FROM outbox WHERE event_type ="
      " 'ccms.education.attendance_recorded' AND record_key = '" +
      people[1] + "'");
  EXPECT_FALSE(payload.empty());
  // Only enrolled cases: a stranger is refused, nothing written.
  v1::RecordAttendanceRequest stranger;
  stranger.set_request_id(ids::NewUuid());
  stranger.set_session_id(session);
  stranger.add_entries()->set_case_id(ActiveCase(false));
  stranger.mutable_entries(0)->set_outcome(v1::ATTENDANCE_OUTCOME_ATTENDED);
  v1::RecordAttendanceResponse sr;
  auto ctx = h().Context(StaffA());
  EXPECT_EQ(h().sessions().RecordAttendance(ctx.get(), stranger, &sr).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // A session that has not started takes no attendance.
  const std::string later = Schedule(v1::AUDIENCE_ADULTS_ONLY, 5, Tomorrow(9, 9));
  v1::EnrolCaseResponse er;
  ASSERT_TRUE(Enrol(later, people[0], &er).ok());
  v1::RecordAttendanceRequest early;
  early.set_request_id(ids::NewUuid());
  early.set_session_id(later);
  early.add_entries()->set_case_id(people[0]);
  early.mutable_entries(0)->set_outcome(v1::ATTENDANCE_OUTCOME_ATTENDED);
  auto ctx2 = h().Context(StaffA());
  EXPECT_EQ(h().sessions().RecordAttendance(ctx2.get(), early, &sr).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

// Bulk attendance of a 50-person session, measured through gRPC on this machine (figures in
// docs/benchmarks.md, "Education: bulk attendance"): 5 sessions of 50, 100 calls of 50 entries
// each (a fresh request id each time, so every call does the whole work: 50 rows, 50 events).
TEST_F(EducationSessionsTest, BulkAttendanceOfFiftyLatency) {
  std::vector<std::string> people;
  for (int i = 0; i < 50; ++i) people.push_back(ActiveCase(false));
  std::vector<std::string> sessions;
  for (int k = 0; k < 5; ++k) {
    sessions.push_back(
        Schedule(v1::AUDIENCE_ADULTS_ONLY, 50, Now() + absl::Hours(1 + 3 * k), absl::Hours(2)));
    for (const auto& p : people) {
      v1::EnrolCaseResponse r;
      ASSERT_TRUE(Enrol(sessions.back(), p, &r).ok());
    }
  }
  // Enrolment closes when a session ends and attendance opens when it starts: move the clock past
  // the last start.
  h().clock().Set(Now() + absl::Hours(14));
  std::vector<double> ms;
  for (int call = 0; call < 100; ++call) {
    v1::RecordAttendanceRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_session_id(sessions[call % sessions.size()]);
    for (int i = 0; i < 50; ++i) {
      v1::AttendanceEntry* e = req.add_entries();
      e->set_case_id(people[i]);
      e->set_outcome(i % 7 == 0 ? v1::ATTENDANCE_OUTCOME_LATE : v1::ATTENDANCE_OUTCOME_ATTENDED);
      if (i % 10 == 0) e->set_behaviour_note("note");
    }
    v1::RecordAttendanceResponse resp;
    auto ctx = h().Context(StaffA());
    const absl::Time t0 = absl::Now();
    const grpc::Status st = h().sessions().RecordAttendance(ctx.get(), req, &resp);
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_EQ(resp.enrolments_size(), 50);
  }
  std::sort(ms.begin(), ms.end());
  const auto at = [&ms](double q) { return ms[static_cast<size_t>(q * (ms.size() - 1))]; };
  std::printf(
      "bulk attendance, 50 entries, 100 calls: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, "
      "max %.1f ms\n",
      at(0.5), at(0.9), at(0.99), ms.back());
  EXPECT_EQ(Count("SELECT count(*) FROM attendance WHERE session_id IN ('" + sessions[0] + "', '" +
                  sessions[4] + "')"),
            100);
}

TEST_F(EducationSessionsTest, ApprovedLeaveExcusesOverlappingEnrolments) {
  const std::string person = ActiveCase(false);
  const std::string during = Schedule(v1::AUDIENCE_ADULTS_ONLY, 5, Tomorrow(9, 12));
  const std::string recorded = Schedule(v1::AUDIENCE_ADULTS_ONLY, 5, Now() - absl::Hours(1));
  const std::string after = Schedule(v1::AUDIENCE_ADULTS_ONLY, 5, Tomorrow(9, 15));
  v1::EnrolCaseResponse r;
  ASSERT_TRUE(Enrol(during, person, &r).ok());
  ASSERT_TRUE(Enrol(recorded, person, &r).ok());
  ASSERT_TRUE(Enrol(after, person, &r).ok());
  // Today's session already has its attendance: a leave never overwrites it.
  v1::RecordAttendanceRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_session_id(recorded);
  req.add_entries()->set_case_id(person);
  req.mutable_entries(0)->set_outcome(v1::ATTENDANCE_OUTCOME_ATTENDED);
  v1::RecordAttendanceResponse rr;
  auto ctx = h().Context(StaffA());
  ASSERT_TRUE(h().sessions().RecordAttendance(ctx.get(), req, &rr).ok());
  const int64_t outbox_before =
      Count("SELECT count(*) FROM outbox WHERE event_type = 'ccms.education.attendance_recorded'");
  // Leave from today through the day after `during`; `after` is outside it.
  ASSERT_TRUE(Apply(LeaveApproved(person, Today(), Today() + 13)));
  v1::GetSessionResponse g;
  ASSERT_TRUE(GetSession(during, &g).ok());
  ASSERT_EQ(g.enrolments_size(), 1);
  EXPECT_EQ(g.enrolments(0).attendance().outcome(), v1::ATTENDANCE_OUTCOME_EXCUSED);
  EXPECT_EQ(g.enrolments(0).attendance().excuse_reason(), v1::EXCUSE_REASON_APPROVED_LEAVE);
  EXPECT_EQ(g.enrolments(0).attendance().credited_minutes(), 0);
  ASSERT_TRUE(GetSession(recorded, &g).ok());
  EXPECT_EQ(g.enrolments(0).attendance().outcome(), v1::ATTENDANCE_OUTCOME_ATTENDED);
  ASSERT_TRUE(GetSession(after, &g).ok());
  EXPECT_FALSE(g.enrolments(0).has_attendance());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.education.attendance_recorded'") -
                outbox_before,
            1);
  EXPECT_EQ(
      Count("SELECT count(*) FROM attendance WHERE automatic AND session_id = '" + during + "'"),
      1);
}

TEST_F(EducationSessionsTest, SeriesCancelAndMoveSupersedeNeverDelete) {
  // Weekly for five weeks from next Monday at 14:00.
  const absl::CivilDay monday = absl::NextWeekday(Today(), absl::Weekday::monday);
  auto req = ScheduleRequest(
      v1::AUDIENCE_MINORS_ONLY, 12,
      absl::FromCivil(absl::CivilHour(monday) + 14, time::ShanghaiTimeZone()), absl::Minutes(90));
  req.mutable_recurrence()->set_frequency(v1::Recurrence::FREQUENCY_WEEKLY);
  *req.mutable_recurrence()->mutable_until() = ToProtoDate(monday + 28);
  v1::ScheduleSessionResponse series;
  {
    auto ctx = h().Context(WorkerA());
    const grpc::Status st = h().sessions().ScheduleSession(ctx.get(), req, &series);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  ASSERT_EQ(series.sessions_size(), 5);
  EXPECT_FALSE(series.series_id().empty());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(series.sessions(i).series_id(), series.series_id());
    EXPECT_EQ(time::ShanghaiDay(absl::FromUnixSeconds(series.sessions(i).start_time().seconds())),
              monday + 7 * i);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.education.session_scheduled' AND payload IS NOT NULL AND occurred_at"
                  " IS NOT NULL AND event_id IN (SELECT event_id FROM outbox)") >= 5,
            true);
  const std::string minor = ActiveCase(true);
  v1::EnrolCaseResponse er;
  ASSERT_TRUE(Enrol(series.sessions(1).session_id(), minor, &er).ok());

  v1::CancelSessionRequest cancel;
  cancel.set_request_id(ids::NewUuid());
  cancel.set_session_id(series.sessions(0).session_id());
  cancel.set_reason_code("WEATHER");
  v1::CancelSessionResponse cr;
  {
    auto ctx = h().Context(WorkerA());
    ASSERT_TRUE(h().sessions().CancelSession(ctx.get(), cancel, &cr).ok());
  }
  EXPECT_EQ(cr.session().status(), v1::SESSION_STATUS_CANCELLED);
  EXPECT_EQ(cr.session().change_reason(), "WEATHER");
  EXPECT_EQ(Enrol(series.sessions(0).session_id(), ActiveCase(true), &er).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  cancel.set_request_id(ids::NewUuid());
  cancel.set_reason_code("NOT_A_CODE");
  {
    auto ctx = h().Context(WorkerA());
    EXPECT_EQ(h().sessions().CancelSession(ctx.get(), cancel, &cr).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }

  v1::MoveSessionRequest move;
  move.set_request_id(ids::NewUuid());
  move.set_session_id(series.sessions(1).session_id());
  const absl::Time new_start =
      absl::FromCivil(absl::CivilHour(monday + 8) + 9, time::ShanghaiTimeZone());
  *move.mutable_start_time() = ToProtoTimestamp(new_start);
  *move.mutable_end_time() = ToProtoTimestamp(new_start + absl::Hours(1));
  move.set_reason_code("VENUE_UNAVAILABLE");
  v1::MoveSessionResponse mr;
  {
    auto ctx = h().Context(WorkerA());
    const grpc::Status st = h().sessions().MoveSession(ctx.get(), move, &mr);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  EXPECT_EQ(mr.moved().status(), v1::SESSION_STATUS_MOVED);
  EXPECT_EQ(mr.moved().superseded_by(), mr.replacement().session_id());
  EXPECT_EQ(mr.replacement().supersedes(), mr.moved().session_id());
  EXPECT_EQ(mr.replacement().enrolled_count(), 1);
  v1::GetSessionResponse g;
  ASSERT_TRUE(GetSession(mr.replacement().session_id(), &g).ok());
  ASSERT_EQ(g.enrolments_size(), 1);
  EXPECT_EQ(g.enrolments(0).case_id(), minor);
  // Nothing was deleted: all five sessions and the replacement are there.
  EXPECT_EQ(Count("SELECT count(*) FROM sessions WHERE series_id = '" + series.series_id() + "'"),
            6);
  v1::ListSessionsRequest list;
  list.set_district_code(kDistrictA);
  *list.mutable_from_day() = ToProtoDate(monday);
  *list.mutable_to_day() = ToProtoDate(monday + 28);
  v1::ListSessionsResponse lr;
  {
    auto ctx = h().Context(WorkerA());
    ASSERT_TRUE(h().sessions().ListSessions(ctx.get(), list, &lr).ok());
  }
  int of_series = 0;
  for (const auto& s : lr.sessions()) of_series += s.series_id() == series.series_id() ? 1 : 0;
  EXPECT_EQ(of_series, 4);  // the cancelled and the moved one are not listed by default
  list.set_include_superseded(true);
  list.set_page_size(2);
  int all = 0;
  std::string token;
  do {
    list.set_page_token(token);
    v1::ListSessionsResponse page;
    auto ctx = h().Context(WorkerA());
    ASSERT_TRUE(h().sessions().ListSessions(ctx.get(), list, &page).ok());
    for (const auto& s : page.sessions()) all += s.series_id() == series.series_id() ? 1 : 0;
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(all, 6);
}

TEST_F(EducationSessionsTest, AnotherDistrictsSessionDoesNotExist) {
  const std::string b =
      Schedule(v1::AUDIENCE_ADULTS_ONLY, 5, Tomorrow(9), absl::Hours(1), kDistrictB);
  v1::GetSessionResponse g;
  EXPECT_EQ(GetSession(b, &g).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::EnrolCaseResponse r;
  EXPECT_EQ(Enrol(b, ActiveCase(false), &r).error_code(), grpc::StatusCode::NOT_FOUND);
  // A case of B in a session of A: the case does not exist for A's worker.
  const std::string a = Schedule(v1::AUDIENCE_ADULTS_ONLY, 5, Tomorrow(9));
  EXPECT_EQ(Enrol(a, ActiveCase(false, kDistrictB), &r).error_code(), grpc::StatusCode::NOT_FOUND);
  // Scheduling in B with a token of A.
  v1::ScheduleSessionResponse resp;
  auto ctx = h().Context(WorkerA());
  EXPECT_EQ(h().sessions()
                .ScheduleSession(ctx.get(),
                                 ScheduleRequest(v1::AUDIENCE_ADULTS_ONLY, 5, Tomorrow(9),
                                                 absl::Hours(1), kDistrictB),
                                 &resp)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // An auditor reads, and cannot write; a partner is refused.
  const std::string auditor = h().Token(Role::kAuditor, {"*"}, "auditor-1");
  EXPECT_TRUE(GetSession(b, &g, auditor).ok());
  EXPECT_EQ(Enrol(a, ActiveCase(false), &r, auditor).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// ---- The partner view (issue 14 item 14) ----

auth::Principal PartnerOf(const std::string& agency, const std::string& subject) {
  auth::Principal p;
  p.subject = subject;
  p.role = Role::kPartner;
  p.agency_id = agency;
  return p;
}

class EducationPartnerViewTest : public EducationSessionsTest {
 protected:
  std::string PartnerSession(const std::string& agency, v1::Audience audience,
                             const std::string& district = kDistrictA,
                             absl::Time start = absl::InfinitePast()) {
    if (start == absl::InfinitePast()) start = Now() - absl::Hours(1);
    v1::ScheduleSessionRequest req = ScheduleRequest(audience, 20, start, absl::Hours(2), district);
    req.mutable_provider()->set_kind(v1::PROVIDER_KIND_PARTNER_AGENCY);
    req.mutable_provider()->set_id(agency);
    v1::ScheduleSessionResponse resp;
    auto ctx = h().Context(district == kDistrictA ? StaffA() : StaffB());
    const grpc::Status st = h().sessions().ScheduleSession(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.sessions_size() > 0 ? resp.sessions(0).session_id() : "";
  }
  grpc::Status SetName(const std::string& case_id, const std::string& name) {
    v1::SetPartnerViewNameRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_given_name(name);
    v1::SetPartnerViewNameResponse resp;
    auto ctx = h().Context(WorkerA());
    return h().sessions().SetPartnerViewName(ctx.get(), req, &resp);
  }
  std::string EnrolledIn(const std::string& session, bool minor,
                         const std::string& district = kDistrictA) {
    const std::string id = ActiveCase(minor, district);
    v1::EnrolCaseResponse r;
    const grpc::Status st = Enrol(session, id, &r, district == kDistrictA ? WorkerA() : StaffB());
    EXPECT_TRUE(st.ok()) << st.error_message();
    return id;
  }
  education::PartnerSessionServiceImpl& partner() { return h().wiring().partner_sessions(); }
};

TEST_F(EducationPartnerViewTest, PartnerSeesOnlyItsAgencysSessionsThroughTheAllowList) {
  const std::string agency = "school-" + ids::NewUuid().substr(24);
  const std::string other = "centre-" + ids::NewUuid().substr(24);
  const std::string adults = PartnerSession(agency, v1::AUDIENCE_ADULTS_ONLY);
  const std::string minors = PartnerSession(agency, v1::AUDIENCE_MINORS_ONLY);
  // A partner's reach is its agency, not a district: district B's session it delivers too.
  const std::string in_b = PartnerSession(agency, v1::AUDIENCE_ADULTS_ONLY, kDistrictB);
  const std::string others = PartnerSession(other, v1::AUDIENCE_ADULTS_ONLY);
  const std::string staff_session = Schedule(v1::AUDIENCE_ADULTS_ONLY, 5, Now() - absl::Hours(1));
  const std::string named = EnrolledIn(adults, false);
  const std::string unnamed = EnrolledIn(adults, false);
  const std::string minor = EnrolledIn(minors, true);
  const std::string elsewhere = EnrolledIn(others, false);
  ASSERT_TRUE(SetName(named, "  Wei ").ok());
  ASSERT_TRUE(SetName(elsewhere, "Other").ok());
  // A minor's name is never recorded for partners.
  EXPECT_EQ(SetName(minor, "Xiaoming").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Count("SELECT count(*) FROM partner_view_names WHERE case_id = '" + minor + "'"), 0);
  // The name is encrypted at rest.
  EXPECT_EQ(Count("SELECT count(*) FROM partner_view_names WHERE position('Wei'::bytea IN"
                  " given_name_cipher) > 0"),
            0);

  const std::string subject = "partner-view-" + ids::NewUuid();
  const auth::Principal me = PartnerOf(agency, subject);
  v1::ListPartnerSessionsResponse list;
  ASSERT_TRUE(partner().DoListPartnerSessions(me, {}, &list).ok());
  std::set<std::string> listed;
  for (const auto& s : list.sessions()) listed.insert(s.session_id());
  EXPECT_EQ(listed, (std::set<std::string>{adults, minors, in_b}));

  // Another agency's session and a staff one do not exist for this partner.
  for (const std::string& id : {others, staff_session}) {
    v1::GetPartnerSessionRequest req;
    req.set_session_id(id);
    v1::GetPartnerSessionResponse resp;
    EXPECT_EQ(partner().DoGetPartnerSession(me, req, &resp).code(), absl::StatusCode::kNotFound);
  }
  v1::GetPartnerSessionRequest req;
  req.set_session_id(adults);
  v1::GetPartnerSessionResponse got;
  ASSERT_TRUE(partner().DoGetPartnerSession(me, req, &got).ok());
  EXPECT_EQ(got.session().session_id(), adults);
  EXPECT_EQ(got.session().enrolled_count(), 2);
  ASSERT_EQ(got.participants_size(), 2);
  std::set<std::string> names;
  for (const auto& p : got.participants()) {
    EXPECT_EQ(p.referral_code().rfind("E-", 0), 0u) << p.referral_code();
    EXPECT_EQ(p.referral_code().size(), 14u);
    EXPECT_FALSE(p.identity_withheld());
    names.insert(p.given_name());
  }
  EXPECT_EQ(names, (std::set<std::string>{"Wei", ""}));
  // No case id anywhere in what the partner received.
  for (const std::string& id : {named, unnamed}) {
    EXPECT_EQ(got.SerializeAsString().find(id), std::string::npos);
  }
  req.set_session_id(minors);
  v1::GetPartnerSessionResponse got_minor;
  ASSERT_TRUE(partner().DoGetPartnerSession(me, req, &got_minor).ok());
  ASSERT_EQ(got_minor.participants_size(), 1);
  EXPECT_TRUE(got_minor.participants(0).identity_withheld());
  EXPECT_EQ(got_minor.participants(0).given_name(), "");
  EXPECT_EQ(got_minor.SerializeAsString().find(minor), std::string::npos);
  // Even a minor's name written past the service (a row the office could not make) stays
  // withheld: the view decides on the minor flag.
  h().db().QueryValue(
      "INSERT INTO partner_view_names (case_id, given_name_cipher, recorded_by)"
      " SELECT '" +
      minor +
      "', given_name_cipher, 'test' FROM partner_view_names"
      " WHERE case_id = '" +
      named + "'");
  ASSERT_TRUE(partner().DoGetPartnerSession(me, req, &got_minor).ok());
  EXPECT_EQ(got_minor.participants(0).given_name(), "");
  EXPECT_TRUE(got_minor.participants(0).identity_withheld());

  // Staff are refused the partner view; the partner is refused the staff's.
  auth::Principal admin;
  admin.subject = "admin";
  admin.role = Role::kCityAdmin;
  admin.all_districts = true;
  EXPECT_EQ(partner().DoListPartnerSessions(admin, {}, &list).code(),
            absl::StatusCode::kPermissionDenied);
  v1::GetSessionRequest staff_req;
  staff_req.set_session_id(adults);
  v1::GetSessionResponse staff_resp;
  EXPECT_EQ(h().wiring().sessions().DoGetSession(me, staff_req, &staff_resp).code(),
            absl::StatusCode::kPermissionDenied);

  // Every partner read is audited: the list with its count, each person shown on their case, the
  // refusals as NOT_FOUND.
  const std::string by_me = "SELECT count(*) FROM audit_log WHERE actor = '" + subject + "'";
  EXPECT_EQ(Count(by_me + " AND action = 'ListPartnerSessions' AND result = '3'"), 1);
  EXPECT_EQ(Count(by_me + " AND action = 'GetPartnerSession' AND result = 'NOT_FOUND'"), 2);
  EXPECT_EQ(Count(by_me + " AND action = 'GetPartnerSession' AND case_id IN ('" + named + "', '" +
                  unnamed + "')"),
            2);
  EXPECT_EQ(Count(by_me + " AND action = 'GetPartnerSession' AND case_id = '" + minor + "'"), 2);

  // The reviewed allow-list: every field a partner can receive, and nothing else.
  auto fields_of = [](const google::protobuf::Descriptor* d) {
    std::set<std::string> out;
    for (int i = 0; i < d->field_count(); ++i) out.insert(d->field(i)->name());
    return out;
  };
  EXPECT_EQ(
      fields_of(v1::PartnerSession::descriptor()),
      (std::set<std::string>{"session_id", "kind", "form", "topic_code", "venue", "start_time",
                             "end_time", "audience", "status", "capacity", "enrolled_count"}));
  EXPECT_EQ(fields_of(v1::PartnerParticipant::descriptor()),
            (std::set<std::string>{"referral_code", "given_name", "identity_withheld", "outcome",
                                   "credited_minutes"}));
  const std::set<const google::protobuf::Descriptor*> allowed = {
      v1::PartnerSession::descriptor(), v1::PartnerParticipant::descriptor(),
      google::protobuf::Timestamp::descriptor()};
  for (const auto* resp :
       {v1::ListPartnerSessionsResponse::descriptor(), v1::GetPartnerSessionResponse::descriptor(),
        v1::RecordPartnerAttendanceResponse::descriptor(), v1::PartnerSession::descriptor(),
        v1::PartnerParticipant::descriptor()}) {
    for (int i = 0; i < resp->field_count(); ++i) {
      const auto* f = resp->field(i);
      EXPECT_TRUE(f->message_type() == nullptr || allowed.count(f->message_type()) > 0)
          << f->full_name();
    }
  }
}

TEST_F(EducationPartnerViewTest, PartnerRecordsAttendanceForItsSessionsOnly) {
  const std::string agency = "trainer-" + ids::NewUuid().substr(24);
  const std::string other = "school-" + ids::NewUuid().substr(24);
  const std::string mine = PartnerSession(agency, v1::AUDIENCE_ADULTS_ONLY);
  const std::string theirs = PartnerSession(other, v1::AUDIENCE_ADULTS_ONLY);
  std::vector<std::string> people;
  for (int i = 0; i < 3; ++i) people.push_back(EnrolledIn(mine, false));
  const std::string their_person = EnrolledIn(theirs, false);
  const auth::Principal me = PartnerOf(agency, "partner-att-" + ids::NewUuid());
  const auth::Principal them = PartnerOf(other, "partner-att-" + ids::NewUuid());
  auto codes_of = [&](const auth::Principal& p, const std::string& session) {
    v1::GetPartnerSessionRequest req;
    req.set_session_id(session);
    v1::GetPartnerSessionResponse resp;
    EXPECT_TRUE(partner().DoGetPartnerSession(p, req, &resp).ok());
    std::vector<std::string> codes;
    for (const auto& x : resp.participants()) codes.push_back(x.referral_code());
    return codes;
  };
  const std::vector<std::string> codes = codes_of(me, mine);
  ASSERT_EQ(codes.size(), 3u);
  const std::vector<std::string> their_codes = codes_of(them, theirs);
  ASSERT_EQ(their_codes.size(), 1u);

  const int64_t attendance_before = Count("SELECT count(*) FROM attendance");
  auto request = [&](const std::string& session) {
    v1::RecordPartnerAttendanceRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_session_id(session);
    return req;
  };
  auto entry = [](v1::RecordPartnerAttendanceRequest& req, const std::string& code,
                  v1::AttendanceOutcome outcome,
                  v1::ExcuseReason excuse = v1::EXCUSE_REASON_UNSPECIFIED) {
    v1::PartnerAttendanceEntry* e = req.add_entries();
    e->set_referral_code(code);
    e->set_outcome(outcome);
    e->set_excuse_reason(excuse);
  };
  v1::RecordPartnerAttendanceResponse resp;
  // The office's outcomes are refused, and nothing is written.
  {
    auto req = request(mine);
    entry(req, codes[0], v1::ATTENDANCE_OUTCOME_ABSENT_AFTER_NOTICE);
    EXPECT_EQ(partner().DoRecordPartnerAttendance(me, req, &resp).code(),
              absl::StatusCode::kInvalidArgument);
    auto leave = request(mine);
    entry(leave, codes[0], v1::ATTENDANCE_OUTCOME_EXCUSED, v1::EXCUSE_REASON_APPROVED_LEAVE);
    EXPECT_EQ(partner().DoRecordPartnerAttendance(me, leave, &resp).code(),
              absl::StatusCode::kInvalidArgument);
  }
  // Another agency's session does not exist for it, even with a code of that session.
  {
    auto req = request(theirs);
    entry(req, their_codes[0], v1::ATTENDANCE_OUTCOME_ATTENDED);
    EXPECT_EQ(partner().DoRecordPartnerAttendance(me, req, &resp).code(),
              absl::StatusCode::kNotFound);
    // A code of another session in its own: nobody has it here.
    auto mixed = request(mine);
    entry(mixed, their_codes[0], v1::ATTENDANCE_OUTCOME_ATTENDED);
    EXPECT_EQ(partner().DoRecordPartnerAttendance(me, mixed, &resp).code(),
              absl::StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM attendance"), attendance_before);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE actor = '" + me.subject +
                  "' AND action = 'RecordPartnerAttendance' AND result = 'NOT_FOUND'"),
            1);
  // Its own session, the staff's path: hours computed by the service (120 min session).
  const int64_t outbox_before = Count("SELECT count(*) FROM outbox");
  auto req = request(mine);
  entry(req, absl::AsciiStrToLower(codes[0]), v1::ATTENDANCE_OUTCOME_ATTENDED);
  entry(req, codes[1], v1::ATTENDANCE_OUTCOME_LATE);
  entry(req, codes[2], v1::ATTENDANCE_OUTCOME_EXCUSED, v1::EXCUSE_REASON_HOSPITAL);
  const absl::Status st = partner().DoRecordPartnerAttendance(me, req, &resp);
  ASSERT_TRUE(st.ok()) << st;
  ASSERT_EQ(resp.participants_size(), 3);
  std::map<std::string, const v1::PartnerParticipant*> by_code;
  for (const auto& p : resp.participants()) by_code[p.referral_code()] = &p;
  EXPECT_EQ(by_code.at(codes[0])->outcome(), v1::ATTENDANCE_OUTCOME_ATTENDED);
  EXPECT_EQ(by_code.at(codes[0])->credited_minutes(), 120);
  EXPECT_EQ(by_code.at(codes[1])->credited_minutes(), 60);
  EXPECT_EQ(by_code.at(codes[2])->outcome(), v1::ATTENDANCE_OUTCOME_EXCUSED);
  EXPECT_EQ(by_code.at(codes[2])->credited_minutes(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM attendance WHERE session_id = '" + mine +
                  "' AND recorded_by = 'partner:" + agency + "'"),
            3);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox") - outbox_before, 3);
  // The staff see what the partner recorded, on the cases.
  v1::GetSessionResponse staff_view;
  ASSERT_TRUE(GetSession(mine, &staff_view, StaffA()).ok());
  int attended = 0;
  for (const auto& e : staff_view.enrolments()) {
    if (e.case_id() == people[0] || e.case_id() == people[1] || e.case_id() == people[2]) {
      EXPECT_EQ(e.attendance().recorded_by(), "partner:" + agency);
      if (e.attendance().outcome() == v1::ATTENDANCE_OUTCOME_ATTENDED) ++attended;
    }
  }
  EXPECT_EQ(attended, 1);
  // The other agency's session is untouched.
  EXPECT_EQ(Count("SELECT count(*) FROM attendance WHERE session_id = '" + theirs + "'"), 0);
}

TEST_F(EducationPartnerViewTest, PartnerRequestsUnderHostileValuesGetClientErrors) {
  const std::string agency = "hostile-" + ids::NewUuid().substr(24);
  const std::string session = PartnerSession(agency, v1::AUDIENCE_ADULTS_ONLY);
  EnrolledIn(session, false);
  const auth::Principal me = PartnerOf(agency, "partner-hostile");
  // Nothing but the calls may write while the database is watched (the consumers follow the
  // shared topics).
  h().StopConsumers();
  auto snapshot = DatabaseSnapshot(h().db().dsn());
  const std::string before = snapshot();
  const std::vector<std::string> strings = {"",
                                            std::string(5000, 'x'),
                                            std::string("E-\0AB", 5),
                                            "'; DROP TABLE sessions; --",
                                            "00000000-0000-0000-0000-000000000000",
                                            "not-a-uuid",
                                            "\xe4\xb8\xad\xe6\x96\x87",
                                            "9999999999999999999." + ids::NewUuid()};
  std::map<absl::StatusCode, int> codes;
  auto expect_client_error = [&](const absl::Status& st, const std::string& what) {
    ++codes[st.code()];
    EXPECT_TRUE(st.code() == absl::StatusCode::kInvalidArgument ||
                st.code() == absl::StatusCode::kNotFound ||
                st.code() == absl::StatusCode::kFailedPrecondition ||
                st.code() == absl::StatusCode::kOk)
        << what << ": " << st;
  };
  for (const std::string& s : strings) {
    v1::GetPartnerSessionRequest g;
    g.set_session_id(s);
    v1::GetPartnerSessionResponse gr;
    expect_client_error(partner().DoGetPartnerSession(me, g, &gr), "session_id=" + s);
    v1::ListPartnerSessionsRequest l;
    l.set_page_token(s);
    v1::ListPartnerSessionsResponse lr;
    expect_client_error(partner().DoListPartnerSessions(me, l, &lr), "page_token=" + s);
    v1::RecordPartnerAttendanceRequest a;
    a.set_request_id(ids::NewUuid());
    a.set_session_id(session);
    a.add_entries()->set_referral_code(s);
    a.mutable_entries(0)->set_outcome(v1::ATTENDANCE_OUTCOME_ATTENDED);
    v1::RecordPartnerAttendanceResponse ar;
    expect_client_error(partner().DoRecordPartnerAttendance(me, a, &ar), "referral_code=" + s);
    a.set_session_id(s);
    expect_client_error(partner().DoRecordPartnerAttendance(me, a, &ar), "session_id=" + s);
    a.set_session_id(session);
    a.set_request_id(s);
    expect_client_error(partner().DoRecordPartnerAttendance(me, a, &ar), "request_id=" + s);
  }
  for (int value : {-1, 6, 99, 1 << 30}) {
    v1::RecordPartnerAttendanceRequest a;
    a.set_request_id(ids::NewUuid());
    a.set_session_id(session);
    a.add_entries()->set_referral_code("E-000000000000");
    a.mutable_entries(0)->set_outcome(static_cast<v1::AttendanceOutcome>(value));
    v1::RecordPartnerAttendanceResponse ar;
    expect_client_error(partner().DoRecordPartnerAttendance(me, a, &ar), "outcome");
    a.mutable_entries(0)->set_outcome(v1::ATTENDANCE_OUTCOME_EXCUSED);
    a.mutable_entries(0)->set_excuse_reason(static_cast<v1::ExcuseReason>(value));
    expect_client_error(partner().DoRecordPartnerAttendance(me, a, &ar), "excuse_reason");
    v1::ListPartnerSessionsRequest l;
    l.set_page_size(value == 6 ? 501 : value);
    l.mutable_from_day()->set_year(2026);
    l.mutable_from_day()->set_month(value == 6 ? 2 : 13);
    l.mutable_from_day()->set_day(value == 6 ? 30 : 1);
    v1::ListPartnerSessionsResponse lr;
    expect_client_error(partner().DoListPartnerSessions(me, l, &lr), "page_size/from_day");
  }
  // 501 entries, and one code twice.
  v1::RecordPartnerAttendanceRequest many;
  many.set_request_id(ids::NewUuid());
  many.set_session_id(session);
  for (int i = 0; i < 501; ++i) {
    many.add_entries()->set_referral_code(absl::StrCat("E-", i));
    many.mutable_entries(i)->set_outcome(v1::ATTENDANCE_OUTCOME_ATTENDED);
  }
  v1::RecordPartnerAttendanceResponse ar;
  EXPECT_EQ(partner().DoRecordPartnerAttendance(me, many, &ar).code(),
            absl::StatusCode::kInvalidArgument);
  many.mutable_entries()->DeleteSubrange(2, 499);
  many.mutable_entries(1)->set_referral_code(many.entries(0).referral_code());
  EXPECT_EQ(partner().DoRecordPartnerAttendance(me, many, &ar).code(),
            absl::StatusCode::kInvalidArgument);
  // Nothing but audit rows was written by any of them.
  EXPECT_EQ(snapshot(), before);
  EXPECT_GT(codes[absl::StatusCode::kInvalidArgument], 0);
}

TEST(EducationSessionsHostileValuesTest, EveryFieldOfEveryRequestGetsAClientErrorOrOk) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker";
  EducationHarness h;
  // Every consumer follows the shared topics (care records a crisis flag of any case, the plans
  // a revision): nothing but the calls may write while the database is watched.
  h.StopConsumers();
  const absl::CivilDay today = time::ShanghaiDay(h.clock().Now());
  const std::string case_id = ids::NewUuid();
  records::v1::CaseOpened opened;
  opened.set_case_id(case_id);
  opened.set_district_code(kDistrictA);
  *opened.mutable_supervision_start_date() = ToProtoDate(today - 10);
  *opened.mutable_supervision_end_date() = ToProtoDate(today + 720);
  records::v1::IntakeReported intake;
  intake.set_case_id(case_id);
  intake.set_district_code(kDistrictA);
  *intake.mutable_reported_on() = ToProtoDate(today - 5);
  int64_t offset = 0;
  for (const auto& [type, payload] :
       std::vector<std::pair<std::string, const google::protobuf::Message*>>{
           {"ccms.records.case_opened", &opened}, {"ccms.records.intake_reported", &intake}}) {
    const auto envelope = kafka::MakeEnvelope(type, case_id, kDistrictA, absl::Now(), absl::Now(),
                                              "records-test", *payload);
    auto applied = h.consumer().Process(kRecordsTopic, 0, offset++, envelope.SerializeAsString());
    ASSERT_TRUE(applied.ok() && *applied) << applied.status();
  }
  // A session (started an hour ago) with the case enrolled.
  v1::ScheduleSessionRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_district_code(kDistrictA);
  req.set_kind(v1::SESSION_KIND_ROUTINE);
  req.set_form(v1::SESSION_FORM_FACE_TO_FACE);
  *req.mutable_start_time() = ToProtoTimestamp(h.clock().Now() - absl::Hours(1));
  *req.mutable_end_time() = ToProtoTimestamp(h.clock().Now() + absl::Hours(1));
  req.mutable_provider()->set_kind(v1::PROVIDER_KIND_STAFF);
  req.mutable_provider()->set_id("staff-1");
  req.set_capacity(10);
  req.set_audience(v1::AUDIENCE_ADULTS_ONLY);
  const std::string token = h.Token(Role::kOfficeStaff, {kDistrictA}, "staff-1");
  v1::ScheduleSessionResponse sr;
  {
    auto ctx = h.Context(token);
    ASSERT_TRUE(h.sessions().ScheduleSession(ctx.get(), req, &sr).ok());
  }
  const std::string session_id = sr.sessions(0).session_id();
  v1::EnrolCaseRequest enrol;
  enrol.set_request_id(ids::NewUuid());
  enrol.set_session_id(session_id);
  enrol.set_case_id(case_id);
  v1::EnrolCaseResponse er;
  {
    auto ctx = h.Context(token);
    ASSERT_TRUE(h.sessions().EnrolCase(ctx.get(), enrol, &er).ok());
  }

  HostileOptions o;
  o.channel = h.channel();
  o.services = {v1::SessionService::service_full_name()};
  o.tokens = {token, h.Token(Role::kCityAdmin, {"*"}, "admin-1"),
              h.Token(Role::kAuditor, {"*"}, "auditor-1")};
  o.strings = {{"case_id", case_id},
               {"session_id", session_id},
               {"district_code", kDistrictA},
               {"reason_code", "WEATHER"},
               {"topic_code", "LAW_BASICS"}};
  o.today = today;
  o.snapshot = DatabaseSnapshot(h.db().dsn());
  const HostileReport report = RunHostileValues(o);
  ExpectNoFailures(o, report);
}

// Who is expected at which session (ccms.education.enrolment_changed, keyed by the case): each
// enrolment change writes its event in the same transaction: enrol (ENROLLED, then WAITLISTED when
// full), withdraw (WITHDRAWN, and the first of the waitlist ENROLLED), move (SESSION_MOVED on the
// old session, ENROLLED in the replacement with its new times), cancel (SESSION_CANCELLED); the
// case's district, times and codes only.
TEST_F(EducationSessionsTest, EnrolmentChangesPublishWhoIsExpectedWhere) {
  const absl::Time start = Tomorrow(9, 3);
  const std::string session = Schedule(v1::AUDIENCE_ADULTS_ONLY, 1, start);
  const std::string a = ActiveCase(false);
  const std::string b = ActiveCase(false, kDistrictA);
  // The events of a case, in order: "STATUS@session".
  auto events_of = [&](const std::string& case_id) {
    std::vector<std::string> out;
    const std::string rows = h().db().QueryValue(
        "SELECT string_agg(encode(payload, 'hex'), ',' ORDER BY id) FROM outbox"
        " WHERE event_type = 'ccms.education.enrolment_changed' AND record_key = '" +
        case_id + "'");
    for (absl::string_view hex : absl::StrSplit(rows, ',', absl::SkipEmpty())) {
      events::v1::Envelope env;
      EXPECT_TRUE(env.ParseFromString(absl::HexStringToBytes(hex)));
      v1::EnrolmentChanged e;
      EXPECT_TRUE(env.payload().UnpackTo(&e));
      EXPECT_EQ(env.case_id(), case_id);
      EXPECT_EQ(e.case_id(), case_id);
      EXPECT_EQ(e.district_code(), kDistrictA);
      EXPECT_EQ(e.kind(), v1::SESSION_KIND_CENTRALIZED);
      EXPECT_LT(e.start_time().seconds(), e.end_time().seconds());
      out.push_back(e.status() + "@" + e.session_id() +
                    (e.superseded_by().empty() ? "" : ">" + e.superseded_by()) + "@" +
                    std::to_string(e.start_time().seconds()));
    }
    return out;
  };
  const std::string at = "@" + std::to_string(absl::ToUnixSeconds(start));
  v1::EnrolCaseResponse er;
  ASSERT_TRUE(Enrol(session, a, &er).ok());
  ASSERT_TRUE(Enrol(session, b, &er).ok());
  EXPECT_EQ(er.enrolment().status(), v1::ENROLMENT_STATUS_WAITLISTED);
  EXPECT_EQ(events_of(a), std::vector<std::string>{"ENROLLED@" + session + at});
  EXPECT_EQ(events_of(b), std::vector<std::string>{"WAITLISTED@" + session + at});
  // A refused enrolment (already enrolled) writes no event.
  EXPECT_EQ(Enrol(session, a, &er).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(events_of(a).size(), 1u);

  v1::WithdrawEnrolmentRequest wr;
  wr.set_request_id(ids::NewUuid());
  wr.set_session_id(session);
  wr.set_case_id(a);
  v1::WithdrawEnrolmentResponse wresp;
  {
    auto ctx = h().Context(WorkerA());
    ASSERT_TRUE(h().sessions().WithdrawEnrolment(ctx.get(), wr, &wresp).ok());
  }
  EXPECT_EQ(events_of(a),
            (std::vector<std::string>{"ENROLLED@" + session + at, "WITHDRAWN@" + session + at}));
  EXPECT_EQ(events_of(b),
            (std::vector<std::string>{"WAITLISTED@" + session + at, "ENROLLED@" + session + at}));

  v1::MoveSessionRequest move;
  move.set_request_id(ids::NewUuid());
  move.set_session_id(session);
  const absl::Time new_start = Tomorrow(14, 4);
  *move.mutable_start_time() = ToProtoTimestamp(new_start);
  *move.mutable_end_time() = ToProtoTimestamp(new_start + absl::Hours(1));
  move.set_reason_code("VENUE_UNAVAILABLE");
  v1::MoveSessionResponse mr;
  {
    auto ctx = h().Context(WorkerA());
    const grpc::Status st = h().sessions().MoveSession(ctx.get(), move, &mr);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  const std::string replacement = mr.replacement().session_id();
  const std::string new_at = "@" + std::to_string(absl::ToUnixSeconds(new_start));
  // The withdrawn case is not told again; b leaves the old session and joins the new one.
  EXPECT_EQ(events_of(a).size(), 2u);
  EXPECT_EQ(events_of(b),
            (std::vector<std::string>{"WAITLISTED@" + session + at, "ENROLLED@" + session + at,
                                      "SESSION_MOVED@" + session + ">" + replacement + at,
                                      "ENROLLED@" + replacement + new_at}));

  v1::CancelSessionRequest cancel;
  cancel.set_request_id(ids::NewUuid());
  cancel.set_session_id(replacement);
  cancel.set_reason_code("WEATHER");
  v1::CancelSessionResponse cr;
  {
    auto ctx = h().Context(WorkerA());
    ASSERT_TRUE(h().sessions().CancelSession(ctx.get(), cancel, &cr).ok());
  }
  const auto last = events_of(b);
  ASSERT_EQ(last.size(), 5u);
  EXPECT_EQ(last.back(), "SESSION_CANCELLED@" + replacement + new_at);
  // Codes, times and ids only: never the venue.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.education.enrolment_changed' AND position('Office hall'::bytea IN"
                  " payload) > 0"),
            0);
}

}  // namespace
}  // namespace ccms::testing
