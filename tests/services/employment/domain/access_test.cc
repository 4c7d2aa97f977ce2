// Who may do what in employment (domain/access.h).
#include "services/employment/domain/access.h"

#include "gtest/gtest.h"
#include "services/employment/domain/case_view.h"
#include "services/employment/domain/partner_rules.h"

namespace ccms::employment::domain {
namespace {

using auth::Role;

bool May(Role role, Action action, const std::string& agency = "") {
  auth::Principal p;
  p.subject = "s";
  p.role = role;
  p.agency_id = agency;
  return Authorize(p, action).ok();
}

TEST(AccessTest, RolesAndActions) {
  for (Role r : {Role::kOfficeStaff, Role::kDistrictBureau, Role::kCityAdmin}) {
    EXPECT_TRUE(May(r, Action::kRead));
    EXPECT_TRUE(May(r, Action::kWriteReferral));
    EXPECT_TRUE(May(r, Action::kManagePartners));
    EXPECT_FALSE(May(r, Action::kPartnerCall));
  }
  EXPECT_TRUE(May(Role::kSocialWorker, Action::kWriteReferral));
  EXPECT_FALSE(May(Role::kSocialWorker, Action::kManagePartners));
  EXPECT_TRUE(May(Role::kAuditor, Action::kRead));
  EXPECT_FALSE(May(Role::kAuditor, Action::kWriteReferral));
  for (Role r : {Role::kPartner, Role::kOps, Role::kService}) {
    EXPECT_FALSE(May(r, Action::kRead, "agency-a"));
    EXPECT_FALSE(May(r, Action::kWriteReferral, "agency-a"));
    EXPECT_FALSE(May(r, Action::kManagePartners, "agency-a"));
  }
  EXPECT_TRUE(May(Role::kPartner, Action::kPartnerCall, "agency-a"));
  EXPECT_FALSE(May(Role::kPartner, Action::kPartnerCall, ""));
}

TEST(AccessTest, OnlyTheDistrictBureauRecordsContractsAndEvaluations) {
  EXPECT_TRUE(May(Role::kDistrictBureau, Action::kEvaluatePartners));
  EXPECT_TRUE(May(Role::kCityAdmin, Action::kEvaluatePartners));
  for (Role r : {Role::kOfficeStaff, Role::kSocialWorker, Role::kAuditor, Role::kPartner,
                 Role::kOps, Role::kService}) {
    EXPECT_FALSE(May(r, Action::kEvaluatePartners, "agency-a"));
  }
  EXPECT_TRUE(May(Role::kOfficeStaff, Action::kRead));  // office staff read them
}

TEST(PartnerRulesTest, AgencyIdsAndDistricts) {
  EXPECT_TRUE(IsAgencyId("dev-agency"));
  EXPECT_TRUE(IsAgencyId("a01"));
  EXPECT_FALSE(IsAgencyId("ab"));
  EXPECT_FALSE(IsAgencyId("Dev-Agency"));
  EXPECT_FALSE(IsAgencyId("-abc"));
  EXPECT_FALSE(IsAgencyId("agency/a"));
  EXPECT_FALSE(IsAgencyId(std::string(65, 'a')));
  std::vector<std::string> served = {"310101", "110102", "310101"};
  ASSERT_TRUE(NormalizeDistricts("110101", &served).ok());
  EXPECT_EQ(served, (std::vector<std::string>{"110101", "110102", "310101"}));
  std::vector<std::string> bad = {"11010"};
  EXPECT_FALSE(NormalizeDistricts("110101", &bad).ok());
}

TEST(CaseViewTest, FollowsRecords) {
  CaseView v;
  v = Apply(v, CaseOpenedFact{"110101", "office-1", true, {15, absl::CivilDay(2025, 3, 1)}, {}});
  EXPECT_EQ(v.status, CaseStatus::kPendingIntake);
  EXPECT_TRUE(v.minor);
  v = Apply(v, IntakeReportedFact{});
  EXPECT_EQ(v.status, CaseStatus::kActive);
  v = Apply(v, CaseFactsFact{false, 16});
  EXPECT_TRUE(v.minor);  // once minor, always minor
  EXPECT_EQ(v.age.age_at_judgment, 15 + 1);
  v = Apply(v, LostContactFact{true});
  EXPECT_TRUE(v.lost_contact);
  v = Apply(v, LostContactFact{false});
  EXPECT_FALSE(v.lost_contact);
  v = Apply(v, CaseTransferredFact{"310101", "office-9"});
  EXPECT_EQ(v.district_code, "310101");
  v = Apply(v, CaseClosedFact{absl::CivilDay(2026, 5, 1)});
  EXPECT_EQ(v.status, CaseStatus::kClosed);
  v = Apply(v, IntakeReportedFact{});
  EXPECT_EQ(v.status, CaseStatus::kClosed);
}

}  // namespace
}  // namespace ccms::employment::domain
