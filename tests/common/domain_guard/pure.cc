// Domain guard probe: only the pure core and Abseil. Must compile with a domain library's flags.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/auth/principal.h"
#include "common/ids/uuid.h"
#include "common/policy/policy.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"

namespace ccms::domain_guard_probe {

std::string Describe(absl::CivilDay day) { return absl::StrCat("probe ", day.year()); }

}  // namespace ccms::domain_guard_probe
