#pragma once

#include "services/assessment/domain/assessment_policy.h"

namespace ccms::assessment::domain::testing {

// The shipped defaults (deploy/policy/default.yaml), as a struct; policy_test checks that the
// file says the same.
inline AssessmentPolicy DefaultPolicy() {
  AssessmentPolicy p;
  p.version = "test-policy";
  p.deductions = {{"VIOLATION", 5},
                  {"ADMONITION", 10},
                  {"WARNING", 20},
                  {"PUBLIC_SECURITY_REFERRAL", 30},
                  {"REVOCATION_REQUEST", 40}};
  p.additions = {{"COMMENDATION", 10}};
  return p;
}

// DefaultPolicy() as the only version, in force from 2020-01-01.
inline AssessmentPolicies DefaultPolicies() {
  return *AssessmentPolicies::Make({{"test-policy", absl::CivilDay(2020, 1, 1), DefaultPolicy()}},
                                   "test policy");
}

}  // namespace ccms::assessment::domain::testing
