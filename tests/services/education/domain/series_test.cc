// Recurring series of sessions: weekly, fortnightly, monthly on a weekday; holidays and make-up
// working days skipped; month ends and leap days.
#include "services/education/domain/series.h"

#include "gtest/gtest.h"

namespace ccms::education::domain {
namespace {

using D = absl::CivilDay;

// National Day 2026 as a test calendar: Thu 10-01 to Wed 10-07 off; Sun 09-27 and Sat 10-10
// worked (make-up days).
time::WorkingDayCalendar NationalDay() {
  time::WorkingDayCalendar c;
  for (int d = 1; d <= 7; ++d) c.holidays.insert(D(2026, 10, d));
  c.extra_working_days.insert(D(2026, 9, 27));
  c.extra_working_days.insert(D(2026, 10, 10));
  return c;
}

SeriesRule Rule(Frequency f, D first, D until, int week = 0) {
  SeriesRule r;
  r.frequency = f;
  r.first_day = first;
  r.until = until;
  r.monthly_week = week;
  return r;
}

TEST(SeriesTest, WeeklyKeepsTheWeekdayAndIncludesUntil) {
  auto plan = PlanSeries(Rule(Frequency::kWeekly, D(2026, 11, 3), D(2026, 11, 24)), {}, 60);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->days,
            (std::vector<D>{D(2026, 11, 3), D(2026, 11, 10), D(2026, 11, 17), D(2026, 11, 24)}));
  EXPECT_TRUE(plan->skipped.empty());
}

TEST(SeriesTest, FortnightlyEveryOtherWeek) {
  auto plan = PlanSeries(Rule(Frequency::kFortnightly, D(2026, 12, 3), D(2027, 1, 14)), {}, 60);
  ASSERT_TRUE(plan.ok());
  // Across the year end.
  EXPECT_EQ(plan->days,
            (std::vector<D>{D(2026, 12, 3), D(2026, 12, 17), D(2026, 12, 31), D(2027, 1, 14)}));
}

TEST(SeriesTest, HolidaysAreSkippedNotMoved) {
  // Thursdays from 09-24: 10-01 is National Day, 10-08 a working Thursday.
  auto plan =
      PlanSeries(Rule(Frequency::kWeekly, D(2026, 9, 24), D(2026, 10, 15)), NationalDay(), 60);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->days, (std::vector<D>{D(2026, 9, 24), D(2026, 10, 8), D(2026, 10, 15)}));
  ASSERT_EQ(plan->skipped.size(), 1u);
  EXPECT_EQ(plan->skipped[0].day, D(2026, 10, 1));
  EXPECT_EQ(plan->skipped[0].reason, kSkippedHoliday);
}

TEST(SeriesTest, MakeUpWorkingDaysAreSkippedByWeekendSeries) {
  // Saturdays from 09-26: 10-03 a holiday, 10-10 a make-up working day; 10-17 held.
  auto sat =
      PlanSeries(Rule(Frequency::kWeekly, D(2026, 9, 26), D(2026, 10, 17)), NationalDay(), 60);
  ASSERT_TRUE(sat.ok());
  EXPECT_EQ(sat->days, (std::vector<D>{D(2026, 9, 26), D(2026, 10, 17)}));
  ASSERT_EQ(sat->skipped.size(), 2u);
  EXPECT_EQ(sat->skipped[0].reason, kSkippedHoliday);
  EXPECT_EQ(sat->skipped[1].day, D(2026, 10, 10));
  EXPECT_EQ(sat->skipped[1].reason, kSkippedMakeUpDay);
  // Sundays: 09-27 is worked, 10-04 a holiday.
  auto sun =
      PlanSeries(Rule(Frequency::kWeekly, D(2026, 9, 20), D(2026, 10, 11)), NationalDay(), 60);
  ASSERT_TRUE(sun.ok());
  EXPECT_EQ(sun->days, (std::vector<D>{D(2026, 9, 20), D(2026, 10, 11)}));
  // A weekday series is not touched by make-up days (they are weekend days).
  auto fri =
      PlanSeries(Rule(Frequency::kWeekly, D(2026, 9, 25), D(2026, 10, 16)), NationalDay(), 60);
  ASSERT_TRUE(fri.ok());
  EXPECT_EQ(fri->days, (std::vector<D>{D(2026, 9, 25), D(2026, 10, 9), D(2026, 10, 16)}));
}

TEST(SeriesTest, MonthlyOnTheNthWeekday) {
  // The second Tuesday: 2026-01-13, 02-10, 03-10, 04-14.
  auto plan = PlanSeries(Rule(Frequency::kMonthly, D(2026, 1, 13), D(2026, 4, 30)), {}, 60);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->days,
            (std::vector<D>{D(2026, 1, 13), D(2026, 2, 10), D(2026, 3, 10), D(2026, 4, 14)}));
  // The same with the week named.
  auto named = PlanSeries(Rule(Frequency::kMonthly, D(2026, 1, 13), D(2026, 4, 30), 2), {}, 60);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->days, plan->days);
  // A week that does not hold the first day is refused.
  EXPECT_FALSE(
      PlanSeries(Rule(Frequency::kMonthly, D(2026, 1, 13), D(2026, 4, 30), 3), {}, 60).ok());
}

