#include "services/records/domain/case_rules.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/time/calendar.h"
#include "services/records/domain/id_number.h"

namespace ccms::records::domain {
namespace {

constexpr size_t kMaxNameLength = 64;
constexpr size_t kMaxAddressLength = 200;
constexpr size_t kMaxOffenceCategoryLength = 64;
constexpr size_t kMaxDecidingAuthorityLength = 128;
constexpr size_t kMaxProhibitionOrdersLength = 2000;
constexpr size_t kMaxIdentifierLength = 64;
constexpr size_t kMobileLength = 11;
constexpr size_t kMinLandlineLength = 7;
constexpr size_t kMaxLandlineLength = 20;
constexpr size_t kDistrictCodeLength = 6;
constexpr int kMaxSupervisionYears = 30;
constexpr int kMinimumAgeOfCriminalResponsibility = 12;
constexpr int kAdultAge = 18;

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool AllAsciiDigits(std::string_view s) {
  for (char c : s) {
    if (!IsAsciiDigit(c)) return false;
  }
  return true;
}

// Number of Unicode code points in `s`, or nullopt if `s` is not well-formed
// UTF-8 (stray continuation bytes, truncated sequences, overlong forms,
// surrogates, values past U+10FFFF). Limits are in code points so that a
// Chinese name is not penalised for taking three bytes per character.
std::optional<size_t> CountCodePoints(std::string_view s) {
  static constexpr uint32_t kMinCodePointForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  size_t count = 0;
  size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    size_t length;
    uint32_t code_point;
    if (lead < 0x80) {
      length = 1;
      code_point = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return std::nullopt;
    }
    if (s.size() - i < length) return std::nullopt;
    for (size_t k = 1; k < length; ++k) {
      const auto byte = static_cast<unsigned char>(s[i + k]);
      if ((byte & 0xC0) != 0x80) return std::nullopt;
      code_point = (code_point << 6) | (byte & 0x3F);
    }
    if (code_point < kMinCodePointForLength[length] ||
        (code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF) {
      return std::nullopt;
    }
    i += length;
    ++count;
  }
  return count;
}

// True if `s` is non-empty and only ASCII whitespace. (Debian's Abseil has
// its own absl::string_view, so absl::StripAsciiWhitespace does not take a
// std::string_view.)
bool IsBlank(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool HasAsciiControl(std::string_view s) {
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return true;
  }
  return false;
}

class Violations {
 public:
  void Add(std::string_view field, std::string description) {
    list_.push_back({std::string(field), std::move(description)});
  }
  bool empty() const { return list_.empty(); }
  std::vector<FieldViolation> Release() { return std::move(list_); }

 private:
  std::vector<FieldViolation> list_;
};

enum class Presence { kOptional, kRequired };

// Single-line human text: names, addresses, offence, authority.
void CheckText(std::string_view field, std::string_view value, Presence presence,
               size_t max_code_points, Violations* v) {
  if (value.empty()) {
    if (presence == Presence::kRequired) v->Add(field, "is required");
    return;
  }
  if (IsBlank(value)) {
    v->Add(field, presence == Presence::kRequired ? "is required"
                                                  : "must not be blank; leave it empty if unknown");
    return;
  }
  const std::optional<size_t> length = CountCodePoints(value);
  if (!length.has_value()) {
    v->Add(field, "must be valid UTF-8 text");
    return;
  }
  if (HasAsciiControl(value)) {
    v->Add(field, "must not contain line breaks, tabs or control characters");
    return;
  }
  if (*length > max_code_points) {
    v->Add(field, absl::StrFormat("must be at most %d characters", max_code_points));
  }
}

// Opaque identifiers issued by other systems: [A-Za-z0-9_-]{1,64}.
void CheckIdentifier(std::string_view field, std::string_view value, Presence presence,
                     Violations* v) {
  if (value.empty()) {
    if (presence == Presence::kRequired) v->Add(field, "is required");
    return;
  }
  for (char c : value) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      v->Add(field, "may contain only letters A-Z, digits, '_' and '-'");
      return;
    }
  }
  if (value.size() > kMaxIdentifierLength) {
    v->Add(field, absl::StrFormat("must be at most %d characters", kMaxIdentifierLength));
  }
}

