#include "services/records/domain/investigation_rules.h"

#include "absl/strings/str_cat.h"

namespace ccms::records::domain {

std::string_view CommissioningBodyKindName(CommissioningBodyKind kind) {
  switch (kind) {
    case CommissioningBodyKind::kCourt:
      return "COURT";
    case CommissioningBodyKind::kProcuratorate:
      return "PROCURATORATE";
    case CommissioningBodyKind::kPublicSecurity:
      return "PUBLIC_SECURITY";
    case CommissioningBodyKind::kPrison:
      return "PRISON";
  }
  return "UNSPECIFIED";
}

std::optional<CommissioningBodyKind> ParseCommissioningBodyKind(std::string_view name) {
  for (auto k : {CommissioningBodyKind::kCourt, CommissioningBodyKind::kProcuratorate,
                 CommissioningBodyKind::kPublicSecurity, CommissioningBodyKind::kPrison}) {
    if (name == CommissioningBodyKindName(k)) return k;
  }
  return std::nullopt;
}

std::string_view InvestigationStatusName(InvestigationStatus status) {
  switch (status) {
    case InvestigationStatus::kCommissioned:
      return "COMMISSIONED";
    case InvestigationStatus::kConcluded:
      return "CONCLUDED";
    case InvestigationStatus::kWithdrawn:
      return "WITHDRAWN";
  }
  return "UNSPECIFIED";
}

std::optional<InvestigationStatus> ParseInvestigationStatus(std::string_view name) {
  for (auto s : {InvestigationStatus::kCommissioned, InvestigationStatus::kConcluded,
                 InvestigationStatus::kWithdrawn}) {
    if (name == InvestigationStatusName(s)) return s;
  }
  return std::nullopt;
}

std::string_view InvestigationConclusionName(InvestigationConclusion c) {
  return c == InvestigationConclusion::kSuitable ? "SUITABLE" : "NOT_SUITABLE";
}

std::optional<InvestigationConclusion> ParseInvestigationConclusion(std::string_view name) {
  if (name == "SUITABLE") return InvestigationConclusion::kSuitable;
  if (name == "NOT_SUITABLE") return InvestigationConclusion::kNotSuitable;
  return std::nullopt;
}

absl::CivilDay InvestigationDueOn(absl::CivilDay commissioned_on, bool fast_track,
                                  const InvestigationRules& rules) {
  return time::AddWorkingDays(commissioned_on,
                        fast_track ? rules.fast_track_working_days : rules.working_days,
                        rules.calendar);
}

std::string InvestigationRule(bool fast_track, const InvestigationRules& rules,
                              std::string_view policy_version) {
  return absl::StrCat("conclude within ",
                      fast_track ? rules.fast_track_working_days : rules.working_days,
                      " working days of the commission", fast_track ? " (fast-track)" : "",
                      "; the commission day does not count, weekends and listed holidays are"
                      " skipped, listed make-up working days count (Measures 2020; policy ",
                      std::string(policy_version), ")");
}

absl::Status CheckInvestigationClosing(InvestigationStatus from, absl::CivilDay commissioned_on,
                                       absl::CivilDay on) {
  if (from != InvestigationStatus::kCommissioned) {
    return absl::FailedPreconditionError(
        absl::StrCat("the investigation is ", std::string(InvestigationStatusName(from)),
                     "; only a COMMISSIONED investigation can be concluded or withdrawn"));
  }
  if (on < commissioned_on) {
    return absl::InvalidArgumentError("the date is before the investigation was commissioned");
  }
  return absl::OkStatus();
}

InvestigationOverdue InvestigationOverdueOn(absl::CivilDay commissioned_on, absl::CivilDay due_on,
                                            std::optional<absl::CivilDay> closed_on,
                                            absl::CivilDay as_of,
                                            const WorkingDayCalendar& calendar) {
  InvestigationOverdue out;
  const bool open = commissioned_on <= as_of && (!closed_on.has_value() || *closed_on > as_of);
  if (!open || due_on >= as_of) return out;
  out.overdue = true;
  out.calendar_days = static_cast<int>(as_of - due_on);
  out.working_days = time::WorkingDaysBetween(due_on, as_of, calendar);
  return out;
}

HandoverAssessment AssessHandover(absl::CivilDay judgment_effective, absl::CivilDay notified_on,
                                  std::optional<absl::CivilDay> documents_received_on,
                                  const HandoverRules& rules) {
  HandoverAssessment a;
  a.notice_due = judgment_effective + rules.notice_within_days;
  a.documents_due = judgment_effective + rules.documents_within_days;
  a.notice_late = notified_on > a.notice_due;
  a.documents_late = documents_received_on.has_value() && *documents_received_on > a.documents_due;
  return a;
}

std::vector<HandoverViolation> CheckHandoverDates(
    absl::CivilDay judgment_effective, absl::CivilDay notified_on,
    std::optional<absl::CivilDay> documents_received_on, absl::CivilDay today) {
  std::vector<HandoverViolation> out;
  if (notified_on > today) {
    out.push_back({"notified_on", "must not be in the future"});
  } else if (notified_on < judgment_effective) {
    out.push_back({"notified_on", "is before the judgment took effect"});
  }
  if (documents_received_on.has_value()) {
    if (*documents_received_on > today) {
      out.push_back({"documents_received_on", "must not be in the future"});
    } else if (*documents_received_on < judgment_effective) {
      out.push_back({"documents_received_on", "is before the judgment took effect"});
    }
  }
  return out;
}

absl::Status CheckAnnouncementDate(absl::CivilDay announced_on,
                                   std::optional<absl::CivilDay> intake_reported_on,
                                   absl::CivilDay today) {
  if (!intake_reported_on.has_value()) {
    return absl::FailedPreconditionError(
        "the person has not reported yet; the announcement follows the intake check-in");
  }
  if (announced_on > today) return absl::InvalidArgumentError("must not be in the future");
  if (announced_on < *intake_reported_on) {
    return absl::InvalidArgumentError("is before the person reported for intake");
  }
  return absl::OkStatus();
}

}  // namespace ccms::records::domain
