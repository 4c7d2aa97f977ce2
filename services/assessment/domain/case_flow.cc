#include "services/assessment/domain/case_flow.h"

#include <algorithm>

namespace ccms::assessment::domain {
namespace {

constexpr InstrumentKind kInstruments[] = {InstrumentKind::kSocialRisk,
                                           InstrumentKind::kPsychScreening};

void UpsertDue(Effects* e, const DuePlan& plan) {
  for (auto& d : e->dues) {
    if (d.instrument == plan.instrument && d.kind == plan.kind) {
      d = plan;
      return;
    }
  }
  e->dues.push_back(plan);
}

std::optional<absl::CivilDay> LastAssessed(const CaseState& s, InstrumentKind k) {
  return k == InstrumentKind::kSocialRisk ? s.social_risk_on : s.psych_on;
}

DuePlan PeriodicDue(InstrumentKind k, absl::CivilDay last, Level level, const AssessmentPolicy& p) {
  const absl::CivilDay due = AddMonths(last, p.ReassessMonths(level));
  return {k, AssessmentKind::kPeriodic, std::max(last, AddMonths(due, -1)), due};
}

bool KeyAttention(const CaseState& s) {
  return s.social_risk == RiskLevel::kHigh || s.psych_abnormal;
}

void IntakeDues(const CaseState& s, absl::CivilDay from, const AssessmentPolicy& p, Effects* e) {
  for (InstrumentKind k : kInstruments) {
    if (LastAssessed(s, k).has_value()) continue;  // already screened
    UpsertDue(e,
              {k, AssessmentKind::kIntake, from, AddMonths(from, p.intake_screen_within_months)});
  }
}

void Ledger(const CaseState& s, const std::string& reason, absl::CivilDay on,
            const AssessmentPolicy& p, Effects* e) {
  if (s.status == CaseStatus::kClosed) return;
  e->ledger.push_back({reason, p.PointsFor(reason), on});
}

const char* SanctionReason(SanctionKind k) {
  switch (k) {
    case SanctionKind::kAdmonition:
      return "ADMONITION";
    case SanctionKind::kWarning:
      return "WARNING";
    case SanctionKind::kPublicSecurityReferral:
      return "PUBLIC_SECURITY_REFERRAL";
    case SanctionKind::kRevocationRequest:
      return "REVOCATION_REQUEST";
    default:
      return nullptr;
  }
}

}  // namespace

absl::CivilDay DefaultDueHorizon(absl::CivilDay today, const AssessmentPolicy& policy) {
  return std::max(today + 30, AddMonths(today, policy.intake_screen_within_months));
}

absl::CivilDay LedgerMonthFor(absl::CivilDay occurred_on, absl::CivilDay today,
                              bool occurred_month_closed) {
  if (occurred_month_closed || occurred_on > today) return MonthOf(today);
  return MonthOf(occurred_on);
}

std::vector<std::string> KeyAttentionReasons(const CaseState& s) {
  std::vector<std::string> out;
  if (s.social_risk == RiskLevel::kHigh) out.push_back("HIGH_SOCIAL_RISK");
  if (s.psych_abnormal) out.push_back("ABNORMAL_PSYCH_SCREENING");
  return out;
}

void Evaluate(CaseState& s, const AssessmentPolicy& p, absl::CivilDay today,
              absl::CivilDay effective_on, Effects* e) {
  if (s.status != CaseStatus::kActive || !s.intake_reported_on.has_value()) return;
  const LevelDecision d = DecideLevel(s, p, today);
  s.review_on = d.review_on;
  s.level_rule = d.rule;
  s.level_reasons = d.reasons;
  s.level_policy_version = p.version;
  if (d.level == s.level) return;
  const absl::CivilDay effective = std::min(effective_on, today);
  LevelChangePlan change;
  change.from = s.level;
  change.to = d.level;
  change.rule = d.rule;
  change.reasons = d.reasons;
  change.effective_on = effective;
  change.override = d.rule == kRuleOverride;
  if (d.level == Level::kStrict) {
    s.non_strict_since.reset();
  } else if (s.level == Level::kStrict || s.level == Level::kUnspecified ||
             !s.non_strict_since.has_value()) {
    s.non_strict_since = effective;
  }
  s.level = d.level;
  s.level_effective_on = effective;
  e->level_change = std::move(change);
  for (InstrumentKind k : kInstruments) {
    if (auto last = LastAssessed(s, k); last.has_value()) {
      UpsertDue(e, PeriodicDue(k, *last, s.level, p));
    }
  }
}

Effects ApplyRecordsFact(CaseState& s, const RecordsFact& fact, const AssessmentPolicy& p,
                         absl::CivilDay today) {
  Effects e;
  absl::CivilDay effective = today;
  if (const auto* f = std::get_if<CaseOpenedFact>(&fact)) {
    if (!f->district_code.empty()) s.district_code = f->district_code;
    if (!f->office_id.empty()) s.office_id = f->office_id;
    if (f->supervision_start) s.supervision_start = f->supervision_start;
    if (f->supervision_end) s.supervision_end = f->supervision_end;
    s.minor = f->minor;
    if (s.status == CaseStatus::kClosed) return e;
    const absl::CivilDay from = s.intake_reported_on.value_or(s.supervision_start.value_or(today));
    IntakeDues(s, from, p, &e);
  } else if (const auto* f = std::get_if<IntakeReportedFact>(&fact)) {
    if (s.status == CaseStatus::kClosed) return e;
    s.status = CaseStatus::kActive;
    if (!s.intake_reported_on.has_value()) s.intake_reported_on = f->reported_on;
    IntakeDues(s, *s.intake_reported_on, p, &e);
    const absl::CivilDay last = MonthOf(today);
    absl::CivilDay m = std::max(MonthOf(*s.intake_reported_on), AddMonths(last, -24));
    for (; m <= last; m = AddMonths(m, 1)) e.open_months.push_back(m);
    effective = *s.intake_reported_on;
  } else if (const auto* f = std::get_if<ViolationFact>(&fact)) {
    Ledger(s, "VIOLATION", f->occurred_on, p, &e);
    s.commendation_streak = 0;
  } else if (const auto* f = std::get_if<SanctionFact>(&fact)) {
    if (const char* reason = SanctionReason(f->kind)) Ledger(s, reason, f->issued_on, p, &e);
    s.commendation_streak = 0;
    if (f->kind == SanctionKind::kWarning && s.status != CaseStatus::kClosed) {
      if (!s.last_warning_on.has_value() || *s.last_warning_on < f->issued_on) {
        s.last_warning_on = f->issued_on;
      }
      s.override_level.reset();  // a warning always moves the case to STRICT
      UpsertDue(&e, {InstrumentKind::kSocialRisk, AssessmentKind::kTriggered, f->issued_on,
                     f->issued_on + p.triggered_within_days});
      effective = f->issued_on;
    }
  } else if (const auto* f = std::get_if<CommendationFact>(&fact)) {
    Ledger(s, "COMMENDATION", f->recorded_on, p, &e);
    ++s.commendation_streak;
    effective = f->recorded_on;
  } else if (const auto* f = std::get_if<DischargeApproachingFact>(&fact)) {
    s.supervision_end = f->end_date;
    if (s.status == CaseStatus::kClosed) return e;
    for (InstrumentKind k : kInstruments) {
      UpsertDue(&e, {k, AssessmentKind::kDischarge,
                     AddMonths(f->end_date, -p.discharge_window_months), f->end_date});
    }
    return e;
  } else if (std::get_if<CaseClosedFact>(&fact)) {
    s.status = CaseStatus::kClosed;
    s.review_on.reset();
    e.cancel_open_dues = true;
    return e;
  } else if (const auto* f = std::get_if<CaseTransferredFact>(&fact)) {
    if (!f->to_district_code.empty() && f->to_district_code != s.district_code) {
      e.previous_district = s.district_code;
      s.district_code = f->to_district_code;
    }
    if (!f->to_office_id.empty()) s.office_id = f->to_office_id;
    return e;
  }
  Evaluate(s, p, today, effective, &e);
  return e;
}

Effects ApplyAssessment(CaseState& s, const AssessmentOutcome& a, const AssessmentPolicy& p,
                        absl::CivilDay today) {
  Effects e;
  const bool was_key = s.key_attention;
  if (a.instrument == InstrumentKind::kSocialRisk) {
    if (!s.social_risk_on.has_value() || *s.social_risk_on <= a.assessed_on) {
      s.social_risk = a.risk;
      s.social_risk_on = a.assessed_on;
    }
  } else if (a.instrument == InstrumentKind::kPsychScreening) {
    if (!s.psych_on.has_value() || *s.psych_on <= a.assessed_on) {
      s.psych_abnormal = a.abnormal;
      s.psych_on = a.assessed_on;
    }
  }
  s.key_attention = KeyAttention(s);
  e.key_attention_changed = s.key_attention != was_key;
  e.completed_dues.push_back({a.instrument, a.kind});
  if (a.kind != AssessmentKind::kIntake) {
    e.completed_dues.push_back({a.instrument, AssessmentKind::kIntake});
  }
  s.override_level.reset();  // an override stands until the next assessment
  if (s.status == CaseStatus::kClosed) return e;
  if (a.crisis) {
    UpsertDue(&e, {InstrumentKind::kPsychScreening, AssessmentKind::kTriggered, today,
                   today + p.triggered_within_days});
  }
  Evaluate(s, p, today, std::min(a.assessed_on, today), &e);
  if (s.level != Level::kUnspecified) {
    const auto last = LastAssessed(s, a.instrument);
    UpsertDue(&e, PeriodicDue(a.instrument, last.value_or(a.assessed_on), s.level, p));
  }
  return e;
}

Effects ApplyCrisisRaised(CaseState& s, const AssessmentPolicy& p, absl::CivilDay today) {
  Effects e;
  if (s.status == CaseStatus::kClosed) return e;
  UpsertDue(&e, {InstrumentKind::kPsychScreening, AssessmentKind::kTriggered, today,
                 today + p.triggered_within_days});
  return e;
}

Effects ApplyOverride(CaseState& s, Level level, const AssessmentPolicy& p, absl::CivilDay today) {
  Effects e;
  s.override_level = LevelOverride{level, today};
  Evaluate(s, p, today, today, &e);
  if (!e.level_change.has_value()) {
    LevelChangePlan same;
    same.from = same.to = s.level;
    same.rule = s.level_rule;
    same.reasons = s.level_reasons;
    same.effective_on = today;
    e.level_change = std::move(same);
  }
  e.level_change->override = true;
  return e;
}

Effects ApplyMonthClosed(CaseState& s, const AssessmentPolicy& p, absl::CivilDay today) {
  Effects e;
  Evaluate(s, p, today, today, &e);
  return e;
}

Effects Reevaluate(CaseState& s, const AssessmentPolicy& p, absl::CivilDay today) {
  Effects e;
  Evaluate(s, p, today, today, &e);
  return e;
}

}  // namespace ccms::assessment::domain