// Mainland mobile numbers start with 1 and have 11 digits; landline numbers
// (area code 0xx(x) or a local number starting 2-9) never start with 1, so
// the first digit decides which rule applies.
bool IsValidPhone(std::string_view phone) {
  if (phone.front() == '1') {
    return phone.size() == kMobileLength && AllAsciiDigits(phone);
  }
  if (phone.size() < kMinLandlineLength || phone.size() > kMaxLandlineLength) {
    return false;
  }
  const size_t hyphen = phone.find('-');
  if (hyphen == std::string_view::npos) return AllAsciiDigits(phone);
  const std::string_view before = phone.substr(0, hyphen);
  const std::string_view after = phone.substr(hyphen + 1);
  return !before.empty() && !after.empty() && AllAsciiDigits(before) && AllAsciiDigits(after);
}

bool IsKnownSentenceKind(SentenceKind kind) {
  switch (kind) {
    case SentenceKind::kProbation:
    case SentenceKind::kParole:
    case SentenceKind::kPublicSurveillance:
    case SentenceKind::kTemporaryOutsidePrison:
      return true;
    case SentenceKind::kUnspecified:
      return false;
  }
  return false;
}

// `d` plus `years` calendar years; 02-29 maps to 03-01 in non-leap years.
absl::CivilDay AddYears(absl::CivilDay d, int years) {
  return absl::CivilDay(d.year() + years, d.month(), d.day());
}

}  // namespace

