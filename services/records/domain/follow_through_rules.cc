#include "services/records/domain/follow_through_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"
#include "common/time/working_days.h"

namespace ccms::records::domain {
namespace {

constexpr std::pair<LostContactReason, std::string_view> kReasonNames[] = {
    {LostContactReason::kStaffContactsNotMade, "STAFF_CONTACTS_NOT_MADE"},
    {LostContactReason::kStaffLeaveNotFollowedUp, "STAFF_LEAVE_NOT_FOLLOWED_UP"},
    {LostContactReason::kStaffMonitoringNotActedOn, "STAFF_MONITORING_NOT_ACTED_ON"},
    {LostContactReason::kStaffOther, "STAFF_OTHER"},
    {LostContactReason::kPersonAbsconded, "PERSON_ABSCONDED"},
    {LostContactReason::kPersonHeldElsewhere, "PERSON_HELD_ELSEWHERE"},
    {LostContactReason::kPersonIllnessOrAccident, "PERSON_ILLNESS_OR_ACCIDENT"},
    {LostContactReason::kOther, "OTHER"},
};

constexpr std::pair<OutageCause, std::string_view> kCauseNames[] = {
    {OutageCause::kSwitchedOff, "SWITCHED_OFF"},   {OutageCause::kBatteryFlat, "BATTERY_FLAT"},
    {OutageCause::kDeviceLeft, "DEVICE_LEFT"},     {OutageCause::kDeviceFault, "DEVICE_FAULT"},
    {OutageCause::kNetworkFault, "NETWORK_FAULT"}, {OutageCause::kOther, "OTHER"},
};

// Days past `last_day` as of `as_of`, when the item is still open on `as_of`.
std::optional<int> DaysPast(absl::CivilDay last_day, absl::CivilDay as_of) {
  if (as_of <= last_day) return std::nullopt;
  return static_cast<int>(as_of - last_day);
}

bool DoneBy(const std::optional<absl::CivilDay>& done_on, absl::CivilDay as_of) {
  return done_on.has_value() && *done_on <= as_of;
}

}  // namespace

// ---- Lost-contact liability ----

std::string_view LostContactReasonName(LostContactReason reason) {
  for (const auto& [r, name] : kReasonNames) {
    if (r == reason) return name;
  }
  return "OTHER";
}

std::optional<LostContactReason> ParseLostContactReason(std::string_view name) {
  for (const auto& [r, n] : kReasonNames) {
    if (n == name) return r;
  }
  return std::nullopt;
}

bool IsStaffReason(LostContactReason reason) {
  switch (reason) {
    case LostContactReason::kStaffContactsNotMade:
    case LostContactReason::kStaffLeaveNotFollowedUp:
    case LostContactReason::kStaffMonitoringNotActedOn:
    case LostContactReason::kStaffOther:
      return true;
    default:
      return false;
  }
}

absl::Status CheckLiabilityCoding(const LostContactLiability& liability, std::string_view field) {
  if (liability.staff_responsible != IsStaffReason(liability.reason)) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": staff_responsible must be ",
                     IsStaffReason(liability.reason) ? "true" : "false", " with the reason ",
                     std::string(LostContactReasonName(liability.reason)),
                     " (a STAFF_* reason exactly when staff were responsible)"));
  }
  return absl::OkStatus();
}

absl::Status CheckLiabilityAtClose(bool period_open,
                                   const std::optional<LostContactLiability>& liability) {
  if (period_open && !liability.has_value()) {
    return absl::FailedPreconditionError(
        "the person is marked lost contact: closing the case ends the period and needs "
        "lost_contact_liability (whether staff were responsible, and why)");
  }
  if (!period_open && liability.has_value()) {
    return absl::FailedPreconditionError(
        "lost_contact_liability is recorded when a lost-contact period ends; the case has no "
        "open period");
  }
  return absl::OkStatus();
}

// ---- Device outages ----

std::string_view OutageCauseName(OutageCause cause) {
  for (const auto& [c, name] : kCauseNames) {
    if (c == cause) return name;
  }
  return "OTHER";
}

std::optional<OutageCause> ParseOutageCause(std::string_view name) {
  for (const auto& [c, n] : kCauseNames) {
    if (n == name) return c;
  }
  return std::nullopt;
}

bool IsPersonsDoing(OutageCause cause) {
  return cause != OutageCause::kDeviceFault && cause != OutageCause::kNetworkFault;
}

int OutageMinutes(const OutageFact& outage) {
  return static_cast<int>(absl::ToInt64Minutes(outage.ended_at - outage.started_at));
}

bool IsCountedOutage(const OutageFact& outage, const RecordsPolicy& policy) {
  return IsPersonsDoing(outage.cause) &&
         outage.ended_at - outage.started_at > absl::Hours(policy.monitoring_outage_max_hours);
}

absl::Status CheckOutage(const OutageFact& outage, const MonitoringOrderFacts& order,
                         const std::vector<OutageFact>& others_of_order, absl::Time now) {
  if (outage.ended_at <= outage.started_at) {
    return absl::InvalidArgumentError("ended_at: must be after started_at");
  }
  if (outage.ended_at > now)
    return absl::InvalidArgumentError("ended_at: must not be in the future");
  const absl::CivilDay first = time::ShanghaiDay(outage.started_at);
  const absl::CivilDay last = time::ShanghaiDay(outage.ended_at);
  const absl::CivilDay order_last = LastMonitoredDay(order);
  if (first < order.starts_on || last > order_last) {
    return absl::InvalidArgumentError(
        absl::StrCat("started_at: the outage must fall within the order's days ",
                     time::FormatDate(order.starts_on), " to ", time::FormatDate(order_last)));
  }
  for (const OutageFact& other : others_of_order) {
    if (outage.started_at < other.ended_at && other.started_at < outage.ended_at) {
      return absl::FailedPreconditionError(
          "the outage overlaps an outage already recorded on this order");
    }
  }
  return absl::OkStatus();
}

