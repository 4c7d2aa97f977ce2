#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "common/policy/policy.h"
#include "services/education/domain/case_view.h"

namespace ccms::education::domain {

// Community service (公益活动, seed standard 7.6; docs/education.md, "Community service"): the
// numbers of `education.community_service.*` of one policy version. (default) = not in RULES.md.
struct CommunityServicePolicy {
  int max_capacity = 100;            // (default) places of one project
  int max_minutes_per_record = 480;  // (default) minutes one activity record may carry
  int record_back_days = 31;         // (default) an activity may be recorded this many days after
  int max_waiver_days = 366;         // (default) the longest waiver (from day to until day)
};

// Reads `education.community_service.*` of one version; problems go to the reader.
CommunityServicePolicy ReadCommunityServicePolicy(policy::PolicyReader& r);

// What a project asks of a person's health, and the most a person's health allows.
enum class Effort { kLight, kFull };
std::string_view EffortName(Effort e);  // LIGHT, FULL
std::optional<Effort> EffortOf(std::string_view name);

// What decides whether a project suits a person and is open to join.
struct ProjectFit {
  std::vector<std::string> age_bands;  // records' age bands; empty: any adult band
  std::vector<std::string> sexes;      // empty: any
  Effort effort = Effort::kLight;
  std::vector<std::string> skills;  // all needed
  int capacity = 0;
  int joined = 0;
  absl::CivilDay starts_on;
  absl::CivilDay ends_on;
};

// The person's health and skills as staff recorded them.
struct ServiceProfileFacts {
  Effort max_effort = Effort::kLight;
  std::vector<std::string> skills;
};

// Whether `age_band` is a minor's (UNDER_16, 16_TO_17).
bool IsMinorBand(std::string_view age_band);

// OK when the project suits the person (seed 7.6.2: age, sex, health, skills): the person's
// age band and sex among the project's (an empty list takes any), the project's effort within
// what the person's health allows and every skill it needs among the person's; without a profile
// only LIGHT projects needing no skill suit. Minors apart from adults (Law art. 52): a minor only
// in a project whose age bands are all minors' ones, an adult never in one. FAILED_PRECONDITION
// with a plain reason (no personal data) otherwise.
absl::Status CheckSuits(const ProjectFit& project, const CaseView& person,
                        const std::optional<ServiceProfileFacts>& profile);

// OK when the project is on the published list today: open (starts_on <= today <= ends_on) with
// a free place; FAILED_PRECONDITION otherwise.
absl::Status CheckOpen(const ProjectFit& project, absl::CivilDay today);

// The checks of an activity record: 1 to max_minutes_per_record minutes, served on a day not in
// the future, at most record_back_days ago and not before the intake report (an active case).
absl::Status CheckActivity(const CaseView& person, absl::CivilDay served_on, int minutes,
                           absl::CivilDay today, const CommunityServicePolicy& policy);

// The checks of a waiver: an active case, from_day <= until_day, at most max_waiver_days long,
// ending today or later (a waiver is not granted for the past only).
absl::Status CheckWaiver(const CaseView& person, absl::CivilDay from_day, absl::CivilDay until_day,
                         absl::CivilDay today, const CommunityServicePolicy& policy);

// A waiver's days, inclusive: it covers from_day .. until_day and expires after until_day.
struct WaiverDays {
  absl::CivilDay from_day;
  absl::CivilDay until_day;
};

// Whether a waiver covers `day`.
bool Waived(const std::vector<WaiverDays>& waivers, absl::CivilDay day);

// The days of `month` at least one waiver covers (overlapping waivers count a day once).
int WaivedDaysIn(const std::vector<WaiverDays>& waivers, absl::CivilMonth month);

}  // namespace ccms::education::domain
