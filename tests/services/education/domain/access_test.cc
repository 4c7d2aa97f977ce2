// Who may read, record and approve education work.
#include "services/education/domain/access.h"

#include "gtest/gtest.h"

namespace ccms::education::domain {
namespace {

bool Allowed(auth::Role role, Action action) {
  auth::Principal p;
  p.subject = "someone";
  p.role = role;
  return Authorize(p, action).ok();
}

TEST(AccessTest, RoleMatrix) {
  using auth::Role;
  for (Role r :
       {Role::kSocialWorker, Role::kOfficeStaff, Role::kDistrictBureau, Role::kCityAdmin}) {
    EXPECT_TRUE(Allowed(r, Action::kRead));
    EXPECT_TRUE(Allowed(r, Action::kWrite));
  }
  EXPECT_TRUE(Allowed(Role::kAuditor, Action::kRead));
  EXPECT_FALSE(Allowed(Role::kAuditor, Action::kWrite));
  EXPECT_FALSE(Allowed(Role::kAuditor, Action::kApprove));
  EXPECT_TRUE(Allowed(Role::kOfficeStaff, Action::kApprove));
  EXPECT_TRUE(Allowed(Role::kCityAdmin, Action::kApprove));
  EXPECT_FALSE(Allowed(Role::kSocialWorker, Action::kApprove));
  // Partners have only their view of their agency's sessions; ops and service see nothing here.
  for (Role r : {Role::kPartner, Role::kOps, Role::kService}) {
    EXPECT_FALSE(Allowed(r, Action::kRead));
    EXPECT_FALSE(Allowed(r, Action::kWrite));
    EXPECT_FALSE(Allowed(r, Action::kApprove));
  }
}

TEST(AccessTest, OnlyAPartnerWithItsAgencyHasThePartnerView) {
  using auth::Role;
  auth::Principal partner;
  partner.subject = "partner-1";
  partner.role = Role::kPartner;
  EXPECT_FALSE(Authorize(partner, Action::kPartnerCall).ok());  // no agency
  partner.agency_id = "school-7";
  EXPECT_TRUE(Authorize(partner, Action::kPartnerCall).ok());
  for (Role r : {Role::kSocialWorker, Role::kOfficeStaff, Role::kDistrictBureau, Role::kCityAdmin,
                 Role::kAuditor, Role::kOps, Role::kService}) {
    auth::Principal p = partner;
    p.role = r;
    EXPECT_EQ(Authorize(p, Action::kPartnerCall).code(), absl::StatusCode::kPermissionDenied);
  }
}

}  // namespace
}  // namespace ccms::education::domain
