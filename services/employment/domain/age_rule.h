#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/employment/domain/employment_policy.h"

namespace ccms::employment::domain {

// What employment knows of a person's age without the birth date: records' age at judgment
// (whole years, 周岁) and the judgment's effective date (ccms.records.case_opened).
struct AgeFacts {
  std::optional<int> age_at_judgment;
  std::optional<absl::CivilDay> judgment_date;
};

// The whole years a person can be on `day` given `facts`: every birth date with
// time::YearsBetween(birth, judgment_date) == age_at_judgment is tried (02-29 birthdays reached
// on 03-01 in other years). nullopt when the facts are missing.
struct AgeRange {
  int min = 0;
  int max = 0;
};
std::optional<AgeRange> AgeRangeOn(const AgeFacts& facts, absl::CivilDay day);

enum class AgeBasis { kCaseFacts, kBirthDate, kNotNeeded };

struct AgeDecision {
  int age = 0;  // whole years on the referral date (a lower bound from the facts)
  AgeBasis basis = AgeBasis::kNotNeeded;
};

// The 16-year rule (seeds 7.11.3: employment help and skills training for people 16 or older
// on the referral date; policy employment.referral.minimum_age_years and age_rule_kinds):
//   - a kind outside age_rule_kinds: kNotNeeded;
//   - with `birth_date`: it must agree with the facts (INVALID_ARGUMENT "birth_date: ..."
//     otherwise), and the age on `referral_day` is exact;
//   - without: the facts must settle it; when they leave it open (15 or 16)
//     FAILED_PRECONDITION asks for the birth date;
//   - under the minimum: FAILED_PRECONDITION naming the rule.
// `kind` is the referral kind's name (JOB_PLACEMENT, ...).
absl::StatusOr<AgeDecision> CheckMinimumAge(const std::string& kind, const AgeFacts& facts,
                                            const std::optional<absl::CivilDay>& birth_date,
                                            absl::CivilDay referral_day,
                                            const EmploymentPolicy& policy);

}  // namespace ccms::employment::domain
