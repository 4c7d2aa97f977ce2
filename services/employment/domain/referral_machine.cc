#include "services/employment/domain/referral_machine.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ccms::employment::domain {
namespace {

using S = ReferralStatus;

// Name and status, in AllStatuses() order.
constexpr std::pair<S, std::string_view> kNames[] = {
    {S::kDraft, "DRAFT"},         {S::kSent, "SENT"},           {S::kAccepted, "ACCEPTED"},
    {S::kDeclined, "DECLINED"},   {S::kInterview, "INTERVIEW"}, {S::kOffered, "OFFERED"},
    {S::kNotHired, "NOT_HIRED"},  {S::kPlaced, "PLACED"},       {S::kEnded, "ENDED"},
    {S::kWithdrawn, "WITHDRAWN"},
};

}  // namespace

const std::vector<ReferralStatus>& AllStatuses() {
  static const std::vector<ReferralStatus> kAll = [] {
    std::vector<ReferralStatus> v;
    for (const auto& [s, _] : kNames) v.push_back(s);
    return v;
  }();
  return kAll;
}

std::string StatusName(ReferralStatus s) {
  for (const auto& [status, name] : kNames) {
    if (status == s) return std::string(name);
  }
  return "";
}

std::optional<ReferralStatus> ParseStatus(std::string_view name) {
  for (const auto& [status, n] : kNames) {
    if (n == name) return status;
  }
  return std::nullopt;
}

const std::vector<Transition>& Transitions() {
  static const std::vector<Transition> kTable = {
      // from          to              staff  partner  reason
      {S::kDraft, S::kSent, true, false, ReasonList::kNone},
      {S::kSent, S::kAccepted, true, true, ReasonList::kNone},
      {S::kSent, S::kDeclined, true, true, ReasonList::kDecline},
      {S::kAccepted, S::kInterview, true, true, ReasonList::kNone},
      {S::kInterview, S::kOffered, true, true, ReasonList::kNone},
      {S::kInterview, S::kNotHired, true, true, ReasonList::kNotHired},
      {S::kOffered, S::kPlaced, true, true, ReasonList::kNone},
      {S::kPlaced, S::kEnded, true, true, ReasonList::kEnd},
      {S::kDraft, S::kWithdrawn, true, false, ReasonList::kWithdraw},
      {S::kSent, S::kWithdrawn, true, false, ReasonList::kWithdraw},
      {S::kAccepted, S::kWithdrawn, true, false, ReasonList::kWithdraw},
      {S::kInterview, S::kWithdrawn, true, false, ReasonList::kWithdraw},
      {S::kOffered, S::kWithdrawn, true, false, ReasonList::kWithdraw},
  };
  return kTable;
}

bool IsTerminal(ReferralStatus s) {
  for (const Transition& t : Transitions()) {
    if (t.from == s) return false;
  }
  return true;
}

const Transition* FindTransition(ReferralStatus from, ReferralStatus to) {
  for (const Transition& t : Transitions()) {
    if (t.from == from && t.to == to) return &t;
  }
  return nullptr;
}

const std::vector<std::string>& ReasonCodes(ReasonList list, const EmploymentPolicy& policy) {
  static const std::vector<std::string> kNone;
  switch (list) {
    case ReasonList::kNone:
      return kNone;
    case ReasonList::kDecline:
      return policy.decline_reasons;
    case ReasonList::kNotHired:
      return policy.not_hired_reasons;
    case ReasonList::kEnd:
      return policy.end_reasons;
    case ReasonList::kWithdraw:
      return policy.withdraw_reasons;
  }
  return kNone;
}

absl::Status CheckStep(ReferralStatus from, ReferralStatus to, Actor actor,
                       const std::string& reason_code, const EmploymentPolicy& policy) {
  const Transition* t = FindTransition(from, to);
  if (t == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("a referral in ", StatusName(from), " cannot move to ", StatusName(to)));
  }
  if ((actor == Actor::kStaff && !t->by_staff) || (actor == Actor::kPartner && !t->by_partner)) {
    return absl::PermissionDeniedError(
        absl::StrCat("the step ", StatusName(from), " -> ", StatusName(to), " is not the ",
                     actor == Actor::kStaff ? "staff's" : "partner's", " to record"));
  }
  if (t->reason == ReasonList::kNone) {
    if (!reason_code.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("reason_code: the step to ", StatusName(to), " takes no reason code"));
    }
    return absl::OkStatus();
  }
  if (reason_code.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason_code: is required for the step to ", StatusName(to)));
  }
  if (!HasCode(ReasonCodes(t->reason, policy), reason_code)) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason_code: is not a code of the policy for the step to ", StatusName(to)));
  }
  return absl::OkStatus();
}

absl::CivilDay AnswerDueOn(absl::CivilDay sent_on, const EmploymentPolicy& policy) {
  return sent_on + policy.answer_within_days;
}

bool AnswerOverdue(ReferralStatus status, absl::CivilDay due_on, bool paused,
                   absl::CivilDay today) {
  return status == ReferralStatus::kSent && !paused && today > due_on;
}

std::string ReferralCode(const std::string& referral_id) {
  // The last digits: ids are UUIDv7, whose leading digits are the time (equal for referrals made
  // within a minute); the trailing ones are random.
  std::string hex;
  for (auto it = referral_id.rbegin(); it != referral_id.rend() && hex.size() < 8; ++it) {
    if (*it != '-') hex.insert(hex.begin(), *it);
  }
  return absl::StrCat("R-", absl::AsciiStrToUpper(hex));
}

}  // namespace ccms::employment::domain
