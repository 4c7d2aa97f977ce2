// Supervision level rules: every rule, every boundary day, RELAXED eligibility condition by
// condition, the initial strict period across month ends.
#include "services/assessment/domain/level_rules.h"

#include "gtest/gtest.h"
#include "tests/services/assessment/domain/test_policy.h"

namespace ccms::assessment::domain {
namespace {

using absl::CivilDay;
using testing::DefaultPolicy;

// An active case after intake on `intake`, assessed MEDIUM risk (so no RELAXED by low risk).
CaseState Active(CivilDay intake) {
  CaseState s;
  s.case_id = "c";
  s.district_code = "110101";
  s.status = CaseStatus::kActive;
  s.intake_reported_on = intake;
  s.level = Level::kStrict;
  s.social_risk = RiskLevel::kMedium;
  s.social_risk_on = intake + 10;
  return s;
}

TEST(AddMonthsTest, ClampsToTheEndOfShorterMonths) {
  struct Case {
    CivilDay from;
    int months;
    CivilDay want;
  };
  const Case cases[] = {
      {CivilDay(2026, 1, 31), 1, CivilDay(2026, 2, 28)},
      {CivilDay(2024, 1, 31), 1, CivilDay(2024, 2, 29)},
      {CivilDay(2026, 11, 30), 3, CivilDay(2027, 2, 28)},
      {CivilDay(2023, 11, 30), 3, CivilDay(2024, 2, 29)},
      {CivilDay(2026, 12, 31), 3, CivilDay(2027, 3, 31)},
      {CivilDay(2026, 8, 31), 3, CivilDay(2026, 11, 30)},
      {CivilDay(2026, 3, 15), 3, CivilDay(2026, 6, 15)},
      {CivilDay(2026, 3, 31), -1, CivilDay(2026, 2, 28)},
      {CivilDay(2026, 5, 31), 0, CivilDay(2026, 5, 31)},
      {CivilDay(2026, 10, 1), 12, CivilDay(2027, 10, 1)},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(AddMonths(c.from, c.months), c.want) << c.from << " + " << c.months;
  }
  EXPECT_EQ(MonthOf(CivilDay(2026, 2, 28)), CivilDay(2026, 2, 1));
}

TEST(LevelRulesTest, NoLevelBeforeIntakeOrAfterClosing) {
  CaseState s = Active(CivilDay(2026, 1, 10));
  s.intake_reported_on.reset();
  EXPECT_EQ(DecideLevel(s, DefaultPolicy(), CivilDay(2026, 2, 1)).level, Level::kUnspecified);
  s = Active(CivilDay(2026, 1, 10));
  s.status = CaseStatus::kPendingIntake;
  EXPECT_EQ(DecideLevel(s, DefaultPolicy(), CivilDay(2026, 2, 1)).level, Level::kUnspecified);
  s.status = CaseStatus::kClosed;
  EXPECT_EQ(DecideLevel(s, DefaultPolicy(), CivilDay(2026, 2, 1)).level, Level::kUnspecified);
}

TEST(LevelRulesTest, InitialStrictPeriodAcrossMonthEnds) {
  struct Case {
    CivilDay intake;
    int months;
    CivilDay until;  // first day the computed level applies
  };
  const Case cases[] = {
      {CivilDay(2026, 1, 31), 3, CivilDay(2026, 4, 30)},
      {CivilDay(2026, 11, 30), 3, CivilDay(2027, 2, 28)},
      {CivilDay(2023, 11, 30), 3, CivilDay(2024, 2, 29)},
      {CivilDay(2026, 12, 31), 3, CivilDay(2027, 3, 31)},
      {CivilDay(2026, 8, 31), 3, CivilDay(2026, 11, 30)},
      {CivilDay(2026, 1, 31), 1, CivilDay(2026, 2, 28)},
      {CivilDay(2026, 6, 1), 3, CivilDay(2026, 9, 1)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.intake << " + " << c.months);
    AssessmentPolicy p = DefaultPolicy();
    p.initial_strict_months = c.months;
    EXPECT_EQ(InitialStrictUntil(c.intake, p), c.until);
    const CaseState s = Active(c.intake);
    for (CivilDay day : {c.intake, c.until - 1}) {
      const LevelDecision d = DecideLevel(s, p, day);
      EXPECT_EQ(d.level, Level::kStrict) << day;
      EXPECT_EQ(d.rule, kRuleInitialStrict) << day;
      ASSERT_TRUE(d.review_on.has_value());
      EXPECT_EQ(*d.review_on, c.until);
    }
    const LevelDecision after = DecideLevel(s, p, c.until);
    EXPECT_EQ(after.level, Level::kStandard);
    EXPECT_EQ(after.rule, kRuleStandard);
  }
  // No initial period at all.
  AssessmentPolicy none = DefaultPolicy();
  none.initial_strict_months = 0;
  EXPECT_EQ(DecideLevel(Active(CivilDay(2026, 1, 10)), none, CivilDay(2026, 1, 10)).level,
            Level::kStandard);
}

TEST(LevelRulesTest, ReasonsCarryWordsAndNumbers) {
  const LevelDecision d =
      DecideLevel(Active(CivilDay(2026, 1, 31)), DefaultPolicy(), CivilDay(2026, 2, 10));
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_NE(d.reasons[0].find("intake on 2026-01-31"), std::string::npos) << d.reasons[0];
  EXPECT_NE(d.reasons[0].find("until 2026-04-30"), std::string::npos);
  EXPECT_NE(d.reasons[0].find("assessment.level.initial_strict_months"), std::string::npos);
  EXPECT_NE(d.reasons.back().find("test-policy"), std::string::npos);
}

TEST(LevelRulesTest, WarningForcesStrictForItsPeriod) {
  const AssessmentPolicy p = DefaultPolicy();
  CaseState s = Active(CivilDay(2025, 1, 10));
  s.level = Level::kRelaxed;
  s.non_strict_since = CivilDay(2025, 4, 10);
  s.social_risk = RiskLevel::kLow;  // RELAXED eligible
  s.commendation_streak = 5;        // RELAXED eligible
  s.last_warning_on = CivilDay(2026, 6, 10);
  for (CivilDay day : {CivilDay(2026, 6, 10), CivilDay(2026, 9, 9)}) {
    const LevelDecision d = DecideLevel(s, p, day);
    EXPECT_EQ(d.level, Level::kStrict) << day;
    EXPECT_EQ(d.rule, kRuleWarning) << day;
    EXPECT_EQ(d.review_on, CivilDay(2026, 9, 10));
  }
  const LevelDecision after = DecideLevel(s, p, CivilDay(2026, 9, 10));
  EXPECT_EQ(after.level, Level::kRelaxed);
  AssessmentPolicy off = p;
  off.warning_strict_months = 0;
  EXPECT_EQ(DecideLevel(s, off, CivilDay(2026, 6, 10)).level, Level::kRelaxed);
}

TEST(LevelRulesTest, HighRiskOrAbnormalScreeningIsStrict) {
  const AssessmentPolicy p = DefaultPolicy();
  const CivilDay later(2026, 9, 1);
  CaseState s = Active(CivilDay(2026, 1, 10));
  s.social_risk = RiskLevel::kHigh;
  LevelDecision d = DecideLevel(s, p, later);
  EXPECT_EQ(d.level, Level::kStrict);
  EXPECT_EQ(d.rule, kRuleHighRisk);
  s.social_risk = RiskLevel::kMedium;
  s.psych_abnormal = true;
  s.psych_on = CivilDay(2026, 1, 20);
  d = DecideLevel(s, p, later);
  EXPECT_EQ(d.rule, kRuleHighRisk);
  EXPECT_NE(d.reasons[0].find("psychological screening abnormal on 2026-01-20"), std::string::npos);
  // Within the initial period too: HIGH_RISK is the deciding rule, the period a further reason.
  s.social_risk = RiskLevel::kHigh;
  d = DecideLevel(s, p, CivilDay(2026, 1, 20));
  EXPECT_EQ(d.rule, kRuleHighRisk);
  EXPECT_EQ(d.reasons.size(), 3u);
  s.psych_abnormal = false;
  s.social_risk = RiskLevel::kMedium;
  EXPECT_EQ(DecideLevel(s, p, later).level, Level::kStandard);
}

TEST(LevelRulesTest, NoSocialRiskAssessmentKeepsStrict) {
  CaseState s = Active(CivilDay(2026, 1, 10));
  s.social_risk = RiskLevel::kUnspecified;
  s.social_risk_on.reset();
  const LevelDecision d = DecideLevel(s, DefaultPolicy(), CivilDay(2026, 9, 1));
  EXPECT_EQ(d.level, Level::kStrict);
  EXPECT_EQ(d.rule, kRuleAwaitingAssessment);
}

TEST(LevelRulesTest, LowPointsBoundary) {
  const AssessmentPolicy p = DefaultPolicy();  // strict below 60
  CaseState s = Active(CivilDay(2026, 1, 10));
  s.closed_months = {{CivilDay(2026, 8, 1), 59}};
  EXPECT_EQ(DecideLevel(s, p, CivilDay(2026, 9, 1)).rule, kRuleLowPoints);
  s.closed_months = {{CivilDay(2026, 8, 1), 60}};
  EXPECT_EQ(DecideLevel(s, p, CivilDay(2026, 9, 1)).level, Level::kStandard);
  // Only the latest closed month counts.
  s.closed_months = {{CivilDay(2026, 8, 1), 90}, {CivilDay(2026, 7, 1), 10}};
  EXPECT_EQ(DecideLevel(s, p, CivilDay(2026, 9, 1)).level, Level::kStandard);
}

// A case past its initial period, STANDARD since 2026-04-10, MEDIUM risk, no commendations.
CaseState StandardCase() {
  CaseState s = Active(CivilDay(2026, 1, 10));
  s.level = Level::kStandard;
  s.non_strict_since = CivilDay(2026, 4, 10);
  s.closed_months = {
      {CivilDay(2026, 9, 1), 80}, {CivilDay(2026, 8, 1), 80}, {CivilDay(2026, 7, 1), 80}};
  return s;
}

TEST(RelaxedEligibilityTest, StandardMonthsWithQuarterlyAverage) {
  const AssessmentPolicy p = DefaultPolicy();
  std::vector<std::string> reasons;
  const CaseState s = StandardCase();
  // 6 months after 2026-04-10 is 2026-10-10.
  EXPECT_FALSE(CheckRelaxed(s, p, CivilDay(2026, 10, 9), &reasons).standard_months);
  EXPECT_TRUE(CheckRelaxed(s, p, CivilDay(2026, 10, 10), &reasons).standard_months);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_NE(reasons[0].find("quarterly average points 80.0 >= 80"), std::string::npos)
      << reasons[0];
  LevelDecision d = DecideLevel(s, p, CivilDay(2026, 10, 9));
  EXPECT_EQ(d.level, Level::kStandard);
  EXPECT_EQ(d.review_on, CivilDay(2026, 10, 10));
  d = DecideLevel(s, p, CivilDay(2026, 10, 10));
  EXPECT_EQ(d.level, Level::kRelaxed);
  EXPECT_EQ(d.rule, kRuleRelaxedStandardMonths);

  CaseState low = s;  // average 79.67
  low.closed_months[2].total = 79;
  EXPECT_FALSE(CheckRelaxed(low, p, CivilDay(2026, 11, 1), &reasons).standard_months);
  CaseState two = s;  // a quarter needs three closed months
  two.closed_months.pop_back();
  EXPECT_FALSE(CheckRelaxed(two, p, CivilDay(2026, 11, 1), &reasons).standard_months);
  CaseState strict_now = s;  // STRICT: the clock starts again
  strict_now.level = Level::kStrict;
  strict_now.non_strict_since.reset();
  EXPECT_EQ(DecideLevel(strict_now, p, CivilDay(2026, 11, 1)).level, Level::kStandard);
  AssessmentPolicy off = p;
  off.relaxed_standard_months = 0;
  EXPECT_FALSE(CheckRelaxed(s, off, CivilDay(2026, 11, 1), &reasons).standard_months);
  EXPECT_EQ(DecideLevel(s, off, CivilDay(2026, 11, 1)).level, Level::kStandard);
}

TEST(RelaxedEligibilityTest, ConsecutiveCommendations) {
  const AssessmentPolicy p = DefaultPolicy();
  std::vector<std::string> reasons;
  CaseState s = StandardCase();
  s.closed_months.clear();
  s.commendation_streak = 2;
  EXPECT_FALSE(CheckRelaxed(s, p, CivilDay(2026, 5, 1), &reasons).any());
  EXPECT_EQ(DecideLevel(s, p, CivilDay(2026, 5, 1)).level, Level::kStandard);
  s.commendation_streak = 3;
  EXPECT_TRUE(CheckRelaxed(s, p, CivilDay(2026, 5, 1), &reasons).commendations);
  const LevelDecision d = DecideLevel(s, p, CivilDay(2026, 5, 1));
  EXPECT_EQ(d.level, Level::kRelaxed);
  EXPECT_EQ(d.rule, kRuleRelaxedCommendations);
  AssessmentPolicy off = p;
  off.relaxed_consecutive_commendations = 0;
  EXPECT_EQ(DecideLevel(s, off, CivilDay(2026, 5, 1)).level, Level::kStandard);
}

TEST(RelaxedEligibilityTest, LowRisk) {
  const AssessmentPolicy p = DefaultPolicy();
  std::vector<std::string> reasons;
  CaseState s = StandardCase();
  s.closed_months.clear();
  s.social_risk = RiskLevel::kMedium;
  EXPECT_FALSE(CheckRelaxed(s, p, CivilDay(2026, 5, 1), &reasons).low_risk);
  s.social_risk = RiskLevel::kLow;
  EXPECT_TRUE(CheckRelaxed(s, p, CivilDay(2026, 5, 1), &reasons).low_risk);
  EXPECT_EQ(DecideLevel(s, p, CivilDay(2026, 5, 1)).rule, kRuleRelaxedLowRisk);
  AssessmentPolicy off = p;
  off.relaxed_low_risk = false;
  EXPECT_EQ(DecideLevel(s, off, CivilDay(2026, 5, 1)).level, Level::kStandard);
  // LOW risk inside the initial period is still STRICT.
  EXPECT_EQ(DecideLevel(s, p, CivilDay(2026, 2, 1)).rule, kRuleInitialStrict);
}

TEST(RelaxedEligibilityTest, AllConditionsAreReportedTheFirstDecides) {
  CaseState s = StandardCase();
  s.commendation_streak = 3;
  s.social_risk = RiskLevel::kLow;
  const LevelDecision d = DecideLevel(s, DefaultPolicy(), CivilDay(2026, 11, 1));
  EXPECT_EQ(d.rule, kRuleRelaxedStandardMonths);
  EXPECT_EQ(d.reasons.size(), 3u);
}

TEST(LevelRulesTest, OverrideStandsOverComputedRules) {
  CaseState s = Active(CivilDay(2026, 1, 10));
  s.social_risk = RiskLevel::kHigh;
  s.override_level = LevelOverride{Level::kStandard, CivilDay(2026, 2, 1)};
  const LevelDecision d = DecideLevel(s, DefaultPolicy(), CivilDay(2026, 2, 1));
  EXPECT_EQ(d.level, Level::kStandard);
  EXPECT_EQ(d.rule, kRuleOverride);
  EXPECT_FALSE(d.review_on.has_value());
}

}  // namespace
}  // namespace ccms::assessment::domain
