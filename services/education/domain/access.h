#pragma once

#include "absl/status/status.h"
#include "common/auth/principal.h"

namespace ccms::education::domain {

// What a caller wants to do. Who may (issue 14 item 14, DESIGN.md §6):
//   kRead   social_worker, office_staff, district_bureau (their districts); auditor and
//           city_admin (all districts)
//   kWrite  social_worker, office_staff, district_bureau (their districts); city_admin
//   kApprove office_staff, district_bureau (their districts); city_admin
//   kPartnerCall partner only, with its agency (the kit has checked its mTLS certificate names
//           the token's agency): the partner view of the sessions its agency delivers
//           (PartnerSessionService); its reach is the provider agency, in the store's SQL
// partner is refused everything else. ops and service see nothing here. District reach is
// applied again in the store's SQL; a case outside it is NOT_FOUND.
enum class Action { kRead, kWrite, kApprove, kPartnerCall };

// PERMISSION_DENIED with a plain message if the role may not do `action`.
absl::Status Authorize(const auth::Principal& principal, Action action);

}  // namespace ccms::education::domain
