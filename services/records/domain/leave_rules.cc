#include "services/records/domain/leave_rules.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::records::domain {

std::string_view LeaveStatusName(LeaveStatus status) {
  switch (status) {
    case LeaveStatus::kRequested:
      return "REQUESTED";
    case LeaveStatus::kApproved:
      return "APPROVED";
    case LeaveStatus::kRejected:
      return "REJECTED";
    case LeaveStatus::kCancelled:
      return "CANCELLED";
    case LeaveStatus::kReturned:
      return "RETURNED";
  }
  return "";
}

std::optional<LeaveStatus> ParseLeaveStatus(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(LeaveStatus::kReturned); ++i) {
    const auto s = static_cast<LeaveStatus>(i);
    if (LeaveStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view LeaveStepName(LeaveStep step) {
  switch (step) {
    case LeaveStep::kApprove:
      return "approve";
    case LeaveStep::kReject:
      return "reject";
    case LeaveStep::kCancel:
      return "cancel";
    case LeaveStep::kReturn:
      return "return";
  }
  return "";
}

std::string_view ApprovalLevelName(ApprovalLevel level) {
  switch (level) {
    case ApprovalLevel::kOffice:
      return "OFFICE";
    case ApprovalLevel::kBureau:
      return "BUREAU";
    case ApprovalLevel::kCity:
      return "CITY";
    case ApprovalLevel::kStanding:
      return "STANDING";
  }
  return "";
}

std::optional<ApprovalLevel> ParseApprovalLevel(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(ApprovalLevel::kStanding); ++i) {
    const auto l = static_cast<ApprovalLevel>(i);
    if (ApprovalLevelName(l) == name) return l;
  }
  return std::nullopt;
}

int LeaveDays(absl::CivilDay start, absl::CivilDay end) {
  return static_cast<int>(end - start) + 1;
}

std::vector<LeaveProblem> CheckLeaveDates(absl::CivilDay start, absl::CivilDay end,
                                          const RecordsPolicy& policy) {
  std::vector<LeaveProblem> out;
  if (end < start) {
    out.push_back({"end_date", "is before start_date"});
  } else if (LeaveDays(start, end) > policy.leave_max_days_per_approval) {
    out.push_back(
        {"end_date",
         absl::StrCat("makes a leave of ", LeaveDays(start, end),
                      " days; one approval covers at most ", policy.leave_max_days_per_approval,
                      " days (Measures 2020 art. 27; policy ", policy.version, ")")});
  }
  return out;
}

std::optional<std::pair<absl::CivilDay, absl::CivilDay>> HeldDays(const LeaveFact& leave) {
  switch (leave.status) {
    case LeaveStatus::kRequested:
    case LeaveStatus::kApproved:
      return std::make_pair(leave.start, leave.end);
    case LeaveStatus::kReturned: {
      absl::CivilDay last = leave.end;
      if (leave.returned_on.has_value() && *leave.returned_on < last) last = *leave.returned_on;
      return std::make_pair(leave.start, last);
    }
    case LeaveStatus::kRejected:
    case LeaveStatus::kCancelled:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<LeaveFact> FindOverlap(absl::CivilDay start, absl::CivilDay end,
                                     const std::vector<LeaveFact>& others,
                                     std::string_view self_id) {
  for (const LeaveFact& o : others) {
    if (o.leave_id == self_id) continue;
    auto held = HeldDays(o);
    if (!held.has_value()) continue;
    if (held->first <= end && start <= held->second) return o;
  }
  return std::nullopt;
}

namespace {

// Days of [a1, a2] within [b1, b2].
int Intersection(absl::CivilDay a1, absl::CivilDay a2, absl::CivilDay b1, absl::CivilDay b2) {
  const absl::CivilDay lo = std::max(a1, b1);
  const absl::CivilDay hi = std::min(a2, b2);
  return hi < lo ? 0 : static_cast<int>(hi - lo) + 1;
}

bool CountsAsApproved(const LeaveFact& f) {
  return f.status == LeaveStatus::kApproved || f.status == LeaveStatus::kReturned;
}

}  // namespace

int MaxDaysInTwoMonths(absl::CivilDay start, absl::CivilDay end,
                       const std::vector<LeaveFact>& others, std::string_view self_id) {
  int best = 0;
  // Every window [d, d + 2m) holding a day of the leave starts between start - 2m and end.
  for (absl::CivilDay d = AddMonthsClamped(start, -2); d <= end; ++d) {
    const absl::CivilDay last = AddMonthsClamped(d, 2) - 1;
    if (last < start) continue;
    int sum = Intersection(start, end, d, last);
    for (const LeaveFact& o : others) {
      if (o.leave_id == self_id || !CountsAsApproved(o)) continue;
      auto held = HeldDays(o);
      if (held.has_value()) sum += Intersection(held->first, held->second, d, last);
    }
    best = std::max(best, sum);
  }
  return best;
}

ApprovalNeed RequiredApprovalLevel(absl::CivilDay start, absl::CivilDay end,
                                   const std::vector<LeaveFact>& others, std::string_view self_id,
                                   const RecordsPolicy& policy) {
  ApprovalNeed need;
  need.days = LeaveDays(start, end);
  need.days_in_two_months = MaxDaysInTwoMonths(start, end, others, self_id);
  const bool long_leave = need.days > policy.leave_office_approval_max_days;
  const bool window = need.days_in_two_months > policy.leave_max_days_within_two_months;
  need.level = long_leave ? ApprovalLevel::kBureau : ApprovalLevel::kOffice;
  if (window) {
    need.level = long_leave ? ApprovalLevel::kCity : ApprovalLevel::kBureau;
  }
  std::string rule =
      long_leave ? absl::StrCat("a leave of ", need.days, " days is over the judicial office's ",
                                policy.leave_office_approval_max_days,
                                " days and needs the district bureau (Measures 2020 art. 27)")
                 : absl::StrCat("a leave of ", need.days, " days (up to ",
                                policy.leave_office_approval_max_days,
                                ") is decided by the judicial office (Measures 2020 art. 27)");
  if (window) {
    absl::StrAppend(&rule, "; with it, ", need.days_in_two_months,
                    " leave days fall within two months, over ",
                    policy.leave_max_days_within_two_months, ", so it goes one level up to the ",
                    long_leave ? "city bureau" : "district bureau");
  }
  absl::StrAppend(&rule, " (policy ", policy.version, ")");
  need.rule = std::move(rule);
  return need;
}

absl::Status CheckDecider(auth::Role role, const ApprovalNeed& need) {
  using auth::Role;
  bool ok = false;
  switch (need.level) {
    case ApprovalLevel::kOffice:
      ok = role == Role::kOfficeStaff || role == Role::kDistrictBureau || role == Role::kCityAdmin;
      break;
    case ApprovalLevel::kBureau:
      ok = role == Role::kDistrictBureau || role == Role::kCityAdmin;
      break;
    case ApprovalLevel::kCity:
      ok = role == Role::kCityAdmin;
      break;
    case ApprovalLevel::kStanding:
      ok = false;  // decided when the standing approval was granted
      break;
  }
  if (ok) return absl::OkStatus();
  if (need.level == ApprovalLevel::kStanding) {
    return absl::FailedPreconditionError("a trip under a standing approval needs no decision");
  }
  return absl::PermissionDeniedError(absl::StrCat("you cannot decide this leave: ", need.rule));
}

absl::StatusOr<LeaveStatus> NextLeaveStatus(LeaveStatus from, LeaveStep step, absl::CivilDay start,
                                            absl::CivilDay today) {
  switch (step) {
    case LeaveStep::kApprove:
      if (from == LeaveStatus::kRequested) return LeaveStatus::kApproved;
      break;
    case LeaveStep::kReject:
      if (from == LeaveStatus::kRequested) return LeaveStatus::kRejected;
      break;
    case LeaveStep::kCancel:
      if (from == LeaveStatus::kRequested) return LeaveStatus::kCancelled;
      if (from == LeaveStatus::kApproved) {
        if (today < start) return LeaveStatus::kCancelled;
        return absl::FailedPreconditionError(
            "the leave has begun; record the return (销假) instead of cancelling it");
      }
      break;
    case LeaveStep::kReturn:
      if (from == LeaveStatus::kApproved) return LeaveStatus::kReturned;
      if (from == LeaveStatus::kRequested) {
        return absl::FailedPreconditionError("the leave has not been approved");
      }
      break;
  }
  return absl::FailedPreconditionError(
      absl::StrCat("a ", absl::AsciiStrToLower(std::string(LeaveStatusName(from))),
                   " leave cannot be given ", std::string(LeaveStepName(step))));
}

absl::StatusOr<ReturnOutcome> CheckReturn(absl::CivilDay start, absl::CivilDay end,
                                          absl::CivilDay returned_on) {
  if (returned_on < start) {
    return absl::InvalidArgumentError(
        absl::StrCat("returned_on is before the leave's first day ", time::FormatDate(start)));
  }
  ReturnOutcome out;
  if (returned_on > end) {
    out.late = true;
    out.days_late = static_cast<int>(returned_on - end);
  }
  return out;
}

absl::CivilDay DecisionDue(absl::CivilDay requested_on, const RecordsPolicy& policy) {
  return requested_on + policy.leave_decision_within_days;
}

std::vector<LeaveProblem> CheckStandingValidity(absl::CivilDay valid_from,
                                                absl::CivilDay valid_until,
                                                const RecordsPolicy& policy) {
  std::vector<LeaveProblem> out;
  if (valid_until < valid_from) {
    out.push_back({"valid_until", "is before valid_from"});
  } else if (valid_until > AddMonthsClamped(valid_from, policy.leave_standing_approval_months)) {
    out.push_back(
        {"valid_until", absl::StrCat("is more than ", policy.leave_standing_approval_months,
                                     " months after valid_from (latest ",
                                     time::FormatDate(AddMonthsClamped(
                                         valid_from, policy.leave_standing_approval_months)),
                                     "; Measures 2020 art. 29; policy ", policy.version, ")")});
  }
  return out;
}

std::vector<LeaveProblem> CheckTripUnderStanding(absl::CivilDay start, absl::CivilDay end,
                                                 std::string_view destination,
                                                 const StandingFact& standing) {
  std::vector<LeaveProblem> out;
  absl::CivilDay last_valid = standing.valid_until;
  if (standing.revoked_on.has_value() && *standing.revoked_on - 1 < last_valid) {
    last_valid = *standing.revoked_on - 1;
  }
  if (start < standing.valid_from || end > last_valid) {
    out.push_back({"standing_approval_id",
                   last_valid < standing.valid_from
                       ? std::string("the standing approval was revoked before it took effect")
                       : absl::StrCat("covers trips from ", time::FormatDate(standing.valid_from),
                                      " through ", time::FormatDate(last_valid), " only")});
  }
  // Debian's Abseil: absl::string_view is not std::string_view.
  const std::string dest(destination);
  if (absl::StripAsciiWhitespace(dest) != absl::StripAsciiWhitespace(standing.destination)) {
    out.push_back({"destination", "is not the standing approval's destination"});
  }
  return out;
}

bool NotReturnedAsOf(LeaveStatus status, absl::CivilDay end,
                     std::optional<absl::CivilDay> decided_on,
                     std::optional<absl::CivilDay> returned_on, absl::CivilDay as_of) {
  if (status != LeaveStatus::kApproved && status != LeaveStatus::kReturned) return false;
  if (!decided_on.has_value() || *decided_on > as_of) return false;
  if (!(end < as_of)) return false;
  return !returned_on.has_value() || *returned_on > as_of;
}

}  // namespace ccms::records::domain
