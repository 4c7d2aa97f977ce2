#include "services/records/domain/transfer_rules.h"

#include "absl/strings/str_cat.h"

namespace ccms::records::domain {

std::string_view TransferStatusName(TransferStatus status) {
  switch (status) {
    case TransferStatus::kRequested:
      return "REQUESTED";
    case TransferStatus::kConsented:
      return "CONSENTED";
    case TransferStatus::kAccepted:
      return "ACCEPTED";
    case TransferStatus::kRejected:
      return "REJECTED";
    case TransferStatus::kCompleted:
      return "COMPLETED";
  }
  return "";
}

std::optional<TransferStatus> ParseTransferStatus(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(TransferStatus::kCompleted); ++i) {
    const auto s = static_cast<TransferStatus>(i);
    if (TransferStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view TransferStepName(TransferStep step) {
  switch (step) {
    case TransferStep::kConsent:
      return "consent";
    case TransferStep::kAccept:
      return "accept";
    case TransferStep::kReject:
      return "reject";
    case TransferStep::kComplete:
      return "complete";
  }
  return "";
}

TransferSide SideOf(TransferStep step) {
  return step == TransferStep::kConsent ? TransferSide::kSending : TransferSide::kReceiving;
}

absl::StatusOr<TransferStatus> NextTransferStatus(TransferStatus from, TransferStep step) {
  switch (step) {
    case TransferStep::kConsent:
      if (from == TransferStatus::kRequested) return TransferStatus::kConsented;
      break;
    case TransferStep::kAccept:
      if (from == TransferStatus::kConsented) return TransferStatus::kAccepted;
      if (from == TransferStatus::kRequested) {
        return absl::FailedPreconditionError(
            "the sending district has not consented to this transfer yet");
      }
      break;
    case TransferStep::kReject:
      if (from == TransferStatus::kRequested || from == TransferStatus::kConsented) {
        return TransferStatus::kRejected;
      }
      break;
    case TransferStep::kComplete:
      if (from == TransferStatus::kAccepted) return TransferStatus::kCompleted;
      break;
  }
  return absl::FailedPreconditionError(absl::StrCat("a ", std::string(TransferStatusName(from)),
                                                    " transfer cannot be given ",
                                                    std::string(TransferStepName(step))));
}

TransferPlan PlanTransfer(absl::CivilDay requested_on, absl::CivilDay planned_move_on,
                          const RecordsPolicy& policy) {
  TransferPlan plan;
  plan.reply_due = requested_on + policy.transfer_receiving_reply_days;
  if (planned_move_on < requested_on + policy.transfer_apply_days_ahead) {
    plan.notices.push_back(absl::StrCat(
        "applied ", planned_move_on - requested_on, " days before the move; the policy asks for ",
        policy.transfer_apply_days_ahead, " (policy ", policy.version, ")"));
  }
  return plan;
}

absl::CivilDay ReportDue(absl::CivilDay accepted_on, const RecordsPolicy& policy) {
  return accepted_on + policy.transfer_report_to_new_office_days;
}

}  // namespace ccms::records::domain
