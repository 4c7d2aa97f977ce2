#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/principal.h"
#include "services/records/domain/records_policy.h"

namespace ccms::records::domain {

// Leave (请假外出, Measures 2012 art. 13; Measures 2020 arts. 27, 29):
//   REQUESTED --approve--> APPROVED --return (销假)--> RETURNED
//   REQUESTED --reject--> REJECTED
//   REQUESTED|APPROVED (before its first day) --cancel--> CANCELLED
// A trip under a standing approval is APPROVED when it is recorded (no separate decision) and
// still needs its return. A leave's days are calendar days, end - start + 1 (Asia/Shanghai).
enum class LeaveStatus { kRequested, kApproved, kRejected, kCancelled, kReturned };
enum class LeaveStep { kApprove, kReject, kCancel, kReturn };

// Who may decide a leave: the judicial office (≤ office_approval_max_days), the district bureau
// (longer), the city bureau (city_admin: what is beyond the district bureau, see
// RequiredApprovalLevel), or a standing approval (decided when it was granted).
enum class ApprovalLevel { kOffice, kBureau, kCity, kStanding };

std::string_view LeaveStatusName(LeaveStatus status);  // "REQUESTED", …
std::optional<LeaveStatus> ParseLeaveStatus(std::string_view name);
std::string_view LeaveStepName(LeaveStep step);           // "approve", …
std::string_view ApprovalLevelName(ApprovalLevel level);  // "OFFICE", …
std::optional<ApprovalLevel> ParseApprovalLevel(std::string_view name);

// One leave of a case as the rules see it.
struct LeaveFact {
  std::string leave_id;
  LeaveStatus status = LeaveStatus::kRequested;
  absl::CivilDay start;
  absl::CivilDay end;
  std::optional<absl::CivilDay> returned_on;
};

int LeaveDays(absl::CivilDay start, absl::CivilDay end);

// A field of a request and what is wrong with it.
struct LeaveProblem {
  std::string field;
  std::string what;
};
// The dates of a new leave: end not before start, at most max_days_per_approval days (a longer
// leave is refused: it needs two approvals, one after the other).
std::vector<LeaveProblem> CheckLeaveDates(absl::CivilDay start, absl::CivilDay end,
                                          const RecordsPolicy& policy);

// The days a leave keeps the person away, as far as overlaps and the two-month limit go:
// REQUESTED and APPROVED leaves their dates; a RETURNED one its start to the earlier of its end
// and its return (an early return frees the rest); REJECTED and CANCELLED none.
std::optional<std::pair<absl::CivilDay, absl::CivilDay>> HeldDays(const LeaveFact& leave);

// The first leave of `others` (other than `self_id`) whose held days overlap [start, end].
std::optional<LeaveFact> FindOverlap(absl::CivilDay start, absl::CivilDay end,
                                     const std::vector<LeaveFact>& others,
                                     std::string_view self_id);

// The most leave days within any two-month window ([d, d + 2 months), months clamped at month
// ends) that contains a day of [start, end], counting [start, end] itself and the APPROVED and
// RETURNED leaves of `others` (other than `self_id`).
int MaxDaysInTwoMonths(absl::CivilDay start, absl::CivilDay end,
                       const std::vector<LeaveFact>& others, std::string_view self_id);

// The level that must decide a leave of [start, end]:
//   days ≤ office_approval_max_days → office; longer → bureau;
//   and if approving it would put more than max_days_within_two_months leave days into a
//   two-month window, one level up ("next level up", Measures 2020 art. 27): office → bureau,
//   bureau → city (city_admin, the city bureau: beyond the district's own authority).
struct ApprovalNeed {
  ApprovalLevel level = ApprovalLevel::kOffice;
  int days = 0;
  int days_in_two_months = 0;
  std::string rule;  // why, in words, with the policy version
};
ApprovalNeed RequiredApprovalLevel(absl::CivilDay start, absl::CivilDay end,
                                   const std::vector<LeaveFact>& others, std::string_view self_id,
                                   const RecordsPolicy& policy);

// PERMISSION_DENIED naming the rule if `role` may not decide at `need.level`. office_staff
// decide office-level leave; district_bureau office- and bureau-level; city_admin all.
absl::Status CheckDecider(auth::Role role, const ApprovalNeed& need);

// The status after `step`, or FAILED_PRECONDITION saying why not. Cancel needs `today` before
// the leave's first day once it is approved.
absl::StatusOr<LeaveStatus> NextLeaveStatus(LeaveStatus from, LeaveStep step, absl::CivilDay start,
                                            absl::CivilDay today);

// Return from leave (销假) on `returned_on`: refused before the first day; late after the last.
struct ReturnOutcome {
  bool late = false;
  int days_late = 0;
};
absl::StatusOr<ReturnOutcome> CheckReturn(absl::CivilDay start, absl::CivilDay end,
                                          absl::CivilDay returned_on);

// When the decision on a request is due (requested_on + decision_within_days).
absl::CivilDay DecisionDue(absl::CivilDay requested_on, const RecordsPolicy& policy);

// A standing approval for routine cross-city work travel (Measures 2020 art. 29): valid from
// valid_from through valid_until, at most standing_approval_months (months clamped at month
// ends: from Aug 31 for 6 months, through Feb 28/29).
std::vector<LeaveProblem> CheckStandingValidity(absl::CivilDay valid_from,
                                                absl::CivilDay valid_until,
                                                const RecordsPolicy& policy);

struct StandingFact {
  std::string destination;
  absl::CivilDay valid_from;
  absl::CivilDay valid_until;
  std::optional<absl::CivilDay> revoked_on;
};
// A trip [start, end] to `destination` under the approval: it must be in force on every day of
// the trip (revoked_on ends it the day before) and go to its destination.
std::vector<LeaveProblem> CheckTripUnderStanding(absl::CivilDay start, absl::CivilDay end,
                                                 std::string_view destination,
                                                 const StandingFact& standing);

// A leave not returned as of `as_of`: approved on or before as_of, its last day before as_of,
// and no return recorded on or before as_of. Days overdue: as_of - end.
bool NotReturnedAsOf(LeaveStatus status, absl::CivilDay end,
                     std::optional<absl::CivilDay> decided_on,
                     std::optional<absl::CivilDay> returned_on, absl::CivilDay as_of);

}  // namespace ccms::records::domain
