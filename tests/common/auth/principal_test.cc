#include "common/auth/principal.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace ccms::auth {
namespace {

// Builders instead of designated initializers, which -Wextra flags when a
// member is left out.
Principal Listed(std::string subject, Role role, std::vector<std::string> districts,
                 std::string agency_id = "") {
  Principal p;
  p.subject = std::move(subject);
  p.role = role;
  p.districts = std::move(districts);
  p.agency_id = std::move(agency_id);
  return p;
}

Principal Everywhere(std::string subject, Role role) {
  Principal p;
  p.subject = std::move(subject);
  p.role = role;
  p.all_districts = true;
  return p;
}

constexpr Role kAllRoles[] = {Role::kOfficeStaff, Role::kDistrictBureau, Role::kSocialWorker,
                              Role::kCityAdmin,   Role::kAuditor,        Role::kPartner,
                              Role::kOps,         Role::kService};

TEST(RoleTest, NamesAreTheWireNames) {
  EXPECT_EQ(RoleName(Role::kOfficeStaff), "office_staff");
  EXPECT_EQ(RoleName(Role::kDistrictBureau), "district_bureau");
  EXPECT_EQ(RoleName(Role::kSocialWorker), "social_worker");
  EXPECT_EQ(RoleName(Role::kCityAdmin), "city_admin");
  EXPECT_EQ(RoleName(Role::kAuditor), "auditor");
  EXPECT_EQ(RoleName(Role::kPartner), "partner");
  EXPECT_EQ(RoleName(Role::kOps), "ops");
  EXPECT_EQ(RoleName(Role::kService), "service");
}

TEST(RoleTest, ParseRoundTripsEveryRole) {
  for (Role role : kAllRoles) {
    std::optional<Role> parsed = ParseRole(RoleName(role));
    ASSERT_TRUE(parsed.has_value()) << RoleName(role);
    EXPECT_EQ(*parsed, role);
  }
}

TEST(RoleTest, ParseRejectsUnknownAndOtherCase) {
  EXPECT_FALSE(ParseRole("").has_value());
  EXPECT_FALSE(ParseRole("admin").has_value());
  EXPECT_FALSE(ParseRole("City_Admin").has_value());
  EXPECT_FALSE(ParseRole("ops ").has_value());
}

TEST(RoleTest, OnlyCityWideRolesMayHaveAllDistricts) {
  EXPECT_TRUE(RoleMayHaveAllDistricts(Role::kCityAdmin));
  EXPECT_TRUE(RoleMayHaveAllDistricts(Role::kAuditor));
  EXPECT_TRUE(RoleMayHaveAllDistricts(Role::kOps));
  EXPECT_TRUE(RoleMayHaveAllDistricts(Role::kService));
  EXPECT_FALSE(RoleMayHaveAllDistricts(Role::kOfficeStaff));
  EXPECT_FALSE(RoleMayHaveAllDistricts(Role::kDistrictBureau));
  EXPECT_FALSE(RoleMayHaveAllDistricts(Role::kSocialWorker));
  EXPECT_FALSE(RoleMayHaveAllDistricts(Role::kPartner));
}

TEST(DistrictCodeTest, SixDigitsOnly) {
  EXPECT_TRUE(IsDistrictCode("110101"));
  EXPECT_TRUE(IsDistrictCode("000000"));
  EXPECT_FALSE(IsDistrictCode(""));
  EXPECT_FALSE(IsDistrictCode("11010"));
  EXPECT_FALSE(IsDistrictCode("1101011"));
  EXPECT_FALSE(IsDistrictCode("11010a"));
  EXPECT_FALSE(IsDistrictCode("*"));
  EXPECT_FALSE(IsDistrictCode(" 11010"));
}

TEST(PrincipalTest, CanSeeListedDistrictsOnly) {
  const Principal p = Listed("u1", Role::kSocialWorker, {"110101", "110102"});
  EXPECT_TRUE(p.CanSeeDistrict("110101"));
  EXPECT_TRUE(p.CanSeeDistrict("110102"));
  EXPECT_FALSE(p.CanSeeDistrict("110103"));
  EXPECT_FALSE(p.CanSeeDistrict("11010"));
  EXPECT_FALSE(p.CanSeeDistrict(""));
}

TEST(PrincipalTest, AllDistrictsSeesEveryDistrict) {
  const Principal p = Everywhere("u1", Role::kCityAdmin);
  EXPECT_TRUE(p.CanSeeDistrict("110101"));
  EXPECT_TRUE(p.CanSeeDistrict("650000"));
  EXPECT_FALSE(p.CanSeeDistrict(""));
}

TEST(PrincipalTest, NoDistrictsSeesNothing) {
  const Principal p = Listed("u1", Role::kPartner, {}, "a1");
  EXPECT_FALSE(p.CanSeeDistrict("110101"));
}

TEST(ValidatePrincipalTest, AcceptsWellFormedPrincipals) {
  EXPECT_TRUE(ValidatePrincipal(Listed("u", Role::kOfficeStaff, {"110101"})).ok());
  EXPECT_TRUE(ValidatePrincipal(Everywhere("u", Role::kAuditor)).ok());
  EXPECT_TRUE(ValidatePrincipal(Listed("u", Role::kPartner, {}, "agency-7")).ok());
  Principal office = Listed("u", Role::kOfficeStaff, {"110101"});
  office.office_id = "office-1";
  EXPECT_TRUE(ValidatePrincipal(office).ok());
}

TEST(ValidatePrincipalTest, RejectsBrokenPrincipals) {
  Principal wildcard_partner = Everywhere("u", Role::kPartner);
  wildcard_partner.agency_id = "a";
  Principal wildcard_and_list = Everywhere("u", Role::kCityAdmin);
  wildcard_and_list.districts = {"110101"};
  std::vector<Principal> bad = {
      Everywhere("", Role::kOps),
      Everywhere("u", Role::kOfficeStaff),
      wildcard_partner,
      wildcard_and_list,
      Listed("u", Role::kSocialWorker, {}),
      Listed("u", Role::kSocialWorker, {"1101"}),
      Listed("u", Role::kPartner, {"110101"}),
  };
  Principal office_bureau = Listed("u", Role::kDistrictBureau, {"110101"});
  office_bureau.office_id = "office-1";
  bad.push_back(office_bureau);
  Principal office_two_districts = Listed("u", Role::kOfficeStaff, {"110101", "110102"});
  office_two_districts.office_id = "office-1";
  bad.push_back(office_two_districts);
  Principal office_blank = Listed("u", Role::kOfficeStaff, {"110101"});
  office_blank.office_id = "office\t1";
  bad.push_back(office_blank);
  for (const Principal& p : bad) {
    absl::Status status = ValidatePrincipal(p);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << RoleName(p.role) << " " << status;
  }
}

}  // namespace
}  // namespace ccms::auth
