#pragma once

#include "services/education/domain/education_policy.h"

namespace ccms::education::domain::testing {

// A policy like the shipped one (deploy/policy/default.yaml), as a struct.
inline EducationPolicy DefaultPolicy(std::string version = "test-policy") {
  EducationPolicy p;
  p.version = std::move(version);
  p.first_contact_within_days = 7;
  p.service_file_within_months = 1;
  p.cause_codes = {"FAMILY", "PEERS", "ECONOMIC", "OTHER"};
  p.need_codes = {"EMPLOYMENT", "HOUSING", "SCHOOLING", "OTHER"};
  p.plan_revision_within_days = 15;
  p.plan_step_codes = kDefaultPlanStepCodes;
  p.hours.waiver_reason_codes = {"ILLNESS", "HOSPITAL", "OTHER"};
  return p;
}

// DefaultPolicy() as the only version, in force from 2020-01-01.
inline EducationPolicies DefaultPolicies() {
  return *EducationPolicies::Make({{"test-policy", absl::CivilDay(2020, 1, 1), DefaultPolicy()}},
                                  "test policy");
}

}  // namespace ccms::education::domain::testing
