// Session rules: values, the minors/adults separation, criteria, overlaps, credited minutes, and
// the shipped policy's `education.session` section.
#include "services/education/domain/session_rules.h"

#include <random>

#include "common/policy/policy.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "services/education/domain/education_policy.h"

namespace ccms::education::domain {
namespace {

absl::Time At(int y, int mo, int d, int h, int mi = 0) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), time::ShanghaiTimeZone());
}

SessionFacts Session(const std::string& audience, absl::Time start, absl::Time end) {
  SessionFacts s;
  s.session_id = "s1";
  s.district_code = "110101";
  s.audience = audience;
  s.start = start;
  s.end = end;
  return s;
}

CaseView Case(bool minor) {
  CaseView c;
  c.case_id = "c1";
  c.district_code = "110101";
  c.status = CaseStatus::kActive;
  c.minor = minor;
  c.sex = "FEMALE";
  c.age_band = minor ? "16_TO_17" : "26_TO_35";
  c.offence_category = "theft";
  return c;
}

const absl::Time kNow = At(2026, 12, 6, 9);

TEST(SessionRulesTest, MinorsAndAdultsNeverTogether) {
  const SessionFacts minors = Session(kMinorsOnly, At(2026, 12, 7, 9), At(2026, 12, 7, 11));
  const SessionFacts adults = Session(kAdultsOnly, At(2026, 12, 7, 9), At(2026, 12, 7, 11));
  EXPECT_TRUE(CheckEnrol(minors, Case(true), {}, kNow).ok());
  EXPECT_TRUE(CheckEnrol(adults, Case(false), {}, kNow).ok());
  EXPECT_EQ(CheckEnrol(adults, Case(true), {}, kNow).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckEnrol(minors, Case(false), {}, kNow).code(),
            absl::StatusCode::kFailedPrecondition);
  // A session of no audience takes nobody (the service refuses to schedule one anyway).
  const SessionFacts none = Session("", At(2026, 12, 7, 9), At(2026, 12, 7, 11));
  EXPECT_FALSE(CheckEnrol(none, Case(true), {}, kNow).ok());
  EXPECT_FALSE(CheckEnrol(none, Case(false), {}, kNow).ok());
}

TEST(SessionRulesTest, RandomizedSeparation) {
  std::mt19937 rng(20261206);
  int allowed = 0;
  for (int i = 0; i < 5000; ++i) {
    const bool minor = rng() % 2 == 0;
    const std::string audience = rng() % 2 == 0 ? kMinorsOnly : kAdultsOnly;
    const SessionFacts s = Session(audience, At(2026, 12, 7, 9), At(2026, 12, 7, 11));
    const bool ok = CheckEnrol(s, Case(minor), {}, kNow).ok();
    EXPECT_EQ(ok, minor == (audience == kMinorsOnly)) << i;
    allowed += ok ? 1 : 0;
  }
  EXPECT_GT(allowed, 2000);
  EXPECT_LT(allowed, 3000);
}

TEST(SessionRulesTest, OverlapsAreHalfOpen) {
  const SessionFacts s = Session(kAdultsOnly, At(2026, 12, 7, 9), At(2026, 12, 7, 11));
  SessionFacts other = Session(kAdultsOnly, At(2026, 12, 7, 10), At(2026, 12, 7, 12));
  other.session_id = "s2";
  EXPECT_EQ(CheckEnrol(s, Case(false), {other}, kNow).code(),
            absl::StatusCode::kFailedPrecondition);
  other.start = At(2026, 12, 7, 11);  // back to back: no overlap
  other.end = At(2026, 12, 7, 12);
  EXPECT_TRUE(CheckEnrol(s, Case(false), {other}, kNow).ok());
  other.start = At(2026, 12, 7, 8);  // contains it
  other.end = At(2026, 12, 7, 13);
  EXPECT_FALSE(CheckEnrol(s, Case(false), {other}, kNow).ok());
  other.status = SessionStatus::kCancelled;  // a cancelled session holds nobody
  EXPECT_TRUE(CheckEnrol(s, Case(false), {other}, kNow).ok());
}

TEST(SessionRulesTest, StateDistrictAndCriteria) {
  SessionFacts s = Session(kAdultsOnly, At(2026, 12, 7, 9), At(2026, 12, 7, 11));
  CaseView c = Case(false);
  c.status = CaseStatus::kPendingIntake;
  EXPECT_FALSE(CheckEnrol(s, c, {}, kNow).ok());
  c.status = CaseStatus::kClosed;
  EXPECT_FALSE(CheckEnrol(s, c, {}, kNow).ok());
  c = Case(false);
  c.district_code = "310101";
  EXPECT_FALSE(CheckEnrol(s, c, {}, kNow).ok());
  c = Case(false);
  s.criteria_sexes = {"MALE"};
  EXPECT_FALSE(CheckEnrol(s, c, {}, kNow).ok());
  s.criteria_sexes = {"MALE", "FEMALE"};
  s.criteria_age_bands = {"26_TO_35"};
  s.criteria_offences = {"theft", "fraud"};
  EXPECT_TRUE(CheckEnrol(s, c, {}, kNow).ok());
  s.criteria_offences = {"fraud"};
  EXPECT_FALSE(CheckEnrol(s, c, {}, kNow).ok());
  s.criteria_offences = {};
  s.status = SessionStatus::kMoved;
  EXPECT_FALSE(CheckEnrol(s, c, {}, kNow).ok());
  s.status = SessionStatus::kScheduled;
  EXPECT_FALSE(CheckEnrol(s, c, {}, At(2026, 12, 7, 11)).ok());  // ended
  EXPECT_TRUE(CheckEnrol(s, c, {}, At(2026, 12, 7, 10)).ok());   // under way
}

