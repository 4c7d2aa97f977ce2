// Calendar-date helpers for ccms. Every date the system stores or reasons
// about (birth dates, judgment effective dates, report deadlines) is a civil
// date in Asia/Shanghai, so instants are converted here and nowhere else.

#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ccms::time {

// Returns the Asia/Shanghai time zone. Loads it from the system tzdata once;
// if tzdata is missing it falls back to a fixed UTC+8 zone (whose name() is
// then "Fixed/UTC+08:00"). Cheap to call repeatedly and thread-safe.
absl::TimeZone ShanghaiTimeZone();

// Returns the calendar day in Shanghai at instant `t`.
absl::CivilDay ShanghaiDay(absl::Time t);

// Returns the day year-month-day exactly, or nullopt if it does not exist
// (month 13, 2023-02-29, day 0, ...). Unlike absl::CivilDay's constructor it
// never normalises an out-of-range field into a neighbouring date.
std::optional<absl::CivilDay> MakeDate(int year, int month, int day);

// Parses a strict ISO 8601 calendar date "YYYY-MM-DD": exactly ten
// characters, four-digit year, two-digit month and day, and a date that
// exists. Returns nullopt for anything else (no whitespace, no signs, no
// trailing characters, no "2024-2-9").
std::optional<absl::CivilDay> ParseDate(std::string_view yyyy_mm_dd);

// Formats `d` as "YYYY-MM-DD", e.g. "2024-02-29". Inverse of ParseDate for
// years 0000-9999.
std::string FormatDate(absl::CivilDay d);

// Returns the number of completed years between `birth` and `on`, i.e. the
// age on day `on` of a person born on `birth`. A birthday counts as reached
// on the day itself. Convention for 02-29 birthdays (Chinese practice): in a
// year without 02-29 the birthday is reached on 03-01, not 02-28, so a person
// born 2008-02-29 is 17 on 2026-02-28 and 18 on 2026-03-01. Returns a
// negative number if `on` is before `birth`.
int YearsBetween(absl::CivilDay birth, absl::CivilDay on);

}  // namespace ccms::time
