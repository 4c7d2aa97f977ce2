#include "services/assessment/domain/access.h"

#include "gtest/gtest.h"

namespace ccms::assessment::domain {
namespace {

using auth::Role;

TEST(AccessTest, RolesByAction) {
  struct Row {
    Role role;
    bool read, record, raise, ack, override_level, adjust;
  };
  const Row rows[] = {
      {Role::kOfficeStaff, true, true, true, true, true, true},
      {Role::kSocialWorker, true, true, true, false, false, false},
      {Role::kCityAdmin, true, true, true, false, true, true},
      {Role::kAuditor, true, false, false, false, false, false},
      {Role::kService, true, false, false, false, false, false},
      {Role::kPartner, false, false, false, false, false, false},
      {Role::kOps, false, false, false, false, false, false},
  };
  for (const auto& r : rows) {
    auth::Principal p;
    p.subject = "x";
    p.role = r.role;
    SCOPED_TRACE(std::string(auth::RoleName(r.role)));
    EXPECT_EQ(Authorize(p, Action::kRead).ok(), r.read);
    EXPECT_EQ(Authorize(p, Action::kRecordAssessment).ok(), r.record);
    EXPECT_EQ(Authorize(p, Action::kRaiseCrisis).ok(), r.raise);
    EXPECT_EQ(Authorize(p, Action::kAcknowledgeCrisis).ok(), r.ack);
    EXPECT_EQ(Authorize(p, Action::kOverrideLevel).ok(), r.override_level);
    EXPECT_EQ(Authorize(p, Action::kAdjustPoints).ok(), r.adjust);
    if (!r.read) {
      EXPECT_TRUE(absl::IsPermissionDenied(Authorize(p, Action::kRead)));
    }
  }
}

}  // namespace
}  // namespace ccms::assessment::domain
