#include "services/employment/domain/partner_rules.h"

#include <algorithm>

#include "common/auth/principal.h"

namespace ccms::employment::domain {

bool IsAgencyId(const std::string& agency_id) {
  if (agency_id.size() < 3 || agency_id.size() > 64 || agency_id.front() == '-') return false;
  for (char c : agency_id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

absl::Status NormalizeDistricts(const std::string& home, std::vector<std::string>* served) {
  for (const auto& d : *served) {
    if (!auth::IsDistrictCode(d)) {
      return absl::InvalidArgumentError("districts_served: every entry is a 6-digit district code");
    }
  }
  served->push_back(home);
  std::sort(served->begin(), served->end());
  served->erase(std::unique(served->begin(), served->end()), served->end());
  return absl::OkStatus();
}

}  // namespace ccms::employment::domain
