// The person's other obligations when openings are ranked (issue 15 item 3) on PostgreSQL:
// education's enrolment_changed, fed as real envelopes through the ccms-employment-education
// consumer's inbox, keeps the case's sessions (enrolled, withdrawn, waitlisted, moved, cancelled);
// RankOpeningsForCase lowers an opening whose weekly shifts clash with the enrolled sessions of
// the policy's weeks ahead (CLASHES_WITH_EDUCATION_SESSION, the sessions named, never excluded),
// says SCHEDULE_NOT_GIVEN for an opening without shifts; a redelivered event changes nothing, a
// malformed one is skipped; an opening's schedule round-trips and a bad one is refused by field;
// another district's staff do not reach the case.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ccms/education/v1/education_events.pb.h"
#include "ccms/employment/v1/opening_service.grpc.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
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
using grpc_util::ToProtoTimestamp;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";
constexpr char kEducationTopic[] = "ccms.education.v1";

class EmploymentObligationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.consumer().Stop();  // only this test's events make cases and sessions
    h_.education_consumer().Stop();
    staff_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictA}, "staff-a");
    staff_b_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictB}, "staff-b");
    openings_ = v1::OpeningService::NewStub(h_.channel());
  }

  CivilDay Today() { return h_.Today(); }
  std::string Count(const std::string& sql) { return h_.db().QueryValue(sql); }

  // Day `d` at hh:mm in Shanghai.
  absl::Time At(CivilDay d, int hh, int mm = 0) {
    return absl::FromCivil(absl::CivilMinute(d) + hh * 60 + mm, time::ShanghaiTimeZone());
  }
  // The Monday after today (at least a day ahead).
  CivilDay NextMonday() {
    CivilDay d = Today() + 1;
    while (absl::GetWeekday(d) != absl::Weekday::monday) ++d;
    return d;
  }

  std::string Case(const std::string& district) {
    auto case_id = h_.FeedOpenedCase(
        district, {.judged_days_ago = 100, .reported_days_ago = 90, .offence_category = "theft"});
    EXPECT_TRUE(case_id.ok()) << case_id.status();
    return case_id.value_or("");
  }

  // education's enrolment_changed as the serialized envelope the topic carries.
  std::string Enrolment(const std::string& case_id, const std::string& session_id,
                        const std::string& status, absl::Time start, absl::Time end,
                        const std::string& superseded_by = "") {
    education::v1::EnrolmentChanged p;
    p.set_case_id(case_id);
    p.set_district_code(kDistrictA);
    p.set_session_id(session_id);
    p.set_session_district_code(kDistrictA);
    p.set_kind(education::v1::SESSION_KIND_CENTRALIZED);
    *p.mutable_start_time() = ToProtoTimestamp(start);
    *p.mutable_end_time() = ToProtoTimestamp(end);
    p.set_status(status);
    p.set_superseded_by(superseded_by);
    return kafka::MakeEnvelope("ccms.education.enrolment_changed", case_id, kDistrictA, absl::Now(),
                               absl::Now(), "education-test", p)
        .SerializeAsString();
  }
  // Hands the bytes to the education consumer; whether it applied them (false: seen before).
  bool Deliver(const std::string& bytes) {
    auto applied = h_.education_consumer().Process(kEducationTopic, 2, offset_++, bytes);
    EXPECT_TRUE(applied.ok()) << applied.status();
    return applied.ok() && *applied;
  }

  v1::Partner Register(const std::string& agency) {
    v1::RegisterPartnerRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_agency_id(agency);
    req.set_name("Partner " + agency);
    req.set_kind(v1::PARTNER_KIND_ENTERPRISE);
    req.set_district_code(kDistrictA);
    v1::RegisterPartnerResponse resp;
    auto ctx = h_.Context(staff_);
    const grpc::Status st = h_.partners().RegisterPartner(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.partner();
  }

  v1::PostOpeningRequest OpeningRequest(const v1::Partner& partner, const std::string& title,
                                        std::vector<int> days, const std::string& from,
                                        const std::string& to) {
    v1::PostOpeningRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_partner_id(partner.partner_id());
    req.set_district_code(kDistrictA);
    req.set_title(title);
    req.set_sector_code("LOGISTICS");
    req.set_hours_per_week(40);
    *req.mutable_closes_on() = ToProtoDate(Today() + 60);
    req.set_places(2);
    if (!days.empty() || !from.empty() || !to.empty()) {
      for (int d : days) req.mutable_schedule()->add_days_of_week(d);
      req.mutable_schedule()->set_start_local_time(from);
      req.mutable_schedule()->set_end_local_time(to);
    }
    return req;
  }
  grpc::Status Post(const v1::PostOpeningRequest& req, v1::PostOpeningResponse* resp) {
    auto ctx = h_.Context(staff_);
    return openings_->PostOpening(ctx.get(), req, resp);
  }
  v1::RankOpeningsForCaseResponse Rank(const std::string& case_id) {
    v1::RankOpeningsForCaseRequest req;
    req.set_case_id(case_id);
    v1::RankOpeningsForCaseResponse resp;
    auto ctx = h_.Context(staff_);
    const grpc::Status st = openings_->RankOpeningsForCase(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp;
  }
  static const v1::RankedOpening* Find(const v1::RankOpeningsForCaseResponse& r,
                                       const std::string& opening_id) {
    for (const auto& x : r.openings()) {
      if (x.opening().opening_id() == opening_id) return &x;
    }
    ADD_FAILURE() << "not ranked: " << opening_id;
    return &v1::RankedOpening::default_instance();
  }
  static bool Has(const v1::RankedOpening& r, const std::string& reason) {
    for (const auto& x : r.reason_codes()) {
      if (x == reason) return true;
    }
    return false;
  }

  EmploymentHarness h_;
  std::string staff_;
  std::string staff_b_;
  std::unique_ptr<v1::OpeningService::Stub> openings_;
  int64_t offset_ = 1;
};

TEST_F(EmploymentObligationsTest, OpeningsClashingWithEducationSessionsRankLower) {
  const std::string case_id = Case(kDistrictA);
  const v1::Partner partner = Register("obligations-agency");
  v1::PostOpeningResponse day, night, none;
  ASSERT_TRUE(Post(OpeningRequest(partner, "day", {1, 2, 3, 4, 5}, "09:00", "17:00"), &day).ok());
  ASSERT_TRUE(
      Post(OpeningRequest(partner, "night", {1, 2, 3, 4, 5}, "22:00", "06:00"), &night).ok());
  ASSERT_TRUE(Post(OpeningRequest(partner, "none", {}, "", ""), &none).ok());
  // The schedule round-trips.
  ASSERT_TRUE(night.opening().has_schedule());
  EXPECT_EQ(night.opening().schedule().days_of_week_size(), 5);
  EXPECT_EQ(night.opening().schedule().start_local_time(), "22:00");
  EXPECT_EQ(night.opening().schedule().end_local_time(), "06:00");
  EXPECT_FALSE(none.opening().has_schedule());
  EXPECT_EQ(Count("SELECT array_to_string(work_days, ',') || ' ' || shift_start_minute || ' ' ||"
                  " shift_end_minute FROM job_openings WHERE opening_id = '" +
                  night.opening().opening_id() + "'"),
            "1,2,3,4,5 1320 360");

  // Nothing known yet: no education reason anywhere.
  auto ranked = Rank(case_id);
  EXPECT_TRUE(ranked.obligations_considered());
  EXPECT_EQ(ranked.education_sessions_ahead(), 0);
  EXPECT_FALSE(Has(*Find(ranked, day.opening().opening_id()), "CLASHES_WITH_EDUCATION_SESSION"));
  EXPECT_FALSE(Has(*Find(ranked, none.opening().opening_id()), "SCHEDULE_NOT_GIVEN"));

  const CivilDay monday = NextMonday();
  const std::string s1 = ids::NewUuid();  // Monday 10:00-12:00: clashes with "day"
  const std::string s2 = ids::NewUuid();  // Tuesday 13:00-15:00, then withdrawn
  const std::string s3 = ids::NewUuid();  // waitlisted only
  const std::string s4 = ids::NewUuid();  // beyond the 4 weeks ahead
  const std::string s5 = ids::NewUuid();  // moved: its replacement s6 on Saturday morning
  const std::string s6 = ids::NewUuid();
  const std::string s7 = ids::NewUuid();  // Wednesday 07:00-09:00: ends as "day" starts
  const std::string s1_enrolled =
      Enrolment(case_id, s1, "ENROLLED", At(monday, 10), At(monday, 12));
  ASSERT_TRUE(Deliver(s1_enrolled));
  ASSERT_TRUE(Deliver(Enrolment(case_id, s2, "ENROLLED", At(monday + 1, 13), At(monday + 1, 15))));
  ASSERT_TRUE(Deliver(Enrolment(case_id, s2, "WITHDRAWN", At(monday + 1, 13), At(monday + 1, 15))));
  ASSERT_TRUE(
      Deliver(Enrolment(case_id, s3, "WAITLISTED", At(monday + 2, 13), At(monday + 2, 15))));
  ASSERT_TRUE(
      Deliver(Enrolment(case_id, s4, "ENROLLED", At(monday + 35, 10), At(monday + 35, 12))));
  ASSERT_TRUE(Deliver(Enrolment(case_id, s5, "ENROLLED", At(monday + 3, 10), At(monday + 3, 12))));
  ASSERT_TRUE(
      Deliver(Enrolment(case_id, s5, "SESSION_MOVED", At(monday + 3, 10), At(monday + 3, 12), s6)));
  ASSERT_TRUE(Deliver(Enrolment(case_id, s6, "ENROLLED", At(monday + 5, 9), At(monday + 5, 11))));
  ASSERT_TRUE(Deliver(Enrolment(case_id, s7, "ENROLLED", At(monday + 2, 7), At(monday + 2, 9))));
  // A malformed one (no such status) is skipped, applied as nothing.
  EXPECT_TRUE(Deliver(Enrolment(case_id, ids::NewUuid(), "MAYBE", At(monday, 10), At(monday, 11))));
  EXPECT_EQ(Count("SELECT string_agg(status, ',' ORDER BY start_at) FROM case_education_sessions"
                  " WHERE case_id = '" +
                  case_id + "'"),
            "ENROLLED,WITHDRAWN,ENROLLED,WAITLISTED,SESSION_MOVED,ENROLLED,ENROLLED");

  ranked = Rank(case_id);
  EXPECT_EQ(ranked.education_sessions_ahead(), 3);  // s1, s7 and s6
  const auto& d = *Find(ranked, day.opening().opening_id());
  const auto& n = *Find(ranked, night.opening().opening_id());
  const auto& x = *Find(ranked, none.opening().opening_id());
  // Same district, no skills required: 150; the day shifts clash with s1 only (s7 ends at 09:00,
  // s6 is on a Saturday): one penalty of 30 (the shipped policy's default).
  EXPECT_TRUE(d.eligible());
  EXPECT_TRUE(Has(d, "CLASHES_WITH_EDUCATION_SESSION"));
  ASSERT_EQ(d.clashing_session_ids_size(), 1);
  EXPECT_EQ(d.clashing_session_ids(0), s1);
  EXPECT_EQ(d.score(), 120);
  EXPECT_EQ(d.rank(), 3);
  EXPECT_FALSE(Has(n, "CLASHES_WITH_EDUCATION_SESSION"));
  EXPECT_EQ(n.score(), 150);
  EXPECT_TRUE(Has(x, "SCHEDULE_NOT_GIVEN"));
  EXPECT_EQ(x.score(), 150);

  // s1 withdrawn: no clash; the redelivered ENROLLED (same event) changes nothing.
  ASSERT_TRUE(Deliver(Enrolment(case_id, s1, "WITHDRAWN", At(monday, 10), At(monday, 12))));
  EXPECT_FALSE(Deliver(s1_enrolled));
  ranked = Rank(case_id);
  EXPECT_EQ(ranked.education_sessions_ahead(), 2);
  EXPECT_FALSE(Has(*Find(ranked, day.opening().opening_id()), "CLASHES_WITH_EDUCATION_SESSION"));
  EXPECT_EQ(Find(ranked, day.opening().opening_id())->score(), 150);
  // A cancelled session stops counting too (s7 ends as the day starts: no clash either way).
  ASSERT_TRUE(
      Deliver(Enrolment(case_id, s6, "SESSION_CANCELLED", At(monday + 5, 9), At(monday + 5, 11))));
  EXPECT_EQ(Rank(case_id).education_sessions_ahead(), 1);

  // Another district's staff: the case does not exist for them.
  v1::RankOpeningsForCaseRequest req;
  req.set_case_id(case_id);
  v1::RankOpeningsForCaseResponse resp;
  auto ctx = h_.Context(staff_b_);
  EXPECT_EQ(openings_->RankOpeningsForCase(ctx.get(), req, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(EmploymentObligationsTest, ABadScheduleIsRefusedByField) {
  const v1::Partner partner = Register("schedule-agency");
  struct Bad {
    std::vector<int> days;
    std::string from, to, field;
  };
  const std::vector<Bad> bad = {
      {{0}, "09:00", "17:00", "schedule.days_of_week"},
      {{8}, "09:00", "17:00", "schedule.days_of_week"},
      {{2, 1}, "09:00", "17:00", "schedule.days_of_week"},
      {{1, 1}, "09:00", "17:00", "schedule.days_of_week"},
      {{}, "09:00", "17:00", "schedule.days_of_week"},
      {{1}, "24:00", "17:00", "schedule.start_local_time"},
      {{1}, "9:00", "17:00", "schedule.start_local_time"},
      {{1}, "09:00", "", "schedule.end_local_time"},
      {{1}, "09:00", "09:00", "schedule.end_local_time"},
  };
  const std::string before = Count("SELECT count(*) FROM job_openings");
  for (const Bad& b : bad) {
    v1::PostOpeningResponse resp;
    const grpc::Status st = Post(OpeningRequest(partner, "bad", b.days, b.from, b.to), &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << b.field;
    EXPECT_NE(st.error_details().find(b.field), std::string::npos)
        << b.field << " not named for " << b.from << "-" << b.to;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM job_openings"), before);
}

}  // namespace
}  // namespace ccms::testing
