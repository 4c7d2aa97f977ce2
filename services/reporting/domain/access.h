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
