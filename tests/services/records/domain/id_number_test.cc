#include "services/records/domain/id_number.h"

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

using ::testing::HasSubstr;

const absl::CivilDay kToday(2026, 1, 10);

// Independent ISO 7064 MOD 11-2 implementation: weight i is 2^(17-i) mod 11
// and the check value is (12 - sum mod 11) mod 11, with 10 written as X.
// Deliberately not the lookup tables the production code uses.
char CheckCharacterFor(std::string_view first17) {
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    int weight = 1;
    for (int k = 0; k < 17 - i; ++k) weight = weight * 2 % 11;
    sum += (first17[i] - '0') * weight;
  }
  const int value = (12 - sum % 11) % 11;
  return value == 10 ? 'X' : static_cast<char>('0' + value);
}

// A valid 18-character number from its parts.
std::string MakeId(std::string_view region, std::string_view yyyymmdd, std::string_view sequence) {
  std::string first17 = absl::StrFormat("%s%s%s", region, yyyymmdd, sequence);
  return first17 + CheckCharacterFor(first17);
}

// Same as MakeId but with a check character that is certainly wrong.
std::string MakeIdWithWrongCheck(std::string_view region, std::string_view yyyymmdd,
                                 std::string_view sequence) {
  std::string id = MakeId(region, yyyymmdd, sequence);
  id.back() = id.back() == '0' ? '1' : '0';
  return id;
}

// Fails if `message` contains any run of 6 or more digits, or any 6-digit
// run taken from `input`: errors must never leak the number.
void ExpectNoLeak(std::string_view message, std::string_view input) {
  int run = 0;
  for (char c : message) {
    run = std::isdigit(static_cast<unsigned char>(c)) ? run + 1 : 0;
    EXPECT_LT(run, 6) << "message has a long digit run: " << message;
  }
  for (size_t i = 0; i + 6 <= input.size(); ++i) {
    const std::string_view window = input.substr(i, 6);
    bool all_digits = true;
    for (char c : window) {
      all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
    }
    if (all_digits) {
      EXPECT_THAT(std::string(message), ::testing::Not(HasSubstr(window)));
    }
  }
}

// Expects ParseResidentId(input) to fail with InvalidArgument, a message
// containing `expected`, and no leak.
void ExpectRejected(std::string_view input, std::string_view expected,
                    absl::CivilDay today = kToday) {
  SCOPED_TRACE(std::string("input length ") + std::to_string(input.size()));
  const absl::StatusOr<ResidentId> id = ParseResidentId(input, today);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(id.status().message()), HasSubstr(expected));
  ExpectNoLeak(std::string(id.status().message()), input);
}

TEST(CheckCharacterHelperTest, MatchesPublishedSample) {
  // The worked example from GB 11643-1999.
  EXPECT_EQ(CheckCharacterFor("11010519491231002"), 'X');
  EXPECT_EQ(CheckCharacterFor("44052418800101001"), '4');
}

TEST(ParseResidentIdTest, PublishedSampleIsValid) {
  const absl::StatusOr<ResidentId> id = ParseResidentId("11010519491231002X", kToday);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->normalized, "11010519491231002X");
  EXPECT_EQ(id->birth_date, absl::CivilDay(1949, 12, 31));
  EXPECT_EQ(id->sex, Sex::kFemale);
  EXPECT_EQ(id->region_code, "110105");
}

TEST(ParseResidentIdTest, MaleFromOddSequence) {
  const std::string input = MakeId("320102", "20000101", "123");
  const absl::StatusOr<ResidentId> id = ParseResidentId(input, kToday);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->normalized, input);
  EXPECT_EQ(id->birth_date, absl::CivilDay(2000, 1, 1));
  EXPECT_EQ(id->sex, Sex::kMale);
  EXPECT_EQ(id->region_code, "320102");
}

TEST(ParseResidentIdTest, FemaleFromEvenSequence) {
  const absl::StatusOr<ResidentId> id =
      ParseResidentId(MakeId("320102", "20000101", "120"), kToday);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->sex, Sex::kFemale);
}

TEST(ParseResidentIdTest, EverySequenceWithItsCheckCharacterIsValid) {
  // 1000 sequences cover all eleven check values, including X.
  int x_count = 0;
  for (int seq = 0; seq < 1000; ++seq) {
    const std::string input = MakeId("440305", "19880808", absl::StrFormat("%03d", seq));
    x_count += input.back() == 'X';
    const absl::StatusOr<ResidentId> id = ParseResidentId(input, kToday);
    ASSERT_TRUE(id.ok()) << "sequence " << seq << ": " << id.status();
    EXPECT_EQ(id->sex, seq % 2 == 1 ? Sex::kMale : Sex::kFemale);
  }
  EXPECT_GT(x_count, 0);
}

TEST(ParseResidentIdTest, LowercaseXIsNormalised) {
  const absl::StatusOr<ResidentId> id = ParseResidentId("11010519491231002x", kToday);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->normalized, "11010519491231002X");
}

TEST(ParseResidentIdTest, WrongCheckCharacter) {
  const std::string valid = MakeId("110101", "19900307", "451");
  for (char c : std::string("0123456789Xx")) {
    std::string input = valid;
    input.back() = c;
    if (std::toupper(c) == valid.back()) continue;
    ExpectRejected(input, "check digit does not match");
  }
  ExpectRejected("11010519491231002Y", "only digits");
}

