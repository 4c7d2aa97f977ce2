#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/assessment/domain/assessment_policy.h"
#include "services/assessment/domain/level_rules.h"
#include "services/assessment/domain/types.h"

namespace ccms::assessment::domain {

// Facts that records publishes (ccms.records.v1), as the domain sees them.
enum class SanctionKind {
  kUnspecified,
  kAdmonition,
  kWarning,
  kPublicSecurityReferral,
  kRevocationRequest
};

struct CaseOpenedFact {
  std::string district_code;
  std::string office_id;
  std::optional<absl::CivilDay> supervision_start;
  std::optional<absl::CivilDay> supervision_end;
  bool minor = false;
};
struct IntakeReportedFact {
  absl::CivilDay reported_on;
};
struct ViolationFact {
  absl::CivilDay occurred_on;
};
struct SanctionFact {
  SanctionKind kind = SanctionKind::kUnspecified;
  absl::CivilDay issued_on;
};
struct CommendationFact {
  absl::CivilDay recorded_on;
};
struct DischargeApproachingFact {
  absl::CivilDay end_date;
};
struct CaseClosedFact {
  absl::CivilDay closed_on;
};
struct CaseTransferredFact {
  std::string to_district_code;
  std::string to_office_id;
  absl::CivilDay effective_on;
};
using RecordsFact =
    std::variant<CaseOpenedFact, IntakeReportedFact, ViolationFact, SanctionFact, CommendationFact,
                 DischargeApproachingFact, CaseClosedFact, CaseTransferredFact>;

// An assessment due: an open one per (case, instrument kind, assessment kind). Upserting sets
// the open one's dates (or opens one).
struct DuePlan {
  InstrumentKind instrument = InstrumentKind::kUnspecified;
  AssessmentKind kind = AssessmentKind::kUnspecified;
  absl::CivilDay window_opens_on;
  absl::CivilDay due_on;
  bool operator==(const DuePlan&) const = default;
};

// A points ledger entry to append. Reason codes: BASE, VIOLATION, ADMONITION, WARNING,
// PUBLIC_SECURITY_REFERRAL, REVOCATION_REQUEST, COMMENDATION, ADJUSTMENT.
struct LedgerPlan {
  std::string reason;
  int amount = 0;
  absl::CivilDay occurred_on;
};

struct LevelChangePlan {
  Level from = Level::kUnspecified;
  Level to = Level::kUnspecified;
  std::string rule;
  std::vector<std::string> reasons;
  absl::CivilDay effective_on;
  bool override = false;
};

// What a change of the case state asks the store to write beside the state itself.
struct Effects {
  std::vector<DuePlan> dues;
  // Open dues completed by an assessment: (instrument, kind).
  std::vector<std::pair<InstrumentKind, AssessmentKind>> completed_dues;
  bool cancel_open_dues = false;
  std::vector<LedgerPlan> ledger;
  // Months (first days) whose ledger must exist, with its BASE entry.
  std::vector<absl::CivilDay> open_months;
  std::optional<LevelChangePlan> level_change;
  bool key_attention_changed = false;
  std::string previous_district;  // set when the case moved district
};

// A scored assessment as it changes the case.
struct AssessmentOutcome {
  InstrumentKind instrument = InstrumentKind::kUnspecified;
  AssessmentKind kind = AssessmentKind::kUnspecified;
  absl::CivilDay assessed_on;
  RiskLevel risk = RiskLevel::kUnspecified;
  bool abnormal = false;
  bool crisis = false;
};

// The default horizon of ListDueAssessments (inclusive): every due an intake reported `today`
// creates, i.e. today + assessment.intake.screen_within_months calendar months (Dec 5 -> Jan 5,
// Jan 31 -> Feb 28/29), and never less than today + 30 days.
absl::CivilDay DefaultDueHorizon(absl::CivilDay today, const AssessmentPolicy& policy);

// The month a ledger entry goes to: the month it happened in while that month is open, else
// the current month (a closed month never changes).
absl::CivilDay LedgerMonthFor(absl::CivilDay occurred_on, absl::CivilDay today,
                              bool occurred_month_closed);

// The reason codes of key attention (重点对象): HIGH_SOCIAL_RISK, ABNORMAL_PSYCH_SCREENING.
std::vector<std::string> KeyAttentionReasons(const CaseState& state);

// Each function changes `state` in memory and returns what else to write. `today` is the
// day of the decision (Asia/Shanghai). Level re-evaluation runs after each, and its effective
// date is `effective_on` when given (e.g. the warning's day), else today.
Effects ApplyRecordsFact(CaseState& state, const RecordsFact& fact, const AssessmentPolicy& policy,
                         absl::CivilDay today);
Effects ApplyAssessment(CaseState& state, const AssessmentOutcome& outcome,
                        const AssessmentPolicy& policy, absl::CivilDay today);
// A crisis flag raised (by an answer or by staff): a TRIGGERED psychological reassessment due.
Effects ApplyCrisisRaised(CaseState& state, const AssessmentPolicy& policy, absl::CivilDay today);
// A staff override (level must be set); recorded as a change even if the level is the same.
Effects ApplyOverride(CaseState& state, Level level, const AssessmentPolicy& policy,
                      absl::CivilDay today);
// A ledger month closed with `total` (state.closed_months already holds it, newest first).
Effects ApplyMonthClosed(CaseState& state, const AssessmentPolicy& policy, absl::CivilDay today);
// Re-evaluation because time passed (review_on reached).
Effects Reevaluate(CaseState& state, const AssessmentPolicy& policy, absl::CivilDay today);

// Runs DecideLevel and applies a change to `state` and `effects` (level, rule, reasons,
// non_strict_since, review_on; periodic dues follow the new level). Used by all of the above.
void Evaluate(CaseState& state, const AssessmentPolicy& policy, absl::CivilDay today,
              absl::CivilDay effective_on, Effects* effects);

}  // namespace ccms::assessment::domain
