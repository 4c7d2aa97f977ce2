#include "services/employment/domain/age_rule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::employment::domain {
namespace {

std::string RuleName(const EmploymentPolicy& policy) {
  return absl::StrCat("the ", policy.minimum_age_years,
                      "-year rule (seeds 7.11.3: employment help and skills training only for "
                      "people ",
                      policy.minimum_age_years, " or older on the referral date)");
}

}  // namespace

std::optional<AgeRange> AgeRangeOn(const AgeFacts& facts, absl::CivilDay day) {
  if (!facts.age_at_judgment.has_value() || !facts.judgment_date.has_value() ||
      *facts.age_at_judgment < 0 || *facts.age_at_judgment > 130) {
    return std::nullopt;
  }
  const int a = *facts.age_at_judgment;
  const absl::CivilDay j = *facts.judgment_date;
  // Every birth date with age a on j lies within (a + 1) years and a few days before j.
  const absl::CivilDay latest = absl::CivilDay(j.year() - a, j.month(), 1) + 31;
  const absl::CivilDay earliest = absl::CivilDay(j.year() - a - 1, j.month(), 1) - 31;
  std::optional<AgeRange> range;
  for (absl::CivilDay b = earliest; b <= latest; ++b) {
    if (time::YearsBetween(b, j) != a) continue;
    const int age = time::YearsBetween(b, day);
    if (!range.has_value()) {
      range = AgeRange{age, age};
    } else {
      range->min = std::min(range->min, age);
      range->max = std::max(range->max, age);
    }
  }
  return range;
}

absl::StatusOr<AgeDecision> CheckMinimumAge(const std::string& kind, const AgeFacts& facts,
                                            const std::optional<absl::CivilDay>& birth_date,
                                            absl::CivilDay referral_day,
                                            const EmploymentPolicy& policy) {
  if (!HasCode(policy.age_rule_kinds, kind)) return AgeDecision{0, AgeBasis::kNotNeeded};
  const int minimum = policy.minimum_age_years;
  if (birth_date.has_value()) {
    if (*birth_date > referral_day) {
      return absl::InvalidArgumentError("birth_date: must not be after the referral date");
    }
    if (facts.age_at_judgment.has_value() && facts.judgment_date.has_value() &&
        time::YearsBetween(*birth_date, *facts.judgment_date) != *facts.age_at_judgment) {
      return absl::InvalidArgumentError(
          "birth_date: does not agree with the case's age at judgment in records");
    }
    const int age = time::YearsBetween(*birth_date, referral_day);
    if (age < minimum) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refused by ", RuleName(policy), ": the person is ", age, " on the referral date"));
    }
    return AgeDecision{age, AgeBasis::kBirthDate};
  }
  const std::optional<AgeRange> range = AgeRangeOn(facts, referral_day);
  if (!range.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        RuleName(policy), ": the case's facts do not give the age; give the person's birth_date"));
  }
  if (range->max < minimum) {
    return absl::FailedPreconditionError(absl::StrCat("refused by ", RuleName(policy),
                                                      ": the person is under ", minimum,
                                                      " on the referral date"));
  }
  if (range->min < minimum) {
    return absl::FailedPreconditionError(absl::StrCat(
        RuleName(policy), ": the case's facts leave the age on the referral date open (",
        range->min, " or ", range->max, "); give the person's birth_date"));
  }
  return AgeDecision{range->min, AgeBasis::kCaseFacts};
}

}  // namespace ccms::employment::domain
