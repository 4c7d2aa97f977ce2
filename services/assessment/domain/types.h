#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"

namespace ccms::assessment::domain {

// Supervision level (严管 / 普管 / 宽管).
enum class Level { kUnspecified, kStrict, kStandard, kRelaxed };
enum class RiskLevel { kUnspecified, kLow, kMedium, kHigh };
enum class InstrumentKind { kUnspecified, kSocialRisk, kPsychScreening };
enum class AssessmentKind { kUnspecified, kIntake, kPeriodic, kTriggered, kDischarge };
enum class CrisisKind { kUnspecified, kSelfHarm, kSuicide, kViolence, kOther };
// What assessment knows of a case's life cycle (records owns the details).
enum class CaseStatus { kPendingIntake, kActive, kClosed };

// Wire names, as stored in the database: "STRICT", "HIGH", "SOCIAL_RISK", "INTAKE", ...
std::string_view LevelName(Level level);
std::optional<Level> ParseLevel(std::string_view name);
std::string_view RiskLevelName(RiskLevel risk);
std::optional<RiskLevel> ParseRiskLevel(std::string_view name);
std::string_view InstrumentKindName(InstrumentKind kind);
std::optional<InstrumentKind> ParseInstrumentKind(std::string_view name);
std::string_view AssessmentKindName(AssessmentKind kind);
std::optional<AssessmentKind> ParseAssessmentKind(std::string_view name);
std::string_view CrisisKindName(CrisisKind kind);
std::optional<CrisisKind> ParseCrisisKind(std::string_view name);
std::string_view CaseStatusName(CaseStatus status);
std::optional<CaseStatus> ParseCaseStatus(std::string_view name);

// The first day of the month of `day`.
absl::CivilDay MonthOf(absl::CivilDay day);
// `day` plus `months` calendar months; a day that does not exist in the target month becomes
// that month's last day (2026-01-31 + 1 month = 2026-02-28; 2024-01-31 + 1 = 2024-02-29).
absl::CivilDay AddMonths(absl::CivilDay day, int months);

// A closed month of the points ledger.
struct MonthTotal {
  absl::CivilDay month;  // first day of the month
  int total = 0;
};

// A staff override of the level; it stands until the next assessment or a warning.
struct LevelOverride {
  Level level = Level::kUnspecified;
  absl::CivilDay on;
};

// What the assessment service keeps per case: the facts it follows from records and the state
// it owns (risk, key attention, level and its reasons). One row; the domain changes it in memory
// and the store writes it back in the same transaction as the effects.
struct CaseState {
  std::string case_id;
  std::string district_code;
  std::string office_id;
  CaseStatus status = CaseStatus::kPendingIntake;
  bool minor = false;
  std::optional<absl::CivilDay> supervision_start;
  std::optional<absl::CivilDay> supervision_end;
  std::optional<absl::CivilDay> intake_reported_on;

  Level level = Level::kUnspecified;
  std::string level_rule;
  std::optional<absl::CivilDay> level_effective_on;
  std::vector<std::string> level_reasons;
  std::string level_policy_version;
  // Since when the case has been continuously not STRICT (for RELAXED eligibility).
  std::optional<absl::CivilDay> non_strict_since;
  // The next day the level may change by time alone (the maintenance loop re-evaluates then).
  std::optional<absl::CivilDay> review_on;
  std::optional<LevelOverride> override_level;

  std::optional<absl::CivilDay> last_warning_on;
  int commendation_streak = 0;  // commendations since the last violation or sanction

  RiskLevel social_risk = RiskLevel::kUnspecified;
  std::optional<absl::CivilDay> social_risk_on;
  bool psych_abnormal = false;
  std::optional<absl::CivilDay> psych_on;
  bool key_attention = false;

  // The latest closed months, newest first (loaded by the store; at most 3 needed).
  std::vector<MonthTotal> closed_months;

  int64_t version = 0;
};

}  // namespace ccms::assessment::domain
