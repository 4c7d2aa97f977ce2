#include "common/auth/principal.h"

#include <algorithm>
#include <array>
#include <utility>

namespace ccms::auth {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 8> kRoleNames = {{
    {Role::kOfficeStaff, "office_staff"},
    {Role::kDistrictBureau, "district_bureau"},
    {Role::kSocialWorker, "social_worker"},
    {Role::kCityAdmin, "city_admin"},
    {Role::kAuditor, "auditor"},
    {Role::kPartner, "partner"},
    {Role::kOps, "ops"},
    {Role::kService, "service"},
}};

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  // Only reachable with a value cast from outside the enum's range.
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& [r, role_name] : kRoleNames) {
    if (role_name == name) return r;
  }
  return std::nullopt;
}

bool RoleMayHaveAllDistricts(Role role) {
  switch (role) {
    case Role::kCityAdmin:
    case Role::kAuditor:
    case Role::kOps:
    case Role::kService:
      return true;
    case Role::kOfficeStaff:
    case Role::kDistrictBureau:
    case Role::kSocialWorker:
    case Role::kPartner:
      return false;
  }
  return false;
}

bool IsDistrictCode(std::string_view code) {
  return code.size() == 6 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsOfficeId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxOfficeIdBytes &&
         std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

bool Principal::CanSeeDistrict(std::string_view district_code) const {
  if (district_code.empty()) return false;
  if (all_districts) return true;
  return std::find(districts.begin(), districts.end(), district_code) != districts.end();
}

absl::Status ValidatePrincipal(const Principal& principal) {
  if (principal.subject.empty()) {
    return absl::InvalidArgumentError("principal has no subject");
  }
  if (principal.all_districts) {
    if (!RoleMayHaveAllDistricts(principal.role)) {
      return absl::InvalidArgumentError("role may not have all districts");
    }
    if (!principal.districts.empty()) {
      return absl::InvalidArgumentError("all districts and a district list are exclusive");
    }
  } else {
    if (principal.districts.empty() && principal.role != Role::kPartner) {
      return absl::InvalidArgumentError("principal has no districts");
    }
    for (const std::string& code : principal.districts) {
      if (!IsDistrictCode(code)) {
        return absl::InvalidArgumentError("bad district code");
      }
    }
  }
  if (principal.role == Role::kPartner && principal.agency_id.empty()) {
    return absl::InvalidArgumentError("partner has no agency_id");
  }
  if (!principal.office_id.empty()) {
    if (principal.role != Role::kOfficeStaff || principal.districts.size() != 1) {
      return absl::InvalidArgumentError("an office needs office_staff of one district");
    }
    if (!IsOfficeId(principal.office_id)) {
      return absl::InvalidArgumentError("bad office id");
    }
  }
  return absl::OkStatus();
}

}  // namespace ccms::auth
