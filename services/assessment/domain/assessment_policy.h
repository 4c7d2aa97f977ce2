#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/policy/policy.h"
#include "common/policy/schedule.h"
#include "services/assessment/domain/types.h"

namespace ccms::assessment::domain {

// The assessment rules that differ by province or city: one version of the `assessment:` section
// of the policy file (deploy/policy/default.yaml; docs/assessment.md explains each). Every level
// decision, score and ledger entry records `version`.
struct AssessmentPolicy {
  std::string version;  // the version's name

  // Intake screening (social risk + psychological) within this many months of the intake.
  int intake_screen_within_months = 1;
  // STRICT for this long after the intake (assessment.level.initial_strict_months; records shows
  // the level by its own records.intake.initial_strict_months, which a deployment keeps equal).
  int initial_strict_months = 3;
  // A warning keeps the case STRICT at least this long.
  int warning_strict_months = 3;
  // The latest closed month's total below this: STRICT.
  int strict_below_month_total = 60;

  // RELAXED eligibility: any one condition (0 / false turns a condition off).
  int relaxed_standard_months = 6;
  int relaxed_quarterly_average_min = 80;
  int relaxed_consecutive_commendations = 3;
  bool relaxed_low_risk = true;

  // Reassessment period per level, in months.
  int reassess_months_strict = 3;
  int reassess_months_standard = 6;
  int reassess_months_relaxed = 12;
  // After a warning or a crisis.
  int triggered_within_days = 15;
  // The discharge re-test window: the last months of the term.
  int discharge_window_months = 1;

  // A crisis flag is acknowledged within this many hours.
  int crisis_ack_hours = 2;

  // Points ledger: monthly base, and amounts by reason code (VIOLATION, ADMONITION, WARNING,
  // PUBLIC_SECURITY_REFERRAL, REVOCATION_REQUEST as deductions; COMMENDATION as addition).
  int points_base = 100;
  std::map<std::string, int> deductions;
  std::map<std::string, int> additions;

  // Item weights by instrument id, then item id; an item not listed keeps its file's weight.
  std::map<std::string, std::map<std::string, double>> weights;

  int ReassessMonths(Level level) const;
  // Signed ledger amount for a reason code: -deduction, +addition, 0 if neither.
  int PointsFor(const std::string& reason) const;
};

// The items whose weights the policy may set: instrument id -> item ids.
using WeightKeys = std::map<std::string, std::vector<std::string>>;

// The versions of the assessment policy, each in force from its date. The service decides with
// the version in force on the day of the decision (docs/assessment.md, "Policy versions").
using AssessmentPolicies = policy::Schedule<AssessmentPolicy>;

// Reads one version of assessment.* (the reader's version); problems go to the reader.
AssessmentPolicy ReadAssessmentPolicy(policy::PolicyReader& reader, const WeightKeys& weight_keys);
// Reads and validates every version of the `assessment:` section; every bad key is named at once
// with its version.
absl::StatusOr<AssessmentPolicies> LoadAssessmentPolicies(const policy::PolicyDocument& doc,
                                                          const WeightKeys& weight_keys);

}  // namespace ccms::assessment::domain
