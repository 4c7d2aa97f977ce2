#include "services/education/domain/hours_ledger.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "services/education/domain/service_file_rules.h"

namespace ccms::education::domain {
namespace {

bool IsCode(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

HoursPolicy ReadHoursPolicy(policy::PolicyReader& r) {
  HoursPolicy p;
  p.study_minutes_per_month =
      static_cast<int>(r.Int("education.hours.study_hours_per_month", 0, 200)) * 60;
  p.community_service_minutes_per_month =
      static_cast<int>(r.Int("education.hours.community_service_hours_per_month", 0, 200)) * 60;
  p.waiver_max_months = static_cast<int>(r.Int("education.hours.waiver_max_months", 1, 36));
  const std::string key = "education.hours.waiver_reason_codes";
  p.waiver_reason_codes = r.StringList(key);
  std::set<std::string> seen;
  if (p.waiver_reason_codes.empty()) r.Problem(key, "needs at least one code");
  for (const auto& c : p.waiver_reason_codes) {
    if (!IsCode(c)) r.Problem(key, "codes are upper-case letters, digits and _ (" + c + ")");
    if (!seen.insert(c).second) r.Problem(key, "lists " + c + " twice");
  }
  return p;
}

std::string_view HoursKindName(HoursKind k) {
  return k == HoursKind::kStudy ? "STUDY" : "COMMUNITY_SERVICE";
}

std::optional<HoursKind> HoursKindOf(std::string_view name) {
  if (name == "STUDY") return HoursKind::kStudy;
  if (name == "COMMUNITY_SERVICE") return HoursKind::kCommunityService;
  return std::nullopt;
}

std::string AttendanceReasonCode(std::string_view outcome, std::string_view excuse_reason) {
  if (outcome == "ATTENDED") return "ATTENDED";
  if (outcome == "LATE") return "LATE_PART_CREDIT";
  if (outcome == "EXCUSED") {
    return "EXCUSED_" + std::string(excuse_reason.empty() ? "OTHER" : excuse_reason);
  }
  if (outcome == "ABSENT_AFTER_NOTICE") return "ABSENT_AFTER_NOTICE";
  return "ABSENT";
}

std::string_view WaiverScopeName(WaiverScope s) {
  switch (s) {
    case WaiverScope::kStudy:
      return "STUDY";
    case WaiverScope::kCommunityService:
      return "COMMUNITY_SERVICE";
    case WaiverScope::kBoth:
      return "BOTH";
  }
  return "BOTH";
}

std::optional<WaiverScope> WaiverScopeOf(std::string_view name) {
  if (name == "STUDY") return WaiverScope::kStudy;
  if (name == "COMMUNITY_SERVICE") return WaiverScope::kCommunityService;
  if (name == "BOTH") return WaiverScope::kBoth;
  return std::nullopt;
}

bool WaiverCovers(const HoursWaiver& w, HoursKind kind, absl::CivilDay day) {
  const bool scope =
      w.scope == WaiverScope::kBoth ||
      (w.scope == WaiverScope::kStudy && kind == HoursKind::kStudy) ||
      (w.scope == WaiverScope::kCommunityService && kind == HoursKind::kCommunityService);
  return scope && w.from <= day && day <= w.until;
}

absl::Status CheckWaiver(const HoursWaiver& w, const HoursPolicy& policy) {
  if (std::find(policy.waiver_reason_codes.begin(), policy.waiver_reason_codes.end(),
                w.reason_code) == policy.waiver_reason_codes.end()) {
    return absl::InvalidArgumentError("reason_code: not a waiver reason of the policy");
  }
  if (w.until < w.from) return absl::InvalidArgumentError("until_date: before from_date");
  if (!(w.until < AddMonthsClamped(w.from, policy.waiver_max_months))) {
    return absl::InvalidArgumentError(
        absl::StrCat("until_date: a waiver lasts at most ", policy.waiver_max_months, " months"));
  }
  if (w.decided_by.empty()) return absl::InvalidArgumentError("decided_by: required");
  return absl::OkStatus();
}

Term TermOf(const CaseView& c) {
  Term t;
  t.start = c.supervision_start.has_value() ? c.supervision_start : c.intake_reported_on;
  t.end = c.supervision_end;
  if (c.closed_on.has_value() && (!t.end.has_value() || *c.closed_on < *t.end)) {
    t.end = c.closed_on;
  }
  return t;
}

absl::CivilDay FirstDay(absl::CivilMonth m) { return absl::CivilDay(m); }
absl::CivilDay LastDay(absl::CivilMonth m) { return absl::CivilDay(m + 1) - 1; }
int DaysIn(absl::CivilMonth m) { return static_cast<int>(LastDay(m) - FirstDay(m)) + 1; }

MonthLedger ComputeMonthLedger(const LedgerInputs& in, absl::CivilMonth month,
                               const HoursPolicy& policy) {
  MonthLedger l;
  l.month = month;
  l.days_in_month = DaysIn(month);
  const absl::CivilDay first = FirstDay(month);
  const absl::CivilDay last = LastDay(month);
  // The term's days of the month.
  std::optional<absl::CivilDay> from, to;
  if (in.term.start.has_value()) {
    from = std::max(first, *in.term.start);
    to = in.term.end.has_value() ? std::min(last, *in.term.end) : last;
    if (*to < *from) from.reset();
  }
  l.term_days = from.has_value() ? static_cast<int>(*to - *from) + 1 : 0;

  auto fill = [&](HoursKind kind, int monthly, KindTotals& t) {
    if (l.term_days == 0) {
      l.lines.push_back({kNotInTerm, kind, 0, 0, "", std::nullopt});
    } else {
      for (absl::CivilDay d = *from; d <= *to; ++d) {
        bool waived = false;
        for (const auto& w : in.waivers) waived = waived || WaiverCovers(w, kind, d);
        if (waived) {
          ++t.waived_days;
        } else {
          ++t.owed_days;
        }
      }
      t.required_minutes =
          static_cast<int>(static_cast<int64_t>(monthly) * t.owed_days / l.days_in_month);
      const bool part_start = *from > first;
      const bool part_end = *to < last;
      const char* code = part_start && part_end ? kRequiredPartBoth
                         : part_start           ? kRequiredPartStart
                         : part_end             ? kRequiredPartEnd
                                                : kRequiredFullMonth;
      l.lines.push_back({code, kind, t.required_minutes, t.owed_days, "", std::nullopt});
      for (const auto& w : in.waivers) {
        int days = 0;
        for (absl::CivilDay d = *from; d <= *to; ++d) days += WaiverCovers(w, kind, d) ? 1 : 0;
        if (days > 0) {
          l.lines.push_back({absl::StrCat(kWaived, "_", w.reason_code), kind, 0, days, w.waiver_id,
                             std::nullopt});
        }
      }
    }
    for (const auto& e : in.entries) {
      if (e.kind != kind || e.on < first || last < e.on) continue;
      t.credited_minutes += e.credited_minutes;
      l.lines.push_back({e.reason_code, kind, e.credited_minutes, 0, e.source_id, e.on});
    }
    t.shortfall_minutes = std::max(0, t.required_minutes - t.credited_minutes);
  };
  fill(HoursKind::kStudy, policy.study_minutes_per_month, l.study);
  fill(HoursKind::kCommunityService, policy.community_service_minutes_per_month,
       l.community_service);

  // Marks: days of the month in lost contact (from `since` to the day before found) and days
  // with a session excused for hospital.
  std::set<absl::CivilDay> lost;
  for (const auto& p : in.lost_contact) {
    const absl::CivilDay end = p.to.has_value() ? *p.to : last;
    for (absl::CivilDay d = std::max(p.from, first); d <= std::min(end, last); ++d) lost.insert(d);
  }
  l.lost_contact_days = static_cast<int>(lost.size());
  if (!lost.empty()) {
    l.lines.push_back({kLostContact, std::nullopt, 0, l.lost_contact_days, "", *lost.begin()});
  }
  std::set<absl::CivilDay> hospital;
  for (const auto& d : in.hospital_days) {
    if (first <= d && d <= last) hospital.insert(d);
  }
  l.hospital_days = static_cast<int>(hospital.size());
  if (!hospital.empty()) {
    l.lines.push_back({kHospital, std::nullopt, 0, l.hospital_days, "", *hospital.begin()});
  }
  return l;
}

absl::Status CheckCloseMonth(const Term& term, absl::CivilMonth month, absl::CivilDay today) {
  if (!(LastDay(month) < today)) {
    return absl::FailedPreconditionError("the month has not ended");
  }
  if (!term.start.has_value() || LastDay(month) < *term.start ||
      (term.end.has_value() && *term.end < FirstDay(month))) {
    return absl::FailedPreconditionError("the month is outside the term");
  }
  return absl::OkStatus();
}

std::vector<absl::CivilMonth> TermMonths(const Term& term, absl::CivilDay today) {
  std::vector<absl::CivilMonth> out;
  if (!term.start.has_value()) return out;
  absl::CivilMonth last = absl::CivilMonth(today);
  if (term.end.has_value()) last = std::min(last, absl::CivilMonth(*term.end));
  for (absl::CivilMonth m = absl::CivilMonth(*term.start); m <= last; ++m) out.push_back(m);
  return out;
}

}  // namespace ccms::education::domain
