#include "services/reporting/domain/worklist.h"

#include <algorithm>
#include <array>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ccms::reporting::domain {
namespace {

constexpr std::array<std::pair<WorklistKind, std::string_view>, 6> kKindNames = {{
    {WorklistKind::kNeverReported, "NEVER_REPORTED"},
    {WorklistKind::kContactOverdue, "CONTACT_OVERDUE"},
    {WorklistKind::kCrisisFlag, "CRISIS_FLAG_UNACKNOWLEDGED"},
    {WorklistKind::kHoursShortfall, "HOURS_SHORTFALL"},
    {WorklistKind::kDischargeDue, "DISCHARGE_DUE"},
    {WorklistKind::kReferralEscalated, "REFERRAL_ESCALATED"},
}};

constexpr std::array<std::string_view, 3> kLevels = {"STRICT", "STANDARD", "RELAXED"};

}  // namespace

std::string_view WorklistKindName(WorklistKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "";
}

std::optional<WorklistKind> ParseWorklistKind(std::string_view name) {
  for (const auto& [k, n] : kKindNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

absl::StatusOr<ContactInterval> ParseContactInterval(std::string_view text) {
  ContactInterval out;
  if (text == "0") return out;
  int n = 0;
  if (text.size() < 2 || !absl::SimpleAtoi(std::string(text.substr(0, text.size() - 1)), &n) ||
      n <= 0 || n > 366 || (text.back() != 'd' && text.back() != 'm')) {
    return absl::InvalidArgumentError("must look like 7d, 1m or 0");
  }
  (text.back() == 'd' ? out.days : out.months) = n;
  return out;
}

absl::CivilDay AddContactInterval(absl::CivilDay day, const ContactInterval& interval) {
  if (interval.days > 0) return day + interval.days;
  if (interval.months > 0) {
    const absl::CivilMonth month = absl::CivilMonth(day) + interval.months;
    const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
    return absl::CivilDay(month.year(), month.month(), std::min(day.day(), last.day()));
  }
  return day;
}

absl::StatusOr<ContactSchedule> LoadContactSchedule(const policy::PolicyDocument& policy) {
  return policy::LoadSchedule<ContactRules>(
      policy, "records", [](policy::PolicyReader& r) -> absl::StatusOr<ContactRules> {
        ContactRules rules;
        for (std::string_view level : kLevels) {
          const std::string key =
              absl::StrCat("records.contact.", std::string(level), ".in_person");
          auto interval = ParseContactInterval(r.String(key));
          if (!interval.ok()) {
            r.Problem(key, std::string(interval.status().message()));
            continue;
          }
          rules.in_person[std::string(level)] = *interval;
        }
        return rules;
      });
}

bool IsInPersonContact(std::string_view kind) {
  return kind == "CHECK_IN_IN_PERSON" || kind == "HOME_VISIT" || kind == "WORKPLACE_VISIT" ||
         kind == "COMMUNITY_VISIT";
}

CaseClock ClockOf(const Timeline& timeline, const std::vector<Occurrence>& occurrences) {
  CaseClock clock;
  clock.closed = timeline.closed_on.has_value();
  if (!timeline.spans.empty()) clock.level = timeline.spans.back().state.level;
  auto latest = [](std::optional<absl::CivilDay>& d, absl::CivilDay v) {
    if (!d.has_value() || v > *d) d = v;
  };
  for (const Occurrence& o : occurrences) {
    if ((o.kind == kCaseOpened || o.kind == kFactsSnapshot) && o.deadline.has_value()) {
      latest(clock.intake_deadline, *o.deadline);
    } else if (o.kind == kIntakeReported) {
      if (!clock.intake_reported_on.has_value() || o.on < *clock.intake_reported_on) {
        clock.intake_reported_on = o.on;
      }
    } else if (o.kind == kContact && IsInPersonContact(o.code)) {
      latest(clock.last_in_person, o.on);
    }
  }
  return clock;
}

std::string ClockDistrict(const Timeline& timeline) {
  return timeline.spans.empty() ? std::string() : timeline.spans.back().state.district;
}

std::vector<WorklistItem> ClockItems(const std::string& case_id, const std::string& district,
                                     const CaseClock& clock, const ContactSchedule& schedule) {
  std::vector<WorklistItem> out;
  if (clock.closed) return out;
  if (!clock.intake_reported_on.has_value()) {
    if (clock.intake_deadline.has_value()) {
      const absl::CivilDay after = *clock.intake_deadline + 1;
      out.push_back({WorklistKind::kNeverReported, case_id, "", district, after,
                     *clock.intake_deadline, after, "INTAKE_DEADLINE_PASSED"});
    }
    return out;
  }
  absl::CivilDay since = *clock.intake_reported_on;
  if (clock.last_in_person.has_value()) since = std::max(since, *clock.last_in_person);
  const auto& rules = schedule.InForce(since).in_person;
  const auto interval = rules.find(clock.level);
  if (interval == rules.end() || interval->second.none()) return out;
  const absl::CivilDay due = AddContactInterval(since, interval->second);
  out.push_back({WorklistKind::kContactOverdue, case_id, "", district, since, due, due + 1,
                 absl::StrCat("IN_PERSON_CONTACT_", clock.level)});
  return out;
}

}  // namespace ccms::reporting::domain
