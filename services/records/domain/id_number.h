// Validation of the 18-character PRC resident identity number
// (公民身份号码, GB 11643-1999).
//
// Layout: 6-digit administrative region code, 8-digit birth date YYYYMMDD,
// 3-digit sequence (odd = male, even = female), and a check character
// computed with ISO 7064 MOD 11-2 over the first 17 digits ('0'-'9' or 'X').
//
// Error messages are shown to officers and written to logs, so they say what
// to fix and never contain the number or any part of it (it is personal data).

#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace ccms::records::domain {

enum class Sex { kUnspecified, kMale, kFemale };

// A resident identity number that passed ParseResidentId, with the facts it
// encodes.
struct ResidentId {
  // All 18 characters, with a lowercase check character upper-cased.
  std::string normalized;
  absl::CivilDay birth_date;
  // Never kUnspecified for a parsed number.
  Sex sex = Sex::kUnspecified;
  // The first 6 digits (region of first registration, not of residence).
  std::string region_code;
};

// Parses and validates `id_number`. `today` is the current Shanghai calendar
// day; a birth date after it is rejected, as is one before 1900-01-01.
// The input is not trimmed: callers strip surrounding whitespace first.
// Returns InvalidArgumentError with a message such as "must be 18
// characters" or "check digit does not match", suitable as the description
// of a violation on the identity-number field.
absl::StatusOr<ResidentId> ParseResidentId(std::string_view id_number, absl::CivilDay today);

}  // namespace ccms::records::domain
