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

absl::CivilDay SummaryWindowOpens(absl::CivilDay end_date, const RecordsPolicy& policy) {
  return end_date - policy.discharge_summary_days_before_end;
}

absl::Status CheckDischargeSummary(CaseStatus status, absl::CivilDay end_date,
                                   absl::CivilDay received_on, const RecordsPolicy& policy) {
  if (status != CaseStatus::kActive) {
    return absl::FailedPreconditionError(
        absl::StrCat("the summary is recorded on an active case; this one is ",
                     std::string(CaseStatusName(status))));
  }
  const absl::CivilDay opens = SummaryWindowOpens(end_date, policy);
  if (received_on < opens) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the personal summary is due in the last ", policy.discharge_summary_days_before_end,
        " days of the term: from ", time::FormatDate(opens), " (policy ", policy.version, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckPerformanceReport(CaseStatus status, absl::CivilDay end_date,
                                    absl::CivilDay completed_on, const RecordsPolicy& policy) {
  if (status != CaseStatus::kActive) {
    return absl::FailedPreconditionError(
        absl::StrCat("the daily-performance report is recorded on an active case; this one is ",
                     std::string(CaseStatusName(status))));
  }
  const absl::CivilDay opens = SummaryWindowOpens(end_date, policy);
  if (completed_on < opens) {
    return absl::FailedPreconditionError(
        absl::StrCat("the daily-performance report is due with the personal summary, in the last ",
                     policy.discharge_summary_days_before_end, " days of the term: from ",
                     time::FormatDate(opens), " (policy ", policy.version, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckFollowUpVisit(CaseStatus status, std::optional<absl::CivilDay> discharged_on,
                                absl::CivilDay visited_on) {
  if (status != CaseStatus::kDischarged) {
    return absl::FailedPreconditionError(
        absl::StrCat("follow-up visits are made after a discharge; this case is ",
                     std::string(CaseStatusName(status))));
  }
  if (discharged_on.has_value() && visited_on < *discharged_on) {
    return absl::FailedPreconditionError(
        absl::StrCat("the visit is before the discharge on ", time::FormatDate(*discharged_on)));
  }
  return absl::OkStatus();
}

bool IsOnDischargeList(absl::CivilDay end_date, absl::CivilDay as_of, const RecordsPolicy& policy) {
  return end_date <= as_of + policy.discharge_summary_days_before_end;
}

absl::Status CheckClose(CloseReason reason, CaseStatus status, const LadderFacts& ladder) {
  if (status != CaseStatus::kActive && status != CaseStatus::kPendingIntake) {
    return absl::FailedPreconditionError(
        absl::StrCat("the case is already closed (", std::string(CaseStatusName(status)), ")"));
  }
  if (reason == CloseReason::kRevoked) {
    bool requested = false;
    bool granted = false;
    for (const auto& s : ladder.sanctions) {
      if (s.kind != SanctionKind::kRevocationRequest) continue;
      requested = true;
      granted = granted || s.court_decision == RevocationDecision::kGranted;
    }
    if (!requested) {
      return absl::FailedPreconditionError(
          "a revocation needs a revocation request on record (IssueSanction REVOCATION_REQUEST)");
    }
    if (!granted) {
      return absl::FailedPreconditionError(
          "a revocation needs the court's GRANTED decision on the revocation request "
          "(RecordRevocationDecision)");
    }
  }
  return absl::OkStatus();
}

}  // namespace ccms::records::domain
