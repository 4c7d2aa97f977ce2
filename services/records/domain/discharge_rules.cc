#include "services/records/domain/discharge_rules.h"

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::records::domain {

absl::Status CheckDischarge(CaseStatus status, absl::CivilDay end_date,
                            absl::CivilDay discharged_on) {
  if (status != CaseStatus::kActive) {
    return absl::FailedPreconditionError(
        absl::StrCat("only an active case can be discharged; this one is ",
                     std::string(CaseStatusName(status))));
  }
  if (discharged_on < end_date) {
    return absl::FailedPreconditionError(absl::StrCat("the supervision period ends on ",
                                                      time::FormatDate(end_date),
                                                      "; discharge is not due before then"));
  }
  return absl::OkStatus();
}

std::vector<absl::CivilDay> FollowUpsDue(absl::CivilDay discharged_on,
                                         const RecordsPolicy& policy) {
  std::vector<absl::CivilDay> out;
  for (int64_t months : policy.follow_up_months) {
    out.push_back(AddMonthsClamped(discharged_on, static_cast<int>(months)));
  }
  return out;
}

bool IsDischargeApproaching(absl::CivilDay end_date, absl::CivilDay today,
                            const RecordsPolicy& policy) {
  return today <= end_date && today >= end_date - policy.discharge_summary_days_before_end;
}

absl::Status CheckClose(CloseReason reason, CaseStatus status, const LadderFacts& ladder) {
  if (status != CaseStatus::kActive && status != CaseStatus::kPendingIntake) {
    return absl::FailedPreconditionError(
        absl::StrCat("the case is already closed (", std::string(CaseStatusName(status)), ")"));
  }
  if (reason == CloseReason::kRevoked) {
    bool requested = false;
    for (const auto& s : ladder.sanctions) {
      requested = requested || s.kind == SanctionKind::kRevocationRequest;
    }
    if (!requested) {
      return absl::FailedPreconditionError(
          "a revocation needs a revocation request on record (IssueSanction REVOCATION_REQUEST)");
    }
  }
  return absl::OkStatus();
}

}  // namespace ccms::records::domain
