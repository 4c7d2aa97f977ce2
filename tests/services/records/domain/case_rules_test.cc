#include "services/records/domain/case_rules.h"

#include <cctype>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/records/domain/id_number.h"

namespace ccms::records::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

const absl::CivilDay kToday(2026, 1, 10);

// Independent ISO 7064 MOD 11-2 (weight 2^(17-i) mod 11).
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

// A valid identity number for someone born on `birth`; odd sequence = male.
std::string IdBornOn(absl::CivilDay birth, std::string_view sequence = "451") {
  const std::string first17 =
      absl::StrFormat("110101%04d%02d%02d%s", birth.year(), birth.month(), birth.day(), sequence);
  return first17 + CheckCharacterFor(first17);
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

NewCase ValidCase() {
  NewCase c;
  c.name = "张三";
  c.id_number = IdBornOn(absl::CivilDay(1990, 3, 7));
  c.birth_date = absl::CivilDay(1990, 3, 7);
  c.sex = Sex::kMale;
  c.phone = "13800138000";
  c.household_address = "北京市东城区东华门街道1号";
  c.residence_address = "北京市东城区景山街道2号";
  c.sentence_kind = SentenceKind::kProbation;
  c.offence_category = "盗窃罪";
  c.deciding_authority = "北京市东城区人民法院";
  c.judgment_effective_date = absl::CivilDay(2025, 12, 20);
  c.supervision_start_date = absl::CivilDay(2025, 12, 20);
  c.supervision_end_date = absl::CivilDay(2027, 12, 19);
  c.prohibition_orders = "禁止进入娱乐场所\n禁止接触被害人";
  c.district_code = "110101";
  c.office_id = "office-01";
  c.officer_id = "officer_7";
  c.social_worker_id = "";
  return c;
}

std::vector<std::string> Fields(const std::vector<FieldViolation>& v) {
  std::vector<std::string> fields;
  for (const FieldViolation& f : v) fields.push_back(f.field);
  return fields;
}

// Descriptions must not repeat what was submitted.
void ExpectNoEcho(const NewCase& c, const FieldViolation& v) {
  int run = 0;
  for (char ch : v.description) {
    run = std::isdigit(static_cast<unsigned char>(ch)) ? run + 1 : 0;
    EXPECT_LT(run, 6) << v.field << ": " << v.description;
  }
  for (const std::string* value :
       {&c.name, &c.id_number, &c.phone, &c.household_address, &c.residence_address,
        &c.offence_category, &c.deciding_authority, &c.prohibition_orders, &c.district_code,
        &c.office_id, &c.officer_id, &c.social_worker_id}) {
    if (value->size() < 4) continue;
    EXPECT_THAT(v.description, ::testing::Not(HasSubstr(*value))) << v.field;
  }
}

TEST(ValidateNewCaseTest, ValidCasePasses) {
  ValidatedCase out;
  const std::vector<FieldViolation> v = ValidateNewCase(ValidCase(), kToday, &out);
  EXPECT_THAT(Fields(v), IsEmpty());
  EXPECT_EQ(out.resident_id.normalized, ValidCase().id_number);
  EXPECT_EQ(out.resident_id.birth_date, absl::CivilDay(1990, 3, 7));
  EXPECT_EQ(out.resident_id.sex, Sex::kMale);
  EXPECT_FALSE(out.minor);
  EXPECT_EQ(out.intake_deadline, absl::CivilDay(2025, 12, 30));
}

TEST(ValidateNewCaseTest, NullOutIsAllowed) {
  EXPECT_THAT(ValidateNewCase(ValidCase(), kToday, nullptr), IsEmpty());
}

TEST(ValidateNewCaseTest, OptionalFieldsMayBeOmitted) {
  NewCase c = ValidCase();
  c.birth_date.reset();
  c.sex = Sex::kUnspecified;
  c.phone.clear();
  c.household_address.clear();
  c.prohibition_orders.clear();
  c.officer_id.clear();
  c.social_worker_id.clear();
  ValidatedCase out;
  EXPECT_THAT(Fields(ValidateNewCase(c, kToday, &out)), IsEmpty());
  EXPECT_EQ(out.resident_id.sex, Sex::kMale);
}

TEST(ValidateNewCaseTest, LowercaseXIsNormalisedInOutput) {
  NewCase c = ValidCase();
  c.id_number = "11010519491231002x";
  c.birth_date.reset();
  c.sex = Sex::kFemale;
  ValidatedCase out;
  ASSERT_THAT(Fields(ValidateNewCase(c, kToday, &out)), IsEmpty());
  EXPECT_EQ(out.resident_id.normalized, "11010519491231002X");
}

TEST(ValidateNewCaseTest, OutIsUntouchedOnFailure) {
  NewCase c = ValidCase();
  c.name.clear();
  ValidatedCase out;
  out.minor = true;
  out.intake_deadline = absl::CivilDay(2000, 1, 1);
  ASSERT_THAT(Fields(ValidateNewCase(c, kToday, &out)), ElementsAre("person.name"));
  EXPECT_TRUE(out.minor);
  EXPECT_EQ(out.intake_deadline, absl::CivilDay(2000, 1, 1));
  EXPECT_TRUE(out.resident_id.normalized.empty());
}

TEST(ValidateNewCaseTest, EmptyCaseReportsEveryRequiredField) {
  const std::vector<FieldViolation> v = ValidateNewCase(NewCase(), kToday, nullptr);
  EXPECT_THAT(Fields(v),
              UnorderedElementsAreArray(
                  {"person.name", "person.id_number", "person.residence_address", "sentence.kind",
                   "sentence.offence_category", "sentence.deciding_authority",
                   "sentence.judgment_effective_date", "sentence.start_date", "sentence.end_date",
                   "assignment.district_code", "assignment.office_id"}));
  for (const FieldViolation& f : v) {
    EXPECT_EQ(f.description, "is required") << f.field;
  }
}

TEST(ValidateNewCaseTest, ReportsAllViolationsNotJustTheFirst) {
  NewCase c = ValidCase();
  c.name = Repeat("名", 65);
  c.supervision_start_date = absl::CivilDay(2026, 6, 1);
  c.supervision_end_date = absl::CivilDay(2026, 5, 1);
  c.district_code = "11010";
  c.office_id = "bad office";
  EXPECT_THAT(Fields(ValidateNewCase(c, kToday, nullptr)),
              ElementsAre("person.name", "sentence.end_date", "assignment.district_code",
                          "assignment.office_id"));
}

struct Mutation {
  std::string label;
  std::function<void(NewCase&)> mutate;
  // Empty field = the mutation must be accepted.
  std::string field;
  std::string description_substring;
};

std::vector<Mutation> Mutations() {
  const absl::CivilDay effective(2025, 12, 20);
  return {
      // person.name
      {"name empty", [](NewCase& c) { c.name = ""; }, "person.name", "is required"},
      {"name blank", [](NewCase& c) { c.name = " \t "; }, "person.name", "is required"},
      {"name 64 code points", [](NewCase& c) { c.name = Repeat("名", 64); }, "", ""},
      {"name 65 code points", [](NewCase& c) { c.name = Repeat("名", 65); }, "person.name",
       "at most 64 characters"},
      {"name 65 ascii", [](NewCase& c) { c.name = std::string(65, 'a'); }, "person.name",
       "at most 64 characters"},
      {"name 4-byte code points", [](NewCase& c) { c.name = Repeat("\xF0\xA0\x80\x80", 64); }, "",
       ""},
      {"name invalid byte", [](NewCase& c) { c.name = "张\xFF"; }, "person.name", "UTF-8"},
      {"name stray continuation", [](NewCase& c) { c.name = "\x80"; }, "person.name", "UTF-8"},
      {"name truncated", [](NewCase& c) { c.name = "张\xE4\xB8"; }, "person.name", "UTF-8"},
      {"name overlong", [](NewCase& c) { c.name = "a\xC0\xAF"; }, "person.name", "UTF-8"},
      {"name surrogate", [](NewCase& c) { c.name = "\xED\xA0\x80"; }, "person.name", "UTF-8"},
      {"name beyond U+10FFFF", [](NewCase& c) { c.name = "\xF4\x90\x80\x80"; }, "person.name",
       "UTF-8"},
      {"name newline", [](NewCase& c) { c.name = "张\n三"; }, "person.name", "control characters"},
      // person.id_number
      {"id empty", [](NewCase& c) { c.id_number = ""; }, "person.id_number", "is required"},
      {"id check digit",
       [](NewCase& c) { c.id_number.back() = c.id_number.back() == '0' ? '1' : '0'; },
       "person.id_number", "check digit does not match"},
      {"id 15 digits", [](NewCase& c) { c.id_number = "110105491231002"; }, "person.id_number",
       "15-digit"},
      {"id letters", [](NewCase& c) { c.id_number[3] = 'A'; }, "person.id_number", "only digits"},
      {"id future birth",
       [](NewCase& c) {
         c.id_number = IdBornOn(absl::CivilDay(2026, 1, 11));
         c.birth_date.reset();
       },
       "person.id_number", "in the future"},
      // person.birth_date
      {"birth date mismatch", [](NewCase& c) { c.birth_date = absl::CivilDay(1990, 3, 8); },
       "person.birth_date", "does not match"},
      {"birth date mismatch but id invalid",
       [](NewCase& c) {
         c.birth_date = absl::CivilDay(1990, 3, 8);
         c.id_number = "1101";
       },
       "person.id_number", "must be 18 characters"},
      // person.sex
      {"sex mismatch", [](NewCase& c) { c.sex = Sex::kFemale; }, "person.sex", "does not match"},
      {"female matches",
       [](NewCase& c) {
         c.id_number = IdBornOn(absl::CivilDay(1990, 3, 7), "452");
         c.sex = Sex::kFemale;
       },
       "", ""},
      // person.phone
      {"phone landline with hyphen", [](NewCase& c) { c.phone = "010-12345678"; }, "", ""},
      {"phone landline digits", [](NewCase& c) { c.phone = "01012345678"; }, "", ""},
      {"phone landline 7", [](NewCase& c) { c.phone = "2345678"; }, "", ""},
      {"phone landline 20", [](NewCase& c) { c.phone = "0755-123456789012345"; }, "", ""},
      {"phone landline 21", [](NewCase& c) { c.phone = "0755-1234567890123456"; }, "person.phone",
       "11-digit mobile"},
      {"phone landline 6", [](NewCase& c) { c.phone = "234567"; }, "person.phone",
       "11-digit mobile"},
      {"phone two hyphens", [](NewCase& c) { c.phone = "010-1234-5678"; }, "person.phone",
       "11-digit mobile"},
      {"phone leading hyphen", [](NewCase& c) { c.phone = "-0101234567"; }, "person.phone",
       "11-digit mobile"},
      {"phone trailing hyphen", [](NewCase& c) { c.phone = "0101234567-"; }, "person.phone",
       "11-digit mobile"},
      {"phone space", [](NewCase& c) { c.phone = "010 12345678"; }, "person.phone",
       "11-digit mobile"},
      {"phone plus", [](NewCase& c) { c.phone = "+8613800138000"; }, "person.phone",
       "11-digit mobile"},
      {"mobile 10 digits", [](NewCase& c) { c.phone = "1380013800"; }, "person.phone",
       "11-digit mobile"},
      {"mobile 12 digits", [](NewCase& c) { c.phone = "138001380001"; }, "person.phone",
       "11-digit mobile"},
      {"mobile with hyphen", [](NewCase& c) { c.phone = "138-00138000"; }, "person.phone",
       "11-digit mobile"},
      {"phone letters", [](NewCase& c) { c.phone = "0101234567a"; }, "person.phone",
       "11-digit mobile"},
      // person.household_address (optional)
      {"household empty", [](NewCase& c) { c.household_address = ""; }, "", ""},
      {"household blank", [](NewCase& c) { c.household_address = "  "; },
       "person.household_address", "blank"},
      {"household 200", [](NewCase& c) { c.household_address = Repeat("址", 200); }, "", ""},
      {"household 201", [](NewCase& c) { c.household_address = Repeat("址", 201); },
       "person.household_address", "at most 200 characters"},
      {"household invalid utf8", [](NewCase& c) { c.household_address = "北京\xC3"; },
       "person.household_address", "UTF-8"},
      // person.residence_address (required)
      {"residence empty", [](NewCase& c) { c.residence_address = ""; }, "person.residence_address",
       "is required"},
      {"residence 201", [](NewCase& c) { c.residence_address = Repeat("址", 201); },
       "person.residence_address", "at most 200 characters"},
      {"residence tab", [](NewCase& c) { c.residence_address = "北京\t东城"; },
       "person.residence_address", "control characters"},
      // sentence.kind
      {"kind unspecified", [](NewCase& c) { c.sentence_kind = SentenceKind::kUnspecified; },
       "sentence.kind", "is required"},
      {"kind out of range", [](NewCase& c) { c.sentence_kind = static_cast<SentenceKind>(99); },
       "sentence.kind", "not a recognised"},
      {"kind parole", [](NewCase& c) { c.sentence_kind = SentenceKind::kParole; }, "", ""},
      {"kind surveillance", [](NewCase& c) { c.sentence_kind = SentenceKind::kPublicSurveillance; },
       "", ""},
      {"kind outside prison",
       [](NewCase& c) { c.sentence_kind = SentenceKind::kTemporaryOutsidePrison; }, "", ""},
      // sentence.offence_category / deciding_authority
      {"offence empty", [](NewCase& c) { c.offence_category = ""; }, "sentence.offence_category",
       "is required"},
      {"offence 64", [](NewCase& c) { c.offence_category = Repeat("罪", 64); }, "", ""},
      {"offence 65", [](NewCase& c) { c.offence_category = Repeat("罪", 65); },
       "sentence.offence_category", "at most 64 characters"},
      {"authority empty", [](NewCase& c) { c.deciding_authority = ""; },
       "sentence.deciding_authority", "is required"},
      {"authority 128", [](NewCase& c) { c.deciding_authority = Repeat("院", 128); }, "", ""},
      {"authority 129", [](NewCase& c) { c.deciding_authority = Repeat("院", 129); },
       "sentence.deciding_authority", "at most 128 characters"},
      // sentence.judgment_effective_date
      {"effective missing", [](NewCase& c) { c.judgment_effective_date.reset(); },
       "sentence.judgment_effective_date", "is required"},
      {"effective tomorrow",
       [](NewCase& c) {
         c.judgment_effective_date = kToday + 1;
         c.supervision_start_date = kToday + 1;
       },
       "sentence.judgment_effective_date", "must not be in the future"},
      {"effective today",
       [](NewCase& c) {
         c.judgment_effective_date = kToday;
         c.supervision_start_date = kToday;
       },
       "", ""},
      {"person under 12 at judgment",
       [](NewCase& c) {
         c.id_number = IdBornOn(absl::CivilDay(2013, 12, 21));
         c.birth_date.reset();
       },
       "sentence.judgment_effective_date", "under 12"},
      {"person exactly 12 at judgment",
       [](NewCase& c) {
         c.id_number = IdBornOn(absl::CivilDay(2013, 12, 20));
         c.birth_date.reset();
       },
       "", ""},
      // sentence.start_date
      {"start missing", [](NewCase& c) { c.supervision_start_date.reset(); }, "sentence.start_date",
       "is required"},
      {"start before effective",
       [effective](NewCase& c) { c.supervision_start_date = effective - 1; }, "sentence.start_date",
       "before the judgment effective date"},
      {"start after effective (parole release)",
       [effective](NewCase& c) { c.supervision_start_date = effective + 5; }, "", ""},
      // sentence.end_date
      {"end missing", [](NewCase& c) { c.supervision_end_date.reset(); }, "sentence.end_date",
       "is required"},
      {"end equals start", [effective](NewCase& c) { c.supervision_end_date = effective; },
       "sentence.end_date", "the start and end dates are the same"},
      {"start after end", [effective](NewCase& c) { c.supervision_end_date = effective - 1; },
       "sentence.end_date", "the start date is after the end date"},
      {"end one day after start",
       [effective](NewCase& c) { c.supervision_end_date = effective + 1; }, "", ""},
      {"exactly 30 years",
       [](NewCase& c) { c.supervision_end_date = absl::CivilDay(2055, 12, 20); }, "", ""},
      {"30 years and a day",
       [](NewCase& c) { c.supervision_end_date = absl::CivilDay(2055, 12, 21); },
       "sentence.end_date", "must not exceed 30 years"},
      // sentence.prohibition_orders
      {"prohibition invalid utf8", [](NewCase& c) { c.prohibition_orders = "禁止\xFF"; },
       "sentence.prohibition_orders", "UTF-8"},
      {"prohibition 2001", [](NewCase& c) { c.prohibition_orders = Repeat("禁", 2001); },
       "sentence.prohibition_orders", "at most 2000 characters"},
      // assignment.district_code
      {"district empty", [](NewCase& c) { c.district_code = ""; }, "assignment.district_code",
       "is required"},
      {"district 5", [](NewCase& c) { c.district_code = "11010"; }, "assignment.district_code",
       "exactly 6 digits"},
      {"district 7", [](NewCase& c) { c.district_code = "1101011"; }, "assignment.district_code",
       "exactly 6 digits"},
      {"district letter", [](NewCase& c) { c.district_code = "11010a"; },
       "assignment.district_code", "exactly 6 digits"},
      {"district leading zero", [](NewCase& c) { c.district_code = "010101"; },
       "assignment.district_code", "must not start with 0"},
      // assignment.office_id
      {"office empty", [](NewCase& c) { c.office_id = ""; }, "assignment.office_id", "is required"},
      {"office space", [](NewCase& c) { c.office_id = "office 1"; }, "assignment.office_id",
       "may contain only"},
      {"office chinese", [](NewCase& c) { c.office_id = "司法所"; }, "assignment.office_id",
       "may contain only"},
      {"office 64", [](NewCase& c) { c.office_id = std::string(64, 'o'); }, "", ""},
      {"office 65", [](NewCase& c) { c.office_id = std::string(65, 'o'); }, "assignment.office_id",
       "at most 64 characters"},
      {"office all charset", [](NewCase& c) { c.office_id = "AZaz09_-"; }, "", ""},
      // assignment.officer_id / social_worker_id (optional)
      {"officer bad", [](NewCase& c) { c.officer_id = "officer.7"; }, "assignment.officer_id",
       "may contain only"},
      {"officer 65", [](NewCase& c) { c.officer_id = std::string(65, 'o'); },
       "assignment.officer_id", "at most 64 characters"},
      {"social worker bad", [](NewCase& c) { c.social_worker_id = "sw/1"; },
       "assignment.social_worker_id", "may contain only"},
      {"social worker ok", [](NewCase& c) { c.social_worker_id = "sw-1"; }, "", ""},
  };
}

TEST(ValidateNewCaseTest, EachFieldRule) {
  for (const Mutation& m : Mutations()) {
    SCOPED_TRACE(m.label);
    NewCase c = ValidCase();
    m.mutate(c);
    const std::vector<FieldViolation> v = ValidateNewCase(c, kToday, nullptr);
    if (m.field.empty()) {
      EXPECT_THAT(Fields(v), IsEmpty());
      continue;
    }
    ASSERT_THAT(Fields(v), ElementsAre(m.field));
    EXPECT_THAT(v[0].description, HasSubstr(m.description_substring));
    ExpectNoEcho(c, v[0]);
  }
}

// A valid case for someone born on `birth` whose judgment took effect on
// `effective`.
NewCase CaseFor(absl::CivilDay birth, absl::CivilDay effective) {
  NewCase c = ValidCase();
  c.id_number = IdBornOn(birth);
  c.birth_date = birth;
  c.judgment_effective_date = effective;
  c.supervision_start_date = effective;
  c.supervision_end_date = effective + 365;
  return c;
}

bool IsMinor(absl::CivilDay birth, absl::CivilDay effective) {
  ValidatedCase out;
  const std::vector<FieldViolation> v =
      ValidateNewCase(CaseFor(birth, effective), absl::CivilDay(2040, 1, 1), &out);
  EXPECT_THAT(Fields(v), IsEmpty());
  return out.minor;
}

TEST(MinorTest, EighteenthBirthdayBoundary) {
  const absl::CivilDay birth(2007, 12, 20);
  EXPECT_TRUE(IsMinor(birth, absl::CivilDay(2025, 12, 19)));
  EXPECT_FALSE(IsMinor(birth, absl::CivilDay(2025, 12, 20)));
  EXPECT_FALSE(IsMinor(birth, absl::CivilDay(2025, 12, 21)));
}

TEST(MinorTest, LeapDayBirthdayTurnsEighteenOnMarchFirst) {
  const absl::CivilDay birth(2008, 2, 29);  // 2026 has no 02-29.
  EXPECT_TRUE(IsMinor(birth, absl::CivilDay(2026, 2, 28)));
  EXPECT_FALSE(IsMinor(birth, absl::CivilDay(2026, 3, 1)));
  const absl::CivilDay birth2(2004, 2, 29);
  EXPECT_TRUE(IsMinor(birth2, absl::CivilDay(2022, 2, 28)));
  EXPECT_FALSE(IsMinor(birth2, absl::CivilDay(2022, 3, 1)));
}

TEST(MinorTest, DecidedAtJudgmentNotToday) {
  // 17 when the judgment took effect, 18 today: still a minor's case.
  ValidatedCase out;
  NewCase c = CaseFor(absl::CivilDay(2007, 12, 20), absl::CivilDay(2025, 12, 19));
  ASSERT_THAT(Fields(ValidateNewCase(c, kToday, &out)), IsEmpty());
  EXPECT_TRUE(out.minor);
}

TEST(MinorTest, UsesIdentityNumberBirthDate) {
  ValidatedCase out;
  NewCase c = CaseFor(absl::CivilDay(2010, 6, 1), absl::CivilDay(2025, 12, 19));
  c.birth_date.reset();
  ASSERT_THAT(Fields(ValidateNewCase(c, kToday, &out)), IsEmpty());
  EXPECT_TRUE(out.minor);
  EXPECT_EQ(out.resident_id.birth_date, absl::CivilDay(2010, 6, 1));
}

TEST(MinorTest, DecidedAtTheOffenceDateWhenGiven) {
  const absl::CivilDay kLater(2040, 1, 1);
  // 17 at the offence, 18 when the judgment took effect: a minor's case.
  ValidatedCase out;
  NewCase c = CaseFor(absl::CivilDay(2007, 12, 20), absl::CivilDay(2026, 3, 1));
  c.offence_date = absl::CivilDay(2025, 12, 19);
  ASSERT_THAT(Fields(ValidateNewCase(c, kLater, &out)), IsEmpty());
  EXPECT_TRUE(out.minor);
  // The 18th birthday itself is adult.
  c.offence_date = absl::CivilDay(2025, 12, 20);
  ASSERT_THAT(Fields(ValidateNewCase(c, kLater, &out)), IsEmpty());
  EXPECT_FALSE(out.minor);
  // Leap-day birth: an offence on 02-28 of a common year is before the 18th birthday.
  NewCase leap = CaseFor(absl::CivilDay(2008, 2, 29), absl::CivilDay(2026, 6, 1));
  leap.offence_date = absl::CivilDay(2026, 2, 28);
  ASSERT_THAT(Fields(ValidateNewCase(leap, kLater, &out)), IsEmpty());
  EXPECT_TRUE(out.minor);
}

TEST(MinorTest, OffenceDateMustFitTheOtherDates) {
  const absl::CivilDay kLater(2040, 1, 1);
  NewCase c = CaseFor(absl::CivilDay(2000, 1, 1), absl::CivilDay(2026, 3, 1));
  c.offence_date = absl::CivilDay(2026, 3, 2);
  EXPECT_THAT(Fields(ValidateNewCase(c, kLater, nullptr)), ElementsAre("sentence.offence_date"));
  c.offence_date = absl::CivilDay(1999, 12, 31);
  EXPECT_THAT(Fields(ValidateNewCase(c, kLater, nullptr)), ElementsAre("sentence.offence_date"));
  c.offence_date = kLater + 1;
  EXPECT_THAT(Fields(ValidateNewCase(c, kLater, nullptr)),
              ::testing::Contains("sentence.offence_date"));
}

TEST(IntakeDeadlineTest, TenDaysAfterEffective) {
  const IntakeRules rules;
  EXPECT_EQ(IntakeDeadline(absl::CivilDay(2026, 1, 25), rules), absl::CivilDay(2026, 2, 4));
  EXPECT_EQ(IntakeDeadline(absl::CivilDay(2024, 2, 25), rules), absl::CivilDay(2024, 3, 6));
  EXPECT_EQ(IntakeDeadline(absl::CivilDay(2023, 2, 25), rules), absl::CivilDay(2023, 3, 7));
  EXPECT_EQ(IntakeDeadline(absl::CivilDay(2025, 12, 25), rules), absl::CivilDay(2026, 1, 4));
  EXPECT_EQ(IntakeDeadline(absl::CivilDay(2025, 12, 31), rules), absl::CivilDay(2026, 1, 10));
}

TEST(IntakeDeadlineTest, CustomWindow) {
  IntakeRules rules;
  rules.report_within_days = 15;
  EXPECT_EQ(IntakeDeadline(absl::CivilDay(2026, 1, 25), rules), absl::CivilDay(2026, 2, 9));
  ValidatedCase out;
  ASSERT_THAT(Fields(ValidateNewCase(ValidCase(), kToday, &out, rules)), IsEmpty());
  EXPECT_EQ(out.intake_deadline, absl::CivilDay(2026, 1, 4));
}

TEST(AssessIntakeTest, SameDayIsDayZero) {
  const absl::CivilDay effective(2026, 1, 25);
  const IntakeAssessment a = AssessIntake(effective, effective, IntakeRules());
  EXPECT_EQ(a.days_after_effective, 0);
  EXPECT_FALSE(a.late);
}

TEST(AssessIntakeTest, DayTenOnTimeDayElevenLate) {
  struct Window {
    absl::CivilDay effective;
    absl::CivilDay day_ten;
  };
  for (const Window& w : {
           Window{absl::CivilDay(2026, 1, 25), absl::CivilDay(2026, 2, 4)},
           Window{absl::CivilDay(2024, 2, 25), absl::CivilDay(2024, 3, 6)},
           Window{absl::CivilDay(2023, 2, 25), absl::CivilDay(2023, 3, 7)},
           Window{absl::CivilDay(2025, 12, 25), absl::CivilDay(2026, 1, 4)},
       }) {
    SCOPED_TRACE(absl::FormatCivilTime(w.effective));
    const IntakeAssessment on_time = AssessIntake(w.effective, w.day_ten, IntakeRules());
    EXPECT_EQ(on_time.days_after_effective, 10);
    EXPECT_FALSE(on_time.late);
    const IntakeAssessment late = AssessIntake(w.effective, w.day_ten + 1, IntakeRules());
    EXPECT_EQ(late.days_after_effective, 11);
    EXPECT_TRUE(late.late);
  }
}

TEST(IsNeverReportedTest, FromDayEleven) {
  const IntakeRules rules;
  const absl::CivilDay effective(2024, 2, 25);
  EXPECT_FALSE(IsNeverReported(effective, effective, rules));
  EXPECT_FALSE(IsNeverReported(effective, absl::CivilDay(2024, 3, 6), rules));
  EXPECT_TRUE(IsNeverReported(effective, absl::CivilDay(2024, 3, 7), rules));
  EXPECT_TRUE(IsNeverReported(effective, absl::CivilDay(2025, 1, 1), rules));
  const absl::CivilDay year_end(2025, 12, 25);
  EXPECT_FALSE(IsNeverReported(year_end, absl::CivilDay(2026, 1, 4), rules));
  EXPECT_TRUE(IsNeverReported(year_end, absl::CivilDay(2026, 1, 5), rules));
}

TEST(CheckIntakeTransitionTest, OnlyPendingIntakeMayBecomeActive) {
  EXPECT_TRUE(CheckIntakeTransition(CaseStatus::kPendingIntake).ok());
  struct Refused {
    CaseStatus from;
    std::string message;
  };
  for (const Refused& r : {
           Refused{CaseStatus::kActive, "case is already active"},
           Refused{CaseStatus::kDischarged, "discharged"},
           Refused{CaseStatus::kRevoked, "revoked"},
           Refused{CaseStatus::kTransferredOut, "transferred out"},
           Refused{CaseStatus::kUnspecified, "unknown"},
           Refused{static_cast<CaseStatus>(42), "unknown"},
       }) {
    const absl::Status s = CheckIntakeTransition(r.from);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << r.message;
    EXPECT_THAT(std::string(s.message()), HasSubstr(r.message));
  }
}

TEST(CheckReportedOnTest, Bounds) {
  const absl::CivilDay effective(2025, 12, 20);
  EXPECT_TRUE(CheckReportedOn(effective, effective, kToday).ok());
  EXPECT_TRUE(CheckReportedOn(kToday, effective, kToday).ok());
  const absl::Status future = CheckReportedOn(kToday + 1, effective, kToday);
  EXPECT_EQ(future.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(future.message()), HasSubstr("in the future"));
  const absl::Status early = CheckReportedOn(effective - 1, effective, kToday);
  EXPECT_EQ(early.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(early.message()), HasSubstr("before the judgment effective date"));
}

TEST(FormatCaseNumberTest, ZeroPadsToSixAndGrows) {
  EXPECT_EQ(FormatCaseNumber("110101", 2026, 42), "110101-2026-000042");
  EXPECT_EQ(FormatCaseNumber("110101", 2026, 0), "110101-2026-000000");
  EXPECT_EQ(FormatCaseNumber("440305", 2027, 999999), "440305-2027-999999");
  EXPECT_EQ(FormatCaseNumber("440305", 2027, 1000000), "440305-2027-1000000");
  EXPECT_EQ(FormatCaseNumber("440305", 2027, int64_t{12345678901}), "440305-2027-12345678901");
}

TEST(CaseStatusTest, NamesRoundTrip) {
  const std::vector<std::pair<CaseStatus, std::string>> names = {
      {CaseStatus::kPendingIntake, "PENDING_INTAKE"},   {CaseStatus::kActive, "ACTIVE"},
      {CaseStatus::kDischarged, "DISCHARGED"},          {CaseStatus::kRevoked, "REVOKED"},
      {CaseStatus::kTransferredOut, "TRANSFERRED_OUT"},
  };
  for (const auto& [status, name] : names) {
    EXPECT_EQ(CaseStatusName(status), name);
    EXPECT_EQ(ParseCaseStatus(name), status) << name;
    EXPECT_EQ(ParseCaseStatus(CaseStatusName(status)), status);
  }
}

TEST(CaseStatusTest, UnspecifiedAndUnknown) {
  EXPECT_EQ(CaseStatusName(CaseStatus::kUnspecified), "UNSPECIFIED");
  EXPECT_EQ(CaseStatusName(static_cast<CaseStatus>(42)), "UNSPECIFIED");
  for (const char* name : {"UNSPECIFIED", "", "active", "Active", "ACTIVE ", "PENDING"}) {
    EXPECT_EQ(ParseCaseStatus(name), std::nullopt) << name;
  }
}

TEST(SentenceKindTest, NamesRoundTrip) {
  for (SentenceKind kind :
       {SentenceKind::kProbation, SentenceKind::kParole, SentenceKind::kPublicSurveillance,
        SentenceKind::kTemporaryOutsidePrison}) {
    EXPECT_EQ(ParseSentenceKind(SentenceKindName(kind)), kind);
  }
  EXPECT_EQ(SentenceKindName(SentenceKind::kPublicSurveillance), "PUBLIC_SURVEILLANCE");
  EXPECT_EQ(SentenceKindName(SentenceKind::kUnspecified), "UNSPECIFIED");
  EXPECT_EQ(ParseSentenceKind("UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ParseSentenceKind("probation"), std::nullopt);
}

}  // namespace
}  // namespace ccms::records::domain
