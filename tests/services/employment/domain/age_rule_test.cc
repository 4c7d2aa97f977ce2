// The 16-year rule (seeds 7.11.3) at its edges: the birthday on the referral day, 29 February
// birthdays in years without one (reached on 03-01), the age settled or left open by records'
// age at judgment, a birth date that contradicts it, and kinds the rule does not cover.
#include "services/employment/domain/age_rule.h"

#include "gtest/gtest.h"
#include "tests/services/employment/domain/test_policy.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;

const AgeFacts kNoFacts;

absl::StatusCode Code(const absl::StatusOr<AgeDecision>& d) { return d.status().code(); }

TEST(AgeRuleTest, BirthdayOnTheReferralDay) {
  const EmploymentPolicy p = testing::ShippedPolicy();
  ASSERT_EQ(p.minimum_age_years, 16);
  const CivilDay birth(2010, 6, 15);
  auto on_birthday = CheckMinimumAge("JOB_PLACEMENT", kNoFacts, birth, CivilDay(2026, 6, 15), p);
  ASSERT_TRUE(on_birthday.ok()) << on_birthday.status();
  EXPECT_EQ(on_birthday->age, 16);
  EXPECT_EQ(on_birthday->basis, AgeBasis::kBirthDate);
  auto day_before = CheckMinimumAge("JOB_PLACEMENT", kNoFacts, birth, CivilDay(2026, 6, 14), p);
  EXPECT_EQ(Code(day_before), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(day_before.status().message().find("16-year rule"), std::string::npos);
  EXPECT_EQ(Code(CheckMinimumAge("SKILLS_TRAINING", kNoFacts, birth, CivilDay(2026, 6, 14), p)),
            absl::StatusCode::kFailedPrecondition);
}

TEST(AgeRuleTest, TwentyNinthOfFebruaryInAYearWithoutOne) {
  const EmploymentPolicy p = testing::ShippedPolicy();
  // Born 2084-02-29: the 16th birthday falls in 2100, no leap year; reached on 2100-03-01.
  const CivilDay birth(2084, 2, 29);
  EXPECT_EQ(Code(CheckMinimumAge("JOB_PLACEMENT", kNoFacts, birth, CivilDay(2100, 2, 28), p)),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckMinimumAge("JOB_PLACEMENT", kNoFacts, birth, CivilDay(2100, 3, 1), p).ok());
  // With a province's 18 (policy), born 2008-02-29: 18 on 2026-03-01, not on 02-28.
  EmploymentPolicy eighteen = p;
  eighteen.minimum_age_years = 18;
  const CivilDay leapling(2008, 2, 29);
  EXPECT_EQ(
      Code(CheckMinimumAge("JOB_PLACEMENT", kNoFacts, leapling, CivilDay(2026, 2, 28), eighteen)),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      CheckMinimumAge("JOB_PLACEMENT", kNoFacts, leapling, CivilDay(2026, 3, 1), eighteen).ok());
  // A leap year's own 02-29: born 2012-02-29 is 16 on 2028-02-29.
  EXPECT_TRUE(
      CheckMinimumAge("JOB_PLACEMENT", kNoFacts, CivilDay(2012, 2, 29), CivilDay(2028, 2, 29), p)
          .ok());
  EXPECT_EQ(Code(CheckMinimumAge("JOB_PLACEMENT", kNoFacts, CivilDay(2012, 2, 29),
                                 CivilDay(2028, 2, 28), p)),
            absl::StatusCode::kFailedPrecondition);
}

TEST(AgeRuleTest, CaseFactsSettleTheAgeOrAskForTheBirthDate) {
  const EmploymentPolicy p = testing::ShippedPolicy();
  // 15 on 2025-03-01: born 2009-03-02 .. 2010-03-01, so 16 whatever the birthday on 2026-03-01.
  const AgeFacts fifteen{15, CivilDay(2025, 3, 1)};
  auto settled = CheckMinimumAge("JOB_PLACEMENT", fifteen, std::nullopt, CivilDay(2026, 3, 1), p);
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(settled->basis, AgeBasis::kCaseFacts);
  EXPECT_EQ(settled->age, 16);
  // A day earlier it depends on the birthday: the birth date is asked for.
  auto open = CheckMinimumAge("JOB_PLACEMENT", fifteen, std::nullopt, CivilDay(2026, 2, 28), p);
  EXPECT_EQ(Code(open), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(open.status().message().find("birth_date"), std::string::npos);
  // ... and with it the rule decides exactly.
  EXPECT_TRUE(
      CheckMinimumAge("JOB_PLACEMENT", fifteen, CivilDay(2010, 2, 28), CivilDay(2026, 2, 28), p)
          .ok());
  EXPECT_EQ(Code(CheckMinimumAge("JOB_PLACEMENT", fifteen, CivilDay(2010, 3, 1),
                                 CivilDay(2026, 2, 28), p)),
            absl::StatusCode::kFailedPrecondition);
  // 14 on 2025-03-01: under 16 on 2026-02-28 whatever the birthday.
  const AgeFacts fourteen{14, CivilDay(2025, 3, 1)};
  auto under = CheckMinimumAge("JOB_PLACEMENT", fourteen, std::nullopt, CivilDay(2026, 2, 28), p);
  EXPECT_EQ(Code(under), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(under.status().message().find("refused by the 16-year rule"), std::string::npos);
  // A birth date records' facts contradict is refused as bad input.
  EXPECT_EQ(Code(CheckMinimumAge("JOB_PLACEMENT", fifteen, CivilDay(2000, 1, 1),
                                 CivilDay(2026, 2, 28), p)),
            absl::StatusCode::kInvalidArgument);
  // No facts, no birth date: asked for.
  EXPECT_EQ(
      Code(CheckMinimumAge("JOB_PLACEMENT", kNoFacts, std::nullopt, CivilDay(2026, 2, 28), p)),
      absl::StatusCode::kFailedPrecondition);
}

TEST(AgeRuleTest, FactsAcrossTheTwentyNinthOfFebruary) {
  // 15 on 2024-02-29 (a leap-day judgment): born 2008-03-01 .. 2009-02-28 (a 2008-02-29 leapling
  // was 16 that day). On 2025-02-27 some are 15, some 16; on 2025-02-28 all are 16.
  const AgeFacts facts{15, CivilDay(2024, 2, 29)};
  const AgeRange open = *AgeRangeOn(facts, CivilDay(2025, 2, 27));
  EXPECT_EQ(open.min, 15);
  EXPECT_EQ(open.max, 16);
  const AgeRange settled = *AgeRangeOn(facts, CivilDay(2025, 2, 28));
  EXPECT_EQ(settled.min, 16);
  EXPECT_EQ(settled.max, 16);
  // 16 on 2024-02-29 includes that leapling: on 2025-02-28 it is still 16 (17 on 03-01).
  EXPECT_EQ(AgeRangeOn(AgeFacts{16, CivilDay(2024, 2, 29)}, CivilDay(2025, 2, 28))->min, 16);
  EXPECT_FALSE(AgeRangeOn(AgeFacts{}, CivilDay(2025, 2, 28)).has_value());
}

TEST(AgeRuleTest, OtherKindsAreNotCovered) {
  const EmploymentPolicy p = testing::ShippedPolicy();
  auto d = CheckMinimumAge("SCHOOLING", kNoFacts, std::nullopt, CivilDay(2026, 1, 1), p);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->basis, AgeBasis::kNotNeeded);
  EXPECT_TRUE(
      CheckMinimumAge("LEGAL_ADVICE", kNoFacts, CivilDay(2015, 1, 1), CivilDay(2026, 1, 1), p)
          .ok());
}

}  // namespace
}  // namespace ccms::employment::domain
