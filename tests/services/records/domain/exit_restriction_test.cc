#include "services/records/domain/exit_restriction.h"

#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

using absl::CivilDay;

RecordsPolicies Policies() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  return *LoadRecordsPolicies(*doc);
}

ExitRestrictionFacts Active(CivilDay intake, CivilDay end) {
  ExitRestrictionFacts f;
  f.status = CaseStatus::kActive;
  f.intake_reported_on = intake;
  f.end_date = end;
  return f;
}

TEST(ExitRestrictionTest, PolicyDefaultsAreFiveDays) {
  const RecordsPolicy& p = Policies().Latest().rules;
  EXPECT_EQ(p.exit_restriction.file_within_days, 5);
  EXPECT_EQ(p.exit_restriction.lift_within_days, 5);
}

TEST(ExitRestrictionTest, FilingDueFiveDaysAfterIntakeAcrossTheMonthEnd) {
  const RecordsPolicies policies = Policies();
  ExitRestrictionFacts f = Active(CivilDay(2024, 2, 26), CivilDay(2025, 2, 25));
  auto due = ExitRestrictionDueOn(f, policies, CivilDay(2024, 3, 2));
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(due->action, ExitRestrictionAction::kFiled);
  EXPECT_EQ(due->due, CivilDay(2024, 3, 2));  // leap year: Feb 29 counted
  EXPECT_EQ(due->days_overdue, 0);            // due today: not overdue
  EXPECT_EQ(ExitRestrictionDueOn(f, policies, CivilDay(2024, 3, 3))->days_overdue, 1);
  EXPECT_NE(due->rule.find(due->policy_version), std::string::npos);
  // Not before intake; not once filed (the lifting is not due while the term runs... it is
  // counted from the end).
  f.intake_reported_on.reset();
  f.status = CaseStatus::kPendingIntake;
  EXPECT_FALSE(ExitRestrictionDueOn(f, policies, CivilDay(2024, 3, 3)).has_value());
}

TEST(ExitRestrictionTest, LiftingDueFiveDaysAfterTheEndOrTheDayTheCaseEnded) {
  const RecordsPolicies policies = Policies();
  ExitRestrictionFacts f = Active(CivilDay(2024, 1, 2), CivilDay(2024, 12, 31));
  f.filed_on = CivilDay(2024, 1, 5);
  auto due = ExitRestrictionDueOn(f, policies, CivilDay(2025, 1, 5));
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(due->action, ExitRestrictionAction::kLifted);
  EXPECT_EQ(due->due, CivilDay(2025, 1, 5));  // across the year end
  EXPECT_EQ(due->days_overdue, 0);
  // Revoked early: counted from the day it ended.
  f.status = CaseStatus::kRevoked;
  f.closed_on = CivilDay(2024, 6, 28);
  EXPECT_EQ(ExitRestrictionDueOn(f, policies, CivilDay(2024, 7, 4))->days_overdue, 1);
  // Lifted: nothing due. Transferred out: the receiving office's.
  f.lifted_on = CivilDay(2024, 7, 1);
  EXPECT_FALSE(ExitRestrictionDueOn(f, policies, CivilDay(2024, 7, 4)).has_value());
  f.lifted_on.reset();
  f.status = CaseStatus::kTransferredOut;
  EXPECT_FALSE(ExitRestrictionDueOn(f, policies, CivilDay(2024, 7, 4)).has_value());
}

TEST(ExitRestrictionTest, FiledOnceOnAnOpenCaseLiftedOnceAtTheEnd) {
  ExitRestrictionFacts f = Active(CivilDay(2024, 1, 2), CivilDay(2024, 12, 31));
  const CivilDay on(2024, 1, 4);
  EXPECT_EQ(CheckExitRestrictionAction(ExitRestrictionAction::kLifted, f, on).code(),
            absl::StatusCode::kFailedPrecondition);  // nothing filed
  EXPECT_TRUE(CheckExitRestrictionAction(ExitRestrictionAction::kFiled, f, on).ok());
  f.filed_on = on;
  EXPECT_EQ(CheckExitRestrictionAction(ExitRestrictionAction::kFiled, f, on).code(),
            absl::StatusCode::kFailedPrecondition);  // once
  // The day before the end: refused; on the end date: allowed.
  EXPECT_EQ(
      CheckExitRestrictionAction(ExitRestrictionAction::kLifted, f, CivilDay(2024, 12, 30)).code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      CheckExitRestrictionAction(ExitRestrictionAction::kLifted, f, CivilDay(2024, 12, 31)).ok());
  // A case that ended early may be lifted before the term's end, never before the filing.
  f.status = CaseStatus::kDischarged;
  EXPECT_TRUE(
      CheckExitRestrictionAction(ExitRestrictionAction::kLifted, f, CivilDay(2024, 6, 1)).ok());
  EXPECT_EQ(
      CheckExitRestrictionAction(ExitRestrictionAction::kLifted, f, CivilDay(2024, 1, 3)).code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckExitRestrictionAction(ExitRestrictionAction::kFiled, Active(on, on), on).code(),
            absl::StatusCode::kOk);
  ExitRestrictionFacts closed = f;
  closed.filed_on.reset();
  EXPECT_EQ(CheckExitRestrictionAction(ExitRestrictionAction::kFiled, closed, on).code(),
            absl::StatusCode::kFailedPrecondition);  // filing on an ended case
  f.lifted_on = CivilDay(2024, 6, 1);
  EXPECT_EQ(
      CheckExitRestrictionAction(ExitRestrictionAction::kLifted, f, CivilDay(2024, 6, 2)).code(),
      absl::StatusCode::kFailedPrecondition);  // once
}

}  // namespace
}  // namespace ccms::records::domain
