#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/employment/domain/case_view.h"

namespace ccms::employment::domain {

// Resettlement referrals as the end of the term approaches (issue 15 item 12: "discharge
// approaching: a resettlement referral becomes due"; seeds/001 7.10: the person is guided to
// accept resettlement help, 接受安置帮教; docs/employment.md "Resettlement due").
//   - records' ccms.records.discharge_approaching (once per case and end date, within its 30 days
//     of the end) opens one item per case, due policy resettlement.due_days_before_end days
//     before the end date (a marked default: no number in RULES.md or the seeds), never before
//     the day it opened;
//   - it is SATISFIED when any referral of the case is SENT (on the day sent), DECLINED when staff
//     record a coded reason (policy resettlement.decline_reasons), CANCELLED when the case closes.
//   - a later discharge_approaching with another end date (a sentence change) moves an OPEN
//     item's end and due day; a SATISFIED or DECLINED item stays as it is (nothing new opens).

enum class ResettlementStatus { kOpen, kSatisfied, kDeclined, kCancelled };
std::string_view ResettlementStatusName(ResettlementStatus s);
std::optional<ResettlementStatus> ResettlementStatusOf(std::string_view name);

struct ResettlementItem {
  std::string item_id;
  ResettlementStatus status = ResettlementStatus::kOpen;
  absl::CivilDay end_date;  // the term's end as records announced it
  absl::CivilDay raised_on;
  absl::CivilDay due_on;
  std::optional<absl::CivilDay> closed_on;
  std::string referral_id;  // the SENT referral that satisfied it
  std::string reason_code;  // DECLINED: the staff's code; CANCELLED: CASE_CLOSED
};

// The due day: `days_before_end` days before the end date, but not before `raised_on`.
absl::CivilDay ResettlementDueOn(absl::CivilDay end_date, absl::CivilDay raised_on,
                                 int days_before_end);

// What a discharge_approaching does to the case's item (`current`: its item not CANCELLED, if
// any). kOpened: `item` is new (id left empty); kMoved: `item` is the open one with its new end
// and due day; kNone: nothing (a closed case, the same end date again, an item already satisfied
// or declined).
struct ResettlementRaise {
  enum class Action { kNone, kOpened, kMoved } action = Action::kNone;
  ResettlementItem item;
};
ResettlementRaise OnDischargeApproaching(const CaseView& c,
                                         const std::optional<ResettlementItem>& current,
                                         absl::CivilDay end_date, absl::CivilDay today,
                                         int days_before_end);

// The item after a referral of the case was SENT on `sent_on`: an OPEN item becomes SATISFIED
// (closed on the later of `sent_on` and the day it opened); nullopt when it is not open.
std::optional<ResettlementItem> SatisfyOnReferralSent(const ResettlementItem& item,
                                                      const std::string& referral_id,
                                                      absl::CivilDay sent_on);

// The item after staff declined it on `on` with `reason_code`:
//   INVALID_ARGUMENT ("field: what") for a code not in `decline_reasons`, a day in the future or
//   before the item opened; FAILED_PRECONDITION for an item not open (an item DECLINED with the
//   same code is returned unchanged: a repeated request) or a closed case.
absl::StatusOr<ResettlementItem> Decline(const CaseView& c, const ResettlementItem& item,
                                         const std::string& reason_code, absl::CivilDay on,
                                         const std::vector<std::string>& decline_reasons,
                                         absl::CivilDay today);

// Whether the item is overdue on `as_of`: open and its due day before `as_of`.
bool IsOverdue(const ResettlementItem& item, absl::CivilDay as_of);

}  // namespace ccms::employment::domain
