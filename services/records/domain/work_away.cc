#include "services/records/domain/work_away.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/time/calendar.h"

namespace ccms::records::domain {

std::vector<std::string> MissingWorkAwayConditions(const WorkAwayConditions& conditions,
                                                   const WorkAwayRules& rules,
                                                   absl::CivilDay valid_from) {
  std::vector<std::string> missing;
  if (rules.require_guarantor && !conditions.guarantor) missing.push_back("a guarantor");
  if (rules.require_fixed_residence && !conditions.fixed_residence) {
    missing.push_back("a fixed residence at the place of work");
  }
  if (rules.min_job_months > 0) {
    const std::string job = absl::StrCat("a job at the place of work held at least ",
                                         rules.min_job_months, " month(s)");
    if (!conditions.job_held_since.has_value()) {
      missing.push_back(job);
    } else if (AddMonthsClamped(*conditions.job_held_since, rules.min_job_months) > valid_from) {
      missing.push_back(absl::StrCat(
          job, " (held since ", time::FormatDate(*conditions.job_held_since), ", ",
          rules.min_job_months, " month(s) on ",
          time::FormatDate(AddMonthsClamped(*conditions.job_held_since, rules.min_job_months)),
          ")"));
    }
  }
  if (rules.require_relative_assisting && !conditions.relative_assisting) {
    missing.push_back("a close relative assisting supervision");
  }
  return missing;
}

absl::Status CheckWorkAway(const WorkAwayConditions& conditions, const RecordsPolicy& policy,
                           absl::CivilDay valid_from) {
  const std::vector<std::string> missing =
      MissingWorkAwayConditions(conditions, policy.work_away, valid_from);
  if (missing.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("WORK_AWAY_CONDITIONS (seed 004; policy ", policy.version,
                   "): work away from home is missing ", absl::StrJoin(missing, "; ")));
}

}  // namespace ccms::records::domain
