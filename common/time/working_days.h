// Working days (工作日) for deadlines counted in them, e.g. the pre-sentence investigation's 10
// working days. A working day is a Monday to Friday that is not a listed public holiday, or a
// listed make-up working day (调休: a Saturday or Sunday worked in exchange for a holiday).
// Pure: the calendar comes from the policy file (records' investigations, education's series).
#pragma once

#include <set>

#include "absl/time/civil_time.h"

namespace ccms::time {

struct WorkingDayCalendar {
  std::set<absl::CivilDay> holidays;            // days off, whatever the weekday
  std::set<absl::CivilDay> extra_working_days;  // weekend days that are working days
};

bool IsWeekend(absl::CivilDay day);
bool IsWorkingDay(absl::CivilDay day, const WorkingDayCalendar& calendar);

// The n-th working day after `start` (the start day itself never counts, whatever it is).
// n = 0 gives `start`. Commissioned on Friday 2026-11-20, n = 1 gives Monday 2026-11-23.
absl::CivilDay AddWorkingDays(absl::CivilDay start, int n, const WorkingDayCalendar& calendar);

// How many working days lie in (from, to]; 0 when to <= from.
int WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to, const WorkingDayCalendar& calendar);

}  // namespace ccms::time
