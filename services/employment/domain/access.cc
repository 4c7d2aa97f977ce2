#include "services/employment/domain/access.h"

namespace ccms::employment::domain {

absl::Status Authorize(const auth::Principal& principal, Action action) {
  using auth::Role;
  const Role role = principal.role;
  const bool office = role == Role::kOfficeStaff || role == Role::kDistrictBureau;
  switch (action) {
    case Action::kRead:
      if (office || role == Role::kSocialWorker || role == Role::kCityAdmin ||
          role == Role::kAuditor) {
        return absl::OkStatus();
      }
      return absl::PermissionDeniedError("this role cannot read employment records");
    case Action::kWriteReferral:
      if (office || role == Role::kSocialWorker || role == Role::kCityAdmin) {
        return absl::OkStatus();
      }
      return absl::PermissionDeniedError("this role cannot record referrals");
    case Action::kManagePartners:
      if (office || role == Role::kCityAdmin) return absl::OkStatus();
      return absl::PermissionDeniedError(
          "only office staff and the district bureau manage partners");
    case Action::kPartnerCall:
      if (role == Role::kPartner && !principal.agency_id.empty()) return absl::OkStatus();
      return absl::PermissionDeniedError("only a partner agency uses this API");
    case Action::kEvaluatePartners:
      if (role == Role::kDistrictBureau || role == Role::kCityAdmin) return absl::OkStatus();
      return absl::PermissionDeniedError(
          "only the district bureau records partner contracts and evaluations");
  }
  return absl::PermissionDeniedError("not allowed");
}

}  // namespace ccms::employment::domain
