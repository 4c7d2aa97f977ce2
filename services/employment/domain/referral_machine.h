#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/employment/domain/employment_policy.h"

namespace ccms::employment::domain {

// The states of a referral (issue 15 item 4).
enum class ReferralStatus {
  kDraft,
  kSent,
  kAccepted,
  kDeclined,
  kInterview,
  kOffered,
  kNotHired,
  kPlaced,
  kEnded,
  kWithdrawn,
};

// Every status, in the order above.
const std::vector<ReferralStatus>& AllStatuses();
// DRAFT, SENT, ... as the API, the tables and the events name them.
std::string StatusName(ReferralStatus s);
std::optional<ReferralStatus> ParseStatus(std::string_view name);
// No step leads out of a terminal status (DECLINED, NOT_HIRED, ENDED, WITHDRAWN).
bool IsTerminal(ReferralStatus s);

// Who records a step.
enum class Actor { kStaff, kPartner };

// Which policy list a step's reason code comes from; kNone takes no code.
enum class ReasonList { kNone, kDecline, kNotHired, kEnd, kWithdraw };

// One allowed step. The service's only source of what may follow what: the handlers, the
// partner API and the tests all read Transitions().
struct Transition {
  ReferralStatus from;
  ReferralStatus to;
  bool by_staff;
  bool by_partner;
  ReasonList reason;
};

// The transition table (docs/employment.md shows it):
//   DRAFT -> SENT                       staff (with consent or an override: SendReferral)
//   SENT -> ACCEPTED | DECLINED(coded)  partner or staff
//   ACCEPTED -> INTERVIEW               partner or staff
//   INTERVIEW -> OFFERED | NOT_HIRED(coded)
//   OFFERED -> PLACED
//   PLACED -> ENDED(coded)
//   DRAFT, SENT, ACCEPTED, INTERVIEW, OFFERED -> WITHDRAWN(coded)   staff only
const std::vector<Transition>& Transitions();

// The row of the table for from -> to, or nullptr.
const Transition* FindTransition(ReferralStatus from, ReferralStatus to);

// Whether `actor` may move a referral from `from` to `to` with `reason_code`:
// FAILED_PRECONDITION naming both statuses when the table has no such step, PERMISSION_DENIED
// when the step is not the actor's, INVALID_ARGUMENT when the code is missing, unknown to
// `policy`'s list for the step, or given to a step that takes none.
absl::Status CheckStep(ReferralStatus from, ReferralStatus to, Actor actor,
                       const std::string& reason_code, const EmploymentPolicy& policy);

// The policy's codes for `list` (empty for kNone).
const std::vector<std::string>& ReasonCodes(ReasonList list, const EmploymentPolicy& policy);

// When a partner must have answered a referral sent on `sent_on`.
absl::CivilDay AnswerDueOn(absl::CivilDay sent_on, const EmploymentPolicy& policy);

// Whether a referral in `status`, due on `due_on`, is past due on `today` (only SENT waits for
// an answer; the due day itself is still in time; a paused referral waits).
bool AnswerOverdue(ReferralStatus status, absl::CivilDay due_on, bool paused, absl::CivilDay today);

// A short code a partner can quote on the phone: "R-" and the last 8 hex digits of the id (the
// random ones of a UUIDv7), upper case. Not unique: the id is.
std::string ReferralCode(const std::string& referral_id);

}  // namespace ccms::employment::domain
