#include "common/time/working_days.h"

namespace ccms::time {

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

bool IsWorkingDay(absl::CivilDay day, const WorkingDayCalendar& calendar) {
  if (calendar.holidays.count(day) > 0) return false;
  if (IsWeekend(day)) return calendar.extra_working_days.count(day) > 0;
  return true;
}

absl::CivilDay AddWorkingDays(absl::CivilDay start, int n, const WorkingDayCalendar& calendar) {
  absl::CivilDay day = start;
  // Every week has at least one working day unless a whole week is listed as holidays, which a
  // finite list cannot do forever: the loop ends.
  for (int counted = 0; counted < n;) {
    ++day;
    if (IsWorkingDay(day, calendar)) ++counted;
  }
  return day;
}

int WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to, const WorkingDayCalendar& calendar) {
  int n = 0;
  for (absl::CivilDay day = from + 1; day <= to; ++day) {
    if (IsWorkingDay(day, calendar)) ++n;
  }
  return n;
}

}  // namespace ccms::time
