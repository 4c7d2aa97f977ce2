#pragma once

#include "common/policy/policy.h"
#include "services/employment/domain/employment_policy.h"

namespace ccms::employment::domain::testing {

// The `employment` section of the shipped policy (deploy/policy/default.yaml), latest version.
inline EmploymentPolicy ShippedPolicy() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "built-in");
  auto policies = LoadEmploymentPolicies(*doc);
  return policies->Latest().rules;
}

}  // namespace ccms::employment::domain::testing
