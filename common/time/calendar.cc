#include "common/time/calendar.h"

#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ccms::time {
namespace {

constexpr int kShanghaiUtcOffsetSeconds = 8 * 60 * 60;

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// `s` must be all ASCII digits and short enough not to overflow.
int DigitsToInt(std::string_view s) {
  int value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

absl::TimeZone ShanghaiTimeZone() {
  // absl::TimeZone is a trivially destructible handle, so a function-local
  // static is safe; C++ guarantees thread-safe one-time initialisation.
  static const absl::TimeZone kZone = [] {
    absl::TimeZone zone;
    if (absl::LoadTimeZone("Asia/Shanghai", &zone)) return zone;
    // Minimal containers may ship without tzdata. China has kept UTC+8 all
    // year with no daylight saving time since 1991, so a fixed offset gives
    // the same civil dates for every instant this system deals with (it would
    // only differ in the summers of 1986-1991).
    return absl::FixedTimeZone(kShanghaiUtcOffsetSeconds);
  }();
  return kZone;
}

absl::CivilDay ShanghaiDay(absl::Time t) { return absl::ToCivilDay(t, ShanghaiTimeZone()); }

std::optional<absl::CivilDay> MakeDate(int year, int month, int day) {
  const absl::CivilDay d(year, month, day);
  // CivilDay normalises out-of-range fields (2023-02-29 becomes 2023-03-01),
  // so the date exists iff nothing moved.
  if (d.year() != year || d.month() != month || d.day() != day) {
    return std::nullopt;
  }
  return d;
}

std::optional<absl::CivilDay> ParseDate(std::string_view yyyy_mm_dd) {
  const std::string_view s = yyyy_mm_dd;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsAsciiDigit(s[i])) return std::nullopt;
  }
  return MakeDate(DigitsToInt(s.substr(0, 4)), DigitsToInt(s.substr(5, 2)),
                  DigitsToInt(s.substr(8, 2)));
}

std::string FormatDate(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

int YearsBetween(absl::CivilDay birth, absl::CivilDay on) {
  int years = static_cast<int>(on.year() - birth.year());
  // Comparing (month, day) pairs gives the 03-01 convention for 02-29
  // birthdays for free: 02-28 < 02-29 <= 03-01.
  if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day())) {
    --years;
  }
  return years;
}

}  // namespace ccms::time
