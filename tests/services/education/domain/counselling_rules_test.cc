// Psychological help's rules at their edges: who may give therapy, the urgent contact's due time
// at the hour boundaries in Asia/Shanghai (and the policy version of the day it was raised),
// referral outcomes, and who may read the psychological file.
#include "services/education/domain/counselling_rules.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/services/education/domain/test_policy.h"

namespace ccms::education::domain {
namespace {

const absl::TimeZone& Shanghai() {
  static const absl::TimeZone* tz = [] {
    auto* z = new absl::TimeZone;
    absl::LoadTimeZone("Asia/Shanghai", z);
    return z;
  }();
  return *tz;
}
absl::Time AtShanghai(int y, int m, int d, int hh, int mm, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), Shanghai());
}

CaseView ActiveCase() {
  CaseView c;
  c.case_id = "c1";
  c.district_code = "110101";
  c.status = CaseStatus::kActive;
  c.supervision_start = absl::CivilDay(2026, 1, 10);
  return c;
}

ExpertFacts Expert(const std::string& kind, bool therapy = false,
                   const std::string& district = "110101") {
  return {"e1", district, kind, therapy};
}

TEST(CounsellingRulesTest, TherapyOnlyByAProfessionalProvider) {
  EXPECT_TRUE(MayGiveTherapy(Expert("PROFESSIONAL")));
  EXPECT_TRUE(MayGiveTherapy(Expert("PARTNER_CENTRE", true)));
  EXPECT_FALSE(MayGiveTherapy(Expert("PARTNER_CENTRE", false)));
  EXPECT_FALSE(MayGiveTherapy(Expert("SOCIAL_WORKER", true)));  // the flag alone is not enough
  EXPECT_FALSE(MayGiveTherapy(Expert("VOLUNTEER")));

  const absl::CivilDay day(2026, 3, 1);
  for (const char* kind : {"SOCIAL_WORKER", "VOLUNTEER"}) {
    const absl::Status st = CheckCounsellingSession(ActiveCase(), Expert(kind), "THERAPY", day);
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << kind;
    EXPECT_TRUE(absl::StrContains(st.message(), kTherapyRule)) << st.message();
    EXPECT_TRUE(CheckCounsellingSession(ActiveCase(), Expert(kind), "GUIDANCE", day).ok());
    EXPECT_TRUE(CheckCounsellingSession(ActiveCase(), Expert(kind), "EDUCATION", day).ok());
  }
  EXPECT_TRUE(CheckCounsellingSession(ActiveCase(), Expert("PROFESSIONAL"), "THERAPY", day).ok());
  EXPECT_EQ(CheckCounsellingSession(ActiveCase(), Expert("PARTNER_CENTRE"), "THERAPY", day).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(CounsellingRulesTest, SessionNeedsTheCaseDistrictsPoolAnOpenCaseAndADayInTheTerm) {
  EXPECT_EQ(CheckCounsellingSession(ActiveCase(), Expert("PROFESSIONAL", false, "310101"),
                                    "GUIDANCE", absl::CivilDay(2026, 3, 1))
                .code(),
            absl::StatusCode::kFailedPrecondition);
  CaseView closed = ActiveCase();
  closed.status = CaseStatus::kClosed;
  EXPECT_EQ(CheckCounsellingSession(closed, Expert("PROFESSIONAL"), "GUIDANCE",
                                    absl::CivilDay(2026, 3, 1))
                .code(),
            absl::StatusCode::kFailedPrecondition);
  // The supervision start itself is in the term, the day before is not.
  EXPECT_TRUE(CheckCounsellingSession(ActiveCase(), Expert("PROFESSIONAL"), "GUIDANCE",
                                      absl::CivilDay(2026, 1, 10))
                  .ok());
  EXPECT_EQ(CheckCounsellingSession(ActiveCase(), Expert("PROFESSIONAL"), "GUIDANCE",
                                    absl::CivilDay(2026, 1, 9))
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CounsellingRulesTest, ExpertRegistration) {
  EXPECT_TRUE(CheckExpertRegistration("PROFESSIONAL", "", true).empty());
  EXPECT_TRUE(CheckExpertRegistration("PARTNER_CENTRE", "centre-7", true).empty());
  ASSERT_EQ(CheckExpertRegistration("PARTNER_CENTRE", "", false).size(), 1u);
  EXPECT_EQ(CheckExpertRegistration("PARTNER_CENTRE", "", false)[0].field, "agency_id");
  EXPECT_EQ(CheckExpertRegistration("VOLUNTEER", "", true)[0].field, "therapy_qualified");
  EXPECT_EQ(CheckExpertRegistration("SOCIAL_WORKER", "x", false)[0].field, "agency_id");
}

// Raised 23:30 in Shanghai (15:30 UTC): due 24 hours later, 23:30 the next day in Shanghai. The
// due time itself is in time; a microsecond later is overdue; a met contact never is.
TEST(CounsellingRulesTest, UrgentContactDueAtTheHourInShanghai) {
  const EducationPolicies policies = testing::DefaultPolicies();
  const absl::Time raised = AtShanghai(2026, 3, 10, 23, 30);
  EXPECT_EQ(raised,
            absl::FromCivil(absl::CivilSecond(2026, 3, 10, 15, 30, 0), absl::UTCTimeZone()));
  const UrgentDue due = UrgentContactDue(raised, policies);
  EXPECT_EQ(due.due_at, AtShanghai(2026, 3, 11, 23, 30));
  EXPECT_EQ(due.policy_version, "test-policy");
  EXPECT_FALSE(UrgentOverdue(due.due_at, false, AtShanghai(2026, 3, 11, 23, 29, 59)));
  EXPECT_FALSE(UrgentOverdue(due.due_at, false, due.due_at));
  EXPECT_TRUE(UrgentOverdue(due.due_at, false, due.due_at + absl::Microseconds(1)));
  EXPECT_TRUE(UrgentOverdue(due.due_at, false, AtShanghai(2026, 3, 12, 0, 0)));
  EXPECT_FALSE(UrgentOverdue(due.due_at, true, AtShanghai(2026, 3, 12, 0, 0)));
  // A session at the flag's time meets it; one a second before does not.
  EXPECT_TRUE(MeetsUrgentContact(raised, raised));
  EXPECT_FALSE(MeetsUrgentContact(raised, raised - absl::Seconds(1)));
}

// The policy in force is the one of the day the flag was raised in Shanghai, not in UTC: a new
// version from 2026-03-11 applies to a flag raised at 00:30 on the 11th in Shanghai (16:30 UTC on
// the 10th), and not to one raised at 23:59:59 on the 10th.
TEST(CounsellingRulesTest, UrgentContactTakesThePolicyOfTheShanghaiDay) {
  EducationPolicy old_rules = testing::DefaultPolicy("old");
  EducationPolicy new_rules = testing::DefaultPolicy("new");
  new_rules.urgent_contact_within_hours = 12;
  const EducationPolicies policies =
      *EducationPolicies::Make({{"old", absl::CivilDay(2020, 1, 1), old_rules},
                                {"new", absl::CivilDay(2026, 3, 11), new_rules}},
                               "test policy");
  const absl::Time before_midnight = AtShanghai(2026, 3, 10, 23, 59, 59);
  const UrgentDue a = UrgentContactDue(before_midnight, policies);
  EXPECT_EQ(a.policy_version, "old");
  EXPECT_EQ(a.due_at, before_midnight + absl::Hours(24));
  const absl::Time after_midnight = AtShanghai(2026, 3, 11, 0, 30);
  EXPECT_EQ(absl::ToCivilDay(after_midnight, absl::UTCTimeZone()), absl::CivilDay(2026, 3, 10));
  const UrgentDue b = UrgentContactDue(after_midnight, policies);
  EXPECT_EQ(b.policy_version, "new");
  EXPECT_EQ(b.due_at, AtShanghai(2026, 3, 11, 12, 30));
}

TEST(CounsellingRulesTest, ReferralOutcomes) {
  const absl::CivilDay referred(2026, 3, 1), today(2026, 3, 20);
  EXPECT_TRUE(CheckReferralOutcome("PENDING", "ACCEPTED", referred, referred, today).ok());
  EXPECT_TRUE(CheckReferralOutcome("PENDING", "DECLINED", referred, today, today).ok());
  EXPECT_TRUE(CheckReferralOutcome("ACCEPTED", "COMPLETED", referred, today, today).ok());
  EXPECT_TRUE(CheckReferralOutcome("ACCEPTED", "NO_SHOW", referred, today, today).ok());
  EXPECT_EQ(CheckReferralOutcome("ACCEPTED", "DECLINED", referred, today, today).code(),
            absl::StatusCode::kFailedPrecondition);
  for (const char* done : {"DECLINED", "COMPLETED", "NO_SHOW"}) {
    EXPECT_EQ(CheckReferralOutcome(done, "ACCEPTED", referred, today, today).code(),
              absl::StatusCode::kFailedPrecondition)
        << done;
  }
  EXPECT_EQ(CheckReferralOutcome("PENDING", "ACCEPTED", referred, referred - 1, today).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckReferralOutcome("PENDING", "ACCEPTED", referred, today + 1, today).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CounsellingRulesTest, PsychFileOnlyForTheDistrictsStaff) {
  auth::Principal p;
  for (auth::Role r :
       {auth::Role::kSocialWorker, auth::Role::kOfficeStaff, auth::Role::kDistrictBureau}) {
    p.role = r;
    EXPECT_TRUE(AuthorizePsychFile(p).ok());
  }
  for (auth::Role r : {auth::Role::kCityAdmin, auth::Role::kAuditor, auth::Role::kPartner,
                       auth::Role::kOps, auth::Role::kService}) {
    p.role = r;
    EXPECT_EQ(AuthorizePsychFile(p).code(), absl::StatusCode::kPermissionDenied);
  }
}

}  // namespace
}  // namespace ccms::education::domain
