#include "services/reporting/domain/period.h"

namespace ccms::reporting::domain {

Period PeriodContaining(PeriodKind kind, absl::CivilDay day) {
  switch (kind) {
    case PeriodKind::kDay:
      return {day, day + 1};
    case PeriodKind::kWeek: {
      // absl::Weekday: Monday is 0.
      const int back = static_cast<int>(absl::GetWeekday(day));
      const absl::CivilDay monday = day - back;
      return {monday, monday + 7};
    }
    case PeriodKind::kMonth: {
      const absl::CivilMonth m(day);
      return {absl::CivilDay(m), absl::CivilDay(m + 1)};
    }
    case PeriodKind::kQuarter: {
      const int first_month = ((day.month() - 1) / 3) * 3 + 1;
      const absl::CivilMonth m(day.year(), first_month);
      return {absl::CivilDay(m), absl::CivilDay(m + 3)};
    }
    case PeriodKind::kYear: {
      const absl::CivilYear y(day);
      return {absl::CivilDay(y), absl::CivilDay(y + 1)};
    }
  }
  return {day, day + 1};
}

std::string_view PeriodKindName(PeriodKind kind) {
  switch (kind) {
    case PeriodKind::kDay:
      return "day";
    case PeriodKind::kWeek:
      return "week";
    case PeriodKind::kMonth:
      return "month";
    case PeriodKind::kQuarter:
      return "quarter";
    case PeriodKind::kYear:
      return "year";
  }
  return "";
}

std::optional<PeriodKind> ParsePeriodKind(std::string_view name) {
  for (PeriodKind k : {PeriodKind::kDay, PeriodKind::kWeek, PeriodKind::kMonth,
                       PeriodKind::kQuarter, PeriodKind::kYear}) {
    if (PeriodKindName(k) == name) return k;
  }
  return std::nullopt;
}

}  // namespace ccms::reporting::domain
