#include "services/education/domain/series.h"

#include "absl/strings/str_cat.h"

namespace ccms::education::domain {

absl::CivilDay NthWeekdayOfMonth(absl::CivilMonth in_month, absl::Weekday weekday, int week) {
  if (week >= 5) {
    const absl::CivilDay last = absl::CivilDay(in_month + 1) - 1;
    return absl::PrevWeekday(last + 1, weekday);
  }
  const absl::CivilDay first = absl::CivilDay(in_month);
  // NextWeekday is strictly after its argument: start from the day before the 1st.
  return absl::NextWeekday(first - 1, weekday) + 7 * (week - 1);
}

int WeekOfMonth(absl::CivilDay day) {
  const int w = (day.day() - 1) / 7 + 1;
  return w > 4 ? 5 : w;
}

absl::StatusOr<SeriesPlan> PlanSeries(const SeriesRule& rule,
                                      const time::WorkingDayCalendar& calendar, int max_sessions) {
  if (rule.until < rule.first_day) {
    return absl::InvalidArgumentError("recurrence.until must not be before the first session");
  }
  if (rule.monthly_week < 0 || rule.monthly_week > 5) {
    return absl::InvalidArgumentError("recurrence.monthly_week must be FIRST to FOURTH or LAST");
  }
  std::vector<absl::CivilDay> rule_days;
  const auto too_many = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("recurrence.until gives more than ", max_sessions,
                     " sessions (policy education.session.max_series_sessions)"));
  };
  if (rule.frequency == Frequency::kMonthly) {
    const absl::Weekday weekday = absl::GetWeekday(rule.first_day);
    const int week = rule.monthly_week == 0 ? WeekOfMonth(rule.first_day) : rule.monthly_week;
    if (NthWeekdayOfMonth(absl::CivilMonth(rule.first_day), weekday, week) != rule.first_day) {
      return absl::InvalidArgumentError(
          "recurrence.monthly_week does not hold the first session's day");
    }
    for (absl::CivilMonth m(rule.first_day);; ++m) {
      const absl::CivilDay d = NthWeekdayOfMonth(m, weekday, week);
      if (d > rule.until) break;
      rule_days.push_back(d);
      // Skipped days count too: the loop is bounded whatever the calendar lists.
      if (static_cast<int>(rule_days.size()) > 2 * max_sessions) return too_many();
    }
  } else {
    const int step = rule.frequency == Frequency::kWeekly ? 7 : 14;
    for (absl::CivilDay d = rule.first_day; d <= rule.until; d += step) {
      rule_days.push_back(d);
      if (static_cast<int>(rule_days.size()) > 2 * max_sessions) return too_many();
    }
  }
  SeriesPlan plan;
  for (absl::CivilDay d : rule_days) {
    if (calendar.holidays.count(d) > 0) {
      plan.skipped.push_back({d, kSkippedHoliday});
    } else if (time::IsWeekend(d) && calendar.extra_working_days.count(d) > 0) {
      plan.skipped.push_back({d, kSkippedMakeUpDay});
    } else {
      plan.days.push_back(d);
    }
  }
  if (static_cast<int>(plan.days.size()) > max_sessions) return too_many();
  if (plan.days.empty()) {
    return absl::InvalidArgumentError("recurrence.until: every day of the series is skipped");
  }
  return plan;
}

}  // namespace ccms::education::domain
