// The partner view's rules: agency ids, referral codes, minors withheld, what a partner records.
#include "services/education/domain/partner_view.h"

#include <cstdio>
#include <random>
#include <set>

#include "gtest/gtest.h"

namespace ccms::education::domain {
namespace {

TEST(PartnerViewTest, AgencyIdsAreWhatAPartnerCertificateNames) {
  EXPECT_TRUE(IsAgencyId("school-7"));
  EXPECT_TRUE(IsAgencyId("Centre_2.north"));
  EXPECT_TRUE(IsAgencyId(std::string(64, 'a')));
  EXPECT_FALSE(IsAgencyId(""));
  EXPECT_FALSE(IsAgencyId(std::string(65, 'a')));
  EXPECT_FALSE(IsAgencyId("school 7"));
  EXPECT_FALSE(IsAgencyId("ccms-partner://school-7"));
  EXPECT_FALSE(IsAgencyId("学校"));
}

TEST(PartnerViewTest, ReferralCodeIsTheEnrolmentIdsRandomTail) {
  EXPECT_EQ(ReferralCode("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"), "E-0C1D2E3F4A5B");
  // Codes of ids made in the same millisecond (same leading digits) differ.
  std::mt19937_64 rng(7);
  std::set<std::string> codes;
  for (int i = 0; i < 1000; ++i) {
    char tail[13];
    std::snprintf(tail, sizeof(tail), "%012llx",
                  static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
    codes.insert(ReferralCode(std::string("0190a1b2-c3d4-7e5f-8a9b-") + tail));
  }
  EXPECT_EQ(codes.size(), 1000u);
}

TEST(PartnerViewTest, AMinorsIdentityIsAlwaysWithheld) {
  EXPECT_TRUE(IdentityWithheld(true));
  EXPECT_FALSE(IdentityWithheld(false));
}

TEST(PartnerViewTest, APartnerRecordsNeitherANoticeGroundNorALeave) {
  EXPECT_TRUE(CheckPartnerOutcome(Outcome::kAttended, "").ok());
  EXPECT_TRUE(CheckPartnerOutcome(Outcome::kLate, "").ok());
  EXPECT_TRUE(CheckPartnerOutcome(Outcome::kAbsent, "").ok());
  for (const char* excuse : {"HOSPITAL", "WORK", "OTHER"}) {
    EXPECT_TRUE(CheckPartnerOutcome(Outcome::kExcused, excuse).ok()) << excuse;
  }
  EXPECT_EQ(CheckPartnerOutcome(Outcome::kAbsentAfterNotice, "").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckPartnerOutcome(Outcome::kExcused, "APPROVED_LEAVE").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PartnerViewTest, GivenNamesAreShortAndPrintable) {
  EXPECT_TRUE(IsGivenName("Wei"));
  EXPECT_TRUE(IsGivenName("小明"));
  EXPECT_TRUE(IsGivenName(std::string(50, 'x')));
  EXPECT_FALSE(IsGivenName(""));
  EXPECT_FALSE(IsGivenName(std::string(51, 'x')));
  EXPECT_FALSE(IsGivenName("Wei\nLi"));
  EXPECT_FALSE(IsGivenName(std::string("W\0i", 3)));
}

}  // namespace
}  // namespace ccms::education::domain
