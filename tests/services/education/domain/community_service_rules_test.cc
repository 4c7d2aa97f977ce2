// Community service: suitability by age band, sex, health and skills (minors apart from adults),
// the published list's open days and capacity edges, activity and waiver checks at their edges,
// waiver expiry and waived days over month ends and a leap February; the shipped policy.
#include "services/education/domain/community_service_rules.h"

#include "gtest/gtest.h"
#include "services/education/domain/education_policy.h"

namespace ccms::education::domain {
namespace {

CaseView Adult() {
  CaseView c;
  c.case_id = "c1";
  c.district_code = "110101";
  c.status = CaseStatus::kActive;
  c.sex = "FEMALE";
  c.age_band = "26_TO_35";
  c.intake_reported_on = absl::CivilDay(2026, 1, 10);
  return c;
}

ProjectFit Open() {
  ProjectFit p;
  p.capacity = 3;
  p.joined = 0;
  p.starts_on = absl::CivilDay(2026, 2, 1);
  p.ends_on = absl::CivilDay(2026, 2, 28);
  return p;
}

TEST(CommunityServiceRulesTest, SuitsByAgeSexHealthAndSkills) {
  const CaseView c = Adult();
  ProjectFit p = Open();
  EXPECT_TRUE(CheckSuits(p, c, std::nullopt).ok());  // LIGHT, no skill, any age and sex
  p.sexes = {"MALE"};
  EXPECT_FALSE(CheckSuits(p, c, std::nullopt).ok());
  p.sexes = {"MALE", "FEMALE"};
  EXPECT_TRUE(CheckSuits(p, c, std::nullopt).ok());
  p.age_bands = {"36_TO_45"};
  EXPECT_FALSE(CheckSuits(p, c, std::nullopt).ok());
  p.age_bands = {"26_TO_35", "36_TO_45"};
  EXPECT_TRUE(CheckSuits(p, c, std::nullopt).ok());
  p.effort = Effort::kFull;  // without a profile: only LIGHT projects
  EXPECT_FALSE(CheckSuits(p, c, std::nullopt).ok());
  ServiceProfileFacts light{Effort::kLight, {}};
  ServiceProfileFacts full{Effort::kFull, {"COOKING"}};
  EXPECT_FALSE(CheckSuits(p, c, light).ok());
  EXPECT_TRUE(CheckSuits(p, c, full).ok());
  p.skills = {"COOKING", "DRIVING"};  // every skill is needed
  EXPECT_FALSE(CheckSuits(p, c, full).ok());
  full.skills.push_back("DRIVING");
  EXPECT_TRUE(CheckSuits(p, c, full).ok());
  p.effort = Effort::kLight;
  EXPECT_FALSE(CheckSuits(p, c, std::nullopt).ok());  // skills need a profile
}

TEST(CommunityServiceRulesTest, MinorsApartFromAdults) {
  CaseView minor = Adult();
  minor.minor = true;
  minor.age_band = "16_TO_17";
  ProjectFit any = Open();
  EXPECT_FALSE(CheckSuits(any, minor, std::nullopt).ok());  // no age bands: adults' project
  ProjectFit minors = Open();
  minors.age_bands = {"UNDER_16", "16_TO_17"};
  EXPECT_TRUE(CheckSuits(minors, minor, std::nullopt).ok());
  EXPECT_FALSE(CheckSuits(minors, Adult(), std::nullopt).ok());
  ProjectFit mixed = Open();
  mixed.age_bands = {"16_TO_17", "18_TO_25"};
  EXPECT_FALSE(CheckSuits(mixed, minor, std::nullopt).ok());
  // Once a minor always a minor (art. 58): 18 during the term, still not in adults' projects.
  minor.age_band = "18_TO_25";
  EXPECT_FALSE(CheckSuits(mixed, minor, std::nullopt).ok());
}

TEST(CommunityServiceRulesTest, OpenDaysAndCapacityEdges) {
  ProjectFit p = Open();
  EXPECT_FALSE(CheckOpen(p, absl::CivilDay(2026, 1, 31)).ok());
  EXPECT_TRUE(CheckOpen(p, absl::CivilDay(2026, 2, 1)).ok());
  EXPECT_TRUE(CheckOpen(p, absl::CivilDay(2026, 2, 28)).ok());
  EXPECT_FALSE(CheckOpen(p, absl::CivilDay(2026, 3, 1)).ok());
  p.joined = 2;
  EXPECT_TRUE(CheckOpen(p, absl::CivilDay(2026, 2, 10)).ok());  // the last place
  p.joined = 3;
  const absl::Status full = CheckOpen(p, absl::CivilDay(2026, 2, 10));
  EXPECT_EQ(full.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(full.message(), "the project is full");
}

TEST(CommunityServiceRulesTest, ActivityEdges) {
  const CommunityServicePolicy policy;  // 480 minutes, 31 days back
  const CaseView c = Adult();
  const absl::CivilDay today(2026, 3, 1);
  EXPECT_TRUE(CheckActivity(c, today, 480, today, policy).ok());
  EXPECT_FALSE(CheckActivity(c, today, 481, today, policy).ok());
  EXPECT_FALSE(CheckActivity(c, today, 0, today, policy).ok());
  EXPECT_FALSE(CheckActivity(c, today + 1, 60, today, policy).ok());
  EXPECT_TRUE(CheckActivity(c, today - 31, 60, today, policy).ok());
  EXPECT_FALSE(CheckActivity(c, today - 32, 60, today, policy).ok());
  EXPECT_FALSE(CheckActivity(c, absl::CivilDay(2026, 1, 9), 60, absl::CivilDay(2026, 1, 20),
                             policy)
                   .ok());  // before the intake report
  CaseView closed = c;
  closed.status = CaseStatus::kClosed;
  EXPECT_EQ(CheckActivity(closed, today, 60, today, policy).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(CommunityServiceRulesTest, WaiverChecksAndExpiry) {
  const CommunityServicePolicy policy;  // at most 366 days
  const CaseView c = Adult();
  const absl::CivilDay today(2026, 3, 1);
  EXPECT_TRUE(CheckWaiver(c, today, today, today, policy).ok());
  EXPECT_FALSE(CheckWaiver(c, today, today - 1, today, policy).ok());
  EXPECT_TRUE(CheckWaiver(c, today, today + 365, today, policy).ok());
  EXPECT_FALSE(CheckWaiver(c, today, today + 366, today, policy).ok());
  EXPECT_FALSE(CheckWaiver(c, today - 10, today - 1, today, policy).ok());  // the past only
  EXPECT_TRUE(CheckWaiver(c, today - 10, today, today, policy).ok());
  const std::vector<WaiverDays> w = {{absl::CivilDay(2026, 3, 10), absl::CivilDay(2026, 3, 20)}};
  EXPECT_FALSE(Waived(w, absl::CivilDay(2026, 3, 9)));
  EXPECT_TRUE(Waived(w, absl::CivilDay(2026, 3, 10)));
  EXPECT_TRUE(Waived(w, absl::CivilDay(2026, 3, 20)));   // the last day is covered
  EXPECT_FALSE(Waived(w, absl::CivilDay(2026, 3, 21)));  // expired the day after
}

TEST(CommunityServiceRulesTest, WaivedDaysOverMonthEndsAndLeapDays) {
  // Overlapping waivers count a day once; a waiver across a month end splits.
  const std::vector<WaiverDays> w = {{absl::CivilDay(2028, 1, 25), absl::CivilDay(2028, 2, 10)},
                                     {absl::CivilDay(2028, 2, 5), absl::CivilDay(2028, 3, 2)}};
  EXPECT_EQ(WaivedDaysIn(w, absl::CivilMonth(2028, 1)), 7);
  EXPECT_EQ(WaivedDaysIn(w, absl::CivilMonth(2028, 2)), 29);  // leap February, all of it
  EXPECT_EQ(WaivedDaysIn(w, absl::CivilMonth(2028, 3)), 2);
  EXPECT_EQ(WaivedDaysIn(w, absl::CivilMonth(2027, 12)), 0);
  const std::vector<WaiverDays> feb = {{absl::CivilDay(2027, 2, 1), absl::CivilDay(2027, 3, 31)}};
  EXPECT_EQ(WaivedDaysIn(feb, absl::CivilMonth(2027, 2)), 28);
}

TEST(CommunityServiceRulesTest, ShippedPolicy) {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "built-in");
  ASSERT_TRUE(doc.ok());
  auto p = LoadEducationPolicies(*doc);
  ASSERT_TRUE(p.ok()) << p.status();
  const CommunityServicePolicy& cs = p->Latest().rules.community_service;
  EXPECT_EQ(cs.max_capacity, 100);
  EXPECT_EQ(cs.max_minutes_per_record, 480);
  EXPECT_EQ(cs.record_back_days, 31);
  EXPECT_EQ(cs.max_waiver_days, 366);
}

}  // namespace
}  // namespace ccms::education::domain
