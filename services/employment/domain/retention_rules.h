#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/employment/domain/case_view.h"

namespace ccms::employment::domain {

// Employment spells and their retention checks (issue 15 item 5; docs/employment.md "Employment
// spells and retention checks").

// Where a retention check stands. PENDING until the employer or staff confirm it (CONFIRMED),
// its window closes unconfirmed (MISSED) or the spell ends before its due day (CANCELLED).
enum class CheckStatus { kPending, kConfirmed, kMissed, kCancelled };
std::string_view CheckStatusName(CheckStatus s);
std::optional<CheckStatus> CheckStatusOf(std::string_view name);

// One check of a spell: due `day_offset` days after the start (the start day is day 0, so a
// spell started on 31 January 2024 has its 30-day check on 1 March 2024), to be confirmed by
// `confirm_by` (the due day plus the policy's confirm_within_days).
struct CheckPlan {
  int day_offset = 0;
  absl::CivilDay due_on;
  absl::CivilDay confirm_by;
};

// The checks of a spell started on `started_on` (policy employment.retention.check_days and
// confirm_within_days), in the order of check_days.
std::vector<CheckPlan> PlanRetentionChecks(absl::CivilDay started_on,
                                           const std::vector<int>& check_days,
                                           int confirm_within_days);

// Whether a spell ending on `ended_on` cancels a pending check due on `due_on`: a check due after
// the last day of work is cancelled; one due on that day or before stays (the person was at work
// on its day, it can still be confirmed).
bool CancelledByEnd(absl::CivilDay due_on, absl::CivilDay ended_on);

// A spell may start on `started_on` for the case: the case not closed, the day not in the future.
absl::Status CheckSpellStart(const CaseView& c, absl::CivilDay started_on, absl::CivilDay today);

// An open spell started on `started_on` may end on `ended_on`: not ended already, not before the
// start, not in the future.
absl::Status CheckSpellEnd(absl::CivilDay started_on, std::optional<absl::CivilDay> ended,
                           absl::CivilDay ended_on, absl::CivilDay today);

// A check may be confirmed on `on`: it is PENDING, `on` lies within [due_on, confirm_by] and is
// not in the future. FAILED_PRECONDITION naming why otherwise.
absl::Status CheckConfirmation(CheckStatus status, absl::CivilDay due_on, absl::CivilDay confirm_by,
                               absl::CivilDay on, absl::CivilDay today);

// The two lists of docs/employment.md, for a check as of `as_of`:
//   due      PENDING, due_on <= as_of <= confirm_by (to be confirmed now)
//   overdue  not confirmed or cancelled, confirm_by < as_of (PENDING past its window or MISSED)
bool IsDue(CheckStatus status, absl::CivilDay due_on, absl::CivilDay confirm_by,
           absl::CivilDay as_of);
bool IsOverdue(CheckStatus status, absl::CivilDay confirm_by, absl::CivilDay as_of);

// A pending check whose window closed before `today` is missed (the sweep marks it, with the
// event retention_missed).
bool IsMissed(CheckStatus status, absl::CivilDay confirm_by, absl::CivilDay today);

}  // namespace ccms::employment::domain
