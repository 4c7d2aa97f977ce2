#include "services/assessment/domain/level_rules.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time/calendar.h"

namespace ccms::assessment::domain {
namespace {

std::string D(absl::CivilDay d) { return time::FormatDate(d); }
std::string M(absl::CivilDay d) { return absl::StrFormat("%04d-%02d", d.year(), d.month()); }

void Earliest(std::optional<absl::CivilDay>* review, absl::CivilDay candidate) {
  if (!review->has_value() || candidate < **review) *review = candidate;
}

}  // namespace

absl::CivilDay InitialStrictUntil(absl::CivilDay intake, const AssessmentPolicy& policy) {
  return AddMonths(intake, policy.initial_strict_months);
}

RelaxedEligibility CheckRelaxed(const CaseState& s, const AssessmentPolicy& p, absl::CivilDay today,
                                std::vector<std::string>* reasons) {
  RelaxedEligibility e;
  if (p.relaxed_standard_months > 0 && s.non_strict_since.has_value() &&
      AddMonths(*s.non_strict_since, p.relaxed_standard_months) <= today &&
      s.closed_months.size() >= 3) {
    const int sum = s.closed_months[0].total + s.closed_months[1].total + s.closed_months[2].total;
    const double avg = sum / 3.0;
    if (avg >= p.relaxed_quarterly_average_min) {
      e.standard_months = true;
      reasons->push_back(absl::StrFormat(
          "%s: not STRICT since %s (at least %d months, assessment.level.relaxed.standard_months)"
          " and quarterly average points %.1f >= %d (%s..%s; "
          "assessment.level.relaxed.quarterly_average_min)",
          kRuleRelaxedStandardMonths, D(*s.non_strict_since), p.relaxed_standard_months, avg,
          p.relaxed_quarterly_average_min, M(s.closed_months[2].month),
          M(s.closed_months[0].month)));
    }
  }
  if (p.relaxed_consecutive_commendations > 0 &&
      s.commendation_streak >= p.relaxed_consecutive_commendations) {
    e.commendations = true;
    reasons->push_back(absl::StrFormat(
        "%s: %d consecutive commendations >= %d "
        "(assessment.level.relaxed.consecutive_commendations)",
        kRuleRelaxedCommendations, s.commendation_streak, p.relaxed_consecutive_commendations));
  }
  if (p.relaxed_low_risk && s.social_risk == RiskLevel::kLow) {
    e.low_risk = true;
    reasons->push_back(absl::StrCat(kRuleRelaxedLowRisk, ": social risk assessed LOW on ",
                                    s.social_risk_on ? D(*s.social_risk_on) : "-",
                                    " (assessment.level.relaxed.low_risk)"));
  }
  return e;
}

LevelDecision DecideLevel(const CaseState& s, const AssessmentPolicy& p, absl::CivilDay today) {
  LevelDecision d;
  if (s.status != CaseStatus::kActive || !s.intake_reported_on.has_value()) return d;
  const std::string policy_note = absl::StrCat(" [policy ", p.version, "]");

  if (s.override_level.has_value()) {
    d.level = s.override_level->level;
    d.rule = kRuleOverride;
    d.reasons.push_back(absl::StrCat(kRuleOverride, ": set to ", std::string(LevelName(d.level)),
                                     " by staff on ", D(s.override_level->on),
                                     " with a written reason; stands until the next assessment "
                                     "or a warning"));
    return d;
  }

  std::vector<std::string> strict;  // every STRICT condition that holds
  std::string strict_rule;
  auto hold = [&](const char* rule, std::string reason) {
    if (strict_rule.empty()) strict_rule = rule;
    strict.push_back(std::move(reason));
  };

  if (s.last_warning_on.has_value() && p.warning_strict_months > 0) {
    const absl::CivilDay until = AddMonths(*s.last_warning_on, p.warning_strict_months);
    if (today < until) {
      hold(kRuleWarning,
           absl::StrFormat("%s: warning issued on %s; STRICT until %s (%d months, "
                           "assessment.level.warning_strict_months)",
                           kRuleWarning, D(*s.last_warning_on), D(until), p.warning_strict_months));
      Earliest(&d.review_on, until);
    }
  }
  if (s.social_risk == RiskLevel::kHigh) {
    hold(kRuleHighRisk, absl::StrCat(kRuleHighRisk, ": social risk assessed HIGH on ",
                                     s.social_risk_on ? D(*s.social_risk_on) : "-"));
  }
  if (s.psych_abnormal) {
    hold(kRuleHighRisk, absl::StrCat(kRuleHighRisk, ": psychological screening abnormal on ",
                                     s.psych_on ? D(*s.psych_on) : "-"));
  }
  const absl::CivilDay strict_until = InitialStrictUntil(*s.intake_reported_on, p);
  if (today < strict_until) {
    hold(kRuleInitialStrict,
         absl::StrFormat("%s: intake on %s; initial strict period until %s (%d months, "
                         "assessment.level.initial_strict_months)",
                         kRuleInitialStrict, D(*s.intake_reported_on), D(strict_until),
                         p.initial_strict_months));
    Earliest(&d.review_on, strict_until);
  }
  if (s.social_risk == RiskLevel::kUnspecified) {
    hold(kRuleAwaitingAssessment,
         absl::StrCat(kRuleAwaitingAssessment, ": no social-risk assessment recorded yet"));
  }
  if (!s.closed_months.empty() && s.closed_months[0].total < p.strict_below_month_total) {
    hold(kRuleLowPoints,
         absl::StrFormat("%s: %s points total %d < %d (assessment.level.strict_below_month_total)",
                         kRuleLowPoints, M(s.closed_months[0].month), s.closed_months[0].total,
                         p.strict_below_month_total));
  }
  if (!strict.empty()) {
    d.level = Level::kStrict;
    d.rule = strict_rule;
    d.reasons = std::move(strict);
    d.reasons.back() += policy_note;
    return d;
  }

  // Not STRICT: the months-continuously-not-STRICT clock starts today if the case is STRICT now.
  CaseState candidate = s;
  if (s.level == Level::kStrict || s.level == Level::kUnspecified ||
      !candidate.non_strict_since.has_value()) {
    candidate.non_strict_since = today;
  }
  std::vector<std::string> relaxed;
  const RelaxedEligibility e = CheckRelaxed(candidate, p, today, &relaxed);
  if (e.any()) {
    d.level = Level::kRelaxed;
    d.rule = e.standard_months ? kRuleRelaxedStandardMonths
             : e.commendations ? kRuleRelaxedCommendations
                               : kRuleRelaxedLowRisk;
    d.reasons = std::move(relaxed);
  } else {
    d.level = Level::kStandard;
    d.rule = kRuleStandard;
    d.reasons.push_back(absl::StrCat(
        kRuleStandard, ": no STRICT condition holds and no RELAXED condition is met (social risk ",
        std::string(RiskLevelName(s.social_risk)), ", ", s.commendation_streak,
        " consecutive commendations, ", s.closed_months.size(), " closed months)"));
    if (p.relaxed_standard_months > 0) {
      const absl::CivilDay reach =
          AddMonths(*candidate.non_strict_since, p.relaxed_standard_months);
      if (reach > today) Earliest(&d.review_on, reach);
    }
  }
  d.reasons.back() += policy_note;
  return d;
}

}  // namespace ccms::assessment::domain
