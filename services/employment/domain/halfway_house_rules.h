#pragma once

#include <optional>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/employment/domain/case_view.h"

namespace ccms::employment::domain {

// Halfway houses (阳光中途之家, issue 15 item 9; docs/employment.md "Halfway houses").

// The most places a house may have.
inline constexpr int kMaxHalfwayHousePlaces = 500;

// The ErrorInfo reason of an admission to a house whose places are all taken.
inline constexpr char kHouseFullReason[] = "HOUSE_FULL";

// Whether the case's person may be admitted on `admitted_on` to a house of `house_district`
// holding `occupied` of its `places`: the case open (not closed) and of the house's district, the
// person in no other house, a free place, the day not in the future. FAILED_PRECONDITION naming
// the rule otherwise (a full house with reason HOUSE_FULL); OK when admitted.
absl::Status CheckAdmission(const CaseView& c, const std::string& house_district, int places,
                            int occupied, bool already_placed, absl::CivilDay admitted_on,
                            absl::CivilDay today);

// Whether an open placement admitted on `admitted_on` may end on `left_on`: not before the
// admission, not in the future, and not ended already (`ended_on`).
absl::Status CheckLeave(absl::CivilDay admitted_on, std::optional<absl::CivilDay> ended_on,
                        absl::CivilDay left_on, absl::CivilDay today);

}  // namespace ccms::employment::domain
