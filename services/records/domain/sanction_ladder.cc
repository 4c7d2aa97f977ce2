#include "services/records/domain/sanction_ladder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"
#include "services/records/domain/sanction_grounds.h"

namespace ccms::records::domain {

std::string_view SanctionKindName(SanctionKind kind) {
  switch (kind) {
    case SanctionKind::kAdmonition:
      return "ADMONITION";
    case SanctionKind::kWarning:
      return "WARNING";
    case SanctionKind::kPublicSecurityReferral:
      return "PUBLIC_SECURITY_REFERRAL";
    case SanctionKind::kRevocationRequest:
      return "REVOCATION_REQUEST";
  }
  return "";
}

std::optional<SanctionKind> ParseSanctionKind(std::string_view name) {
  for (SanctionKind k : {SanctionKind::kAdmonition, SanctionKind::kWarning,
                         SanctionKind::kPublicSecurityReferral, SanctionKind::kRevocationRequest}) {
    if (SanctionKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::string_view ViolationKindName(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::kLateReporting:
      return "LATE_REPORTING";
    case ViolationKind::kLostContact:
      return "LOST_CONTACT";
    case ViolationKind::kLeaveNotReturned:
      return "LEAVE_NOT_RETURNED";
    case ViolationKind::kUnapprovedTravel:
      return "UNAPPROVED_TRAVEL";
    case ViolationKind::kProhibitionOrderBreach:
      return "PROHIBITION_ORDER_BREACH";
    case ViolationKind::kEducationMissed:
      return "EDUCATION_MISSED";
    case ViolationKind::kMonitoringOutage:
      return "MONITORING_OUTAGE";
    case ViolationKind::kOther:
      return "OTHER";
  }
  return "";
}

std::optional<ViolationKind> ParseViolationKind(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(ViolationKind::kOther); ++i) {
    const auto k = static_cast<ViolationKind>(i);
    if (ViolationKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::string_view RevocationGroundName(RevocationGround ground) {
  switch (ground) {
    case RevocationGround::kRepeatedWarnings:
      return "REPEATED_WARNINGS";
    case RevocationGround::kLostContactOverOneMonth:
      return "LOST_CONTACT_OVER_ONE_MONTH";
    case RevocationGround::kUncorrectedAfterPublicSecurityPenalty:
      return "UNCORRECTED_AFTER_PUBLIC_SECURITY_PENALTY";
    case RevocationGround::kSeriousProhibitionOrderBreach:
      return "SERIOUS_PROHIBITION_ORDER_BREACH";
    case RevocationGround::kReoffendingDuringTerm:
      return "REOFFENDING_DURING_TERM";
  }
  return "";
}

std::optional<RevocationGround> ParseRevocationGround(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(RevocationGround::kReoffendingDuringTerm); ++i) {
    const auto g = static_cast<RevocationGround>(i);
    if (RevocationGroundName(g) == name) return g;
  }
  return std::nullopt;
}

std::string_view BreachSeverityName(BreachSeverity severity) {
  switch (severity) {
    case BreachSeverity::kUnstated:
      return "";
    case BreachSeverity::kMinor:
      return "MINOR";
    case BreachSeverity::kSerious:
      return "SERIOUS";
  }
  return "";
}

std::optional<BreachSeverity> ParseBreachSeverity(std::string_view name) {
  for (BreachSeverity s :
       {BreachSeverity::kUnstated, BreachSeverity::kMinor, BreachSeverity::kSerious}) {
    if (BreachSeverityName(s) == name) return s;
  }
  return std::nullopt;
}

absl::Status CheckReoffence(CaseStatus status, absl::CivilDay start_date, absl::CivilDay end_date,
                            absl::CivilDay occurred_on, absl::CivilDay reported_on) {
  if (status != CaseStatus::kPendingIntake && status != CaseStatus::kActive) {
    return absl::FailedPreconditionError(
        absl::StrCat("a new offence during the term is recorded on an open case; this one is ",
                     std::string(CaseStatusName(status))));
  }
  if (occurred_on < start_date) {
    return absl::InvalidArgumentError(absl::StrCat("occurred_on: is before the term started (",
                                                   time::FormatDate(start_date), ")"));
  }
  if (occurred_on > end_date) {
    return absl::InvalidArgumentError(
        absl::StrCat("occurred_on: is after the term ended (", time::FormatDate(end_date), ")"));
  }
  if (occurred_on > reported_on) {
    return absl::InvalidArgumentError("occurred_on: is after the day it was reported");
  }
  return absl::OkStatus();
}

int LostContactDays(const LostContactFact& period, absl::CivilDay today) {
  const absl::CivilDay end = period.ended_on.value_or(today);
  return end > period.started_on ? static_cast<int>(end - period.started_on) : 0;
}

namespace {

bool LostLongerThanMonths(const LostContactFact& p, int months, absl::CivilDay today) {
  const absl::CivilDay end = p.ended_on.value_or(today);
  return end > AddMonthsClamped(p.started_on, months);
}

}  // namespace

LadderStatus EvaluateLadder(const LadderFacts& facts, const RecordsPolicy& policy,
                            absl::CivilDay today) {
  LadderStatus s;
  bool referral_uncorrected = false;
  for (const auto& sanction : facts.sanctions) {
    switch (sanction.kind) {
      case SanctionKind::kAdmonition:
        s.uncorrected_admonitions += sanction.corrected ? 0 : 1;
        break;
      case SanctionKind::kWarning:
        s.uncorrected_warnings += sanction.corrected ? 0 : 1;
        break;
      case SanctionKind::kPublicSecurityReferral:
        ++s.public_security_referrals;
        referral_uncorrected = referral_uncorrected || !sanction.corrected;
        break;
      case SanctionKind::kRevocationRequest:
        if (sanction.court_decision == RevocationDecision::kRefused) {
          ++s.revocation_requests_refused;
        } else {
          s.revocation_requested = true;
          s.revocation_granted =
              s.revocation_granted || sanction.court_decision == RevocationDecision::kGranted;
        }
        break;
    }
  }
  bool long_lost = false;
  for (const auto& p : facts.lost_contact) {
    s.longest_lost_contact_days = std::max(s.longest_lost_contact_days, LostContactDays(p, today));
    long_lost =
        long_lost || LostLongerThanMonths(p, policy.revocation_after_lost_contact_months, today);
  }
  // Only a breach staff stated as SERIOUS; a minor one is a warning ground (sanction_grounds.h).
  const bool prohibition_breach =
      std::count(facts.prohibition_breaches.begin(), facts.prohibition_breaches.end(),
                 BreachSeverity::kSerious) > 0;

  auto ground = [&](RevocationGround g, bool met, const std::string& text) {
    if (met) s.grounds_met.push_back(g);
    s.explanations.push_back(absl::StrCat(std::string(RevocationGroundName(g)),
                                          met ? ": met — " : ": not met — ", text));
  };
  ground(RevocationGround::kRepeatedWarnings,
         s.uncorrected_warnings >= policy.warnings_for_revocation,
         absl::StrCat("needs ", policy.warnings_for_revocation,
                      " uncorrected warnings; the case has ", s.uncorrected_warnings));
  ground(
      RevocationGround::kLostContactOverOneMonth, long_lost,
      absl::StrCat("needs lost contact for more than ", policy.revocation_after_lost_contact_months,
                   " month(s); the longest period is ", s.longest_lost_contact_days, " days"));
  ground(RevocationGround::kUncorrectedAfterPublicSecurityPenalty, referral_uncorrected,
         referral_uncorrected ? "a public-security penalty referral is not corrected"
                              : "needs a public-security penalty referral still not corrected");
  ground(RevocationGround::kSeriousProhibitionOrderBreach, prohibition_breach,
         prohibition_breach
             ? "a prohibition-order breach stated as SERIOUS is recorded"
             : "needs a prohibition-order breach stated as SERIOUS (a minor one is a "
               "warning ground)");
  ground(RevocationGround::kReoffendingDuringTerm, !facts.reoffences.empty(),
         facts.reoffences.empty()
             ? "needs a new offence during the term reported by public security"
             : absl::StrCat(facts.reoffences.size(),
                            " new offence(s) during the term reported by public security"));

  s.grounds = EvaluateGrounds(facts, policy, today);
  auto ground_met_for = [&](SanctionKind kind) {
    return std::any_of(s.grounds.begin(), s.grounds.end(),
                       [kind](const SanctionGround& g) { return g.met && g.ground_for == kind; });
  };

  if (s.revocation_granted) {
    s.next_step = "the court granted the revocation: close the case as REVOKED";
  } else if (s.revocation_requested) {
    s.next_step = "a revocation request is pending with the court";
  } else if (!s.grounds_met.empty()) {
    s.next_step = absl::StrCat("a revocation request may be made on ",
                               std::string(RevocationGroundName(s.grounds_met.front())));
  } else if (ground_met_for(SanctionKind::kWarning)) {
    s.next_step = "grounds for a warning are present";
  } else if (s.uncorrected_warnings > 0) {
    s.next_step = absl::StrCat(policy.warnings_for_revocation - s.uncorrected_warnings,
                               " more uncorrected warning(s) would be grounds for revocation");
  } else if (ground_met_for(SanctionKind::kAdmonition)) {
    s.next_step = "grounds for an admonition are present";
  } else {
    s.next_step = "no sanction pending";
  }
  return s;
}

absl::Status CheckSanction(SanctionKind kind, const std::vector<RevocationGround>& claimed,
                           const LadderFacts& facts, const RecordsPolicy& policy,
                           absl::CivilDay today) {
  if (kind != SanctionKind::kRevocationRequest) {
    if (!claimed.empty()) {
      return absl::InvalidArgumentError("revocation grounds apply only to a revocation request");
    }
    return absl::OkStatus();
  }
  if (facts.sentence_kind == SentenceKind::kPublicSurveillance) {
    return absl::FailedPreconditionError(
        "public surveillance cannot be revoked; refer the breach to public security instead");
  }
  if (claimed.empty()) {
    return absl::FailedPreconditionError(
        "a revocation request needs a legal ground: REPEATED_WARNINGS, "
        "LOST_CONTACT_OVER_ONE_MONTH, UNCORRECTED_AFTER_PUBLIC_SECURITY_PENALTY, "
        "SERIOUS_PROHIBITION_ORDER_BREACH or REOFFENDING_DURING_TERM");
  }
  const LadderStatus status = EvaluateLadder(facts, policy, today);
  if (status.revocation_granted) {
    return absl::FailedPreconditionError(
        "the court already granted a revocation request for this case: close it as REVOKED");
  }
  if (status.revocation_requested) {
    return absl::FailedPreconditionError("a revocation request for this case is already pending");
  }
  for (RevocationGround g : claimed) {
    if (std::find(status.grounds_met.begin(), status.grounds_met.end(), g) ==
        status.grounds_met.end()) {
      for (const auto& line : status.explanations) {
        if (line.rfind(std::string(RevocationGroundName(g)) + ":", 0) == 0) {
          return absl::FailedPreconditionError(absl::StrCat("ground ", line));
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace ccms::records::domain
