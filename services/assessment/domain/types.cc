#include "services/assessment/domain/types.h"

#include <array>
#include <utility>

namespace ccms::assessment::domain {
namespace {

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "UNSPECIFIED";
}

template <typename E, size_t N>
std::optional<E> Parse(const std::array<std::pair<E, std::string_view>, N>& table,
                       std::string_view name) {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<Level, std::string_view>, 3> kLevels = {{
    {Level::kStrict, "STRICT"},
    {Level::kStandard, "STANDARD"},
    {Level::kRelaxed, "RELAXED"},
}};
constexpr std::array<std::pair<RiskLevel, std::string_view>, 3> kRisks = {{
    {RiskLevel::kLow, "LOW"},
    {RiskLevel::kMedium, "MEDIUM"},
    {RiskLevel::kHigh, "HIGH"},
}};
constexpr std::array<std::pair<InstrumentKind, std::string_view>, 2> kInstrumentKinds = {{
    {InstrumentKind::kSocialRisk, "SOCIAL_RISK"},
    {InstrumentKind::kPsychScreening, "PSYCH_SCREENING"},
}};
constexpr std::array<std::pair<AssessmentKind, std::string_view>, 4> kAssessmentKinds = {{
    {AssessmentKind::kIntake, "INTAKE"},
    {AssessmentKind::kPeriodic, "PERIODIC"},
    {AssessmentKind::kTriggered, "TRIGGERED"},
    {AssessmentKind::kDischarge, "DISCHARGE"},
}};
constexpr std::array<std::pair<CrisisKind, std::string_view>, 4> kCrisisKinds = {{
    {CrisisKind::kSelfHarm, "SELF_HARM"},
    {CrisisKind::kSuicide, "SUICIDE"},
    {CrisisKind::kViolence, "VIOLENCE"},
    {CrisisKind::kOther, "OTHER"},
}};
constexpr std::array<std::pair<CaseStatus, std::string_view>, 3> kStatuses = {{
    {CaseStatus::kPendingIntake, "PENDING_INTAKE"},
    {CaseStatus::kActive, "ACTIVE"},
    {CaseStatus::kClosed, "CLOSED"},
}};

}  // namespace

std::string_view LevelName(Level v) { return NameOf(kLevels, v); }
std::optional<Level> ParseLevel(std::string_view n) { return Parse(kLevels, n); }
std::string_view RiskLevelName(RiskLevel v) { return NameOf(kRisks, v); }
std::optional<RiskLevel> ParseRiskLevel(std::string_view n) { return Parse(kRisks, n); }
std::string_view InstrumentKindName(InstrumentKind v) { return NameOf(kInstrumentKinds, v); }
std::optional<InstrumentKind> ParseInstrumentKind(std::string_view n) {
  return Parse(kInstrumentKinds, n);
}
std::string_view AssessmentKindName(AssessmentKind v) { return NameOf(kAssessmentKinds, v); }
std::optional<AssessmentKind> ParseAssessmentKind(std::string_view n) {
  return Parse(kAssessmentKinds, n);
}
std::string_view CrisisKindName(CrisisKind v) { return NameOf(kCrisisKinds, v); }
std::optional<CrisisKind> ParseCrisisKind(std::string_view n) { return Parse(kCrisisKinds, n); }
std::string_view CaseStatusName(CaseStatus v) { return NameOf(kStatuses, v); }
std::optional<CaseStatus> ParseCaseStatus(std::string_view n) { return Parse(kStatuses, n); }

absl::CivilDay MonthOf(absl::CivilDay day) { return absl::CivilDay(day.year(), day.month(), 1); }

absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  const absl::CivilMonth target = absl::CivilMonth(day) + months;
  const absl::CivilDay first(target.year(), target.month(), 1);
  const absl::CivilDay last = absl::CivilDay(absl::CivilMonth(target) + 1) - 1;
  const absl::CivilDay wanted = first + (day.day() - 1);
  return wanted > last ? last : wanted;
}

}  // namespace ccms::assessment::domain