std::string_view SentenceKindName(SentenceKind kind) {
  switch (kind) {
    case SentenceKind::kProbation:
      return "PROBATION";
    case SentenceKind::kParole:
      return "PAROLE";
    case SentenceKind::kPublicSurveillance:
      return "PUBLIC_SURVEILLANCE";
    case SentenceKind::kTemporaryOutsidePrison:
      return "TEMPORARY_OUTSIDE_PRISON";
    case SentenceKind::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

std::optional<SentenceKind> ParseSentenceKind(std::string_view name) {
  for (SentenceKind kind :
       {SentenceKind::kProbation, SentenceKind::kParole, SentenceKind::kPublicSurveillance,
        SentenceKind::kTemporaryOutsidePrison}) {
    if (name == SentenceKindName(kind)) return kind;
  }
  return std::nullopt;
}

std::string_view CaseStatusName(CaseStatus status) {
  switch (status) {
    case CaseStatus::kPendingIntake:
      return "PENDING_INTAKE";
    case CaseStatus::kActive:
      return "ACTIVE";
    case CaseStatus::kDischarged:
      return "DISCHARGED";
    case CaseStatus::kRevoked:
      return "REVOKED";
    case CaseStatus::kTransferredOut:
      return "TRANSFERRED_OUT";
    case CaseStatus::kDeceased:
      return "DECEASED";
    case CaseStatus::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

std::optional<CaseStatus> ParseCaseStatus(std::string_view name) {
  for (CaseStatus status :
       {CaseStatus::kPendingIntake, CaseStatus::kActive, CaseStatus::kDischarged,
        CaseStatus::kRevoked, CaseStatus::kTransferredOut, CaseStatus::kDeceased}) {
    if (name == CaseStatusName(status)) return status;
  }
  return std::nullopt;
}

std::vector<FieldViolation> ValidateNewCase(const NewCase& c, absl::CivilDay today,
                                            ValidatedCase* out, const IntakeRules& rules) {
  Violations v;

  // --- person ---
  CheckText("person.name", c.name, Presence::kRequired, kMaxNameLength, &v);

  const absl::StatusOr<ResidentId> id = ParseResidentId(c.id_number, today);
  if (!id.ok()) {
    v.Add("person.id_number", std::string(id.status().message()));
  }
  // birth_date and sex are redundant with the identity number; they can only
  // be checked against it once it is valid.
  if (c.birth_date.has_value() && id.ok() && *c.birth_date != id->birth_date) {
    v.Add("person.birth_date", "does not match the birth date in the identity number");
  }
  if (c.sex != Sex::kUnspecified && id.ok() && c.sex != id->sex) {
    v.Add("person.sex",
          "does not match the sex indicated by the identity "
          "number (17th digit: odd = male, even = female)");
  }
  if (!c.phone.empty() && !IsValidPhone(c.phone)) {
    v.Add("person.phone",
          "must be an 11-digit mobile number starting with 1, or a landline "
          "number of 7 to 20 characters (digits and at most one hyphen)");
  }
  CheckText("person.household_address", c.household_address, Presence::kOptional, kMaxAddressLength,
            &v);
  CheckText("person.residence_address", c.residence_address, Presence::kRequired, kMaxAddressLength,
            &v);

  // --- sentence ---
  if (c.sentence_kind == SentenceKind::kUnspecified) {
    v.Add("sentence.kind", "is required");
  } else if (!IsKnownSentenceKind(c.sentence_kind)) {
    v.Add("sentence.kind", "is not a recognised sentence kind");
  }
  CheckText("sentence.offence_category", c.offence_category, Presence::kRequired,
            kMaxOffenceCategoryLength, &v);
  CheckText("sentence.deciding_authority", c.deciding_authority, Presence::kRequired,
            kMaxDecidingAuthorityLength, &v);

  const std::optional<absl::CivilDay>& effective = c.judgment_effective_date;
  const std::optional<absl::CivilDay>& start = c.supervision_start_date;
  const std::optional<absl::CivilDay>& end = c.supervision_end_date;
  if (!effective.has_value()) {
    v.Add("sentence.judgment_effective_date", "is required");
  } else if (*effective > today) {
    v.Add("sentence.judgment_effective_date", "must not be in the future");
  } else if (id.ok() &&
             time::YearsBetween(id->birth_date, *effective) < kMinimumAgeOfCriminalResponsibility) {
    // Nobody under 12 can be sentenced, so one of the two dates is mistyped.
    v.Add("sentence.judgment_effective_date",
          "the person would be under 12 on this date according to the "
          "identity number; check this date and the identity number");
  }
  if (c.offence_date.has_value()) {
    if (*c.offence_date > today) {
      v.Add("sentence.offence_date", "must not be in the future");
    } else if (effective.has_value() && *c.offence_date > *effective) {
      v.Add("sentence.offence_date", "must not be after the judgment effective date");
    } else if (id.ok() && *c.offence_date < id->birth_date) {
      v.Add("sentence.offence_date", "is before the birth date in the identity number");
    }
  }
  if (!start.has_value()) {
    v.Add("sentence.start_date", "is required");
  } else if (effective.has_value() && *start < *effective) {
    v.Add("sentence.start_date", "must not be before the judgment effective date");
  }
  if (!end.has_value()) {
    v.Add("sentence.end_date", "is required");
  } else if (start.has_value()) {
    if (*end == *start) {
      v.Add("sentence.end_date",
            "must be after the start date (the start and end dates are the "
            "same)");
    } else if (*end < *start) {
      v.Add("sentence.end_date",
            "must be after the start date (the start date is after the end "
            "date)");
    } else if (*end > AddYears(*start, kMaxSupervisionYears)) {
      v.Add("sentence.end_date", absl::StrFormat("the supervision period must not exceed %d years",
                                                 kMaxSupervisionYears));
    }
  }
  // Free text, may span lines; only encoding and a size bound are checked.
  if (!c.prohibition_orders.empty()) {
    const std::optional<size_t> length = CountCodePoints(c.prohibition_orders);
    if (!length.has_value()) {
      v.Add("sentence.prohibition_orders", "must be valid UTF-8 text");
    } else if (*length > kMaxProhibitionOrdersLength) {
      v.Add("sentence.prohibition_orders",
            absl::StrFormat("must be at most %d characters", kMaxProhibitionOrdersLength));
    }
  }

  // --- assignment ---
  if (c.district_code.empty()) {
    v.Add("assignment.district_code", "is required");
  } else if (c.district_code.size() != kDistrictCodeLength || !AllAsciiDigits(c.district_code)) {
    v.Add("assignment.district_code", "must be exactly 6 digits");
  } else if (c.district_code.front() == '0') {
    v.Add("assignment.district_code", "must not start with 0");
  }
  CheckIdentifier("assignment.office_id", c.office_id, Presence::kRequired, &v);
  CheckIdentifier("assignment.officer_id", c.officer_id, Presence::kOptional, &v);
  CheckIdentifier("assignment.social_worker_id", c.social_worker_id, Presence::kOptional, &v);

  if (!v.empty()) return v.Release();
  if (out != nullptr) {
    out->resident_id = *id;
    // Law art. 58: minors' rules are decided once, by age at the offence (or,
    // when its date is not given, when the judgment took effect), and keep
    // applying after the 18th birthday.
    out->minor =
        time::YearsBetween(id->birth_date, c.offence_date.value_or(*effective)) < kAdultAge;
    out->intake_deadline = IntakeDeadline(*effective, rules);
  }
  return {};
}

absl::CivilDay IntakeDeadline(absl::CivilDay judgment_effective, const IntakeRules& rules) {
  return judgment_effective + rules.report_within_days;
}

IntakeAssessment AssessIntake(absl::CivilDay judgment_effective, absl::CivilDay reported_on,
                              const IntakeRules& rules) {
  IntakeAssessment assessment;
  assessment.days_after_effective = static_cast<int>(reported_on - judgment_effective);
  assessment.late = reported_on > IntakeDeadline(judgment_effective, rules);
  return assessment;
}

bool IsNeverReported(absl::CivilDay judgment_effective, absl::CivilDay today,
                     const IntakeRules& rules) {
  return today > IntakeDeadline(judgment_effective, rules);
}

absl::Status CheckIntakeTransition(CaseStatus from) {
  switch (from) {
    case CaseStatus::kPendingIntake:
      return absl::OkStatus();
    case CaseStatus::kActive:
      return absl::FailedPreconditionError("case is already active");
    case CaseStatus::kDischarged:
      return absl::FailedPreconditionError(
          "case has been discharged; intake is no longer possible");
    case CaseStatus::kRevoked:
      return absl::FailedPreconditionError("case has been revoked; intake is no longer possible");
    case CaseStatus::kTransferredOut:
      return absl::FailedPreconditionError(
          "case has been transferred out; intake is done by the receiving "
          "office");
    case CaseStatus::kDeceased:
      return absl::FailedPreconditionError("case is closed (deceased)");
    case CaseStatus::kUnspecified:
      break;
  }
  return absl::FailedPreconditionError(
      "case status is unknown; intake is only possible for a case pending "
      "intake");
}

absl::Status CheckReportedOn(absl::CivilDay reported_on, absl::CivilDay judgment_effective,
                             absl::CivilDay today) {
  if (reported_on > today) {
    return absl::InvalidArgumentError("reported-on date must not be in the future");
  }
  if (reported_on < judgment_effective) {
    return absl::InvalidArgumentError(
        "reported-on date must not be before the judgment effective date");
  }
  return absl::OkStatus();
}

std::string FormatCaseNumber(std::string_view district_code, int year, int64_t sequence) {
  return absl::StrFormat("%s-%04d-%06d", district_code, year, sequence);
}

}  // namespace ccms::records::domain
