#pragma once

// Electronic monitoring orders (电子定位, Law art. 29) and the health reports and medical
// reviews of temporary execution outside prison (暂予监外执行, Measures 2020 art. 26). Pure:
// dates are Asia/Shanghai calendar days, months are calendar months with the end of the month
// clamped (Nov 30 + 3 months = Feb 28/29).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/records/domain/case_rules.h"
#include "services/records/domain/records_policy.h"
#include "services/records/domain/sanction_ladder.h"

namespace ccms::records::domain {

// The only grounds for electronic monitoring (Law art. 29).
enum class MonitoringGround {
  kProhibitionOrderBreach,        // breach of a prohibition order (禁止令)
  kLeftAreaWithoutApproval,       // left the city/county without approval
  kRefusedReportingAfterWarning,  // needs a WARNING on the case
  kPublicSecurityPenalty,         // needs a PUBLIC_SECURITY_REFERRAL on the case
  kPendingRevocation,             // needs a REVOCATION_REQUEST on the case
};
std::string_view MonitoringGroundName(MonitoringGround ground);  // "PROHIBITION_ORDER_BREACH", …
std::optional<MonitoringGround> ParseMonitoringGround(std::string_view name);

enum class MonitoringEndReason { kGroundsNoLongerApply, kSupervisionEnding, kOther };
std::string_view MonitoringEndReasonName(MonitoringEndReason reason);
std::optional<MonitoringEndReason> ParseMonitoringEndReason(std::string_view name);

// An order as the rules see it. `ended_on` is the day monitoring was lifted early: from that
// day on the order is ENDED. Without it the order runs through `ends_on` (inclusive) and is
// EXPIRED from the next day.
struct MonitoringOrderFacts {
  std::string order_id;
  absl::CivilDay starts_on;
  absl::CivilDay ends_on;
  std::optional<absl::CivilDay> ended_on;
};

enum class MonitoringStatus { kScheduled, kActive, kExpired, kEnded };
std::string_view MonitoringStatusName(MonitoringStatus status);
MonitoringStatus MonitoringStatusOn(const MonitoringOrderFacts& order, absl::CivilDay day);

// The last day of an order: ends_on, or the day before it was ended early.
absl::CivilDay LastMonitoredDay(const MonitoringOrderFacts& order);

// The latest end date the policy allows for an order starting on `starts_on`
// (records.monitoring.max_months_per_order).
absl::CivilDay MaxOrderEnd(absl::CivilDay starts_on, const RecordsPolicy& policy);
// The latest end date a renewal of an order ending on `ends_on` may set
// (records.monitoring.max_months_per_renewal).
absl::CivilDay MaxRenewalEnd(absl::CivilDay ends_on, const RecordsPolicy& policy);

// Request checks of a new order: grounds given (no unknown ones), ends_on not before starts_on
// and within the policy's months. Field paths: grounds, ends_on.
std::vector<FieldViolation> ValidateNewOrder(const std::vector<MonitoringGround>& grounds,
                                             absl::CivilDay starts_on, absl::CivilDay ends_on,
                                             const RecordsPolicy& policy);

// Checks a new order against the case as locked: each ground that rests on a sanction needs
// that sanction issued on or before starts_on; the order must lie within the supervision term
// (supervision_end) and must not overlap another order of the case (one order at a time).
// FAILED_PRECONDITION naming what is missing.
absl::Status CheckNewOrder(const std::vector<MonitoringGround>& grounds, absl::CivilDay starts_on,
                           absl::CivilDay ends_on, absl::CivilDay supervision_end,
                           const LadderFacts& ladder,
                           const std::vector<MonitoringOrderFacts>& existing);

// A renewal on `renewed_on` to `new_ends_on`: only while the order is ACTIVE on that day (a
// renewal on the last day is allowed; after expiry a new order is needed), the new end after
// the current one, at most max_months_per_renewal after it, and within the supervision term.
// INVALID_ARGUMENT (new_ends_on) for a bad end date, FAILED_PRECONDITION for the order's state.
absl::Status CheckRenewal(const MonitoringOrderFacts& order, absl::CivilDay renewed_on,
                          absl::CivilDay new_ends_on, absl::CivilDay supervision_end,
                          const RecordsPolicy& policy);

// Ending an order early on `ended_on`: not already ended, not before it starts, not after it
// expired. FAILED_PRECONDITION otherwise.
absl::Status CheckEndOrder(const MonitoringOrderFacts& order, absl::CivilDay ended_on);

// The expiry list: an order ACTIVE on `as_of` whose ends_on falls in
// [as_of, as_of + within_days] gives the days left (0 = expires today). Orders already expired
// or ended, or not started, are not listed (they are over or not yet running).
std::optional<int> DaysLeftIfExpiring(const MonitoringOrderFacts& order, absl::CivilDay as_of,
                                      int within_days);

// Temporary execution outside prison: what is due and when.
enum class MedicalDueKind { kHealthReport, kMedicalReview };
std::string_view MedicalDueKindName(MedicalDueKind kind);  // "HEALTH_REPORT", …

enum class MedicalReviewOutcome { kConditionContinues, kConditionNoLongerMet, kInconclusive };
std::string_view MedicalReviewOutcomeName(MedicalReviewOutcome outcome);
std::optional<MedicalReviewOutcome> ParseMedicalReviewOutcome(std::string_view name);

struct MedicalFacts {
  absl::CivilDay supervision_start;  // the intake check-in day
  std::optional<absl::CivilDay> last_health_report;
  std::optional<absl::CivilDay> last_medical_review;
};

struct MedicalDue {
  MedicalDueKind kind;
  absl::CivilDay due;
  int days_overdue = 0;  // as_of - due: 0 = due today, negative = not yet due
  std::string rule;
  std::string policy_version;  // the version the due date was counted by
};

// The day the next due date of `kind` is counted from: the last one, or the intake day when none.
absl::CivilDay MedicalDueFrom(const MedicalFacts& facts, MedicalDueKind kind);
// The next due date of `kind`: MedicalDueFrom plus the policy's months
// (records.temporary_outside_prison.health_report_every_months / medical_review_every_months).
absl::CivilDay NextMedicalDue(const MedicalFacts& facts, MedicalDueKind kind,
                              const RecordsPolicy& policy);
// Both next due dates as of `as_of`, health report first.
std::vector<MedicalDue> MedicalDueOn(const MedicalFacts& facts, const RecordsPolicy& policy,
                                     absl::CivilDay as_of);
// The same with versions: each due date by the version in force on the day it is counted from.
std::vector<MedicalDue> MedicalDueOn(const MedicalFacts& facts, const RecordsPolicies& policies,
                                     absl::CivilDay as_of);

// Health reports and medical reviews are recorded for TEMPORARY_OUTSIDE_PRISON cases only, on
// or after the intake day. FAILED_PRECONDITION otherwise.
absl::Status CheckMedicalRecord(SentenceKind kind, std::optional<absl::CivilDay> intake_reported_on,
                                absl::CivilDay on);

}  // namespace ccms::records::domain
