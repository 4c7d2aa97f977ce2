// Who reads and runs which snapshots (services/reporting/domain/access.h): offices' snapshots
// (issue 16 item 7) beside the districts' and the city's.
#include "services/reporting/domain/access.h"

#include <gtest/gtest.h>

namespace ccms::reporting::domain {
namespace {

using auth::Role;

auth::Principal Of(Role role, std::vector<std::string> districts, std::string office = "") {
  auth::Principal p;
  p.subject = "s";
  p.role = role;
  p.all_districts = districts.empty();
  p.districts = std::move(districts);
  p.office_id = std::move(office);
  return p;
}

TEST(AccessTest, OfficeStaffOfAnOfficeReadAndRunTheirOfficesSnapshotsOnly) {
  const auto staff = Of(Role::kOfficeStaff, {"110101"}, "office-1");
  EXPECT_TRUE(MayReadSnapshots(staff, "office-1").ok());
  EXPECT_TRUE(MayRunSnapshots(staff, "office-1").ok());
  EXPECT_EQ(MayReadSnapshots(staff, "office-2").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayRunSnapshots(staff, "office-2").code(), absl::StatusCode::kPermissionDenied);
  // A district's snapshot counts every office.
  EXPECT_EQ(MayReadSnapshots(staff, "").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayRunSnapshots(staff, "").code(), absl::StatusCode::kPermissionDenied);
  // They do not publish.
  EXPECT_EQ(MayWriteSnapshots(staff).code(), absl::StatusCode::kPermissionDenied);
}

TEST(AccessTest, OfficeStaffWithoutAnOfficeReadTheirDistrictsAndRunNothing) {
  const auto staff = Of(Role::kOfficeStaff, {"110101"});
  EXPECT_TRUE(MayReadSnapshots(staff, "").ok());
  EXPECT_TRUE(MayReadSnapshots(staff, "office-2").ok());
  EXPECT_EQ(MayRunSnapshots(staff, "").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayRunSnapshots(staff, "office-2").code(), absl::StatusCode::kPermissionDenied);
}

TEST(AccessTest, BureausAndCityAdminsRunAndPublishEveryScopeTheySee) {
  for (const auto& p : {Of(Role::kDistrictBureau, {"110101"}), Of(Role::kCityAdmin, {})}) {
    for (const std::string office : {"", "office-1", "office-2"}) {
      EXPECT_TRUE(MayReadSnapshots(p, office).ok());
      EXPECT_TRUE(MayRunSnapshots(p, office).ok());
    }
    EXPECT_TRUE(MayWriteSnapshots(p).ok());
  }
  // Which district: the bureau's own only.
  EXPECT_TRUE(SnapshotDistricts({"110101"}, "110101").ok());
  EXPECT_EQ(SnapshotDistricts({"110101"}, "310101").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(SnapshotDistricts({"110101"}, "").status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(AccessTest, AuditorsReadAndDoNotRun) {
  const auto auditor = Of(Role::kAuditor, {});
  EXPECT_TRUE(MayReadSnapshots(auditor, "office-1").ok());
  EXPECT_EQ(MayRunSnapshots(auditor, "office-1").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayRunSnapshots(auditor, "").code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace ccms::reporting::domain
