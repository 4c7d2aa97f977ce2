// Plan steps employment follows (issue 15 item 12) at their edges: which steps make help items
// (the policy's code -> action map, the shipped one included), due days across month ends, 29
// February and a year end, a Shanghai "today" at the UTC day boundary, the version order (a
// replay and an older version change nothing, a close before its approval is remembered), met by
// work on or after the approval and not after as_of, overdue from the day after the due day.
#include "services/employment/domain/plan_step_rules.h"

#include "absl/time/time.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "services/employment/domain/employment_policy.h"
#include "tests/services/employment/domain/test_policy.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;

const StepActions kActions = {{"JOB_HELP", StepAction::kReferral},
                              {"SKILLS_TRAINING", StepAction::kTrainingEnrolment},
                              {"SCHOOLING", StepAction::kSchoolingSupport},
                              {"WELFARE", StepAction::kAssistance},
                              {"HALFWAY_HOUSE", StepAction::kHalfwayPlacement}};

PlanStepRef Step(const std::string& id, const std::string& code, CivilDay start) {
  return {id, code, start, start + 30};
}

TEST(PlanStepRulesTest, OnlyMappedCodesMakeItems) {
  const auto followed = FollowSteps(
      {Step("a", "JOB_HELP", CivilDay(2026, 3, 2)),
       Step("b", "PSYCHOLOGICAL_COUNSELLING", CivilDay(2026, 3, 2)),
       Step("c", "SKILLS_TRAINING", CivilDay(2026, 3, 2)), Step("d", "OTHER", CivilDay(2026, 3, 2)),
       Step("e", "SCHOOLING", CivilDay(2026, 3, 2)), Step("f", "WELFARE", CivilDay(2026, 3, 2)),
       Step("g", "HALFWAY_HOUSE", CivilDay(2026, 3, 2)),
       Step("h", "job_help", CivilDay(2026, 3, 2))},
      kActions, 7);
  ASSERT_EQ(followed.size(), 8u);  // every step is kept; only mapped ones have an item
  EXPECT_EQ(followed[0].action, StepAction::kReferral);
  EXPECT_FALSE(followed[1].action.has_value());
  EXPECT_FALSE(followed[1].due_on.has_value());
  EXPECT_EQ(followed[2].action, StepAction::kTrainingEnrolment);
  EXPECT_FALSE(followed[3].action.has_value());
  EXPECT_EQ(followed[4].action, StepAction::kSchoolingSupport);
  EXPECT_EQ(followed[5].action, StepAction::kAssistance);
  EXPECT_EQ(followed[6].action, StepAction::kHalfwayPlacement);
  EXPECT_FALSE(followed[7].action.has_value());  // codes are exact
  EXPECT_EQ(followed[0].due_on, CivilDay(2026, 3, 9));
  // Another deployment's map: only what it names.
  const auto other = FollowSteps(
      {Step("a", "JOB_HELP", CivilDay(2026, 3, 2)), Step("b", "LEGAL_AID", CivilDay(2026, 3, 2))},
      {{"LEGAL_AID", StepAction::kReferral}}, 0);
  EXPECT_FALSE(other[0].action.has_value());
  EXPECT_EQ(other[1].action, StepAction::kReferral);
  EXPECT_EQ(other[1].due_on, CivilDay(2026, 3, 2));  // no grace: due on the start day
}

TEST(PlanStepRulesTest, TheShippedPolicyMapsTheFiveKindsOfWork) {
  const EmploymentPolicy p = testing::ShippedPolicy();
  EXPECT_EQ(p.plan_step_grace_days, kDefaultPlanStepGraceDays);
  EXPECT_EQ(ActionOf(p.plan_step_actions, "JOB_HELP"), StepAction::kReferral);
  EXPECT_EQ(ActionOf(p.plan_step_actions, "SKILLS_TRAINING"), StepAction::kTrainingEnrolment);
  EXPECT_EQ(ActionOf(p.plan_step_actions, "SCHOOLING"), StepAction::kSchoolingSupport);
  EXPECT_EQ(ActionOf(p.plan_step_actions, "WELFARE"), StepAction::kAssistance);
  EXPECT_EQ(ActionOf(p.plan_step_actions, "HALFWAY_HOUSE"), StepAction::kHalfwayPlacement);
  EXPECT_FALSE(ActionOf(p.plan_step_actions, "LEGAL_AID").has_value());
  EXPECT_FALSE(ActionOf(p.plan_step_actions, "OTHER").has_value());
  for (StepAction a :
       {StepAction::kReferral, StepAction::kTrainingEnrolment, StepAction::kSchoolingSupport,
        StepAction::kAssistance, StepAction::kHalfwayPlacement}) {
    EXPECT_EQ(StepActionOf(StepActionName(a)), a);
  }
  EXPECT_FALSE(StepActionOf("").has_value());
  EXPECT_FALSE(StepActionOf("referral").has_value());
}

