#pragma once

// The facts of a case that other services count and group people by (docs/events.md, "Case
// facts"): sex, age band, age at judgment, offence category, minor. Never a name, an ID number,
// a phone number or an address.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"

namespace ccms::records::domain {

// Bands of whole years of age (周岁, time::YearsBetween: a 02-29 birthday is reached on 03-01 in
// other years). 16–17 are the minors the law can supervise; the adult bands follow the usual
// statistical cuts (policy does not change them: consumers keep counts by band over years).
enum class AgeBand { kUnder16, k16To17, k18To25, k26To35, k36To45, k46To59, k60AndOver };

// Stable names for events and storage: "UNDER_16", "16_TO_17", ..., "60_AND_OVER".
std::string_view AgeBandName(AgeBand band);
std::optional<AgeBand> ParseAgeBand(std::string_view name);

AgeBand AgeBandOf(int age);
// The band of a person born on `birth`, on `day`.
AgeBand AgeBandOn(absl::CivilDay birth, absl::CivilDay day);

// Whether `code` is one of the policy's offence categories (records.offence_categories).
bool IsOffenceCategory(const std::vector<std::string>& categories, std::string_view code);

// The category an event carries for a stored value: the value when it is a category of the
// policy, else "other" (cases opened before categories were coded hold free text).
std::string OffenceCategoryForEvent(const std::vector<std::string>& categories,
                                    std::string_view stored);

// What the periodic facts scan decides for one case (see CaseFactsDecision).
enum class FactsAction { kNone, kSnapshot, kChanged };

// A case's facts are published once as a snapshot when they never were (cases opened before the
// facts were on the bus), then again, for an open case, each time its age band moves. A closed
// case's band is not followed.
FactsAction CaseFactsDecision(bool ever_published, std::optional<AgeBand> published_band,
                              AgeBand band_today, bool case_open);

}  // namespace ccms::records::domain