OutageStatus EvaluateOutages(const std::vector<OutageFact>& outages,
                             const RecordsPolicies& policies, absl::CivilDay today) {
  OutageStatus s;
  const RecordsPolicy& now = policies.InForce(today);
  s.for_warning = now.monitoring_outages_for_warning;
  for (const OutageFact& o : outages) {
    if (IsCountedOutage(o, policies.InForce(time::ShanghaiDay(o.started_at)))) ++s.counted;
  }
  s.warning_ground = s.counted >= s.for_warning;
  s.explanation = absl::StrCat(
      s.warning_ground ? "grounds for a warning: " : "no warning ground yet: ", s.counted,
      " device outage(s) longer than ", now.monitoring_outage_max_hours,
      " h by the person's doing; ", s.for_warning, " make a warning ground (policy ", now.version,
      ")");
  return s;
}

// ---- Revocation: the court's decision and detention pending it ----

std::string_view RevocationDecisionName(RevocationDecision decision) {
  return decision == RevocationDecision::kGranted ? "GRANTED" : "REFUSED";
}

std::optional<RevocationDecision> ParseRevocationDecision(std::string_view name) {
  if (name == "GRANTED") return RevocationDecision::kGranted;
  if (name == "REFUSED") return RevocationDecision::kRefused;
  return std::nullopt;
}

absl::CivilDay RevocationDecisionDue(absl::CivilDay requested_on, const RecordsPolicy& policy) {
  return requested_on + policy.revocation_court_decision_days;
}

absl::CivilDay DetentionEnds(absl::CivilDay detained_on, const RecordsPolicy& policy) {
  return detained_on + policy.revocation_detention_max_days;
}

absl::Status CheckRevocationDecision(const RevocationRequestFacts& request,
                                     absl::CivilDay decided_on) {
  if (request.decision.has_value()) {
    return absl::FailedPreconditionError(
        "the court's decision on this revocation request is already recorded");
  }
  if (decided_on < request.requested_on) {
    return absl::InvalidArgumentError(absl::StrCat("decided_on: must not be before the request (",
                                                   time::FormatDate(request.requested_on), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckRevocationDetention(const RevocationRequestFacts& request,
                                      absl::CivilDay detained_on) {
  if (request.decision.has_value()) {
    return absl::FailedPreconditionError("the court has decided on this revocation request");
  }
  if (request.detained_on.has_value()) {
    return absl::FailedPreconditionError("detention pending this request is already recorded");
  }
  if (detained_on < request.requested_on) {
    return absl::InvalidArgumentError(absl::StrCat("detained_on: must not be before the request (",
                                                   time::FormatDate(request.requested_on), ")"));
  }
  return absl::OkStatus();
}

std::optional<int> RevocationDecisionDaysOverdue(const RevocationRequestFacts& request,
                                                 absl::CivilDay as_of,
                                                 const RecordsPolicy& policy) {
  if (request.requested_on > as_of || DoneBy(request.decided_on, as_of)) return std::nullopt;
  return DaysPast(RevocationDecisionDue(request.requested_on, policy), as_of);
}

std::optional<int> DetentionDaysOverdue(const RevocationRequestFacts& request, absl::CivilDay as_of,
                                        const RecordsPolicy& policy) {
  if (!request.detained_on.has_value() || *request.detained_on > as_of ||
      DoneBy(request.decided_on, as_of)) {
    return std::nullopt;
  }
  return DaysPast(DetentionEnds(*request.detained_on, policy), as_of);
}

// ---- The paper file's hand-over ----

absl::CivilDay FileHandoverDue(absl::CivilDay accepted_on, const RecordsPolicy& policy) {
  return time::AddWorkingDays(accepted_on, policy.transfer_file_handover_working_days,
                              policy.investigation.calendar);
}

int FileHandoverWorkingDaysLate(absl::CivilDay accepted_on, absl::CivilDay handed_over_on,
                                const RecordsPolicy& policy) {
  return time::WorkingDaysBetween(FileHandoverDue(accepted_on, policy), handed_over_on,
                                  policy.investigation.calendar);
}

absl::Status CheckFileHandover(TransferStatus status, std::optional<absl::CivilDay> accepted_on,
                               std::optional<absl::CivilDay> already_handed_over_on,
                               absl::CivilDay handed_over_on) {
  if ((status != TransferStatus::kAccepted && status != TransferStatus::kCompleted) ||
      !accepted_on.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the transfer is ", std::string(TransferStatusName(status)),
                     "; the file is handed over after the receiving district accepts"));
  }
  if (already_handed_over_on.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat("the file's hand-over is already recorded (",
                                                      time::FormatDate(*already_handed_over_on),
                                                      ")"));
  }
  if (handed_over_on < *accepted_on) {
    return absl::InvalidArgumentError(
        absl::StrCat("handed_over_on: must not be before the acceptance (",
                     time::FormatDate(*accepted_on), ")"));
  }
  return absl::OkStatus();
}

std::optional<int> FileHandoverDaysOverdue(absl::CivilDay accepted_on,
                                           std::optional<absl::CivilDay> handed_over_on,
                                           absl::CivilDay as_of, const RecordsPolicy& policy) {
  if (accepted_on > as_of || DoneBy(handed_over_on, as_of)) return std::nullopt;
  return DaysPast(FileHandoverDue(accepted_on, policy), as_of);
}

}  // namespace ccms::records::domain
