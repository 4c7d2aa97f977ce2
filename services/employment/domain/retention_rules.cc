#include "services/employment/domain/retention_rules.h"

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::employment::domain {

std::string_view CheckStatusName(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPending:
      return "PENDING";
    case CheckStatus::kConfirmed:
      return "CONFIRMED";
    case CheckStatus::kMissed:
      return "MISSED";
    case CheckStatus::kCancelled:
      return "CANCELLED";
  }
  return "PENDING";
}

std::optional<CheckStatus> CheckStatusOf(std::string_view name) {
  for (CheckStatus s : {CheckStatus::kPending, CheckStatus::kConfirmed, CheckStatus::kMissed,
                        CheckStatus::kCancelled}) {
    if (CheckStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::vector<CheckPlan> PlanRetentionChecks(absl::CivilDay started_on,
                                           const std::vector<int>& check_days,
                                           int confirm_within_days) {
  std::vector<CheckPlan> plans;
  for (int d : check_days) {
    const absl::CivilDay due = started_on + d;
    plans.push_back({d, due, due + confirm_within_days});
  }
  return plans;
}

bool CancelledByEnd(absl::CivilDay due_on, absl::CivilDay ended_on) { return due_on > ended_on; }

absl::Status CheckSpellStart(const CaseView& c, absl::CivilDay started_on, absl::CivilDay today) {
  if (started_on > today) return absl::InvalidArgumentError("started_on must not be in the future");
  if (c.status == CaseStatus::kClosed) {
    return absl::FailedPreconditionError("the case is closed: no employment spell is recorded");
  }
  return absl::OkStatus();
}

absl::Status CheckSpellEnd(absl::CivilDay started_on, std::optional<absl::CivilDay> ended,
                           absl::CivilDay ended_on, absl::CivilDay today) {
  if (ended.has_value()) return absl::FailedPreconditionError("the spell has ended already");
  if (ended_on > today) return absl::InvalidArgumentError("ended_on must not be in the future");
  if (ended_on < started_on) {
    return absl::InvalidArgumentError("ended_on must not be before the spell's start");
  }
  return absl::OkStatus();
}

absl::Status CheckConfirmation(CheckStatus status, absl::CivilDay due_on, absl::CivilDay confirm_by,
                               absl::CivilDay on, absl::CivilDay today) {
  if (on > today) return absl::InvalidArgumentError("on must not be in the future");
  switch (status) {
    case CheckStatus::kPending:
      break;
    case CheckStatus::kConfirmed:
      return absl::FailedPreconditionError("the retention check is confirmed already");
    case CheckStatus::kMissed:
      return absl::FailedPreconditionError(absl::StrCat(
          "the retention check was missed: its window closed on ", time::FormatDate(confirm_by)));
    case CheckStatus::kCancelled:
      return absl::FailedPreconditionError(
          "the retention check was cancelled: the spell ended before its due day");
  }
  if (on < due_on) {
    return absl::FailedPreconditionError(
        absl::StrCat("the retention check is not due before ", time::FormatDate(due_on)));
  }
  if (on > confirm_by) {
    return absl::FailedPreconditionError(
        absl::StrCat("the retention check's window closed on ", time::FormatDate(confirm_by)));
  }
  return absl::OkStatus();
}

bool IsDue(CheckStatus status, absl::CivilDay due_on, absl::CivilDay confirm_by,
           absl::CivilDay as_of) {
  return status == CheckStatus::kPending && due_on <= as_of && as_of <= confirm_by;
}

bool IsOverdue(CheckStatus status, absl::CivilDay confirm_by, absl::CivilDay as_of) {
  return (status == CheckStatus::kPending || status == CheckStatus::kMissed) && confirm_by < as_of;
}

bool IsMissed(CheckStatus status, absl::CivilDay confirm_by, absl::CivilDay today) {
  return status == CheckStatus::kPending && confirm_by < today;
}

}  // namespace ccms::employment::domain
