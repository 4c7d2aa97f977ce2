#include "services/education/domain/access.h"

namespace ccms::education::domain {

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
      return absl::PermissionDeniedError("this role cannot read education records");
    case Action::kWrite:
      if (office || role == Role::kSocialWorker || role == Role::kCityAdmin) {
        return absl::OkStatus();
      }
      return absl::PermissionDeniedError("this role cannot record education work");
    case Action::kApprove:
      if (office || role == Role::kCityAdmin) return absl::OkStatus();
      return absl::PermissionDeniedError("only office staff can approve");
    case Action::kPartnerCall:
      if (role == Role::kPartner && !principal.agency_id.empty()) return absl::OkStatus();
      return absl::PermissionDeniedError("the partner view is for partner agencies only");
  }
  return absl::PermissionDeniedError("not allowed");
}

}  // namespace ccms::education::domain
