#include "services/records/domain/access.h"

#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

using auth::Principal;
using auth::Role;

Principal Of(Role role, std::vector<std::string> districts, bool all = false) {
  Principal p;
  p.subject = "u1";
  p.role = role;
  p.districts = std::move(districts);
  p.all_districts = all;
  if (role == Role::kPartner) p.agency_id = "agency-1";
  return p;
}

TEST(AccessTest, ReadIsForCaseWorkersAdminsAuditorsAndServices) {
  EXPECT_TRUE(Authorize(Of(Role::kOfficeStaff, {"110101"}), CaseAction::kRead).ok());
  EXPECT_TRUE(Authorize(Of(Role::kSocialWorker, {"110101"}), CaseAction::kRead).ok());
  EXPECT_TRUE(Authorize(Of(Role::kCityAdmin, {}, true), CaseAction::kRead).ok());
  EXPECT_TRUE(Authorize(Of(Role::kAuditor, {}, true), CaseAction::kRead).ok());
  EXPECT_TRUE(Authorize(Of(Role::kService, {}, true), CaseAction::kRead).ok());
  EXPECT_EQ(Authorize(Of(Role::kPartner, {}), CaseAction::kRead).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Authorize(Of(Role::kOps, {}, true), CaseAction::kRead).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AccessTest, OpenAndIntakeAreOfficeWork) {
  for (CaseAction a : {CaseAction::kOpen, CaseAction::kRecordIntake}) {
    EXPECT_TRUE(Authorize(Of(Role::kOfficeStaff, {"110101"}), a).ok());
    EXPECT_TRUE(Authorize(Of(Role::kCityAdmin, {}, true), a).ok());
    for (Role r :
         {Role::kSocialWorker, Role::kAuditor, Role::kPartner, Role::kOps, Role::kService}) {
      EXPECT_EQ(
          Authorize(Of(r, {"110101"}, r != Role::kSocialWorker && r != Role::kPartner), a).code(),
          absl::StatusCode::kPermissionDenied)
          << static_cast<int>(r);
    }
  }
}

TEST(AccessTest, OpenOnlyInOwnDistricts) {
  const Principal staff = Of(Role::kOfficeStaff, {"110101", "110102"});
  EXPECT_TRUE(Authorize(staff, CaseAction::kOpen, "110102").ok());
  EXPECT_EQ(Authorize(staff, CaseAction::kOpen, "310101").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Authorize(Of(Role::kCityAdmin, {}, true), CaseAction::kOpen, "310101").ok());
}

TEST(AccessTest, DistrictBureauDoesOfficeWorkAndBureauApprovals) {
  const Principal bureau = Of(Role::kDistrictBureau, {"110101"});
  for (CaseAction a :
       {CaseAction::kRead, CaseAction::kOpen, CaseAction::kRecordIntake, CaseAction::kRecordContact,
        CaseAction::kEnforce, CaseAction::kTransfer, CaseAction::kBureauApprove}) {
    EXPECT_TRUE(Authorize(bureau, a).ok()) << static_cast<int>(a);
  }
  EXPECT_EQ(Authorize(bureau, CaseAction::kReadAudit).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Authorize(bureau, CaseAction::kOpen, "310101").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AccessTest, BureauApprovalIsNotOfficeWork) {
  EXPECT_TRUE(Authorize(Of(Role::kCityAdmin, {}, true), CaseAction::kBureauApprove).ok());
  for (Role r : {Role::kOfficeStaff, Role::kSocialWorker, Role::kAuditor, Role::kPartner,
                 Role::kOps, Role::kService}) {
    EXPECT_EQ(Authorize(Of(r, {"110101"}), CaseAction::kBureauApprove).code(),
              absl::StatusCode::kPermissionDenied)
        << static_cast<int>(r);
  }
}

// Pre-sentence investigations: office work in the caller's own districts.
TEST(AccessTest, InvestigationsAreOfficeWorkInOwnDistricts) {
  for (Role r : {Role::kOfficeStaff, Role::kDistrictBureau}) {
    EXPECT_TRUE(Authorize(Of(r, {"110101"}), CaseAction::kInvestigate, "110101").ok());
    EXPECT_TRUE(Authorize(Of(r, {"110101"}), CaseAction::kInvestigate).ok());
    EXPECT_EQ(Authorize(Of(r, {"110101"}), CaseAction::kInvestigate, "310101").code(),
              absl::StatusCode::kPermissionDenied);
  }
  EXPECT_TRUE(Authorize(Of(Role::kCityAdmin, {}, true), CaseAction::kInvestigate, "310101").ok());
  for (Role r : {Role::kSocialWorker, Role::kAuditor, Role::kPartner, Role::kOps, Role::kService}) {
    EXPECT_EQ(
        Authorize(Of(r, {"110101"}, r != Role::kSocialWorker), CaseAction::kInvestigate, "110101")
            .code(),
        absl::StatusCode::kPermissionDenied)
        << static_cast<int>(r);
  }
}

}  // namespace
}  // namespace ccms::records::domain
