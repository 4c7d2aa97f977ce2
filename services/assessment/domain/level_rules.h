#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/assessment/domain/assessment_policy.h"
#include "services/assessment/domain/types.h"

namespace ccms::assessment::domain {

// Rule codes of a level decision (docs/assessment.md), in the order they are tried.
inline constexpr char kRuleOverride[] = "OVERRIDE";
inline constexpr char kRuleWarning[] = "WARNING";
inline constexpr char kRuleHighRisk[] = "HIGH_RISK";
inline constexpr char kRuleInitialStrict[] = "INITIAL_STRICT";
inline constexpr char kRuleAwaitingAssessment[] = "AWAITING_ASSESSMENT";
inline constexpr char kRuleLowPoints[] = "LOW_POINTS";
inline constexpr char kRuleRelaxedStandardMonths[] = "RELAXED_STANDARD_MONTHS";
inline constexpr char kRuleRelaxedCommendations[] = "RELAXED_COMMENDATIONS";
inline constexpr char kRuleRelaxedLowRisk[] = "RELAXED_LOW_RISK";
inline constexpr char kRuleStandard[] = "STANDARD";

struct LevelDecision {
  Level level = Level::kUnspecified;  // kUnspecified: the case has no level (not active)
  std::string rule;
  // Words and numbers: every condition that holds (the deciding one first), with the scores,
  // dates and policy keys behind it.
  std::vector<std::string> reasons;
  // The next day the decision may change by time alone (end of the initial strict period, of
  // a warning's STRICT period, the day RELAXED months are reached).
  std::optional<absl::CivilDay> review_on;
};

// The last day (exclusive) of the initial STRICT period: intake + initial_strict_months,
// clamped to the end of a shorter month (intake 2026-11-30 + 3 months: until 2027-02-28, the
// computed level applies from that day).
absl::CivilDay InitialStrictUntil(absl::CivilDay intake, const AssessmentPolicy& policy);

// RELAXED eligibility, each condition on its own (for tests and for the reasons).
struct RelaxedEligibility {
  bool standard_months = false;  // >= N months continuously not STRICT and quarterly avg >= M
  bool commendations = false;    // >= N consecutive commendations
  bool low_risk = false;         // latest social-risk assessment LOW
  bool any() const { return standard_months || commendations || low_risk; }
};
RelaxedEligibility CheckRelaxed(const CaseState& state, const AssessmentPolicy& policy,
                                absl::CivilDay today, std::vector<std::string>* reasons);

// Decides the level of an active case as of `today`, trying the rules in order:
//   OVERRIDE              a staff override stands (until the next assessment or a warning)
//   WARNING               a warning within warning_strict_months                 -> STRICT
//   HIGH_RISK             latest social risk HIGH or psychological screening abnormal -> STRICT
//   INITIAL_STRICT        within the initial strict period after intake           -> STRICT
//   AWAITING_ASSESSMENT   no social-risk assessment yet                           -> STRICT
//   LOW_POINTS            latest closed month below strict_below_month_total      -> STRICT
//   RELAXED_*             any RELAXED eligibility condition                       -> RELAXED
//   STANDARD              otherwise                                               -> STANDARD
LevelDecision DecideLevel(const CaseState& state, const AssessmentPolicy& policy,
                          absl::CivilDay today);

}  // namespace ccms::assessment::domain
