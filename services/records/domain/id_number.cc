#include "services/records/domain/id_number.h"

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/time/calendar.h"

namespace ccms::records::domain {
namespace {

constexpr size_t kIdLength = 18;
constexpr size_t kLegacyIdLength = 15;
constexpr int kWeights[kIdLength - 1] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
// Check character for each value of (weighted sum mod 11).
constexpr std::string_view kCheckCharacters = "10X98765432";
constexpr absl::CivilDay kEarliestBirthDate(1900, 1, 1);

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

int DigitsToInt(std::string_view s) {
  int value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value;
}

// `first17` must be 17 ASCII digits.
char ComputeCheckCharacter(std::string_view first17) {
  int sum = 0;
  for (size_t i = 0; i < first17.size(); ++i) {
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheckCharacters[sum % 11];
}

}  // namespace

absl::StatusOr<ResidentId> ParseResidentId(std::string_view id_number, absl::CivilDay today) {
  if (id_number.empty()) return absl::InvalidArgumentError("is required");

  // Character set first: a full-width digit or a stray letter would
  // otherwise surface as a confusing length or check-digit error.
  for (size_t i = 0; i < id_number.size(); ++i) {
    const char c = id_number[i];
    const bool last = i + 1 == id_number.size();
    if (!IsAsciiDigit(c) && !(last && (c == 'X' || c == 'x'))) {
      return absl::InvalidArgumentError("only digits, with X allowed as the last character");
    }
  }
  if (id_number.size() == kLegacyIdLength && IsAsciiDigit(id_number.back())) {
    return absl::InvalidArgumentError(
        "15-digit identity numbers (issued before 1999) are not accepted; "
        "enter the 18-digit resident identity number");
  }
  if (id_number.size() != kIdLength) {
    return absl::InvalidArgumentError(
        absl::StrFormat("must be 18 characters (%d entered)", id_number.size()));
  }
  if (id_number[0] == '0') {
    return absl::InvalidArgumentError("region code (the first 6 digits) must not start with 0");
  }

  const std::string_view birth = id_number.substr(6, 8);
  const std::optional<absl::CivilDay> birth_date =
      time::MakeDate(DigitsToInt(birth.substr(0, 4)), DigitsToInt(birth.substr(4, 2)),
                     DigitsToInt(birth.substr(6, 2)));
  if (!birth_date.has_value()) {
    return absl::InvalidArgumentError("birth date in the identity number is not a valid date");
  }
  if (*birth_date < kEarliestBirthDate) {
    return absl::InvalidArgumentError("birth date in the identity number is before 1900");
  }
  if (*birth_date > today) {
    return absl::InvalidArgumentError("birth date in the identity number is in the future");
  }

  // A mistyped digit almost always breaks the check character, so it is
  // checked after the more specific date checks above.
  const char check = id_number.back() == 'x' ? 'X' : id_number.back();
  if (ComputeCheckCharacter(id_number.substr(0, kIdLength - 1)) != check) {
    return absl::InvalidArgumentError(
        "check digit does not match; check the number for a mistyped digit");
  }

  ResidentId id;
  id.normalized = std::string(id_number.substr(0, kIdLength - 1));
  id.normalized.push_back(check);
  id.birth_date = *birth_date;
  id.sex = (id_number[16] - '0') % 2 == 1 ? Sex::kMale : Sex::kFemale;
  id.region_code = std::string(id_number.substr(0, 6));
  return id;
}

}  // namespace ccms::records::domain
