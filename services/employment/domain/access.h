#pragma once

#include "absl/status/status.h"
#include "common/auth/principal.h"

namespace ccms::employment::domain {

// What a caller wants to do. Who may (issue 15, DESIGN.md §6):
//   kRead            office_staff, district_bureau, social_worker (their districts); auditor and
//                    city_admin (all districts)
//   kWriteReferral   office_staff, district_bureau, social_worker (their districts); city_admin
//   kManagePartners  office_staff, district_bureau (their districts); city_admin
//   kPartnerCall     partner only (its agency; AgencyReferralService)
//   kEvaluatePartners district_bureau (its districts); city_admin: purchased-service contracts
//                    and evaluations (考核) of partners, which office staff only read
// Staff actions refuse partner, ops and service; a partner reaches only AgencyReferralService.
// District and agency reach are applied again in the store's SQL (NOT_FOUND outside them).
enum class Action { kRead, kWriteReferral, kManagePartners, kPartnerCall, kEvaluatePartners };

// PERMISSION_DENIED with a plain message if the role may not do `action`.
absl::Status Authorize(const auth::Principal& principal, Action action);

}  // namespace ccms::employment::domain
