#pragma once

// Sentence changes during the term (减刑 and extensions of the supervision period): the court's
// ruling sets a new end date, and every date counted from the end date moves with it (the
// discharge due date and the summary window, the discharge_approaching notice, the end of
// electronic monitoring orders, which must lie within the term). Pure: dates are Asia/Shanghai
// calendar days.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/records/domain/case_rules.h"
#include "services/records/domain/orders_rules.h"

namespace ccms::records::domain {

enum class SentenceChangeKind { kReduction, kExtension };
std::string_view SentenceChangeKindName(SentenceChangeKind kind);  // "REDUCTION", "EXTENSION"
std::optional<SentenceChangeKind> ParseSentenceChangeKind(std::string_view name);

// Bounds of the free-text fields (the court's name, the ruling's document number).
inline constexpr int kMaxCourtLength = 200;
inline constexpr int kMaxDocumentNumberLength = 64;

// The case as a sentence change sees it (as locked in the transaction).
struct SentenceChangeCase {
  CaseStatus status = CaseStatus::kUnspecified;
  absl::CivilDay judgment_effective_date;
  absl::CivilDay start_date;
  absl::CivilDay end_date;  // the end date in force before this change
};

// A ruling as recorded: what it does, the new end date, and the day it took effect.
struct SentenceChangeRuling {
  SentenceChangeKind kind = SentenceChangeKind::kReduction;
  absl::CivilDay new_end_date;
  absl::CivilDay effective_on;
};

// Checks a ruling against the case as locked: the case is open (PENDING_INTAKE or ACTIVE), else
// FAILED_PRECONDITION; the ruling took effect on or after the judgment did; a reduction moves the
// end date earlier and an extension later; the new end date is after the start date, not before
// the ruling's effective day (a reduction that leaves nothing to serve ends the term on that
// day), and within 30 years of the start. INVALID_ARGUMENT "field: what" (new_end_date,
// effective_on) for a date that does not fit the case.
absl::Status CheckSentenceChange(const SentenceChangeCase& c, const SentenceChangeRuling& ruling);

// What a new end date does to the running monitoring orders of the case (an order must lie
// within the term): an order not ended early whose ends_on is after the new end ends with the
// term — its ends_on becomes the new end date; one that would only start after the new end is
// ended on its first day (it never runs). Orders within the term, and orders already ended early
// (a decision of their own), are untouched.
struct MonitoringClamp {
  std::string order_id;
  absl::CivilDay new_ends_on;              // the order's ends_on from now on
  std::optional<absl::CivilDay> ended_on;  // set when the order is ended on its first day
};
std::vector<MonitoringClamp> ClampMonitoringOrders(const std::vector<MonitoringOrderFacts>& orders,
                                                   absl::CivilDay new_end_date);

}  // namespace ccms::records::domain
