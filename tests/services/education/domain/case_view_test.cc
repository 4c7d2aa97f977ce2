// The case as education follows it from records' events, and leaves at their day boundaries.
#include "services/education/domain/case_view.h"

#include "gtest/gtest.h"

namespace ccms::education::domain {
namespace {

using absl::CivilDay;

CaseOpenedFact Opened(bool minor) {
  return CaseOpenedFact{
      "110101",   "office-1", CivilDay(2026, 1, 10), CivilDay(2027, 1, 9), minor, "FEMALE",
      "16_TO_17", "theft",    std::nullopt};
}

TEST(CaseViewTest, OpenedThenIntakeThenTransferredThenClosed) {
  CaseView v;
  v = Apply(v, Opened(false));
  EXPECT_EQ(v.status, CaseStatus::kPendingIntake);
  EXPECT_EQ(v.district_code, "110101");
  EXPECT_EQ(v.age_band, "16_TO_17");
  v = Apply(v, IntakeReportedFact{CivilDay(2026, 1, 15)});
  EXPECT_EQ(v.status, CaseStatus::kActive);
  EXPECT_EQ(v.intake_reported_on, CivilDay(2026, 1, 15));
  v = Apply(v, IntakeAnnouncedFact{CivilDay(2026, 1, 16)});
  EXPECT_EQ(v.intake_announced_on, CivilDay(2026, 1, 16));
  v = Apply(v, CaseTransferredFact{"110102", "office-9"});
  EXPECT_EQ(v.district_code, "110102");
  EXPECT_EQ(v.office_id, "office-9");
  v = Apply(v, CaseClosedFact{CivilDay(2027, 1, 9)});
  EXPECT_EQ(v.status, CaseStatus::kClosed);
  // Closed stays closed: a late intake report or a second close changes neither.
  v = Apply(v, IntakeReportedFact{CivilDay(2027, 2, 1)});
  EXPECT_EQ(v.status, CaseStatus::kClosed);
  v = Apply(v, CaseClosedFact{CivilDay(2027, 3, 1)});
  EXPECT_EQ(v.closed_on, CivilDay(2027, 1, 9));
}

TEST(CaseViewTest, AMinorStaysUnderTheMinorsRules) {
  CaseView v = Apply(CaseView{}, Opened(true));
  EXPECT_TRUE(v.minor);
  // Turned 18 during the term (Law art. 58): records' facts say minor=false, education keeps it.
  v = Apply(v, CaseFactsFact{false, "FEMALE", "18_TO_25", "theft"});
  EXPECT_TRUE(v.minor);
  EXPECT_EQ(v.age_band, "18_TO_25");
}

TEST(CaseViewTest, SnapshotStatus) {
  CaseOpenedFact f = Opened(false);
  f.snapshot_status = "ACTIVE";
  EXPECT_EQ(Apply(CaseView{}, f).status, CaseStatus::kActive);
  f.snapshot_status = "PENDING_INTAKE";
  EXPECT_EQ(Apply(CaseView{}, f).status, CaseStatus::kPendingIntake);
  f.snapshot_status = "DISCHARGED";
  EXPECT_EQ(Apply(CaseView{}, f).status, CaseStatus::kClosed);
}

TEST(LeaveTest, ApprovedCoversStartToEndInclusive) {
  const LeavePeriod l =
      ApplyLeave(std::nullopt, LeaveFact{"l1", "APPROVED", CivilDay(2026, 2, 27),
                                         CivilDay(2026, 3, 2), CivilDay(2026, 2, 20)});
  EXPECT_FALSE(Covers(l, CivilDay(2026, 2, 26)));
  EXPECT_TRUE(Covers(l, CivilDay(2026, 2, 27)));
  EXPECT_TRUE(Covers(l, CivilDay(2026, 2, 28)));
  EXPECT_TRUE(Covers(l, CivilDay(2026, 3, 2)));
  EXPECT_FALSE(Covers(l, CivilDay(2026, 3, 3)));
}

TEST(LeaveTest, ReturnedEarlyEndsOnTheReturnDay) {
  LeavePeriod l = ApplyLeave(std::nullopt, LeaveFact{"l1", "APPROVED", CivilDay(2028, 2, 27),
                                                     CivilDay(2028, 3, 5), CivilDay(2028, 2, 20)});
  l = ApplyLeave(l, LeaveFact{"l1", "RETURNED", CivilDay(2028, 2, 27), CivilDay(2028, 3, 5),
                              CivilDay(2028, 2, 29)});
  EXPECT_TRUE(Covers(l, CivilDay(2028, 2, 28)));
  EXPECT_FALSE(Covers(l, CivilDay(2028, 2, 29)));
  EXPECT_FALSE(Covers(l, CivilDay(2028, 3, 1)));
  // A redelivered approval does not reopen a returned leave.
  l = ApplyLeave(l, LeaveFact{"l1", "APPROVED", CivilDay(2028, 2, 27), CivilDay(2028, 3, 5),
                              CivilDay(2028, 2, 20)});
  EXPECT_EQ(l.status, "RETURNED");
  EXPECT_FALSE(Covers(l, CivilDay(2028, 3, 1)));
}

TEST(LeaveTest, CancelledCoversNothing) {
  LeavePeriod l = ApplyLeave(std::nullopt, LeaveFact{"l1", "APPROVED", CivilDay(2026, 5, 1),
                                                     CivilDay(2026, 5, 3), CivilDay(2026, 4, 1)});
  l = ApplyLeave(l, LeaveFact{"l1", "CANCELLED", CivilDay(2026, 5, 1), CivilDay(2026, 5, 3),
                              CivilDay(2026, 4, 2)});
  EXPECT_FALSE(OnLeave({l}, CivilDay(2026, 5, 2)));
  const LeavePeriod other =
      ApplyLeave(std::nullopt, LeaveFact{"l2", "APPROVED", CivilDay(2026, 5, 2),
                                         CivilDay(2026, 5, 2), CivilDay(2026, 4, 3)});
  EXPECT_TRUE(OnLeave({l, other}, CivilDay(2026, 5, 2)));
}

}  // namespace
}  // namespace ccms::education::domain
