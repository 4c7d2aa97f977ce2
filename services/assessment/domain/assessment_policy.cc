#include "services/assessment/domain/assessment_policy.h"

namespace ccms::assessment::domain {

namespace {
constexpr const char* kDeductionReasons[] = {"VIOLATION", "ADMONITION", "WARNING",
                                             "PUBLIC_SECURITY_REFERRAL", "REVOCATION_REQUEST"};
constexpr const char* kAdditionReasons[] = {"COMMENDATION"};
}  // namespace

int AssessmentPolicy::ReassessMonths(Level level) const {
  switch (level) {
    case Level::kStrict:
      return reassess_months_strict;
    case Level::kRelaxed:
      return reassess_months_relaxed;
    default:
      return reassess_months_standard;
  }
}

int AssessmentPolicy::PointsFor(const std::string& reason) const {
  if (auto it = deductions.find(reason); it != deductions.end()) return -it->second;
  if (auto it = additions.find(reason); it != additions.end()) return it->second;
  return 0;
}

AssessmentPolicy ReadAssessmentPolicy(policy::PolicyReader& r, const WeightKeys& weight_keys) {
  AssessmentPolicy p;
  p.version = r.version();
  auto i = [&r](const std::string& key, int64_t min, int64_t max) {
    return static_cast<int>(r.Int(key, min, max));
  };
  p.intake_screen_within_months = i("assessment.intake.screen_within_months", 1, 12);
  p.initial_strict_months = i("assessment.level.initial_strict_months", 0, 24);
  p.warning_strict_months = i("assessment.level.warning_strict_months", 0, 24);
  p.strict_below_month_total = i("assessment.level.strict_below_month_total", 0, 1000);
  p.relaxed_standard_months = i("assessment.level.relaxed.standard_months", 0, 60);
  p.relaxed_quarterly_average_min = i("assessment.level.relaxed.quarterly_average_min", 0, 1000);
  p.relaxed_consecutive_commendations =
      i("assessment.level.relaxed.consecutive_commendations", 0, 100);
  p.relaxed_low_risk = r.Bool("assessment.level.relaxed.low_risk");
  p.reassess_months_strict = i("assessment.reassessment.months.STRICT", 1, 60);
  p.reassess_months_standard = i("assessment.reassessment.months.STANDARD", 1, 60);
  p.reassess_months_relaxed = i("assessment.reassessment.months.RELAXED", 1, 60);
  p.triggered_within_days = i("assessment.reassessment.triggered_within_days", 1, 365);
  p.discharge_window_months = i("assessment.reassessment.discharge_window_months", 1, 12);
  p.crisis_ack_hours = i("assessment.crisis.ack_hours", 1, 168);
  p.points_base = i("assessment.points.base", 0, 1000);
  for (const char* reason : kDeductionReasons) {
    p.deductions[reason] = i(std::string("assessment.points.deductions.") + reason, 0, 1000);
  }
  for (const char* reason : kAdditionReasons) {
    p.additions[reason] = i(std::string("assessment.points.additions.") + reason, 0, 1000);
  }
  for (const auto& [instrument, items] : weight_keys) {
    for (const auto& item : items) {
      const std::string key = "assessment.weights." + instrument + "." + item;
      if (r.Has(key)) p.weights[instrument][item] = r.Number(key, 0, 10);
    }
  }
  return p;
}

absl::StatusOr<AssessmentPolicies> LoadAssessmentPolicies(const policy::PolicyDocument& doc,
                                                          const WeightKeys& weight_keys) {
  return policy::LoadSchedule<AssessmentPolicy>(
      doc, "assessment",
      [&weight_keys](policy::PolicyReader& r) -> absl::StatusOr<AssessmentPolicy> {
        return ReadAssessmentPolicy(r, weight_keys);
      });
}

}  // namespace ccms::assessment::domain
