#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace ccms::auth {

// The caller's role, as carried in the `role` claim of an access token.
enum class Role {
  kOfficeStaff,
  // Staff of a district justice bureau (区司法局): office work in their districts plus the
  // approvals the rules reserve for the bureau (leave over 7 days, electronic monitoring).
  kDistrictBureau,
  kSocialWorker,
  kCityAdmin,
  kAuditor,
  kPartner,
  kOps,
  kService,
};

// Returns the wire name of `role` ("office_staff", "district_bureau", "social_worker",
// "city_admin", "auditor", "partner", "ops", "service").
std::string_view RoleName(Role role);

// Parses a wire name produced by RoleName(). Exact, case-sensitive match;
// returns nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);

// Whether `role` may hold the all-districts wildcard ("*").
bool RoleMayHaveAllDistricts(Role role);

// Returns true if `code` is a district code: exactly six ASCII digits.
bool IsDistrictCode(std::string_view code);

// Returns true if `id` may name an office in a token: 1 to kMaxOfficeIdBytes bytes of printable
// ASCII without spaces.
inline constexpr size_t kMaxOfficeIdBytes = 64;
bool IsOfficeId(std::string_view id);

// The end user a service acts for on a service-to-service call: who really asked.
struct EndUser {
  std::string subject;
  Role role = Role::kOfficeStaff;
};

// An authenticated caller. Built by TokenVerifier::Verify(); plain data so
// handlers and tests can also construct one directly.
struct Principal {
  // Stable identifier of the caller (the token's `sub`).
  std::string subject;
  Role role = Role::kOfficeStaff;
  // True means every district; `districts` is then empty.
  bool all_districts = false;
  // Six-digit district codes the caller may see.
  std::vector<std::string> districts;
  // Partner agency the caller belongs to; required for Role::kPartner.
  std::string agency_id;
  // The judicial office (司法所, as records' `office_id`) an office_staff caller works in, when
  // the token names one: reporting then shows that office's cases only (docs/security.md). Only
  // for office_staff with exactly one district; empty otherwise.
  std::string office_id;
  // Set only for a `service` caller that sent its end user's token (x-ccms-end-user metadata,
  // verified by CallExecutor): audit rows name both (audit_log.on_behalf_of).
  std::optional<EndUser> acting_for;
  // The verified bearer token this principal came from (set by CallExecutor), so a handler can
  // forward it as the end user when it calls another service. Never logged, stored or echoed.
  std::string token;

  // Returns true if the caller may see records of `district_code`. An empty
  // code is never visible, even with all_districts.
  bool CanSeeDistrict(std::string_view district_code) const;
};

// Checks the invariants every Principal must hold, whatever its source:
//   - `subject` is non-empty;
//   - `all_districts` only for city_admin, auditor, ops and service, and then
//     with an empty `districts` list;
//   - otherwise `districts` lists six-digit codes, at least one unless the
//     role is partner;
//   - a partner has an `agency_id`;
//   - an `office_id` only for office_staff with exactly one district, at most 64 bytes of
//     printable ASCII without spaces.
// Returns InvalidArgumentError with a short generic message otherwise.
absl::Status ValidatePrincipal(const Principal& principal);

}  // namespace ccms::auth
