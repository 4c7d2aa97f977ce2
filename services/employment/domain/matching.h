#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/employment/domain/employment_policy.h"

namespace ccms::employment::domain {

// Job openings and their ranking for a case (issue 15 item 3; docs/employment.md "Openings and
// matching"). Pure: the store reads the openings and the case, this decides.

inline constexpr int kMaxOpeningPlaces = 500;
inline constexpr int kMaxHoursPerWeek = 84;
inline constexpr int kMaxOpeningSkills = 20;
inline constexpr int kMaxExcludedCategories = 20;
// An opening closing within this many days of today ranks with CLOSES_SOON (a fixed number: no
// policy key, it only adds a reason, never changes the order).
inline constexpr int kClosesSoonDays = 7;

// Scores: the share of the required skills the person has (0..100; 100 when none is required),
// plus the district (the case's own +50, a neighbour +25).
inline constexpr int kSameDistrictScore = 50;
inline constexpr int kAdjacentDistrictScore = 25;

enum class OpeningStatus { kOpen, kClosed };

// An opening's weekly working time in Asia/Shanghai local time (UTC+8 all year, no DST): the
// shift starts at `start_minute` after midnight on each of `days` (ISO: 1 = Monday .. 7 =
// Sunday) and ends at `end_minute`; an end at or before the start ends the next day (a night
// shift). No days: the opening gave no schedule.
struct WeeklySchedule {
  std::vector<int> days;
  int start_minute = 0;  // 0..1439
  int end_minute = 0;    // 0..1439
  bool given() const { return !days.empty(); }
};

// A session the case is enrolled in (education's enrolment_changed), as instants.
struct EducationSession {
  std::string session_id;
  absl::Time start;
  absl::Time end;
};

// The days, in order and without repeats, 1..7; start and end 0..1439 and not equal. A schedule
// without days must have 0 and 0. INVALID_ARGUMENT "field: what" (fields work_days,
// shift_start, shift_end).
absl::Status CheckWeeklySchedule(const WeeklySchedule& s);

// "HH:MM" (00:00 .. 23:59) as minutes after midnight; nullopt otherwise. And back.
std::optional<int> ParseLocalTime(const std::string& hhmm);
std::string FormatLocalTime(int minute);

// The sessions (ids, in the order given) that overlap a shift of `schedule`. Half-open: a
// session ending exactly when a shift starts, or starting when it ends, does not clash. None when
// the schedule is not given.
std::vector<std::string> ClashingSessions(const WeeklySchedule& schedule,
                                          const std::vector<EducationSession>& sessions);

// What the ranking needs of an opening.
struct OpeningFacts {
  std::string opening_id;
  std::string district_code;
  OpeningStatus status = OpeningStatus::kOpen;
  std::vector<std::string> required_skills;
  absl::CivilDay closes_on;
  int places = 0;
  int places_filled = 0;
  std::vector<std::string> excluded_offence_categories;
  WeeklySchedule schedule;
};

// What the ranking needs of the case: its district, its offence category ("" when employment
// does not know it: a case opened before it followed the category), the skills of its skills
// profile (nullopt when no profile is recorded).
// `standing_approval`: records' standing approval for routine cross-city work travel (Measures
// 2020 art. 29) is valid today.
struct MatchCase {
  std::string district_code;
  std::string offence_category;
  std::optional<std::vector<std::string>> skills;
  bool standing_approval = false;
  // Education's sessions the case is enrolled in over the policy's weeks ahead
  // (matching.education_weeks_ahead), and the score each clash takes off
  // (matching.education_clash_penalty).
  std::vector<EducationSession> education_sessions;
  int education_clash_penalty = 0;
};

// Whether two districts lie in different cities (the first four digits of the code differ).
bool OtherCity(const std::string& a, const std::string& b);

struct RankedOpening {
  std::string opening_id;
  int rank = 0;  // 1 = best; 0 = not eligible
  int score = 0;
  bool eligible = false;
  std::vector<std::string> reasons;
  std::vector<std::string> matched_skills;
  std::vector<std::string> missing_skills;
  std::vector<std::string> clashing_sessions;  // education sessions its shifts overlap
};

// Whether districts `a` and `b` are neighbours in the adjacency table (either order).
bool Adjacent(const std::vector<std::pair<std::string, std::string>>& table, const std::string& a,
              const std::string& b);

// The openings ranked for the case on `today`. Ineligible (rank 0, after the eligible ones, in
// the order given): CLOSED, PAST_CLOSING (closes_on before today), FULL (no place left),
// OFFENCE_EXCLUDED (the case's category is one the opening cannot take), TOO_FAR (neither the
// case's district nor a neighbour). Eligible ones by score (skills share + district), then the
// earlier closing day, then the opening id; ranks 1, 2, ... Each with its reasons: SAME_DISTRICT
// or ADJACENT_DISTRICT; SKILLS_ALL_MATCHED, SKILLS_PARTLY_MATCHED, SKILLS_NONE_MATCHED,
// NO_SKILLS_REQUIRED or SKILLS_PROFILE_MISSING; OFFENCE_NOT_EXCLUDED or OFFENCE_CATEGORY_UNKNOWN
// (the opening excludes categories and the case's is not known: staff check before referring);
// CLOSES_SOON; for a neighbour in another city (OtherCity), STANDING_APPROVAL_FOR_WORK when the
// case holds a valid standing approval, else CROSS_CITY_NEEDS_APPROVAL (the work needs records'
// approval to travel; neither changes the score). The person's other obligations: an eligible
// opening whose shifts overlap sessions the case is enrolled in gets
// CLASHES_WITH_EDUCATION_SESSION (clashing_sessions names them) and loses the penalty per session
// from its score (it ranks lower, it is not excluded); one without a schedule while the case has
// sessions gets SCHEDULE_NOT_GIVEN (staff check; no change to the score).
std::vector<RankedOpening> RankOpenings(
    const MatchCase& c, const std::vector<OpeningFacts>& openings,
    const std::vector<std::pair<std::string, std::string>>& adjacency, absl::CivilDay today);

// An opening's own shape: a sector of the policy, 1..kMaxHoursPerWeek hours, 1..kMaxOpeningPlaces
// places, required skills of employment.skills.codes (at most kMaxOpeningSkills, no repeats),
// excluded offence categories as lower-case codes (a-z 0-9 _, at most kMaxExcludedCategories, no
// repeats), closes_on not before `today`. INVALID_ARGUMENT "field: what".
absl::Status CheckOpening(const std::string& sector_code, int hours_per_week, int places,
                          const std::vector<std::string>& required_skills,
                          const std::vector<std::string>& excluded_categories,
                          absl::CivilDay closes_on, absl::CivilDay today,
                          const EmploymentPolicy& policy);

// Closing an opening: OPEN, with a code of employment.openings.close_reasons.
absl::Status CheckOpeningClose(OpeningStatus status, const std::string& reason_code,
                               const EmploymentPolicy& policy);

// The places filled of an OPEN opening: 0..places.
absl::Status CheckOpeningFilled(OpeningStatus status, int places, int places_filled);

}  // namespace ccms::employment::domain
