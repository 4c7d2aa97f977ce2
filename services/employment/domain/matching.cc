#include "services/employment/domain/matching.h"

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/employment/domain/needs_rules.h"

namespace ccms::employment::domain {

bool Adjacent(const std::vector<std::pair<std::string, std::string>>& table, const std::string& a,
              const std::string& b) {
  for (const auto& [x, y] : table) {
    if ((x == a && y == b) || (x == b && y == a)) return true;
  }
  return false;
}

bool OtherCity(const std::string& a, const std::string& b) {
  return a.substr(0, 4) != b.substr(0, 4);
}

namespace {

// Asia/Shanghai: UTC+8 since 1991, no daylight saving; a fixed zone keeps the rule pure.
absl::TimeZone Shanghai() { return absl::FixedTimeZone(8 * 3600); }

int IsoWeekday(absl::CivilDay d) {
  switch (absl::GetWeekday(d)) {
    case absl::Weekday::monday:
      return 1;
    case absl::Weekday::tuesday:
      return 2;
    case absl::Weekday::wednesday:
      return 3;
    case absl::Weekday::thursday:
      return 4;
    case absl::Weekday::friday:
      return 5;
    case absl::Weekday::saturday:
      return 6;
    case absl::Weekday::sunday:
      return 7;
  }
  return 0;
}

}  // namespace

absl::Status CheckWeeklySchedule(const WeeklySchedule& s) {
  if (s.days.empty()) {
    if (s.start_minute != 0 || s.end_minute != 0) {
      return absl::InvalidArgumentError("work_days: are required with a shift's start and end");
    }
    return absl::OkStatus();
  }
  int previous = 0;
  for (int d : s.days) {
    if (d < 1 || d > 7) {
      return absl::InvalidArgumentError("work_days: days are 1 (Monday) to 7 (Sunday)");
    }
    if (d <= previous) {
      return absl::InvalidArgumentError("work_days: in order, each day once");
    }
    previous = d;
  }
  if (s.start_minute < 0 || s.start_minute > 1439) {
    return absl::InvalidArgumentError("shift_start: a local time HH:MM, 00:00 to 23:59");
  }
  if (s.end_minute < 0 || s.end_minute > 1439) {
    return absl::InvalidArgumentError("shift_end: a local time HH:MM, 00:00 to 23:59");
  }
  if (s.start_minute == s.end_minute) {
    return absl::InvalidArgumentError("shift_end: must differ from the start");
  }
  return absl::OkStatus();
}

std::optional<int> ParseLocalTime(const std::string& hhmm) {
  if (hhmm.size() != 5 || hhmm[2] != ':') return std::nullopt;
  int h = 0;
  int m = 0;
  for (size_t i : {0u, 1u, 3u, 4u}) {
    if (hhmm[i] < '0' || hhmm[i] > '9') return std::nullopt;
  }
  if (!absl::SimpleAtoi(hhmm.substr(0, 2), &h) || !absl::SimpleAtoi(hhmm.substr(3, 2), &m)) {
    return std::nullopt;
  }
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string FormatLocalTime(int minute) {
  return absl::StrFormat("%02d:%02d", minute / 60, minute % 60);
}

std::vector<std::string> ClashingSessions(const WeeklySchedule& schedule,
                                          const std::vector<EducationSession>& sessions) {
  std::vector<std::string> out;
  if (!schedule.given()) return out;
  const absl::TimeZone tz = Shanghai();
  const int length = schedule.end_minute > schedule.start_minute
                         ? schedule.end_minute - schedule.start_minute
                         : schedule.end_minute + 1440 - schedule.start_minute;
  for (const EducationSession& s : sessions) {
    if (s.end <= s.start) continue;
    // A shift that overlaps the session starts at most one day before the session's first day
    // (a night shift) and at the latest on the day the session ends.
    const absl::CivilDay first = absl::CivilDay(absl::ToCivilDay(s.start, tz)) - 1;
    const absl::CivilDay last = absl::CivilDay(absl::ToCivilDay(s.end, tz));
    bool clash = false;
    for (absl::CivilDay d = first; d <= last && !clash; ++d) {
      if (std::find(schedule.days.begin(), schedule.days.end(), IsoWeekday(d)) ==
          schedule.days.end()) {
        continue;
      }
      const absl::Time shift_start =
          absl::FromCivil(absl::CivilMinute(d) + schedule.start_minute, tz);
      const absl::Time shift_end = shift_start + absl::Minutes(length);
      clash = shift_start < s.end && s.start < shift_end;
    }
    if (clash) out.push_back(s.session_id);
  }
  return out;
}

std::vector<RankedOpening> RankOpenings(
    const MatchCase& c, const std::vector<OpeningFacts>& openings,
    const std::vector<std::pair<std::string, std::string>>& adjacency, absl::CivilDay today) {
  struct Candidate {
    RankedOpening r;
    absl::CivilDay closes_on;
  };
  std::vector<Candidate> eligible;
  std::vector<RankedOpening> ineligible;
  for (const OpeningFacts& o : openings) {
    RankedOpening r;
    r.opening_id = o.opening_id;
    std::vector<std::string> refusals;
    if (o.status == OpeningStatus::kClosed) refusals.push_back("CLOSED");
    if (o.closes_on < today) refusals.push_back("PAST_CLOSING");
    if (o.places_filled >= o.places) refusals.push_back("FULL");
    const bool excludes = !o.excluded_offence_categories.empty();
    const bool excluded =
        !c.offence_category.empty() &&
        std::find(o.excluded_offence_categories.begin(), o.excluded_offence_categories.end(),
                  c.offence_category) != o.excluded_offence_categories.end();
    if (excluded) refusals.push_back("OFFENCE_EXCLUDED");
    int score = 0;
    std::vector<std::string> reasons;
    if (o.district_code == c.district_code) {
      score += kSameDistrictScore;
      reasons.push_back("SAME_DISTRICT");
    } else if (Adjacent(adjacency, c.district_code, o.district_code)) {
      score += kAdjacentDistrictScore;
      reasons.push_back("ADJACENT_DISTRICT");
      if (OtherCity(c.district_code, o.district_code)) {
        reasons.push_back(c.standing_approval ? "STANDING_APPROVAL_FOR_WORK"
                                              : "CROSS_CITY_NEEDS_APPROVAL");
      }
    } else {
      refusals.push_back("TOO_FAR");
    }
    if (o.required_skills.empty()) {
      score += 100;
      reasons.push_back("NO_SKILLS_REQUIRED");
    } else if (!c.skills.has_value()) {
      r.missing_skills = o.required_skills;
      reasons.push_back("SKILLS_PROFILE_MISSING");
    } else {
      const std::set<std::string> has(c.skills->begin(), c.skills->end());
      for (const auto& s : o.required_skills) {
        (has.count(s) > 0 ? r.matched_skills : r.missing_skills).push_back(s);
      }
      const int n = static_cast<int>(o.required_skills.size());
      const int matched = static_cast<int>(r.matched_skills.size());
      score += matched * 100 / n;
      reasons.push_back(matched == n   ? "SKILLS_ALL_MATCHED"
                        : matched == 0 ? "SKILLS_NONE_MATCHED"
                                       : "SKILLS_PARTLY_MATCHED");
    }
    if (excludes && !excluded) {
      reasons.push_back(c.offence_category.empty() ? "OFFENCE_CATEGORY_UNKNOWN"
                                                   : "OFFENCE_NOT_EXCLUDED");
    }
    if (refusals.empty() && o.closes_on - today <= kClosesSoonDays) {
      reasons.push_back("CLOSES_SOON");
    }
    if (!c.education_sessions.empty()) {
      if (!o.schedule.given()) {
        reasons.push_back("SCHEDULE_NOT_GIVEN");
      } else {
        r.clashing_sessions = ClashingSessions(o.schedule, c.education_sessions);
        if (!r.clashing_sessions.empty()) {
          reasons.push_back("CLASHES_WITH_EDUCATION_SESSION");
          score -= c.education_clash_penalty * static_cast<int>(r.clashing_sessions.size());
        }
      }
    }
    if (!refusals.empty()) {
      r.eligible = false;
      r.rank = 0;
      r.score = 0;
      r.reasons = std::move(refusals);
      ineligible.push_back(std::move(r));
      continue;
    }
    r.eligible = true;
    r.score = score;
    r.reasons = std::move(reasons);
    eligible.push_back({std::move(r), o.closes_on});
  }
  std::sort(eligible.begin(), eligible.end(), [](const Candidate& a, const Candidate& b) {
    if (a.r.score != b.r.score) return a.r.score > b.r.score;
    if (a.closes_on != b.closes_on) return a.closes_on < b.closes_on;
    return a.r.opening_id < b.r.opening_id;
  });
  std::vector<RankedOpening> out;
  int rank = 0;
  for (auto& e : eligible) {
    e.r.rank = ++rank;
    out.push_back(std::move(e.r));
  }
  for (auto& r : ineligible) out.push_back(std::move(r));
  return out;
}

absl::Status CheckOpening(const std::string& sector_code, int hours_per_week, int places,
                          const std::vector<std::string>& required_skills,
                          const std::vector<std::string>& excluded_categories,
                          absl::CivilDay closes_on, absl::CivilDay today,
                          const EmploymentPolicy& policy) {
  if (!HasCode(policy.opening_sectors, sector_code)) {
    return absl::InvalidArgumentError("sector_code: is not a code of the policy");
  }
  if (hours_per_week < 1 || hours_per_week > kMaxHoursPerWeek) {
    return absl::InvalidArgumentError(
        absl::StrCat("hours_per_week: must be 1 to ", kMaxHoursPerWeek));
  }
  if (places < 1 || places > kMaxOpeningPlaces) {
    return absl::InvalidArgumentError(absl::StrCat("places: must be 1 to ", kMaxOpeningPlaces));
  }
  if (auto st = CheckCodeList(required_skills, policy.skill_codes, kMaxOpeningSkills,
                              "required_skill_codes");
      !st.ok()) {
    return st;
  }
  if (static_cast<int>(excluded_categories.size()) > kMaxExcludedCategories) {
    return absl::InvalidArgumentError(
        absl::StrCat("excluded_offence_categories: at most ", kMaxExcludedCategories, " codes"));
  }
  std::set<std::string> seen;
  for (const auto& cat : excluded_categories) {
    bool ok = !cat.empty() && cat.size() <= 40;
    for (char ch : cat) {
      if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) ok = false;
    }
    if (!ok) {
      return absl::InvalidArgumentError(
          "excluded_offence_categories: codes are 1-40 of a-z 0-9 _ (records' categories)");
    }
    if (!seen.insert(cat).second) {
      return absl::InvalidArgumentError("excluded_offence_categories: lists a code twice");
    }
  }
  if (closes_on < today) {
    return absl::InvalidArgumentError("closes_on: must not be before today");
  }
  return absl::OkStatus();
}

absl::Status CheckOpeningClose(OpeningStatus status, const std::string& reason_code,
                               const EmploymentPolicy& policy) {
  if (!HasCode(policy.opening_close_reasons, reason_code)) {
    return absl::InvalidArgumentError("reason_code: is not a code of the policy");
  }
  if (status != OpeningStatus::kOpen) {
    return absl::FailedPreconditionError("the opening is closed already");
  }
  return absl::OkStatus();
}

absl::Status CheckOpeningFilled(OpeningStatus status, int places, int places_filled) {
  if (places_filled < 0 || places_filled > places) {
    return absl::InvalidArgumentError(
        absl::StrCat("places_filled: must be 0 to the opening's places (", places, ")"));
  }
  if (status != OpeningStatus::kOpen) {
    return absl::FailedPreconditionError("the opening is closed");
  }
  return absl::OkStatus();
}

}  // namespace ccms::employment::domain
