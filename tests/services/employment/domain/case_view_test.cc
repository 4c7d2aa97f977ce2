// The case as employment follows it: records' standing approval for routine cross-city work
// travel (granted, replaced, revoked; a revocation of another approval ignored) and the days it
// is valid (from and until included, across 29 February); discharge approaching leaves the view
// as it is.
#include "services/employment/domain/case_view.h"

#include "gtest/gtest.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;

CaseView Active() {
  CaseView c;
  c.case_id = "c";
  c.district_code = "110101";
  c.status = CaseStatus::kActive;
  return c;
}

TEST(CaseViewTest, AStandingApprovalIsValidFromItsFirstToItsLastDay) {
  const CaseView c = Apply(
      Active(), StandingApprovalFact{"sa-1", CivilDay(2028, 2, 29), CivilDay(2028, 8, 28), false});
  EXPECT_EQ(c.standing_approval_id, "sa-1");
  EXPECT_FALSE(HasStandingApproval(c, CivilDay(2028, 2, 28)));
  EXPECT_TRUE(HasStandingApproval(c, CivilDay(2028, 2, 29)));
  EXPECT_TRUE(HasStandingApproval(c, CivilDay(2028, 8, 28)));
  EXPECT_FALSE(HasStandingApproval(c, CivilDay(2028, 8, 29)));
  EXPECT_FALSE(HasStandingApproval(Active(), CivilDay(2028, 3, 1)));
}

TEST(CaseViewTest, ARevocationClearsOnlyTheApprovalHeld) {
  CaseView c = Apply(
      Active(), StandingApprovalFact{"sa-1", CivilDay(2028, 1, 1), CivilDay(2028, 6, 30), false});
  // A later grant replaces it.
  c = Apply(c, StandingApprovalFact{"sa-2", CivilDay(2028, 3, 1), CivilDay(2028, 8, 31), false});
  EXPECT_EQ(c.standing_approval_id, "sa-2");
  EXPECT_FALSE(HasStandingApproval(c, CivilDay(2028, 2, 1)));
  // Revoking the replaced one changes nothing.
  c = Apply(c, StandingApprovalFact{"sa-1", CivilDay(2028, 1, 1), CivilDay(2028, 6, 30), true});
  EXPECT_TRUE(HasStandingApproval(c, CivilDay(2028, 4, 1)));
  c = Apply(c, StandingApprovalFact{"sa-2", CivilDay(2028, 3, 1), CivilDay(2028, 8, 31), true});
  EXPECT_TRUE(c.standing_approval_id.empty());
  EXPECT_FALSE(HasStandingApproval(c, CivilDay(2028, 4, 1)));
}

TEST(CaseViewTest, DischargeApproachingLeavesTheViewAsItIs) {
  const CaseView before = Active();
  const CaseView after = Apply(before, DischargeApproachingFact{CivilDay(2028, 3, 1)});
  EXPECT_EQ(after.status, before.status);
  EXPECT_EQ(after.district_code, before.district_code);
  EXPECT_FALSE(after.closed_on.has_value());
}

}  // namespace
}  // namespace ccms::employment::domain
