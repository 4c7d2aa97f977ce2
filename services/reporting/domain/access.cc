#include "services/reporting/domain/access.h"

#include "absl/status/status.h"

namespace ccms::reporting::domain {

absl::StatusOr<std::set<std::string>> VisibleDistricts(const auth::Principal& p) {
  switch (p.role) {
    case auth::Role::kCityAdmin:
    case auth::Role::kAuditor:
      if (p.all_districts) return std::set<std::string>{};
      return std::set<std::string>(p.districts.begin(), p.districts.end());
    case auth::Role::kDistrictBureau:
    case auth::Role::kOfficeStaff:
      if (p.districts.empty()) return absl::PermissionDeniedError("no district in the token");
      return std::set<std::string>(p.districts.begin(), p.districts.end());
    default:
      return absl::PermissionDeniedError("reports are not available to this role");
  }
}

}  // namespace ccms::reporting::domain
