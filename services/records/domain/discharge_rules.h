#pragma once

#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/records/domain/case_rules.h"
#include "services/records/domain/records_policy.h"
#include "services/records/domain/sanction_ladder.h"

namespace ccms::records::domain {

// Discharge at the end of the term (Law art. 44): only an ACTIVE case, and not before its end
// date; otherwise FAILED_PRECONDITION naming the end date.
absl::Status CheckDischarge(CaseStatus status, absl::CivilDay end_date,
                            absl::CivilDay discharged_on);

// Post-discharge follow-up visits (安置帮教) at the policy's months after discharge.
std::vector<absl::CivilDay> FollowUpsDue(absl::CivilDay discharged_on, const RecordsPolicy& policy);

// The last stretch of the term, when the discharge summary and re-test are due: from
// end_date - discharge.summary_days_before_end up to the end date.
bool IsDischargeApproaching(absl::CivilDay end_date, absl::CivilDay today,
                            const RecordsPolicy& policy);

// First day the personal summary (个人总结) can be recorded: the start of the last stretch.
absl::CivilDay SummaryWindowOpens(absl::CivilDay end_date, const RecordsPolicy& policy);
// The summary is recorded on an ACTIVE case from SummaryWindowOpens on; otherwise
// FAILED_PRECONDITION naming the day the window opens.
absl::Status CheckDischargeSummary(CaseStatus status, absl::CivilDay end_date,
                                   absl::CivilDay received_on, const RecordsPolicy& policy);
// The daily-performance report (日常表现综合评估报告) joins the discharge paperwork: due with the
// personal summary, so it is recorded on an ACTIVE case from SummaryWindowOpens on (a late one,
// after the end date and before the discharge, is still taken); otherwise FAILED_PRECONDITION
// naming the day the window opens. Until it is recorded the discharge list flags it, as it flags
// a missing summary.
absl::Status CheckPerformanceReport(CaseStatus status, absl::CivilDay end_date,
                                    absl::CivilDay completed_on, const RecordsPolicy& policy);
// A follow-up visit is made on a DISCHARGED case, not before its discharge day.
absl::Status CheckFollowUpVisit(CaseStatus status, std::optional<absl::CivilDay> discharged_on,
                                absl::CivilDay visited_on);
// Whether an active case belongs on the discharge list on `as_of`: its end date is within the
// last stretch (or has passed without a discharge).
bool IsOnDischargeList(absl::CivilDay end_date, absl::CivilDay as_of, const RecordsPolicy& policy);

enum class CloseReason { kRevoked, kDeceased };
// REVOKED needs a revocation request on the ladder that the court GRANTED; both need a case not
// yet closed.
absl::Status CheckClose(CloseReason reason, CaseStatus status, const LadderFacts& ladder);

}  // namespace ccms::records::domain
