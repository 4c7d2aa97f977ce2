#include "common/time/working_days.h"

#include "gtest/gtest.h"

namespace ccms::time {
namespace {

using D = absl::CivilDay;

// National Day 2026 as a test calendar: Thu 10-01 to Wed 10-07 off, Sat 10-10 worked.
WorkingDayCalendar NationalDay() {
  WorkingDayCalendar c;
  for (int d = 1; d <= 7; ++d) c.holidays.insert(D(2026, 10, d));
  c.extra_working_days.insert(D(2026, 10, 10));
  return c;
}

TEST(WorkingDaysTest, WeekdaysWork_WeekendsDoNot) {
  const WorkingDayCalendar none;
  EXPECT_TRUE(IsWorkingDay(D(2026, 11, 20), none));   // Friday
  EXPECT_FALSE(IsWorkingDay(D(2026, 11, 21), none));  // Saturday
  EXPECT_FALSE(IsWorkingDay(D(2026, 11, 22), none));  // Sunday
  EXPECT_TRUE(IsWorkingDay(D(2026, 11, 23), none));   // Monday
  const WorkingDayCalendar nd = NationalDay();
  EXPECT_FALSE(IsWorkingDay(D(2026, 10, 1), nd));  // a holiday on a Thursday
  EXPECT_TRUE(IsWorkingDay(D(2026, 10, 10), nd));  // a make-up Saturday
  EXPECT_FALSE(IsWorkingDay(D(2026, 10, 11), nd));
}

TEST(WorkingDaysTest, TheStartDayNeverCounts) {
  const WorkingDayCalendar none;
  EXPECT_EQ(AddWorkingDays(D(2026, 11, 20), 0, none), D(2026, 11, 20));
  EXPECT_EQ(AddWorkingDays(D(2026, 11, 20), 1, none), D(2026, 11, 23));  // Fri -> Mon
  EXPECT_EQ(AddWorkingDays(D(2026, 11, 19), 1, none), D(2026, 11, 20));  // Thu -> Fri
  EXPECT_EQ(AddWorkingDays(D(2026, 11, 21), 1, none), D(2026, 11, 23));  // Sat -> Mon
  EXPECT_EQ(AddWorkingDays(D(2026, 11, 22), 1, none), D(2026, 11, 23));  // Sun -> Mon
  EXPECT_EQ(AddWorkingDays(D(2026, 11, 20), 10, none), D(2026, 12, 4));  // two whole weeks
  EXPECT_EQ(AddWorkingDays(D(2026, 11, 20), 5, none), D(2026, 11, 27));
  // A commission on a holiday: the day itself does not count either way.
  EXPECT_EQ(AddWorkingDays(D(2026, 10, 1), 1, NationalDay()), D(2026, 10, 8));
}

TEST(WorkingDaysTest, MonthAndYearEnds) {
  const WorkingDayCalendar none;
  EXPECT_EQ(AddWorkingDays(D(2026, 1, 30), 1, none), D(2026, 2, 2));
  EXPECT_EQ(AddWorkingDays(D(2026, 4, 30), 1, none), D(2026, 5, 1));
  EXPECT_EQ(AddWorkingDays(D(2026, 12, 31), 1, none), D(2027, 1, 1));
  WorkingDayCalendar new_year;
  new_year.holidays.insert(D(2027, 1, 1));
  EXPECT_EQ(AddWorkingDays(D(2026, 12, 31), 1, new_year), D(2027, 1, 4));
  EXPECT_EQ(AddWorkingDays(D(2025, 12, 31), 2, none), D(2026, 1, 2));
}

TEST(WorkingDaysTest, LeapDays) {
  const WorkingDayCalendar none;
  EXPECT_EQ(AddWorkingDays(D(2028, 2, 28), 1, none), D(2028, 2, 29));  // Mon -> Tue 02-29
  EXPECT_EQ(AddWorkingDays(D(2028, 2, 25), 2, none), D(2028, 2, 29));
  EXPECT_EQ(AddWorkingDays(D(2024, 2, 29), 1, none), D(2024, 3, 1));
  EXPECT_EQ(AddWorkingDays(D(2024, 2, 29), 2, none), D(2024, 3, 4));
  EXPECT_EQ(AddWorkingDays(D(2027, 2, 26), 1, none), D(2027, 3, 1));  // no 02-29 in 2027
}

TEST(WorkingDaysTest, HolidaysAndMakeUpDays) {
  const WorkingDayCalendar nd = NationalDay();
  // Commissioned the day before the holiday: Thu 10-08, Fri 10-09, Sat 10-10 (worked).
  EXPECT_EQ(AddWorkingDays(D(2026, 9, 30), 1, nd), D(2026, 10, 8));
  EXPECT_EQ(AddWorkingDays(D(2026, 9, 30), 3, nd), D(2026, 10, 10));
  EXPECT_EQ(AddWorkingDays(D(2026, 9, 30), 4, nd), D(2026, 10, 12));
  // 10 working days from Fri 09-25: 09-28..09-30 (3), 10-08..10-10 (6), 10-12..10-15 (10).
  EXPECT_EQ(AddWorkingDays(D(2026, 9, 25), 10, nd), D(2026, 10, 15));
  // Without the calendar the same count ends a week and a half earlier.
  EXPECT_EQ(AddWorkingDays(D(2026, 9, 25), 10, WorkingDayCalendar()), D(2026, 10, 9));
  // A holiday that falls on a weekend changes nothing.
  WorkingDayCalendar weekend_holiday;
  weekend_holiday.holidays.insert(D(2026, 11, 21));
  EXPECT_EQ(AddWorkingDays(D(2026, 11, 20), 1, weekend_holiday), D(2026, 11, 23));
}

TEST(WorkingDaysTest, Between) {
  const WorkingDayCalendar none;
  EXPECT_EQ(WorkingDaysBetween(D(2026, 11, 20), D(2026, 11, 20), none), 0);
  EXPECT_EQ(WorkingDaysBetween(D(2026, 11, 20), D(2026, 11, 19), none), 0);
  EXPECT_EQ(WorkingDaysBetween(D(2026, 11, 20), D(2026, 11, 22), none), 0);  // the weekend
  EXPECT_EQ(WorkingDaysBetween(D(2026, 11, 20), D(2026, 11, 23), none), 1);
  EXPECT_EQ(WorkingDaysBetween(D(2026, 9, 30), D(2026, 10, 10), NationalDay()), 3);
  // Inverse of AddWorkingDays.
  for (int n = 0; n < 30; ++n) {
    const D start(2026, 9, 20);
    EXPECT_EQ(WorkingDaysBetween(start, AddWorkingDays(start, n, NationalDay()), NationalDay()), n);
  }
}

}  // namespace
}  // namespace ccms::time