SessionPolicy Defaults() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "built-in");
  EXPECT_TRUE(doc.ok());
  auto p = LoadEducationPolicies(*doc);
  EXPECT_TRUE(p.ok()) << p.status();
  return p->Latest().rules.session;
}

TEST(SessionRulesTest, ShippedPolicy) {
  const SessionPolicy p = Defaults();
  EXPECT_EQ(p.max_capacity, 200);
  EXPECT_EQ(p.max_minutes, 480);
  EXPECT_EQ(p.max_series_sessions, 60);
  EXPECT_EQ(p.credit_percent_attended, 100);
  EXPECT_EQ(p.credit_percent_late, 50);
  EXPECT_EQ(p.credit_percent_absent, 0);
  EXPECT_EQ(p.max_credited_minutes, 240);
  EXPECT_FALSE(p.change_reason_codes.empty());
  EXPECT_TRUE(p.calendar.holidays.empty());
}

TEST(SessionRulesTest, PolicyProblemsAreNamed) {
  std::string text(policy::PolicyDocument::BuiltInDefault());
  // The session's calendar is the last pair of lists in the education section.
  const size_t edu = text.find("\neducation:");
  ASSERT_NE(edu, std::string::npos);
  const size_t extra = text.find("extra_working_days: []", edu);
  ASSERT_NE(extra, std::string::npos);
  text.replace(extra, std::string("extra_working_days: []").size(),
               "extra_working_days: [2026-10-09]");  // a Friday
  const size_t late = text.find("late: 50", edu);
  ASSERT_NE(late, std::string::npos);
  text.replace(late, std::string("late: 50").size(), "late: 150");
  auto doc = policy::PolicyDocument::Parse(text, "test");
  ASSERT_TRUE(doc.ok());
  auto p = LoadEducationPolicies(*doc);
  ASSERT_FALSE(p.ok());
  const std::string msg(p.status().message());
  EXPECT_NE(msg.find("education.session.extra_working_days"), std::string::npos) << msg;
  EXPECT_NE(msg.find("education.session.credit_percent.late"), std::string::npos) << msg;
}

TEST(SessionRulesTest, CreditedMinutesComeFromThePolicy) {
  const SessionPolicy p = Defaults();
  EXPECT_EQ(CreditedMinutes(Outcome::kAttended, absl::Minutes(120), p), 120);
  EXPECT_EQ(CreditedMinutes(Outcome::kLate, absl::Minutes(120), p), 60);
  EXPECT_EQ(CreditedMinutes(Outcome::kLate, absl::Minutes(45), p), 22);  // rounded down
  EXPECT_EQ(CreditedMinutes(Outcome::kExcused, absl::Minutes(120), p), 0);
  EXPECT_EQ(CreditedMinutes(Outcome::kAbsentAfterNotice, absl::Minutes(120), p), 0);
  EXPECT_EQ(CreditedMinutes(Outcome::kAbsent, absl::Minutes(120), p), 0);
  EXPECT_EQ(CreditedMinutes(Outcome::kAttended, absl::Minutes(480), p), 240);  // the cap
  EXPECT_EQ(CreditedMinutes(Outcome::kAttended, absl::Seconds(119), p), 1);
  EXPECT_EQ(CreditedMinutes(Outcome::kAttended, absl::ZeroDuration(), p), 0);
  EXPECT_TRUE(NoticeGiven(Outcome::kAbsentAfterNotice, false));
  EXPECT_FALSE(NoticeGiven(Outcome::kAbsent, false));
  EXPECT_TRUE(NoticeGiven(Outcome::kAbsent, true));
}

TEST(SessionRulesTest, SessionValues) {
  const SessionPolicy p = Defaults();
  EXPECT_TRUE(CheckSessionValues(At(2026, 12, 7, 9), At(2026, 12, 7, 11), 30, kMinorsOnly, kNow, p)
                  .empty());
  auto fields = [&](absl::Time s, absl::Time e, int cap, const std::string& a) {
    std::vector<std::string> out;
    for (const auto& v : CheckSessionValues(s, e, cap, a, kNow, p)) out.push_back(v.field);
    return out;
  };
  EXPECT_EQ(fields(At(2026, 12, 7, 9), At(2026, 12, 7, 11), 30, ""),
            std::vector<std::string>{"audience"});
  EXPECT_EQ(fields(At(2026, 12, 7, 9), At(2026, 12, 7, 11), 0, kAdultsOnly),
            std::vector<std::string>{"capacity"});
  EXPECT_EQ(fields(At(2026, 12, 7, 9), At(2026, 12, 7, 11), 201, kAdultsOnly),
            std::vector<std::string>{"capacity"});
  EXPECT_EQ(fields(At(2026, 12, 7, 9), At(2026, 12, 7, 9), 5, kAdultsOnly),
            std::vector<std::string>{"end_time"});
  EXPECT_EQ(fields(At(2026, 12, 7, 8), At(2026, 12, 7, 17, 1), 5, kAdultsOnly),
            std::vector<std::string>{"end_time"});
  EXPECT_EQ(fields(At(2026, 11, 28, 9), At(2026, 11, 28, 10), 5, kAdultsOnly),
            std::vector<std::string>{"start_time"});
  EXPECT_TRUE(fields(At(2026, 11, 29, 9), At(2026, 11, 29, 10), 5, kAdultsOnly).empty());
}

}  // namespace
}  // namespace ccms::education::domain
