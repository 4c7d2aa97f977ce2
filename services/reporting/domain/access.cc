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

std::string VisibleOffice(const auth::Principal& p) {
  return p.role == auth::Role::kOfficeStaff ? p.office_id : "";
}

absl::StatusOr<std::string> OfficeFilter(const auth::Principal& principal,
                                         const std::string& asked) {
  const std::string own = VisibleOffice(principal);
  if (own.empty()) return asked;
  if (!asked.empty() && asked != own) {
    return absl::PermissionDeniedError("the office is outside the token");
  }
  return own;
}

}  // namespace ccms::reporting::domain

namespace ccms::reporting::domain {

absl::Status MayReadSnapshots(const auth::Principal& p, const std::string& office) {
  const std::string own = VisibleOffice(p);
  if (own.empty()) return absl::OkStatus();
  if (office.empty()) {
    return absl::PermissionDeniedError(
        "snapshots of a district count every office: office staff of one office read their "
        "office's");
  }
  if (office != own) return absl::PermissionDeniedError("the office is outside the token");
  return absl::OkStatus();
}

absl::Status MayRunSnapshots(const auth::Principal& p, const std::string& office) {
  if (p.role == auth::Role::kOfficeStaff && !VisibleOffice(p).empty() && !office.empty()) {
    return MayReadSnapshots(p, office);
  }
  return MayWriteSnapshots(p);
}

absl::Status MayWriteSnapshots(const auth::Principal& p) {
  if (p.role == auth::Role::kCityAdmin || p.role == auth::Role::kDistrictBureau) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      "only city admins and district bureaus run and publish reports");
}

absl::StatusOr<std::set<std::string>> SnapshotDistricts(const std::set<std::string>& visible,
                                                        const std::string& scope) {
  if (scope.empty()) {
    if (!visible.empty()) {
      return absl::PermissionDeniedError("the city's reports need every district");
    }
    return std::set<std::string>{};
  }
  if (!visible.empty() && !visible.contains(scope)) {
    return absl::PermissionDeniedError("the district is outside the token");
  }
  return std::set<std::string>{scope};
}

}  // namespace ccms::reporting::domain
