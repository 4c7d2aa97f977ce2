// Pre-sentence investigations (调查评估, Measures 2020) and the handover and intake of a case
// (交付接收, Law art. 20; 入矫宣告, art. 22; the supervision team, 矫正小组). Pure functions: no
// I/O, no clock — callers pass `today` (the Shanghai calendar day).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "common/time/working_days.h"

namespace ccms::records::domain {

// The working-day calendar is the kit's (common/time/working_days.h).
using time::WorkingDayCalendar;

// Who commissions an investigation: the court deciding on probation or public surveillance,
// the procuratorate, public security, or the prison proposing parole or temporary execution
// outside prison.
enum class CommissioningBodyKind { kCourt, kProcuratorate, kPublicSecurity, kPrison };
std::string_view CommissioningBodyKindName(CommissioningBodyKind kind);  // "COURT", …
std::optional<CommissioningBodyKind> ParseCommissioningBodyKind(std::string_view name);

// COMMISSIONED -> CONCLUDED, or COMMISSIONED -> WITHDRAWN; nothing else.
enum class InvestigationStatus { kCommissioned, kConcluded, kWithdrawn };
std::string_view InvestigationStatusName(InvestigationStatus status);
std::optional<InvestigationStatus> ParseInvestigationStatus(std::string_view name);

enum class InvestigationConclusion { kSuitable, kNotSuitable };
std::string_view InvestigationConclusionName(InvestigationConclusion c);  // "SUITABLE", …
std::optional<InvestigationConclusion> ParseInvestigationConclusion(std::string_view name);

// policy records.investigation.*
struct InvestigationRules {
  int working_days = 10;
  int fast_track_working_days = 5;  // 速裁
  WorkingDayCalendar calendar;
};

// The due date: `working_days` (or the fast-track number) working days after the commission
// day, which does not count.
absl::CivilDay InvestigationDueOn(absl::CivilDay commissioned_on, bool fast_track,
                                  const InvestigationRules& rules);

// The rule in words, e.g. "conclude within 10 working days of the commission (weekends and
// listed holidays skipped; Measures 2020; policy 2026.11-default)".
std::string InvestigationRule(bool fast_track, const InvestigationRules& rules,
                              std::string_view policy_version);

// Concluding or withdrawing: only a COMMISSIONED investigation (FAILED_PRECONDITION naming its
// status otherwise); the date not before the commission (INVALID_ARGUMENT).
absl::Status CheckInvestigationClosing(InvestigationStatus from, absl::CivilDay commissioned_on,
                                       absl::CivilDay on);

// Overdue on `as_of`: still open at the end of that day (not closed on or before it) and its
// due date before it. Counted both ways: calendar days and working days after the due date up
// to and including `as_of`.
struct InvestigationOverdue {
  bool overdue = false;
  int calendar_days = 0;
  int working_days = 0;
};
InvestigationOverdue InvestigationOverdueOn(absl::CivilDay commissioned_on, absl::CivilDay due_on,
                                            std::optional<absl::CivilDay> closed_on,
                                            absl::CivilDay as_of,
                                            const WorkingDayCalendar& calendar);

// Law art. 20: the deciding body notifies the execution-place office within
// `notice_within_days` of the judgment taking effect and delivers the documents within
// `documents_within_days` (policy records.handover.*).
struct HandoverRules {
  int notice_within_days = 5;
  int documents_within_days = 10;
};
struct HandoverAssessment {
  absl::CivilDay notice_due;
  absl::CivilDay documents_due;
  bool notice_late = false;
  bool documents_late = false;  // false while the documents have not arrived
};
HandoverAssessment AssessHandover(absl::CivilDay judgment_effective, absl::CivilDay notified_on,
                                  std::optional<absl::CivilDay> documents_received_on,
                                  const HandoverRules& rules);

// One problem with one request field (same shape as case_rules' FieldViolation).
struct HandoverViolation {
  std::string field;
  std::string description;
};
// The dates of a handover: not in the future, not before the judgment took effect.
std::vector<HandoverViolation> CheckHandoverDates(
    absl::CivilDay judgment_effective, absl::CivilDay notified_on,
    std::optional<absl::CivilDay> documents_received_on, absl::CivilDay today);

// The intake announcement (入矫宣告) follows the intake check-in: only on an ACTIVE case
// (the caller checks), once, on or after the day the person reported and not in the future.
absl::Status CheckAnnouncementDate(absl::CivilDay announced_on,
                                   std::optional<absl::CivilDay> intake_reported_on,
                                   absl::CivilDay today);

}  // namespace ccms::records::domain
