#include "services/records/domain/case_facts.h"

#include <algorithm>
#include <array>

#include "common/time/calendar.h"

namespace ccms::records::domain {
namespace {

constexpr std::array<std::string_view, 7> kAgeBandNames = {
    "UNDER_16", "16_TO_17", "18_TO_25", "26_TO_35", "36_TO_45", "46_TO_59", "60_AND_OVER"};

}  // namespace

std::string_view AgeBandName(AgeBand band) { return kAgeBandNames[static_cast<int>(band)]; }

std::optional<AgeBand> ParseAgeBand(std::string_view name) {
  for (size_t i = 0; i < kAgeBandNames.size(); ++i) {
    if (kAgeBandNames[i] == name) return static_cast<AgeBand>(i);
  }
  return std::nullopt;
}

AgeBand AgeBandOf(int age) {
  if (age < 16) return AgeBand::kUnder16;
  if (age < 18) return AgeBand::k16To17;
  if (age <= 25) return AgeBand::k18To25;
  if (age <= 35) return AgeBand::k26To35;
  if (age <= 45) return AgeBand::k36To45;
  if (age <= 59) return AgeBand::k46To59;
  return AgeBand::k60AndOver;
}

AgeBand AgeBandOn(absl::CivilDay birth, absl::CivilDay day) {
  return AgeBandOf(time::YearsBetween(birth, day));
}

bool IsOffenceCategory(const std::vector<std::string>& categories, std::string_view code) {
  return std::find(categories.begin(), categories.end(), code) != categories.end();
}

std::string OffenceCategoryForEvent(const std::vector<std::string>& categories,
                                    std::string_view stored) {
  return IsOffenceCategory(categories, stored) ? std::string(stored) : std::string("other");
}

FactsAction CaseFactsDecision(bool ever_published, std::optional<AgeBand> published_band,
                              AgeBand band_today, bool case_open) {
  if (!ever_published) return FactsAction::kSnapshot;
  if (case_open && published_band != band_today) return FactsAction::kChanged;
  return FactsAction::kNone;
}

}  // namespace ccms::records::domain
