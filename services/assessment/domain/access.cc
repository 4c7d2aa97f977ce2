#include "services/assessment/domain/access.h"

namespace ccms::assessment::domain {

absl::Status Authorize(const auth::Principal& principal, Action action) {
  using auth::Role;
  const Role role = principal.role;
  // District bureau staff can do whatever a judicial office can, in their districts.
  const bool office = role == Role::kOfficeStaff || role == Role::kDistrictBureau;
  switch (action) {
    case Action::kRead:
      if (office || role == Role::kSocialWorker || role == Role::kCityAdmin ||
          role == Role::kAuditor || role == Role::kService) {
        return absl::OkStatus();
      }
      return absl::PermissionDeniedError("this role cannot read assessments");
    case Action::kRecordAssessment:
    case Action::kRaiseCrisis:
      if (office || role == Role::kSocialWorker || role == Role::kCityAdmin) {
        return absl::OkStatus();
      }
      return absl::PermissionDeniedError(action == Action::kRecordAssessment
                                             ? "this role cannot record assessments"
                                             : "this role cannot raise crisis flags");
    case Action::kAcknowledgeCrisis:
      if (office) return absl::OkStatus();
      return absl::PermissionDeniedError(
          "only office staff of the case's district can acknowledge a crisis flag");
    case Action::kOverrideLevel:
    case Action::kAdjustPoints:
      if (office || role == Role::kCityAdmin) return absl::OkStatus();
      return absl::PermissionDeniedError(
          action == Action::kOverrideLevel ? "only office staff can override the supervision level"
                                           : "only office staff can add points entries");
  }
  return absl::PermissionDeniedError("not allowed");
}

}  // namespace ccms::assessment::domain