TEST(SeriesTest, MonthlyOnTheLastWeekdayAtMonthEnds) {
  // The last Friday: 2026-01-30, 02-27, 03-27, 04-24, 05-29, 07-31 (a 31st).
  auto plan = PlanSeries(Rule(Frequency::kMonthly, D(2026, 1, 30), D(2026, 7, 31), 5), {}, 60);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->days,
            (std::vector<D>{D(2026, 1, 30), D(2026, 2, 27), D(2026, 3, 27), D(2026, 4, 24),
                            D(2026, 5, 29), D(2026, 6, 26), D(2026, 7, 31)}));
  // A first day on the 29th-31st means the last such weekday by itself.
  auto derived = PlanSeries(Rule(Frequency::kMonthly, D(2026, 7, 31), D(2026, 10, 31)), {}, 60);
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(derived->days,
            (std::vector<D>{D(2026, 7, 31), D(2026, 8, 28), D(2026, 9, 25), D(2026, 10, 30)}));
  // The fourth weekday is not the last when a month has five.
  auto fourth = PlanSeries(Rule(Frequency::kMonthly, D(2026, 1, 22), D(2026, 4, 30), 4), {}, 60);
  ASSERT_TRUE(fourth.ok());
  EXPECT_EQ(fourth->days,
            (std::vector<D>{D(2026, 1, 22), D(2026, 2, 26), D(2026, 3, 26), D(2026, 4, 23)}));
}

TEST(SeriesTest, LeapDays) {
  // Tuesdays across 2028-02-29 (a Tuesday).
  auto weekly = PlanSeries(Rule(Frequency::kWeekly, D(2028, 2, 22), D(2028, 3, 7)), {}, 60);
  ASSERT_TRUE(weekly.ok());
  EXPECT_EQ(weekly->days, (std::vector<D>{D(2028, 2, 22), D(2028, 2, 29), D(2028, 3, 7)}));
  // The last Tuesday of February 2028 is the 29th; of 2027, the 23rd.
  EXPECT_EQ(NthWeekdayOfMonth(absl::CivilMonth(2028, 2), absl::Weekday::tuesday, 5),
            D(2028, 2, 29));
  EXPECT_EQ(NthWeekdayOfMonth(absl::CivilMonth(2027, 2), absl::Weekday::tuesday, 5),
            D(2027, 2, 23));
  auto monthly = PlanSeries(Rule(Frequency::kMonthly, D(2028, 1, 25), D(2028, 3, 31), 5), {}, 60);
  ASSERT_TRUE(monthly.ok());
  EXPECT_EQ(monthly->days, (std::vector<D>{D(2028, 1, 25), D(2028, 2, 29), D(2028, 3, 28)}));
  // A leap day listed as a holiday is skipped like any other.
  time::WorkingDayCalendar c;
  c.holidays.insert(D(2028, 2, 29));
  auto skipped = PlanSeries(Rule(Frequency::kWeekly, D(2028, 2, 22), D(2028, 3, 7)), c, 60);
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->days, (std::vector<D>{D(2028, 2, 22), D(2028, 3, 7)}));
}

TEST(SeriesTest, BoundsAndMalformedRules) {
  EXPECT_FALSE(PlanSeries(Rule(Frequency::kWeekly, D(2026, 11, 3), D(2026, 11, 2)), {}, 60).ok());
  // until on the first day: one session.
  auto one = PlanSeries(Rule(Frequency::kWeekly, D(2026, 11, 3), D(2026, 11, 3)), {}, 60);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->days.size(), 1u);
  // More sessions than the policy allows.
  auto many = PlanSeries(Rule(Frequency::kWeekly, D(2026, 1, 6), D(2027, 1, 5)), {}, 52);
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.status().message().find("recurrence.until"), std::string::npos);
  EXPECT_TRUE(PlanSeries(Rule(Frequency::kWeekly, D(2026, 1, 6), D(2026, 12, 29)), {}, 52).ok());
  // A rule whose every day is skipped.
  time::WorkingDayCalendar c;
  c.holidays.insert(D(2026, 10, 1));
  EXPECT_FALSE(PlanSeries(Rule(Frequency::kWeekly, D(2026, 10, 1), D(2026, 10, 1)), c, 60).ok());
  // A year of far-away until days ends quickly (bounded loop).
  EXPECT_FALSE(PlanSeries(Rule(Frequency::kWeekly, D(2026, 1, 1), D(2199, 1, 1)), {}, 260).ok());
  EXPECT_EQ(WeekOfMonth(D(2026, 1, 7)), 1);
  EXPECT_EQ(WeekOfMonth(D(2026, 1, 8)), 2);
  EXPECT_EQ(WeekOfMonth(D(2026, 1, 28)), 4);
  EXPECT_EQ(WeekOfMonth(D(2026, 1, 29)), 5);
}

}  // namespace
}  // namespace ccms::education::domain
