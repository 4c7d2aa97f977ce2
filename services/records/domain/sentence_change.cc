#include "services/records/domain/sentence_change.h"

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"
#include "services/records/domain/records_policy.h"

namespace ccms::records::domain {
namespace {

constexpr int kMaxSupervisionMonths = 30 * 12;

}  // namespace

std::string_view SentenceChangeKindName(SentenceChangeKind kind) {
  switch (kind) {
    case SentenceChangeKind::kReduction:
      return "REDUCTION";
    case SentenceChangeKind::kExtension:
      return "EXTENSION";
  }
  return "UNSPECIFIED";
}

std::optional<SentenceChangeKind> ParseSentenceChangeKind(std::string_view name) {
  if (name == "REDUCTION") return SentenceChangeKind::kReduction;
  if (name == "EXTENSION") return SentenceChangeKind::kExtension;
  return std::nullopt;
}

absl::Status CheckSentenceChange(const SentenceChangeCase& c, const SentenceChangeRuling& ruling) {
  if (c.status != CaseStatus::kPendingIntake && c.status != CaseStatus::kActive) {
    return absl::FailedPreconditionError(
        absl::StrCat("a sentence change is recorded on an open case; this one is ",
                     std::string(CaseStatusName(c.status))));
  }
  if (ruling.effective_on < c.judgment_effective_date) {
    return absl::InvalidArgumentError(
        absl::StrCat("effective_on: is before the judgment took effect (",
                     time::FormatDate(c.judgment_effective_date), ")"));
  }
  if (ruling.kind == SentenceChangeKind::kReduction && ruling.new_end_date >= c.end_date) {
    return absl::InvalidArgumentError(
        absl::StrCat("new_end_date: a reduction ends the term before its current end (",
                     time::FormatDate(c.end_date), ")"));
  }
  if (ruling.kind == SentenceChangeKind::kExtension && ruling.new_end_date <= c.end_date) {
    return absl::InvalidArgumentError(
        absl::StrCat("new_end_date: an extension ends the term after its current end (",
                     time::FormatDate(c.end_date), ")"));
  }
  if (ruling.new_end_date <= c.start_date) {
    return absl::InvalidArgumentError(
        absl::StrCat("new_end_date: must be after the supervision start (",
                     time::FormatDate(c.start_date), ")"));
  }
  if (ruling.new_end_date < ruling.effective_on) {
    return absl::InvalidArgumentError(
        "new_end_date: must not be before effective_on (a reduction that leaves nothing to "
        "serve ends the term on the day it takes effect)");
  }
  if (ruling.new_end_date > AddMonthsClamped(c.start_date, kMaxSupervisionMonths)) {
    return absl::InvalidArgumentError(
        "new_end_date: the supervision period must not exceed 30 years");
  }
  return absl::OkStatus();
}

std::vector<MonitoringClamp> ClampMonitoringOrders(const std::vector<MonitoringOrderFacts>& orders,
                                                   absl::CivilDay new_end_date) {
  std::vector<MonitoringClamp> out;
  for (const auto& o : orders) {
    if (o.ended_on.has_value() || o.ends_on <= new_end_date) continue;
    MonitoringClamp clamp{o.order_id, new_end_date, std::nullopt};
    if (o.starts_on > new_end_date) {
      // It would start after the term: it never runs.
      clamp.new_ends_on = o.ends_on;
      clamp.ended_on = o.starts_on;
    }
    out.push_back(clamp);
  }
  return out;
}

}  // namespace ccms::records::domain
