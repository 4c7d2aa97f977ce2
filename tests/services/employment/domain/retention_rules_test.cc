// Retention checks at their edges: due 30, 90 and 180 days after the start (month ends, a leap
// day, a year end), the window's last day and the day after, a spell ended on a check's due day
// and the day before, the due and overdue lists on their boundary days; the shipped policy's
// defaults and a version without the keys.
#include "services/employment/domain/retention_rules.h"

#include "gtest/gtest.h"
#include "tests/services/employment/domain/test_policy.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;

std::vector<CivilDay> DueDays(CivilDay start) {
  std::vector<CivilDay> days;
  for (const auto& p : PlanRetentionChecks(start, {30, 90, 180}, 14)) days.push_back(p.due_on);
  return days;
}

TEST(RetentionRulesTest, ChecksFallDueThirtyNinetyAndOneHundredEightyDaysAfterTheStart) {
  // The start is day 0: a spell from 1 March 2027 is 30 days old on 31 March.
  EXPECT_EQ(
      DueDays(CivilDay(2027, 3, 1)),
      (std::vector<CivilDay>{CivilDay(2027, 3, 31), CivilDay(2027, 5, 30), CivilDay(2027, 8, 28)}));
  // A month end in a leap year: 31 January 2028 + 30 days is 1 March (29 February between).
  EXPECT_EQ(DueDays(CivilDay(2028, 1, 31))[0], CivilDay(2028, 3, 1));
  // The same in a common year: 2 March.
  EXPECT_EQ(DueDays(CivilDay(2027, 1, 31))[0], CivilDay(2027, 3, 2));
  // A leap day start: 29 February 2028 -> 30 March, 29 May, 27 August.
  EXPECT_EQ(
      DueDays(CivilDay(2028, 2, 29)),
      (std::vector<CivilDay>{CivilDay(2028, 3, 30), CivilDay(2028, 5, 29), CivilDay(2028, 8, 27)}));
  // Over a year end: 1 December 2027 -> 31 December, 29 February 2028, 29 May 2028.
  EXPECT_EQ(DueDays(CivilDay(2027, 12, 1)),
            (std::vector<CivilDay>{CivilDay(2027, 12, 31), CivilDay(2028, 2, 29),
                                   CivilDay(2028, 5, 29)}));
  const auto plans = PlanRetentionChecks(CivilDay(2027, 3, 1), {30, 90, 180}, 14);
  ASSERT_EQ(plans.size(), 3u);
  EXPECT_EQ(plans[0].day_offset, 30);
  EXPECT_EQ(plans[0].confirm_by, CivilDay(2027, 4, 14));
  EXPECT_EQ(plans[2].day_offset, 180);
}

TEST(RetentionRulesTest, ASpellEndedBeforeACheckCancelsItOnItsDueDayItStays) {
  const CivilDay due(2027, 3, 31);
  EXPECT_TRUE(CancelledByEnd(due, due - 1));
  EXPECT_FALSE(CancelledByEnd(due, due));  // at work on the check's day
  EXPECT_FALSE(CancelledByEnd(due, due + 1));
}

TEST(RetentionRulesTest, AConfirmationLiesWithinTheWindowOfAPendingCheck) {
  const CivilDay due(2027, 3, 31), by(2027, 4, 14), today(2027, 6, 1);
  EXPECT_EQ(CheckConfirmation(CheckStatus::kPending, due, by, due - 1, today).code(),
            absl::StatusCode::kFailedPrecondition);  // not due yet
  EXPECT_TRUE(CheckConfirmation(CheckStatus::kPending, due, by, due, today).ok());
  EXPECT_TRUE(CheckConfirmation(CheckStatus::kPending, due, by, by, today).ok());
  EXPECT_EQ(CheckConfirmation(CheckStatus::kPending, due, by, by + 1, today).code(),
            absl::StatusCode::kFailedPrecondition);  // the window closed
  EXPECT_EQ(CheckConfirmation(CheckStatus::kPending, due, by, due, due - 1).code(),
            absl::StatusCode::kInvalidArgument);  // in the future
  for (CheckStatus s : {CheckStatus::kConfirmed, CheckStatus::kMissed, CheckStatus::kCancelled}) {
    EXPECT_EQ(CheckConfirmation(s, due, by, due, today).code(),
              absl::StatusCode::kFailedPrecondition)
        << CheckStatusName(s);
  }
}

TEST(RetentionRulesTest, DueAndOverdueListsAndMissedChecksOnTheirBoundaryDays) {
  const CivilDay due(2028, 2, 29), by(2028, 3, 14);
  EXPECT_FALSE(IsDue(CheckStatus::kPending, due, by, due - 1));
  EXPECT_TRUE(IsDue(CheckStatus::kPending, due, by, due));
  EXPECT_TRUE(IsDue(CheckStatus::kPending, due, by, by));
  EXPECT_FALSE(IsDue(CheckStatus::kPending, due, by, by + 1));
  EXPECT_FALSE(IsDue(CheckStatus::kConfirmed, due, by, due));
  EXPECT_FALSE(IsOverdue(CheckStatus::kPending, by, by));
  EXPECT_TRUE(IsOverdue(CheckStatus::kPending, by, by + 1));
  EXPECT_TRUE(IsOverdue(CheckStatus::kMissed, by, by + 1));
  EXPECT_FALSE(IsOverdue(CheckStatus::kCancelled, by, by + 1));
  EXPECT_FALSE(IsOverdue(CheckStatus::kConfirmed, by, by + 1));
  EXPECT_FALSE(IsMissed(CheckStatus::kPending, by, by));
  EXPECT_TRUE(IsMissed(CheckStatus::kPending, by, by + 1));
  EXPECT_FALSE(IsMissed(CheckStatus::kConfirmed, by, by + 1));
}

TEST(RetentionRulesTest, SpellStartsAndEndsAtTheirEdges) {
  CaseView c;
  c.status = CaseStatus::kActive;
  const CivilDay today(2027, 3, 1);
  EXPECT_TRUE(CheckSpellStart(c, today, today).ok());
  EXPECT_EQ(CheckSpellStart(c, today + 1, today).code(), absl::StatusCode::kInvalidArgument);
  c.status = CaseStatus::kClosed;
  EXPECT_EQ(CheckSpellStart(c, today, today).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckSpellEnd(today - 10, std::nullopt, today - 10, today).ok());  // a one-day spell
  EXPECT_EQ(CheckSpellEnd(today - 10, std::nullopt, today - 11, today).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckSpellEnd(today - 10, std::nullopt, today + 1, today).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckSpellEnd(today - 10, today - 5, today, today).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(RetentionRulesTest, TheShippedPolicyHasTheMarkedDefaults) {
  const EmploymentPolicy p = testing::ShippedPolicy();
  EXPECT_EQ(p.retention_check_days, (std::vector<int>{30, 90, 180}));
  EXPECT_EQ(p.retention_confirm_within_days, 14);
  EXPECT_TRUE(HasCode(p.other_employer_codes, "SELF_EMPLOYED"));
  for (const char* s : {"PENDING", "CONFIRMED", "MISSED", "CANCELLED"}) {
    ASSERT_TRUE(CheckStatusOf(s).has_value());
    EXPECT_EQ(CheckStatusName(*CheckStatusOf(s)), s);
  }
  EXPECT_FALSE(CheckStatusOf("DONE").has_value());
}

}  // namespace
}  // namespace ccms::employment::domain
