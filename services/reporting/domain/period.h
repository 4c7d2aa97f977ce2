#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/civil_time.h"

namespace ccms::reporting::domain {

enum class PeriodKind { kDay, kWeek, kMonth, kQuarter, kYear };

// A reporting period of Asia/Shanghai days, [start, end): end is the first day after it.
struct Period {
  absl::CivilDay start;
  absl::CivilDay end;

  // The day stock indicators are counted on: the period's last day.
  absl::CivilDay AsOf() const { return end - 1; }
  bool Contains(absl::CivilDay d) const { return start <= d && d < end; }
  bool operator==(const Period&) const = default;
};

// The period of `kind` holding `day`: the day itself; the week from Monday; the calendar month,
// quarter (Jan, Apr, Jul, Oct) or year.
Period PeriodContaining(PeriodKind kind, absl::CivilDay day);

// "day", "week", "month", "quarter", "year".
std::string_view PeriodKindName(PeriodKind kind);
std::optional<PeriodKind> ParsePeriodKind(std::string_view name);

}  // namespace ccms::reporting::domain
