#include "services/reporting/domain/period.h"

#include <gtest/gtest.h>

namespace ccms::reporting::domain {
namespace {

using D = absl::CivilDay;

TEST(PeriodTest, MonthEndsAreExclusiveAndLeapAware) {
  EXPECT_EQ(PeriodContaining(PeriodKind::kMonth, D(2024, 2, 29)),
            (Period{D(2024, 2, 1), D(2024, 3, 1)}));
  EXPECT_EQ(PeriodContaining(PeriodKind::kMonth, D(2023, 2, 28)),
            (Period{D(2023, 2, 1), D(2023, 3, 1)}));
  EXPECT_EQ(PeriodContaining(PeriodKind::kMonth, D(2026, 12, 31)),
            (Period{D(2026, 12, 1), D(2027, 1, 1)}));
  EXPECT_EQ(PeriodContaining(PeriodKind::kMonth, D(2024, 2, 29)).AsOf(), D(2024, 2, 29));
  EXPECT_EQ(PeriodContaining(PeriodKind::kMonth, D(2023, 2, 1)).AsOf(), D(2023, 2, 28));
}

TEST(PeriodTest, QuartersStartInJanuaryAprilJulyOctober) {
  EXPECT_EQ(PeriodContaining(PeriodKind::kQuarter, D(2026, 3, 31)),
            (Period{D(2026, 1, 1), D(2026, 4, 1)}));
  EXPECT_EQ(PeriodContaining(PeriodKind::kQuarter, D(2026, 4, 1)),
            (Period{D(2026, 4, 1), D(2026, 7, 1)}));
  EXPECT_EQ(PeriodContaining(PeriodKind::kQuarter, D(2026, 12, 31)),
            (Period{D(2026, 10, 1), D(2027, 1, 1)}));
  EXPECT_EQ(PeriodContaining(PeriodKind::kQuarter, D(2024, 2, 29)).AsOf(), D(2024, 3, 31));
}

TEST(PeriodTest, YearsWeeksAndDays) {
  EXPECT_EQ(PeriodContaining(PeriodKind::kYear, D(2024, 12, 31)),
            (Period{D(2024, 1, 1), D(2025, 1, 1)}));
  EXPECT_EQ(PeriodContaining(PeriodKind::kYear, D(2024, 1, 1)).AsOf(), D(2024, 12, 31));
  // 2026-12-05 is a Saturday: its week runs Monday 11-30 to Sunday 12-06.
  EXPECT_EQ(PeriodContaining(PeriodKind::kWeek, D(2026, 12, 5)),
            (Period{D(2026, 11, 30), D(2026, 12, 7)}));
  EXPECT_EQ(PeriodContaining(PeriodKind::kWeek, D(2026, 11, 30)).start, D(2026, 11, 30));
  // A week across a year's end and a leap day.
  EXPECT_EQ(PeriodContaining(PeriodKind::kWeek, D(2027, 1, 1)),
            (Period{D(2026, 12, 28), D(2027, 1, 4)}));
  EXPECT_EQ(PeriodContaining(PeriodKind::kWeek, D(2024, 2, 29)),
            (Period{D(2024, 2, 26), D(2024, 3, 4)}));
  EXPECT_EQ(PeriodContaining(PeriodKind::kDay, D(2024, 2, 29)),
            (Period{D(2024, 2, 29), D(2024, 3, 1)}));
}

TEST(PeriodTest, ContainsIsEndExclusive) {
  const Period p = PeriodContaining(PeriodKind::kMonth, D(2026, 3, 15));
  EXPECT_TRUE(p.Contains(D(2026, 3, 1)));
  EXPECT_TRUE(p.Contains(D(2026, 3, 31)));
  EXPECT_FALSE(p.Contains(D(2026, 4, 1)));
  EXPECT_FALSE(p.Contains(D(2026, 2, 28)));
}

TEST(PeriodTest, KindNamesRoundTrip) {
  for (PeriodKind k : {PeriodKind::kDay, PeriodKind::kWeek, PeriodKind::kMonth,
                       PeriodKind::kQuarter, PeriodKind::kYear}) {
    EXPECT_EQ(ParsePeriodKind(PeriodKindName(k)), k);
  }
  EXPECT_EQ(ParsePeriodKind("fortnight"), std::nullopt);
}

}  // namespace
}  // namespace ccms::reporting::domain
