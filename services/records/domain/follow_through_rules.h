#pragma once

// What follows an event on a case and has its own deadline or count (issue 17 items 4, 6, 7, 8):
// whether staff were responsible for a lost contact (责任性脱管), outages of a monitoring device,
// the court's decision on a revocation request and detention pending it, and the paper file's
// hand-over after a transfer. Pure: days are Asia/Shanghai calendar days; a deadline of n days
// from a day D is D + n (the day itself does not count), and the item is overdue from the day
// after the deadline.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/records/domain/orders_rules.h"
#include "services/records/domain/records_policy.h"
#include "services/records/domain/transfer_rules.h"

namespace ccms::records::domain {

// ---- Lost-contact liability (责任性脱管) ----

// Why contact was lost. The kStaff* reasons are those where staff were responsible.
enum class LostContactReason {
  kStaffContactsNotMade,
  kStaffLeaveNotFollowedUp,
  kStaffMonitoringNotActedOn,
  kStaffOther,
  kPersonAbsconded,
  kPersonHeldElsewhere,
  kPersonIllnessOrAccident,
  kOther,
};
std::string_view LostContactReasonName(LostContactReason reason);  // "STAFF_CONTACTS_NOT_MADE"…
std::optional<LostContactReason> ParseLostContactReason(std::string_view name);
bool IsStaffReason(LostContactReason reason);

struct LostContactLiability {
  bool staff_responsible = false;
  LostContactReason reason = LostContactReason::kOther;
};

// staff_responsible must agree with the reason (a kStaff* reason exactly when staff were
// responsible): INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckLiabilityCoding(const LostContactLiability& liability, std::string_view field);

// The end of a lost-contact period by closing the case: the liability is required when a period
// is open, and refused when none is (FAILED_PRECONDITION either way, saying which).
absl::Status CheckLiabilityAtClose(bool period_open,
                                   const std::optional<LostContactLiability>& liability);

// ---- Device outages of electronic monitoring (records.monitoring.outage_*) ----

// DEVICE_FAULT and NETWORK_FAULT are not the person's doing.
enum class OutageCause {
  kSwitchedOff,
  kBatteryFlat,
  kDeviceLeft,
  kDeviceFault,
  kNetworkFault,
  kOther,
};
std::string_view OutageCauseName(OutageCause cause);  // "SWITCHED_OFF", …
std::optional<OutageCause> ParseOutageCause(std::string_view name);
bool IsPersonsDoing(OutageCause cause);

struct OutageFact {
  absl::Time started_at;
  absl::Time ended_at;
  OutageCause cause = OutageCause::kOther;
};

// Whole minutes of the outage (rounded down).
int OutageMinutes(const OutageFact& outage);
// Counted toward a warning: the person's doing and longer than outage_max_hours (an outage of
// exactly the maximum is within it).
bool IsCountedOutage(const OutageFact& outage, const RecordsPolicy& policy);

// An outage on `order`: it ends after it starts and not after `now`; both its start and end
// days (Asia/Shanghai) fall within the order's monitored days (starts_on through
// LastMonitoredDay): INVALID_ARGUMENT otherwise. It must not overlap another outage of the same
// order (FAILED_PRECONDITION).
absl::Status CheckOutage(const OutageFact& outage, const MonitoringOrderFacts& order,
                         const std::vector<OutageFact>& others_of_order, absl::Time now);

// The outages ground of GetSanctionStatus: each outage judged by the version in force on the
// day it started, the count for a warning by the version in force `today`.
struct OutageStatus {
  int counted = 0;
  int for_warning = 0;
  bool warning_ground = false;
  std::string explanation;
};
OutageStatus EvaluateOutages(const std::vector<OutageFact>& outages,
                             const RecordsPolicies& policies, absl::CivilDay today);

// ---- The court's decision on a revocation request; detention pending it ----

// RevocationDecision (kGranted, kRefused) is in sanction_ladder.h: the ladder reads it.
std::string_view RevocationDecisionName(RevocationDecision decision);  // "GRANTED", "REFUSED"
std::optional<RevocationDecision> ParseRevocationDecision(std::string_view name);

// A revocation request (a REVOCATION_REQUEST sanction) and what followed it.
struct RevocationRequestFacts {
  std::string sanction_id;
  absl::CivilDay requested_on;
  std::optional<absl::CivilDay> detained_on;
  std::optional<RevocationDecision> decision;
  std::optional<absl::CivilDay> decided_on;
};

// The last day for the court's decision: requested_on + court_decision_days (the version in
// force on requested_on).
absl::CivilDay RevocationDecisionDue(absl::CivilDay requested_on, const RecordsPolicy& policy);
// The last day detention may last without a decision: detained_on + detention_max_days.
absl::CivilDay DetentionEnds(absl::CivilDay detained_on, const RecordsPolicy& policy);

// A decision: once (FAILED_PRECONDITION when one is recorded), not before the request
// (INVALID_ARGUMENT "decided_on: …").
absl::Status CheckRevocationDecision(const RevocationRequestFacts& request,
                                     absl::CivilDay decided_on);
// Detention: on an undecided request, once (FAILED_PRECONDITION), not before the request
// (INVALID_ARGUMENT "detained_on: …").
absl::Status CheckRevocationDetention(const RevocationRequestFacts& request,
                                      absl::CivilDay detained_on);

// Days past the decision's last day as of `as_of` for an undecided request (from 1 the day
// after the last day); nullopt when decided or not past. `policy`: in force on requested_on.
std::optional<int> RevocationDecisionDaysOverdue(const RevocationRequestFacts& request,
                                                 absl::CivilDay as_of, const RecordsPolicy& policy);
// Days past the detention limit as of `as_of` for a detained, undecided request; nullopt
// otherwise. `policy`: in force on detained_on.
std::optional<int> DetentionDaysOverdue(const RevocationRequestFacts& request, absl::CivilDay as_of,
                                        const RecordsPolicy& policy);

// ---- The paper file's hand-over after a transfer (Measures 2020 art. 30) ----

// The last day: file_handover_working_days working days after the acceptance (the acceptance
// day never counts), on the policy's working-day calendar (records.investigation.holidays and
// extra_working_days). `policy`: in force on accepted_on.
absl::CivilDay FileHandoverDue(absl::CivilDay accepted_on, const RecordsPolicy& policy);
// Working days late of a hand-over on `handed_over_on` (0 when on or before the last day).
int FileHandoverWorkingDaysLate(absl::CivilDay accepted_on, absl::CivilDay handed_over_on,
                                const RecordsPolicy& policy);
// A hand-over: of an ACCEPTED or COMPLETED transfer with an acceptance day, once, not before
// the acceptance. FAILED_PRECONDITION or INVALID_ARGUMENT "handed_over_on: …".
absl::Status CheckFileHandover(TransferStatus status, std::optional<absl::CivilDay> accepted_on,
                               std::optional<absl::CivilDay> already_handed_over_on,
                               absl::CivilDay handed_over_on);
// Calendar days past the last day as of `as_of` while the file is not handed over (from 1 the
// day after the last day); nullopt otherwise.
std::optional<int> FileHandoverDaysOverdue(absl::CivilDay accepted_on,
                                           std::optional<absl::CivilDay> handed_over_on,
                                           absl::CivilDay as_of, const RecordsPolicy& policy);

}  // namespace ccms::records::domain
