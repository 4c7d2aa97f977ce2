#include "services/employment/domain/resettlement_rules.h"

#include <algorithm>

#include "absl/status/status.h"

namespace ccms::employment::domain {

std::string_view ResettlementStatusName(ResettlementStatus s) {
  switch (s) {
    case ResettlementStatus::kOpen:
      return "OPEN";
    case ResettlementStatus::kSatisfied:
      return "SATISFIED";
    case ResettlementStatus::kDeclined:
      return "DECLINED";
    case ResettlementStatus::kCancelled:
      return "CANCELLED";
  }
  return "";
}

std::optional<ResettlementStatus> ResettlementStatusOf(std::string_view name) {
  if (name == "OPEN") return ResettlementStatus::kOpen;
  if (name == "SATISFIED") return ResettlementStatus::kSatisfied;
  if (name == "DECLINED") return ResettlementStatus::kDeclined;
  if (name == "CANCELLED") return ResettlementStatus::kCancelled;
  return std::nullopt;
}

absl::CivilDay ResettlementDueOn(absl::CivilDay end_date, absl::CivilDay raised_on,
                                 int days_before_end) {
  return std::max(end_date - days_before_end, raised_on);
}

ResettlementRaise OnDischargeApproaching(const CaseView& c,
                                         const std::optional<ResettlementItem>& current,
                                         absl::CivilDay end_date, absl::CivilDay today,
                                         int days_before_end) {
  ResettlementRaise out;
  if (c.status == CaseStatus::kClosed) return out;
  if (!current.has_value()) {
    out.action = ResettlementRaise::Action::kOpened;
    out.item.status = ResettlementStatus::kOpen;
    out.item.end_date = end_date;
    out.item.raised_on = today;
    out.item.due_on = ResettlementDueOn(end_date, today, days_before_end);
    return out;
  }
  if (current->status != ResettlementStatus::kOpen || current->end_date == end_date) return out;
  out.action = ResettlementRaise::Action::kMoved;
  out.item = *current;
  out.item.end_date = end_date;
  out.item.due_on = ResettlementDueOn(end_date, current->raised_on, days_before_end);
  return out;
}

std::optional<ResettlementItem> SatisfyOnReferralSent(const ResettlementItem& item,
                                                      const std::string& referral_id,
                                                      absl::CivilDay sent_on) {
  if (item.status != ResettlementStatus::kOpen) return std::nullopt;
  ResettlementItem out = item;
  out.status = ResettlementStatus::kSatisfied;
  out.closed_on = std::max(sent_on, item.raised_on);
  out.referral_id = referral_id;
  return out;
}

absl::StatusOr<ResettlementItem> Decline(const CaseView& c, const ResettlementItem& item,
                                         const std::string& reason_code, absl::CivilDay on,
                                         const std::vector<std::string>& decline_reasons,
                                         absl::CivilDay today) {
  if (std::find(decline_reasons.begin(), decline_reasons.end(), reason_code) ==
      decline_reasons.end()) {
    return absl::InvalidArgumentError(
        "reason_code: must be a code of the policy's "
        "employment.resettlement.decline_reasons");
  }
  if (on > today) return absl::InvalidArgumentError("on: must not be in the future");
  if (on < item.raised_on) {
    return absl::InvalidArgumentError("on: must not be before the item opened");
  }
  if (item.status == ResettlementStatus::kDeclined && item.reason_code == reason_code) {
    return item;
  }
  if (item.status != ResettlementStatus::kOpen) {
    return absl::FailedPreconditionError("the resettlement item is not open");
  }
  if (c.status == CaseStatus::kClosed) return absl::FailedPreconditionError("the case is closed");
  ResettlementItem out = item;
  out.status = ResettlementStatus::kDeclined;
  out.closed_on = on;
  out.reason_code = reason_code;
  return out;
}

bool IsOverdue(const ResettlementItem& item, absl::CivilDay as_of) {
  return item.status == ResettlementStatus::kOpen && item.due_on < as_of;
}

}  // namespace ccms::employment::domain
