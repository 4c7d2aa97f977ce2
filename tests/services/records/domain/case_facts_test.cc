#include "services/records/domain/case_facts.h"

#include <vector>

#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

TEST(AgeBandTest, EveryBoundary) {
  struct Row {
    int age;
    AgeBand band;
  };
  for (const Row& row : std::vector<Row>{{12, AgeBand::kUnder16},
                                         {15, AgeBand::kUnder16},
                                         {16, AgeBand::k16To17},
                                         {17, AgeBand::k16To17},
                                         {18, AgeBand::k18To25},
                                         {25, AgeBand::k18To25},
                                         {26, AgeBand::k26To35},
                                         {35, AgeBand::k26To35},
                                         {36, AgeBand::k36To45},
                                         {45, AgeBand::k36To45},
                                         {46, AgeBand::k46To59},
                                         {59, AgeBand::k46To59},
                                         {60, AgeBand::k60AndOver},
                                         {95, AgeBand::k60AndOver}}) {
    EXPECT_EQ(AgeBandOf(row.age), row.band) << row.age;
  }
}

TEST(AgeBandTest, TheBandMovesOnTheBirthdayNotTheDayBefore) {
  const absl::CivilDay birth(2008, 5, 31);
  EXPECT_EQ(AgeBandOn(birth, absl::CivilDay(2026, 5, 30)), AgeBand::k16To17);
  EXPECT_EQ(AgeBandOn(birth, absl::CivilDay(2026, 5, 31)), AgeBand::k18To25);
  // The year's last day: 26 on 2025-12-31, not a day earlier.
  EXPECT_EQ(AgeBandOn(absl::CivilDay(1999, 12, 31), absl::CivilDay(2025, 12, 30)),
            AgeBand::k18To25);
  EXPECT_EQ(AgeBandOn(absl::CivilDay(1999, 12, 31), absl::CivilDay(2025, 12, 31)),
            AgeBand::k26To35);
}

TEST(AgeBandTest, LeapDayBirthdaysAreReachedOnTheFirstOfMarch) {
  const absl::CivilDay birth(2008, 2, 29);
  EXPECT_EQ(AgeBandOn(birth, absl::CivilDay(2026, 2, 28)), AgeBand::k16To17);
  EXPECT_EQ(AgeBandOn(birth, absl::CivilDay(2026, 3, 1)), AgeBand::k18To25);
  // In a leap year the birthday is the day itself.
  EXPECT_EQ(AgeBandOn(absl::CivilDay(1992, 2, 29), absl::CivilDay(2028, 2, 28)), AgeBand::k26To35);
  EXPECT_EQ(AgeBandOn(absl::CivilDay(1992, 2, 29), absl::CivilDay(2028, 2, 29)), AgeBand::k36To45);
}

TEST(AgeBandTest, NamesRoundTrip) {
  for (AgeBand band : {AgeBand::kUnder16, AgeBand::k16To17, AgeBand::k18To25, AgeBand::k26To35,
                       AgeBand::k36To45, AgeBand::k46To59, AgeBand::k60AndOver}) {
    EXPECT_EQ(ParseAgeBand(AgeBandName(band)), band);
  }
  EXPECT_EQ(AgeBandName(AgeBand::k16To17), "16_TO_17");
  EXPECT_FALSE(ParseAgeBand("").has_value());
  EXPECT_FALSE(ParseAgeBand("18_to_25").has_value());
}

TEST(OffenceCategoryTest, CodesOfThePolicyOnly) {
  const std::vector<std::string> categories = {"theft", "fraud", "other"};
  EXPECT_TRUE(IsOffenceCategory(categories, "fraud"));
  EXPECT_FALSE(IsOffenceCategory(categories, "Fraud"));
  EXPECT_FALSE(IsOffenceCategory(categories, ""));
  EXPECT_EQ(OffenceCategoryForEvent(categories, "theft"), "theft");
  // Free text stored before categories were coded is never put on the bus.
  EXPECT_EQ(OffenceCategoryForEvent(categories, "盗窃 and more"), "other");
}

TEST(CaseFactsDecisionTest, SnapshotOnceThenBandMovesOfOpenCases) {
  using A = FactsAction;
  // Never published: a snapshot, open or closed.
  EXPECT_EQ(CaseFactsDecision(false, std::nullopt, AgeBand::k18To25, true), A::kSnapshot);
  EXPECT_EQ(CaseFactsDecision(false, std::nullopt, AgeBand::k18To25, false), A::kSnapshot);
  // Published with today's band: nothing.
  EXPECT_EQ(CaseFactsDecision(true, AgeBand::k18To25, AgeBand::k18To25, true), A::kNone);
  // The band moved: an open case publishes it, a closed one does not.
  EXPECT_EQ(CaseFactsDecision(true, AgeBand::k16To17, AgeBand::k18To25, true), A::kChanged);
  EXPECT_EQ(CaseFactsDecision(true, AgeBand::k16To17, AgeBand::k18To25, false), A::kNone);
  // Published without a band (an unreadable stored value): published again.
  EXPECT_EQ(CaseFactsDecision(true, std::nullopt, AgeBand::k18To25, true), A::kChanged);
}

}  // namespace
}  // namespace ccms::records::domain
