#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/time/working_days.h"

namespace ccms::education::domain {

// How often a series of sessions meets (issue 14 item 4).
enum class Frequency { kWeekly, kFortnightly, kMonthly };

// A recurring series: from `first_day` through `until` (inclusive). Weekly and fortnightly keep
// first_day's weekday, every 7 or 14 days. Monthly keeps its weekday and a week of the month:
// `monthly_week` 1-4 (the first to fourth such weekday) or 5 (the last one of the month); 0
// takes first_day's (day 1-7 the first, ..., 22-28 the fourth, 29-31 the last).
struct SeriesRule {
  Frequency frequency = Frequency::kWeekly;
  absl::CivilDay first_day;
  absl::CivilDay until;
  int monthly_week = 0;
};

// Why a day of the rule holds no session.
inline constexpr char kSkippedHoliday[] = "HOLIDAY";
inline constexpr char kSkippedMakeUpDay[] = "MAKE_UP_WORKING_DAY";

struct SkippedDay {
  absl::CivilDay day;
  std::string reason;  // kSkippedHoliday or kSkippedMakeUpDay
};

// The days of a series: `days` hold a session, `skipped` are the rule's days that do not.
struct SeriesPlan {
  std::vector<absl::CivilDay> days;
  std::vector<SkippedDay> skipped;
};

// The rule's days with the calendar applied: a listed public holiday holds no session, and
// neither does a make-up working day (调休: a weekend day worked, so the people a weekend series
// serves are at work). Skipped days are not moved (a moved session is a MoveSession). The first
// day must itself be a day of the rule (a monthly first day in its `monthly_week`); `until` not
// before it. INVALID_ARGUMENT (naming "recurrence.until" or "recurrence.monthly_week") when the
// rule is malformed or gives more than `max_sessions` sessions, or none at all.
absl::StatusOr<SeriesPlan> PlanSeries(const SeriesRule& rule,
                                      const time::WorkingDayCalendar& calendar, int max_sessions);

// The `week`-th (1-4) given weekday of the month of `in_month`, or the last one for week 5.
absl::CivilDay NthWeekdayOfMonth(absl::CivilMonth in_month, absl::Weekday weekday, int week);

// The week of the month of `day` as a monthly rule names it: 1-4, or 5 for day 29-31.
int WeekOfMonth(absl::CivilDay day);

}  // namespace ccms::education::domain
