#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "common/auth/principal.h"

namespace ccms::assessment::domain {

// What a caller wants to do. Who may (DESIGN.md §6):
//   kRead             office_staff, social_worker (their districts); city_admin, auditor,
//                     service (all districts)
//   kRecordAssessment office_staff, social_worker (their districts), city_admin
//   kRaiseCrisis      office_staff, social_worker (their districts), city_admin
//   kAcknowledgeCrisis office_staff of the case's district only (the office must see it)
//   kOverrideLevel    office_staff (their districts), city_admin — supervision is enforcement
//   kAdjustPoints     office_staff (their districts), city_admin
// partner and ops see nothing here. District reach is applied again in the store's SQL; a case
// outside it is NOT_FOUND.
enum class Action {
  kRead,
  kRecordAssessment,
  kRaiseCrisis,
  kAcknowledgeCrisis,
  kOverrideLevel,
  kAdjustPoints,
};

// PERMISSION_DENIED with a plain message if the role may not do `action`.
absl::Status Authorize(const auth::Principal& principal, Action action);

}  // namespace ccms::assessment::domain
