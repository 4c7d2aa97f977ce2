#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"

namespace ccms::employment::domain {

// Plan steps employment follows (issue 15 item 12: employment "follows ... education (plan
// steps)"; docs/employment.md "Plan steps due"). Education's plan_approved carries the approved
// version's steps (id, code, start and end day); employment keeps per case the steps of the
// latest approved version and plan_closed closes them:
//   - a newer version replaces the steps of an older one; the same or an older version changes
//     nothing (replay, or an event arriving after a newer one: the topic's order is per case, but
//     a republished or replayed event may come late);
//   - plan_closed of version v closes the steps of every version up to v (a plan_closed that
//     arrives before its plan_approved is remembered, and that version's steps arrive closed);
//   - a step whose code the policy maps to employment work (employment.plan_steps.actions) is a
//     help item due on its start day + employment.plan_steps.grace_days (calendar days; the due
//     day itself is in time, overdue the day after);
//   - the item is met by that kind of work recorded for the case on or after the day the version
//     was approved (by case and kind: a referral SENT, a training enrolment, a schooling support
//     item opened, an assistance record applied for, a halfway-house admission), and only by work
//     on or before the day the list is asked for (as_of).

// The kind of employment work a step asks for.
enum class StepAction {
  kReferral,           // a referral sent (job placement help)
  kTrainingEnrolment,  // an enrolment in a training programme
  kSchoolingSupport,   // a schooling support item (minors, seeds 7.11.1 / 7.11.2)
  kAssistance,         // a welfare / relief record (assistance applied for)
  kHalfwayPlacement,   // a halfway-house admission
};
std::string_view StepActionName(StepAction a);  // REFERRAL, TRAINING_ENROLMENT, ...
std::optional<StepAction> StepActionOf(std::string_view name);

// "CODE:ACTION" entries of employment.plan_steps.actions, as (step code, action) pairs.
using StepActions = std::vector<std::pair<std::string, StepAction>>;

// A step of an approved plan as education's event gives it.
struct PlanStepRef {
  std::string step_id;
  std::string step_code;
  absl::CivilDay start_date;
  absl::CivilDay end_date;
};

// A step kept by employment: its action (nullopt: no employment work) and due day.
struct FollowedStep {
  PlanStepRef step;
  std::optional<StepAction> action;
  std::optional<absl::CivilDay> due_on;  // set with action
};

// The action `actions` maps `step_code` to; nullopt when none.
std::optional<StepAction> ActionOf(const StepActions& actions, const std::string& step_code);

// The day a step's help item is due: its start day + `grace_days` calendar days.
absl::CivilDay StepDueOn(absl::CivilDay start_date, int grace_days);

// Every step of an approved version with its action and due day.
std::vector<FollowedStep> FollowSteps(const std::vector<PlanStepRef>& steps,
                                      const StepActions& actions, int grace_days);

// What employment knows of a case's plan: the latest approved version (0: none yet) and the
// highest version closed (0: none).
struct FollowedPlan {
  int approved_version = 0;
  int closed_version = 0;
};

// Whether plan_approved of `version` replaces the case's steps (a newer version than the one
// kept); false for a replay or an older version.
bool ReplacesSteps(const FollowedPlan& current, int version);

// Whether plan_closed of `version` moves the case's closed version (a higher one than known).
bool ClosesSteps(const FollowedPlan& current, int version);

// Whether the kept steps are closed: a version was approved and it, or a later one, closed.
bool StepsClosed(const FollowedPlan& plan);

// Whether work of the item's kind recorded on `work_on` meets a step of a version approved on
// `approved_on`, as of `as_of`: on or after the approval, not after as_of.
bool WorkMeets(absl::CivilDay approved_on, absl::CivilDay work_on, absl::CivilDay as_of);

// Whether an item is overdue on `as_of`: not met (by as_of), not closed, its due day before.
bool StepOverdue(absl::CivilDay due_on, const std::optional<absl::CivilDay>& met_on, bool closed,
                 absl::CivilDay as_of);

}  // namespace ccms::employment::domain