TEST(PlanStepRulesTest, DueDaysAcrossMonthEndsLeapDaysAndYearEnds) {
  // 2028 is a leap year: 7 days after 22 February is 29 February; in 2027 it is 1 March.
  EXPECT_EQ(StepDueOn(CivilDay(2028, 2, 22), 7), CivilDay(2028, 2, 29));
  EXPECT_EQ(StepDueOn(CivilDay(2027, 2, 22), 7), CivilDay(2027, 3, 1));
  // A step starting on 29 February.
  EXPECT_EQ(StepDueOn(CivilDay(2028, 2, 29), 1), CivilDay(2028, 3, 1));
  EXPECT_EQ(StepDueOn(CivilDay(2028, 2, 29), 0), CivilDay(2028, 2, 29));
  // Month ends of 30 and 31 days, and the year end.
  EXPECT_EQ(StepDueOn(CivilDay(2026, 4, 30), 1), CivilDay(2026, 5, 1));
  EXPECT_EQ(StepDueOn(CivilDay(2026, 1, 31), 30), CivilDay(2026, 3, 2));
  EXPECT_EQ(StepDueOn(CivilDay(2026, 12, 25), 7), CivilDay(2027, 1, 1));
}

TEST(PlanStepRulesTest, OverdueFromTheDayAfterTheDueDayInShanghai) {
  const CivilDay due(2028, 2, 29);
  EXPECT_FALSE(StepOverdue(due, std::nullopt, false, due));  // the due day itself is in time
  EXPECT_TRUE(StepOverdue(due, std::nullopt, false, CivilDay(2028, 3, 1)));
  EXPECT_FALSE(StepOverdue(due, CivilDay(2028, 3, 1), false, CivilDay(2028, 3, 5)));  // met late
  EXPECT_FALSE(StepOverdue(due, std::nullopt, true, CivilDay(2028, 3, 5)));           // closed
  // "Today" is the Shanghai day: 2028-02-29 16:00 UTC is already 1 March in Shanghai.
  const absl::Time before =
      absl::FromCivil(absl::CivilSecond(2028, 2, 29, 15, 59, 59), absl::UTCTimeZone());
  const absl::Time after = before + absl::Seconds(1);
  EXPECT_FALSE(StepOverdue(due, std::nullopt, false, time::ShanghaiDay(before)));
  EXPECT_TRUE(StepOverdue(due, std::nullopt, false, time::ShanghaiDay(after)));
}

TEST(PlanStepRulesTest, ANewerVersionReplacesAReplayOrOlderOneChangesNothing) {
  FollowedPlan none;
  EXPECT_TRUE(ReplacesSteps(none, 1));
  FollowedPlan v2{.approved_version = 2, .closed_version = 0};
  EXPECT_FALSE(ReplacesSteps(v2, 2));  // a replay under another event id
  EXPECT_FALSE(ReplacesSteps(v2, 1));  // an older version arriving late
  EXPECT_TRUE(ReplacesSteps(v2, 3));
  EXPECT_FALSE(StepsClosed(v2));
  EXPECT_FALSE(StepsClosed(none));
}

TEST(PlanStepRulesTest, AClosedPlanClosesItsStepsInAnyOrder) {
  FollowedPlan v2{.approved_version = 2, .closed_version = 0};
  EXPECT_TRUE(ClosesSteps(v2, 2));
  v2.closed_version = 2;
  EXPECT_TRUE(StepsClosed(v2));
  EXPECT_FALSE(ClosesSteps(v2, 2));  // replay
  EXPECT_FALSE(ClosesSteps(v2, 1));  // an older close
  // The close of version 3 arrives before its approval: remembered, and version 3's steps
  // arrive closed.
  FollowedPlan early{.approved_version = 2, .closed_version = 0};
  ASSERT_TRUE(ClosesSteps(early, 3));
  early.closed_version = 3;
  ASSERT_TRUE(ReplacesSteps(early, 3));
  early.approved_version = 3;
  EXPECT_TRUE(StepsClosed(early));
  // A version approved after an older one closed is open again.
  FollowedPlan reopened{.approved_version = 4, .closed_version = 3};
  EXPECT_FALSE(StepsClosed(reopened));
}

TEST(PlanStepRulesTest, WorkMeetsFromTheApprovalDayUntilAsOf) {
  const CivilDay approved(2026, 2, 28);
  EXPECT_FALSE(WorkMeets(approved, CivilDay(2026, 2, 27), CivilDay(2026, 3, 31)));  // before
  EXPECT_TRUE(WorkMeets(approved, approved, CivilDay(2026, 3, 31)));  // the approval day counts
  EXPECT_TRUE(WorkMeets(approved, CivilDay(2026, 3, 1), CivilDay(2026, 3, 1)));
  EXPECT_FALSE(WorkMeets(approved, CivilDay(2026, 3, 2), CivilDay(2026, 3, 1)));  // after as_of
}

}  // namespace
}  // namespace ccms::employment::domain
