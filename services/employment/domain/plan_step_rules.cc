#include "services/employment/domain/plan_step_rules.h"

namespace ccms::employment::domain {

std::string_view StepActionName(StepAction a) {
  switch (a) {
    case StepAction::kReferral:
      return "REFERRAL";
    case StepAction::kTrainingEnrolment:
      return "TRAINING_ENROLMENT";
    case StepAction::kSchoolingSupport:
      return "SCHOOLING_SUPPORT";
    case StepAction::kAssistance:
      return "ASSISTANCE";
    case StepAction::kHalfwayPlacement:
      return "HALFWAY_PLACEMENT";
  }
  return "";
}

std::optional<StepAction> StepActionOf(std::string_view name) {
  for (StepAction a :
       {StepAction::kReferral, StepAction::kTrainingEnrolment, StepAction::kSchoolingSupport,
        StepAction::kAssistance, StepAction::kHalfwayPlacement}) {
    if (StepActionName(a) == name) return a;
  }
  return std::nullopt;
}

std::optional<StepAction> ActionOf(const StepActions& actions, const std::string& step_code) {
  for (const auto& [code, action] : actions) {
    if (code == step_code) return action;
  }
  return std::nullopt;
}

absl::CivilDay StepDueOn(absl::CivilDay start_date, int grace_days) {
  return start_date + grace_days;
}

std::vector<FollowedStep> FollowSteps(const std::vector<PlanStepRef>& steps,
                                      const StepActions& actions, int grace_days) {
  std::vector<FollowedStep> out;
  out.reserve(steps.size());
  for (const auto& s : steps) {
    FollowedStep f;
    f.step = s;
    f.action = ActionOf(actions, s.step_code);
    if (f.action.has_value()) f.due_on = StepDueOn(s.start_date, grace_days);
    out.push_back(std::move(f));
  }
  return out;
}

bool ReplacesSteps(const FollowedPlan& current, int version) {
  return version > current.approved_version;
}

bool ClosesSteps(const FollowedPlan& current, int version) {
  return version > current.closed_version;
}

bool StepsClosed(const FollowedPlan& plan) {
  return plan.approved_version > 0 && plan.closed_version >= plan.approved_version;
}

bool WorkMeets(absl::CivilDay approved_on, absl::CivilDay work_on, absl::CivilDay as_of) {
  return work_on >= approved_on && work_on <= as_of;
}

bool StepOverdue(absl::CivilDay due_on, const std::optional<absl::CivilDay>& met_on, bool closed,
                 absl::CivilDay as_of) {
  return !closed && !met_on.has_value() && due_on < as_of;
}

}  // namespace ccms::employment::domain
