#pragma once

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth/principal.h"

namespace ccms::reporting::domain {

// The districts a caller's reports count (docs/reporting.md, "Who sees what"): city_admin and
// auditor every district (the empty set); district_bureau and office_staff their token's
// districts (office staff see their districts until the token carries an office); every other
// role (partner, social_worker, ops, service) is refused with PERMISSION_DENIED.
absl::StatusOr<std::set<std::string>> VisibleDistricts(const auth::Principal& principal);

}  // namespace ccms::reporting::domain

namespace ccms::reporting::domain {

// Who may run and publish snapshots: city_admin and district_bureau (PERMISSION_DENIED for the
// rest; office staff and auditors read them).
absl::Status MayWriteSnapshots(const auth::Principal& principal);

// The districts a snapshot of `scope` counts, given what the caller sees (`visible`, as
// VisibleDistricts returns it: empty = every district): the city ("") only for a caller who sees
// every district (the empty set: all); a district only for a caller who sees it ({district}).
// PERMISSION_DENIED otherwise.
absl::StatusOr<std::set<std::string>> SnapshotDistricts(const std::set<std::string>& visible,
                                                        const std::string& scope);

}  // namespace ccms::reporting::domain