TEST(ParseResidentIdTest, AnySingleDigitTypoIsCaught) {
  const std::string valid = MakeId("110101", "19900307", "451");
  for (size_t pos = 0; pos < 17; ++pos) {
    for (char c = '0'; c <= '9'; ++c) {
      if (c == valid[pos]) continue;
      std::string input = valid;
      input[pos] = c;
      EXPECT_FALSE(ParseResidentId(input, kToday).ok()) << "position " << pos;
    }
  }
}

TEST(ParseResidentIdTest, AdjacentTranspositionIsCaught) {
  const std::string valid = MakeId("110101", "19900307", "451");
  for (size_t pos = 0; pos + 1 < 17; ++pos) {
    if (valid[pos] == valid[pos + 1]) continue;
    std::string input = valid;
    std::swap(input[pos], input[pos + 1]);
    EXPECT_FALSE(ParseResidentId(input, kToday).ok()) << "position " << pos;
  }
}

TEST(ParseResidentIdTest, InvalidBirthDates) {
  constexpr std::string_view kMessage = "birth date in the identity number is not a valid date";
  for (const char* date : {"19900230", "20230229", "19000229", "19901301", "19900001", "19900100",
                           "19900132", "19900431"}) {
    SCOPED_TRACE(date);
    ExpectRejected(MakeId("110101", date, "451"), kMessage);
  }
}

TEST(ParseResidentIdTest, LeapDayBirthDates) {
  for (const char* date : {"20240229", "20000229", "19960229"}) {
    EXPECT_TRUE(ParseResidentId(MakeId("110101", date, "451"), kToday).ok()) << date;
  }
}

TEST(ParseResidentIdTest, FutureBirthDate) {
  ExpectRejected(MakeId("110101", "20260111", "451"), "in the future");
  ExpectRejected(MakeId("110101", "20990101", "451"), "in the future");
  // Born today is not in the future.
  EXPECT_TRUE(ParseResidentId(MakeId("110101", "20260110", "451"), kToday).ok());
}

TEST(ParseResidentIdTest, BirthBefore1900) {
  ExpectRejected(MakeId("110101", "18991231", "451"), "before 1900");
  // The second GB 11643 sample has a correct check digit but an 1880 birth.
  ExpectRejected("440524188001010014", "before 1900");
  EXPECT_TRUE(ParseResidentId(MakeId("110101", "19000101", "451"), kToday).ok());
}

TEST(ParseResidentIdTest, FifteenDigitNumbersAreRefusedWithExplanation) {
  const absl::StatusOr<ResidentId> id = ParseResidentId("110105491231002", kToday);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(id.status().message(),
            "15-digit identity numbers (issued before 1999) are not "
            "accepted; enter the 18-digit resident identity number");
  ExpectNoLeak(std::string(id.status().message()), "110105491231002");
}

TEST(ParseResidentIdTest, WrongLength) {
  const std::string valid = MakeId("110101", "19900307", "451");
  ExpectRejected(valid.substr(0, 17), "must be 18 characters");
  ExpectRejected(valid + "1", "must be 18 characters");
  ExpectRejected(valid.substr(0, 16), "must be 18 characters");
  ExpectRejected("1", "must be 18 characters");
  ExpectRejected("11010519491231X", "must be 18 characters");  // 15 with X.
  ExpectRejected(std::string(40, '1'), "must be 18 characters");
}

TEST(ParseResidentIdTest, Empty) { ExpectRejected("", "is required"); }

TEST(ParseResidentIdTest, NonDigitCharacters) {
  constexpr std::string_view kMessage = "only digits, with X allowed as the last character";
  ExpectRejected("1101051949123100X2", kMessage);  // X not last.
  ExpectRejected("11010519491231002A", kMessage);
  ExpectRejected("A1010519491231002X", kMessage);
  ExpectRejected("110105-19491231-002X", kMessage);
  ExpectRejected(" 11010519491231002X", kMessage);
  ExpectRejected("11010519491231002X ", kMessage);
  ExpectRejected("1101051949 1231002X", kMessage);
  ExpectRejected("X", "must be 18 characters");  // X last, so a length error.
  // Full-width digits (U+FF11 ...) are not ASCII digits.
  ExpectRejected(
      "\xEF\xBC\x91"
      "1010519491231002X",
      kMessage);
  ExpectRejected(std::string_view("11010519491231\0002X", 18), kMessage);
}

TEST(ParseResidentIdTest, RegionCodeMustNotStartWithZero) {
  ExpectRejected(MakeId("010101", "19900307", "451"), "region code");
}

TEST(ParseResidentIdTest, NoMessageLeaksTheNumber) {
  const std::string valid = MakeId("110101", "19900307", "451");
  std::vector<std::string> bad = {
      MakeIdWithWrongCheck("110101", "19900307", "451"),
      MakeId("110101", "19900230", "451"),
      MakeId("110101", "20990101", "451"),
      MakeId("110101", "18500101", "451"),
      MakeId("010101", "19900307", "451"),
      valid.substr(0, 15),
      valid.substr(0, 17),
      valid + "0",
      valid.substr(0, 17) + "A",
      "A" + valid.substr(1),
  };
  for (const std::string& input : bad) {
    const absl::StatusOr<ResidentId> id = ParseResidentId(input, kToday);
    ASSERT_FALSE(id.ok());
    ExpectNoLeak(std::string(id.status().message()), input);
  }
}

}  // namespace
}  // namespace ccms::records::domain
