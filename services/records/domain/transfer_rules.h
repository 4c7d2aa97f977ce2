#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/records/domain/records_policy.h"

namespace ccms::records::domain {

// Transfer of execution place (变更执行地, Measures 2012 art. 14; 2020 art. 30):
//   REQUESTED --consent (sending)--> CONSENTED --accept (receiving)--> ACCEPTED
//   REQUESTED|CONSENTED --reject (receiving)--> REJECTED
//   ACCEPTED --complete (receiving: the person reported to the new office)--> COMPLETED
// The case moves to the receiving district at acceptance, in the same transaction.
enum class TransferStatus { kRequested, kConsented, kAccepted, kRejected, kCompleted };
enum class TransferStep { kConsent, kAccept, kReject, kComplete };
enum class TransferSide { kSending, kReceiving };

std::string_view TransferStatusName(TransferStatus status);  // "REQUESTED", …
std::optional<TransferStatus> ParseTransferStatus(std::string_view name);
std::string_view TransferStepName(TransferStep step);  // "consent", …

// Which district acts at a step.
TransferSide SideOf(TransferStep step);

// The status after `step`, or FAILED_PRECONDITION saying why the step cannot be taken now.
absl::StatusOr<TransferStatus> NextTransferStatus(TransferStatus from, TransferStep step);

struct TransferPlan {
  absl::CivilDay reply_due;
  std::vector<std::string> notices;
};
// Deadlines of a new request, and notices where it departs from the policy's windows (the
// request is still taken: staff decide).
TransferPlan PlanTransfer(absl::CivilDay requested_on, absl::CivilDay planned_move_on,
                          const RecordsPolicy& policy);
absl::CivilDay ReportDue(absl::CivilDay accepted_on, const RecordsPolicy& policy);

}  // namespace ccms::records::domain
