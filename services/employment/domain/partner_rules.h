#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace ccms::employment::domain {

// An agency id as partner certificates carry it (ccms-partner://<agency_id>): 3-64 characters,
// lower-case ASCII letters, digits and '-', starting with a letter or digit.
bool IsAgencyId(const std::string& agency_id);

// The districts a partner serves: `served` with `home` added, sorted, without repeats; a code
// that is not six digits is INVALID_ARGUMENT naming districts_served.
absl::Status NormalizeDistricts(const std::string& home, std::vector<std::string>* served);

}  // namespace ccms::employment::domain
