// Fuzzes the policy file from YAML text to the typed, validated policies the services start
// with (common/policy/policy.h, services/records/domain/records_policy.h,
// services/assessment/domain/assessment_policy.h). The file comes from the deployment
// (CCMS_POLICY_FILE), so a bad one must stop the start with a message, never crash it.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/policy/policy.h"
#include "services/assessment/domain/assessment_policy.h"
#include "services/records/domain/records_policy.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using ccms::assessment::domain::WeightKeys;

// The item ids of the shipped instruments (services/assessment/instruments/*.yaml), whose
// weights the policy may set.
const WeightKeys& InstrumentItems() {
  static const WeightKeys* keys = new WeightKeys{
      {"social_risk",
       {"offence_history", "age_first_offence", "employment", "family_support", "substance_use",
        "peers", "attitude", "compliance"}},
      {"psych_screening",
       {"worry", "restless", "panic", "low_mood", "no_interest", "sleep", "irritable",
        "urge_to_harm_others", "thoughts_of_death", "self_harm"}},
  };
  return *keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<ccms::policy::PolicyDocument> doc =
      ccms::policy::PolicyDocument::Parse(ccms::fuzz::AsText(data, size), "fuzz");
  if (!doc.ok()) {
    CCMS_FUZZ_CHECK(doc.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }

  // A schedule that loads has versions in strictly increasing order, each named as its rules say,
  // and InForce picks one of them for any day.
  auto records = ccms::records::domain::LoadRecordsPolicies(*doc);
  if (records.ok()) {
    const auto& versions = records->versions();
    CCMS_FUZZ_CHECK(!versions.empty());
    for (size_t i = 0; i < versions.size(); ++i) {
      CCMS_FUZZ_CHECK(!versions[i].name.empty() && versions[i].rules.version == versions[i].name);
      if (i > 0) CCMS_FUZZ_CHECK(versions[i - 1].effective_from < versions[i].effective_from);
      CCMS_FUZZ_CHECK(&records->VersionOn(versions[i].effective_from) == &versions[i]);
    }
  } else {
    CCMS_FUZZ_CHECK(records.status().code() == absl::StatusCode::kInvalidArgument);
  }

  auto assessment = ccms::assessment::domain::LoadAssessmentPolicies(*doc, InstrumentItems());
  if (assessment.ok()) {
    for (const auto& v : assessment->versions()) {
      CCMS_FUZZ_CHECK(v.rules.version == v.name);
      for (const auto& [instrument, weights] : v.rules.weights) {
        for (const auto& [item, weight] : weights) {
          CCMS_FUZZ_CHECK(weight >= 0 && weight <= 10);
        }
      }
    }
  } else {
    CCMS_FUZZ_CHECK(assessment.status().code() == absl::StatusCode::kInvalidArgument);
  }
  return 0;
}
