#pragma once

#include <string>

#include "common/auth/principal.h"

namespace ccms::db {

// A caller's districts as the two parameters every store query over district data takes:
// `($n::boolean OR district_code = ANY($m::text[]))`. Scoping in SQL, not only in the handler,
// makes a case outside the caller's districts NOT_FOUND whatever the handler does.
struct DistrictScope {
  bool all;               // the caller sees every district
  std::string districts;  // a text[] literal of the caller's district codes
};
DistrictScope ScopeOf(const auth::Principal& principal);

}  // namespace ccms::db
