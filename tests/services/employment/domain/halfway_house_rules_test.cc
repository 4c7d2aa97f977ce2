// Halfway-house admissions and leavings at their edges: the last place and one past it, a closed
// case, another district's house, a person placed already, dates in the future, a leaving on the
// admission day and the day before it; the leave reasons of the shipped policy and of a version
// without the key.
#include "services/employment/domain/halfway_house_rules.h"

#include "common/errors/reason.h"
#include "gtest/gtest.h"
#include "tests/services/employment/domain/test_policy.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;

CaseView OpenCase(const std::string& district = "110101") {
  CaseView c;
  c.case_id = "c";
  c.district_code = district;
  c.status = CaseStatus::kActive;
  return c;
}

const CivilDay kToday(2028, 2, 29);

TEST(HalfwayHouseRulesTest, TheLastPlaceIsTakenAndTheNextIsRefusedAsFull) {
  EXPECT_TRUE(CheckAdmission(OpenCase(), "110101", 5, 4, false, kToday, kToday).ok());
  const absl::Status full = CheckAdmission(OpenCase(), "110101", 5, 5, false, kToday, kToday);
  EXPECT_EQ(full.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(errors::ReasonOf(full), kHouseFullReason);
  // Over-full (places lowered by hand in the database) is full too, never a negative count.
  EXPECT_EQ(errors::ReasonOf(CheckAdmission(OpenCase(), "110101", 5, 6, false, kToday, kToday)),
            kHouseFullReason);
  EXPECT_TRUE(CheckAdmission(OpenCase(), "110101", 1, 0, false, kToday, kToday).ok());
}

TEST(HalfwayHouseRulesTest, ClosedCasesOtherDistrictsAndPlacedPeopleAreRefused) {
  CaseView closed = OpenCase();
  closed.status = CaseStatus::kClosed;
  EXPECT_EQ(CheckAdmission(closed, "110101", 5, 0, false, kToday, kToday).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckAdmission(OpenCase("310101"), "110101", 5, 0, false, kToday, kToday).code(),
            absl::StatusCode::kFailedPrecondition);
  const absl::Status placed = CheckAdmission(OpenCase(), "110101", 5, 0, true, kToday, kToday);
  EXPECT_EQ(placed.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(errors::ReasonOf(placed), kHouseFullReason);
  // Pending intake is an open case: a person may be placed before reporting.
  CaseView pending = OpenCase();
  pending.status = CaseStatus::kPendingIntake;
  EXPECT_TRUE(CheckAdmission(pending, "110101", 5, 0, false, kToday, kToday).ok());
}

TEST(HalfwayHouseRulesTest, AdmissionDayMayBeTodayOrEarlierNeverTomorrow) {
  EXPECT_TRUE(CheckAdmission(OpenCase(), "110101", 5, 0, false, kToday - 366, kToday).ok());
  EXPECT_EQ(CheckAdmission(OpenCase(), "110101", 5, 0, false, kToday + 1, kToday).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(HalfwayHouseRulesTest, LeavingOnTheAdmissionDayOrLaterButNotBeforeOrTwice) {
  const CivilDay admitted(2028, 1, 31);
  EXPECT_TRUE(CheckLeave(admitted, std::nullopt, admitted, kToday).ok());
  EXPECT_TRUE(CheckLeave(admitted, std::nullopt, kToday, kToday).ok());
  EXPECT_EQ(CheckLeave(admitted, std::nullopt, admitted - 1, kToday).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckLeave(admitted, std::nullopt, kToday + 1, kToday).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckLeave(admitted, CivilDay(2028, 2, 1), kToday, kToday).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(HalfwayHouseRulesTest, LeaveReasonsComeFromPolicyWithAMarkedDefault) {
  const EmploymentPolicy shipped = testing::ShippedPolicy();
  EXPECT_TRUE(HasCode(shipped.halfway_house_leave_reasons, "CASE_CLOSED"));
  EXPECT_TRUE(HasCode(shipped.halfway_house_leave_reasons, "RESETTLED"));
  EXPECT_TRUE(HasCode(kDefaultHalfwayHouseLeaveReasons, "CASE_CLOSED"));
}

}  // namespace
}  // namespace ccms::employment::domain
