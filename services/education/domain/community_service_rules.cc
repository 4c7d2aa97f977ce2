#include "services/education/domain/community_service_rules.h"

#include <algorithm>

namespace ccms::education::domain {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool AllMinorBands(const std::vector<std::string>& bands) {
  return !bands.empty() && std::all_of(bands.begin(), bands.end(),
                                       [](const std::string& b) { return IsMinorBand(b); });
}

}  // namespace

CommunityServicePolicy ReadCommunityServicePolicy(policy::PolicyReader& r) {
  CommunityServicePolicy p;
  p.max_capacity = static_cast<int>(r.Int("education.community_service.max_capacity", 1, 1000));
  p.max_minutes_per_record =
      static_cast<int>(r.Int("education.community_service.max_minutes_per_record", 15, 720));
  p.record_back_days =
      static_cast<int>(r.Int("education.community_service.record_back_days", 0, 366));
  p.max_waiver_days =
      static_cast<int>(r.Int("education.community_service.max_waiver_days", 1, 3660));
  return p;
}

std::string_view EffortName(Effort e) { return e == Effort::kFull ? "FULL" : "LIGHT"; }

std::optional<Effort> EffortOf(std::string_view name) {
  if (name == "LIGHT") return Effort::kLight;
  if (name == "FULL") return Effort::kFull;
  return std::nullopt;
}

bool IsMinorBand(std::string_view age_band) {
  return age_band == "UNDER_16" || age_band == "16_TO_17";
}

absl::Status CheckSuits(const ProjectFit& project, const CaseView& person,
                        const std::optional<ServiceProfileFacts>& profile) {
  const bool minors_project = AllMinorBands(project.age_bands);
  if (person.minor && !minors_project) {
    return absl::FailedPreconditionError("a minor takes part only in a project for minors");
  }
  if (!person.minor && minors_project) {
    return absl::FailedPreconditionError("an adult does not take part in a project for minors");
  }
  if (!project.age_bands.empty() && !Contains(project.age_bands, person.age_band)) {
    return absl::FailedPreconditionError("the project is not for the person's age band");
  }
  if (!project.sexes.empty() && !Contains(project.sexes, person.sex)) {
    return absl::FailedPreconditionError("the project is not for the person's sex");
  }
  const Effort allowed = profile.has_value() ? profile->max_effort : Effort::kLight;
  if (project.effort == Effort::kFull && allowed != Effort::kFull) {
    return absl::FailedPreconditionError("the project asks more than the person's health allows");
  }
  for (const auto& s : project.skills) {
    if (!profile.has_value() || !Contains(profile->skills, s)) {
      return absl::FailedPreconditionError("the project needs a skill the person has not");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOpen(const ProjectFit& project, absl::CivilDay today) {
  if (today < project.starts_on || today > project.ends_on) {
    return absl::FailedPreconditionError("the project is not open today");
  }
  if (project.joined >= project.capacity) {
    return absl::FailedPreconditionError("the project is full");
  }
  return absl::OkStatus();
}

absl::Status CheckActivity(const CaseView& person, absl::CivilDay served_on, int minutes,
                           absl::CivilDay today, const CommunityServicePolicy& policy) {
  if (person.status != CaseStatus::kActive) {
    return absl::FailedPreconditionError("the case is not active");
  }
  if (minutes < 1 || minutes > policy.max_minutes_per_record) {
    return absl::InvalidArgumentError("minutes: must be 1 to the policy's max_minutes_per_record");
  }
  if (served_on > today) return absl::InvalidArgumentError("served_on: must not be in the future");
  if (served_on < today - policy.record_back_days) {
    return absl::InvalidArgumentError("served_on: older than the policy's record_back_days");
  }
  if (person.intake_reported_on.has_value() && served_on < *person.intake_reported_on) {
    return absl::InvalidArgumentError("served_on: must not be before the intake report");
  }
  return absl::OkStatus();
}

absl::Status CheckWaiver(const CaseView& person, absl::CivilDay from_day, absl::CivilDay until_day,
                         absl::CivilDay today, const CommunityServicePolicy& policy) {
  if (person.status != CaseStatus::kActive) {
    return absl::FailedPreconditionError("the case is not active");
  }
  if (until_day < from_day) {
    return absl::InvalidArgumentError("until_day: must not be before from_day");
  }
  if (until_day - from_day + 1 > policy.max_waiver_days) {
    return absl::InvalidArgumentError("until_day: the waiver is longer than max_waiver_days");
  }
  if (until_day < today) return absl::InvalidArgumentError("until_day: must be today or later");
  return absl::OkStatus();
}

bool Waived(const std::vector<WaiverDays>& waivers, absl::CivilDay day) {
  return std::any_of(waivers.begin(), waivers.end(), [day](const WaiverDays& w) {
    return w.from_day <= day && day <= w.until_day;
  });
}

int WaivedDaysIn(const std::vector<WaiverDays>& waivers, absl::CivilMonth month) {
  int days = 0;
  const absl::CivilDay first(month);
  const absl::CivilDay next(month + 1);
  for (absl::CivilDay d = first; d < next; ++d) days += Waived(waivers, d) ? 1 : 0;
  return days;
}

}  // namespace ccms::education::domain
