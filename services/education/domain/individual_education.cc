#include "services/education/domain/individual_education.h"

#include <algorithm>

#include "services/education/domain/service_file_rules.h"

namespace ccms::education::domain {

IndividualPolicy ReadIndividualPolicy(policy::PolicyReader& r) {
  IndividualPolicy p;
  p.base_per_month = static_cast<int>(r.Int("education.individual.base_per_month", 0, 31));
  p.stepped_up_per_month =
      static_cast<int>(r.Int("education.individual.stepped_up_per_month", 1, 31));
  p.step_up_months = static_cast<int>(r.Int("education.individual.step_up_months", 1, 24));
  if (p.stepped_up_per_month < p.base_per_month) {
    r.Problem("education.individual.stepped_up_per_month", "is below base_per_month");
  }
  return p;
}

std::string_view StepUpReasonName(StepUpReason r) {
  switch (r) {
    case StepUpReason::kViolation:
      return "VIOLATION";
    case StepUpReason::kSanction:
      return "SANCTION";
    case StepUpReason::kHighRisk:
      return "HIGH_RISK";
    case StepUpReason::kKeyAttention:
      return "KEY_ATTENTION";
    case StepUpReason::kCrisisFlag:
      return "CRISIS_FLAG";
  }
  return "VIOLATION";
}

std::optional<StepUpReason> StepUpReasonOf(std::string_view name) {
  for (StepUpReason r : {StepUpReason::kViolation, StepUpReason::kSanction, StepUpReason::kHighRisk,
                         StepUpReason::kKeyAttention, StepUpReason::kCrisisFlag}) {
    if (StepUpReasonName(r) == name) return r;
  }
  return std::nullopt;
}

absl::CivilDay StepUpUntil(absl::CivilDay on, int months) {
  return AddMonthsClamped(on, months) - 1;
}

IndividualMonth IndividualFor(const Term& term, absl::CivilMonth month,
                              const std::vector<StepUpTrigger>& triggers,
                              const std::vector<absl::CivilDay>& held_days,
                              const IndividualPolicy& policy) {
  IndividualMonth m;
  m.month = month;
  const absl::CivilDay first = FirstDay(month);
  const absl::CivilDay last = LastDay(month);
  for (const auto& d : held_days) {
    if (first <= d && d <= last) ++m.held;
  }
  if (!term.start.has_value()) return m;
  const absl::CivilDay from = std::max(first, *term.start);
  const absl::CivilDay to = term.end.has_value() ? std::min(last, *term.end) : last;
  if (to < from) return m;
  for (const auto& t : triggers) {
    const absl::CivilDay until = StepUpUntil(t.on, policy.step_up_months);
    if (t.on <= to && from <= until) m.in_force.push_back(t);
  }
  m.required = m.in_force.empty() ? policy.base_per_month : policy.stepped_up_per_month;
  return m;
}

}  // namespace ccms::education::domain
