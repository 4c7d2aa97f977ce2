// Fuzzes the resident identity number parser (services/records/domain/id_number.h), which reads
// numbers typed by officers and sent by clients.

#include <cstddef>
#include <cstdint>
#include <string>

#include "services/records/domain/id_number.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using ccms::records::domain::ParseResidentId;
using ccms::records::domain::Sex;

constexpr absl::CivilDay kToday(2026, 12, 5);

bool LooksLikeANumber(std::string_view s) {
  for (char c : s) {
    if (!(c >= '0' && c <= '9') && c != 'X' && c != 'x') return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = ccms::fuzz::AsText(data, size);
  auto id = ParseResidentId(input, kToday);
  if (!id.ok()) {
    CCMS_FUZZ_CHECK(id.status().code() == absl::StatusCode::kInvalidArgument);
    CCMS_FUZZ_CHECK(!id.status().message().empty());
    // Messages never carry the number (personal data): no six characters of a number-shaped
    // input appear in them.
    const absl::string_view message = id.status().message();
    const std::string_view text(message.data(), message.size());
    if (LooksLikeANumber(input)) {
      for (size_t i = 0; i + 6 <= input.size(); ++i) {
        CCMS_FUZZ_CHECK(text.find(input.substr(i, 6)) == std::string_view::npos);
      }
    }
    return 0;
  }
  CCMS_FUZZ_CHECK(input.size() == 18);
  CCMS_FUZZ_CHECK(id->normalized.size() == 18);
  CCMS_FUZZ_CHECK(id->normalized.substr(0, 17) == input.substr(0, 17));
  CCMS_FUZZ_CHECK(id->normalized.back() != 'x');
  CCMS_FUZZ_CHECK(id->region_code == input.substr(0, 6));
  CCMS_FUZZ_CHECK(id->birth_date >= absl::CivilDay(1900, 1, 1) && id->birth_date <= kToday);
  CCMS_FUZZ_CHECK(id->sex == Sex::kMale || id->sex == Sex::kFemale);
  // The normalized form parses to the same facts.
  auto again = ParseResidentId(id->normalized, kToday);
  CCMS_FUZZ_CHECK(again.ok());
  CCMS_FUZZ_CHECK(again->normalized == id->normalized && again->birth_date == id->birth_date &&
                  again->sex == id->sex);
  return 0;
}
