#include "services/records/domain/orders_rules.h"

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::records::domain {
namespace {

bool HasSanction(const LadderFacts& ladder, SanctionKind kind, absl::CivilDay on_or_before) {
  for (const SanctionFact& s : ladder.sanctions) {
    // A revocation request the court refused is no longer pending.
    if (s.court_decision == RevocationDecision::kRefused) continue;
    if (s.kind == kind && s.issued_on <= on_or_before) return true;
  }
  return false;
}

}  // namespace

std::string_view MonitoringGroundName(MonitoringGround ground) {
  switch (ground) {
    case MonitoringGround::kProhibitionOrderBreach:
      return "PROHIBITION_ORDER_BREACH";
    case MonitoringGround::kLeftAreaWithoutApproval:
      return "LEFT_AREA_WITHOUT_APPROVAL";
    case MonitoringGround::kRefusedReportingAfterWarning:
      return "REFUSED_REPORTING_AFTER_WARNING";
    case MonitoringGround::kPublicSecurityPenalty:
      return "PUBLIC_SECURITY_PENALTY";
    case MonitoringGround::kPendingRevocation:
      return "PENDING_REVOCATION";
  }
  return "";
}

std::optional<MonitoringGround> ParseMonitoringGround(std::string_view name) {
  for (MonitoringGround g :
       {MonitoringGround::kProhibitionOrderBreach, MonitoringGround::kLeftAreaWithoutApproval,
        MonitoringGround::kRefusedReportingAfterWarning, MonitoringGround::kPublicSecurityPenalty,
        MonitoringGround::kPendingRevocation}) {
    if (MonitoringGroundName(g) == name) return g;
  }
  return std::nullopt;
}

std::string_view MonitoringEndReasonName(MonitoringEndReason reason) {
  switch (reason) {
    case MonitoringEndReason::kGroundsNoLongerApply:
      return "GROUNDS_NO_LONGER_APPLY";
    case MonitoringEndReason::kSupervisionEnding:
      return "SUPERVISION_ENDING";
    case MonitoringEndReason::kOther:
      return "OTHER";
  }
  return "";
}

std::optional<MonitoringEndReason> ParseMonitoringEndReason(std::string_view name) {
  for (MonitoringEndReason r :
       {MonitoringEndReason::kGroundsNoLongerApply, MonitoringEndReason::kSupervisionEnding,
        MonitoringEndReason::kOther}) {
    if (MonitoringEndReasonName(r) == name) return r;
  }
  return std::nullopt;
}

std::string_view MonitoringStatusName(MonitoringStatus status) {
  switch (status) {
    case MonitoringStatus::kScheduled:
      return "SCHEDULED";
    case MonitoringStatus::kActive:
      return "ACTIVE";
    case MonitoringStatus::kExpired:
      return "EXPIRED";
    case MonitoringStatus::kEnded:
      return "ENDED";
  }
  return "";
}

MonitoringStatus MonitoringStatusOn(const MonitoringOrderFacts& order, absl::CivilDay day) {
  if (order.ended_on.has_value() && day >= *order.ended_on) return MonitoringStatus::kEnded;
  if (day < order.starts_on) return MonitoringStatus::kScheduled;
  if (day > order.ends_on) return MonitoringStatus::kExpired;
  return MonitoringStatus::kActive;
}

absl::CivilDay LastMonitoredDay(const MonitoringOrderFacts& order) {
  if (order.ended_on.has_value() && *order.ended_on <= order.ends_on) return *order.ended_on - 1;
  return order.ends_on;
}

absl::CivilDay MaxOrderEnd(absl::CivilDay starts_on, const RecordsPolicy& policy) {
  return AddMonthsClamped(starts_on, policy.monitoring_max_months_per_order);
}

absl::CivilDay MaxRenewalEnd(absl::CivilDay ends_on, const RecordsPolicy& policy) {
  return AddMonthsClamped(ends_on, policy.monitoring_max_months_per_renewal);
}

std::vector<FieldViolation> ValidateNewOrder(const std::vector<MonitoringGround>& grounds,
                                             absl::CivilDay starts_on, absl::CivilDay ends_on,
                                             const RecordsPolicy& policy) {
  std::vector<FieldViolation> out;
  if (grounds.empty()) {
    out.push_back({"grounds", "at least one ground of Law art. 29 is required"});
  }
  if (ends_on < starts_on) {
    out.push_back({"ends_on", "must not be before starts_on"});
  } else if (ends_on > MaxOrderEnd(starts_on, policy)) {
    out.push_back(
        {"ends_on", absl::StrCat("an order lasts at most ", policy.monitoring_max_months_per_order,
                                 " months: ends_on must be on or before ",
                                 time::FormatDate(MaxOrderEnd(starts_on, policy)),
                                 " (Law art. 29; policy ", policy.version, ")")});
  }
  return out;
}

absl::Status CheckNewOrder(const std::vector<MonitoringGround>& grounds, absl::CivilDay starts_on,
                           absl::CivilDay ends_on, absl::CivilDay supervision_end,
                           const LadderFacts& ladder,
                           const std::vector<MonitoringOrderFacts>& existing) {
  for (MonitoringGround g : grounds) {
    std::optional<SanctionKind> needs;
    if (g == MonitoringGround::kRefusedReportingAfterWarning) needs = SanctionKind::kWarning;
    if (g == MonitoringGround::kPublicSecurityPenalty) {
      needs = SanctionKind::kPublicSecurityReferral;
    }
    if (g == MonitoringGround::kPendingRevocation) needs = SanctionKind::kRevocationRequest;
    if (needs.has_value() && !HasSanction(ladder, *needs, starts_on)) {
      return absl::FailedPreconditionError(
          absl::StrCat("ground ", std::string(MonitoringGroundName(g)), " needs a ",
                       std::string(SanctionKindName(*needs)),
                       " issued on the case on or before starts_on; there is none"));
    }
  }
  if (ends_on > supervision_end) {
    return absl::FailedPreconditionError(
        absl::StrCat("the order must end within the supervision term (ends ",
                     time::FormatDate(supervision_end), ")"));
  }
  for (const MonitoringOrderFacts& o : existing) {
    const absl::CivilDay last = LastMonitoredDay(o);
    if (o.starts_on <= last && starts_on <= last && o.starts_on <= ends_on) {
      return absl::FailedPreconditionError(
          absl::StrCat("the case already has a monitoring order (", o.order_id, ") running from ",
                       time::FormatDate(o.starts_on), " to ", time::FormatDate(last),
                       "; renew or end it instead"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRenewal(const MonitoringOrderFacts& order, absl::CivilDay renewed_on,
                          absl::CivilDay new_ends_on, absl::CivilDay supervision_end,
                          const RecordsPolicy& policy) {
  switch (MonitoringStatusOn(order, renewed_on)) {
    case MonitoringStatus::kEnded:
      return absl::FailedPreconditionError("the order was ended; a new order is needed");
    case MonitoringStatus::kExpired:
      return absl::FailedPreconditionError(
          absl::StrCat("the order expired on ", time::FormatDate(order.ends_on),
                       "; a renewal must be decided before expiry, a new order is needed now"));
    case MonitoringStatus::kScheduled:
      return absl::FailedPreconditionError("the order has not started yet on renewed_on");
    case MonitoringStatus::kActive:
      break;
  }
  if (new_ends_on <= order.ends_on) {
    return absl::InvalidArgumentError("new_ends_on: must be after the order's current end");
  }
  const absl::CivilDay max = MaxRenewalEnd(order.ends_on, policy);
  if (new_ends_on > max) {
    return absl::InvalidArgumentError(absl::StrCat("new_ends_on: a renewal adds at most ",
                                                   policy.monitoring_max_months_per_renewal,
                                                   " months: on or before ", time::FormatDate(max),
                                                   " (Law art. 29; policy ", policy.version, ")"));
  }
  if (new_ends_on > supervision_end) {
    return absl::FailedPreconditionError(
        absl::StrCat("the order must end within the supervision term (ends ",
                     time::FormatDate(supervision_end), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckEndOrder(const MonitoringOrderFacts& order, absl::CivilDay ended_on) {
  if (order.ended_on.has_value()) {
    return absl::FailedPreconditionError("the order was already ended");
  }
  if (ended_on < order.starts_on) {
    return absl::FailedPreconditionError("ended_on is before the order starts");
  }
  if (ended_on > order.ends_on) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the order expired on ", time::FormatDate(order.ends_on), "; there is nothing to end"));
  }
  return absl::OkStatus();
}

std::optional<int> DaysLeftIfExpiring(const MonitoringOrderFacts& order, absl::CivilDay as_of,
                                      int within_days) {
  if (MonitoringStatusOn(order, as_of) != MonitoringStatus::kActive) return std::nullopt;
  if (order.ends_on > as_of + within_days) return std::nullopt;
  return static_cast<int>(order.ends_on - as_of);
}

std::string_view MedicalDueKindName(MedicalDueKind kind) {
  return kind == MedicalDueKind::kHealthReport ? "HEALTH_REPORT" : "MEDICAL_REVIEW";
}

std::string_view MedicalReviewOutcomeName(MedicalReviewOutcome outcome) {
  switch (outcome) {
    case MedicalReviewOutcome::kConditionContinues:
      return "CONDITION_CONTINUES";
    case MedicalReviewOutcome::kConditionNoLongerMet:
      return "CONDITION_NO_LONGER_MET";
    case MedicalReviewOutcome::kInconclusive:
      return "INCONCLUSIVE";
  }
  return "";
}

std::optional<MedicalReviewOutcome> ParseMedicalReviewOutcome(std::string_view name) {
  for (MedicalReviewOutcome o :
       {MedicalReviewOutcome::kConditionContinues, MedicalReviewOutcome::kConditionNoLongerMet,
        MedicalReviewOutcome::kInconclusive}) {
    if (MedicalReviewOutcomeName(o) == name) return o;
  }
  return std::nullopt;
}

absl::CivilDay MedicalDueFrom(const MedicalFacts& facts, MedicalDueKind kind) {
  const std::optional<absl::CivilDay>& last =
      kind == MedicalDueKind::kHealthReport ? facts.last_health_report : facts.last_medical_review;
  absl::CivilDay base = facts.supervision_start;
  if (last.has_value() && *last > base) base = *last;
  return base;
}

absl::CivilDay NextMedicalDue(const MedicalFacts& facts, MedicalDueKind kind,
                              const RecordsPolicy& policy) {
  const bool health = kind == MedicalDueKind::kHealthReport;
  return AddMonthsClamped(MedicalDueFrom(facts, kind), health ? policy.health_report_every_months
                                                              : policy.medical_review_every_months);
}

namespace {

template <typename PolicyFrom>
std::vector<MedicalDue> MedicalDueWith(const MedicalFacts& facts, absl::CivilDay as_of,
                                       PolicyFrom policy_from) {
  std::vector<MedicalDue> out;
  for (MedicalDueKind kind : {MedicalDueKind::kHealthReport, MedicalDueKind::kMedicalReview}) {
    const bool health = kind == MedicalDueKind::kHealthReport;
    const RecordsPolicy& policy = policy_from(MedicalDueFrom(facts, kind));
    const absl::CivilDay due = NextMedicalDue(facts, kind, policy);
    out.push_back(
        {kind, due, static_cast<int>(as_of - due),
         absl::StrCat(
             health ? "health report every " : "medical review every ",
             health ? policy.health_report_every_months : policy.medical_review_every_months,
             " month(s) from the last one or the intake (Measures 2020 art. 26; policy ",
             policy.version, ")"),
         policy.version});
  }
  return out;
}

}  // namespace

std::vector<MedicalDue> MedicalDueOn(const MedicalFacts& facts, const RecordsPolicy& policy,
                                     absl::CivilDay as_of) {
  return MedicalDueWith(facts, as_of,
                        [&policy](absl::CivilDay) -> const RecordsPolicy& { return policy; });
}

std::vector<MedicalDue> MedicalDueOn(const MedicalFacts& facts, const RecordsPolicies& policies,
                                     absl::CivilDay as_of) {
  return MedicalDueWith(facts, as_of, [&policies](absl::CivilDay day) -> const RecordsPolicy& {
    return policies.InForce(day);
  });
}

absl::Status CheckMedicalRecord(SentenceKind kind, std::optional<absl::CivilDay> intake_reported_on,
                                absl::CivilDay on) {
  if (kind != SentenceKind::kTemporaryOutsidePrison) {
    return absl::FailedPreconditionError(
        "health reports and medical reviews are kept for temporary execution outside prison "
        "only; this case's sentence kind is " +
        std::string(SentenceKindName(kind)));
  }
  if (!intake_reported_on.has_value() || on < *intake_reported_on) {
    return absl::FailedPreconditionError("the date is before the person's intake check-in");
  }
  return absl::OkStatus();
}

}  // namespace ccms::records::domain
