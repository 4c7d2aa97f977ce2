#include "services/employment/domain/partner_rules.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/auth/principal.h"
#include "common/errors/reason.h"

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

bool ContractInForce(const ContractSpan& c, absl::CivilDay day) {
  return c.status == "ACTIVE" && c.starts_on <= day && day <= c.ends_on;
}

absl::Status CheckContractInForce(const std::vector<ContractSpan>& contracts, absl::CivilDay day) {
  if (contracts.empty()) return absl::OkStatus();
  std::optional<absl::CivilDay> last_end;  // the latest end before the day
  for (const ContractSpan& c : contracts) {
    if (ContractInForce(c, day)) return absl::OkStatus();
    if (c.ends_on < day && (!last_end.has_value() || c.ends_on > *last_end)) last_end = c.ends_on;
  }
  auto text = [](absl::CivilDay d) {
    return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
  };
  return errors::WithReason(
      absl::FailedPreconditionError(absl::StrCat(
          "refused by the contract rule (a partner under purchased-service contracts with the"
          " district takes referrals only while one is in force): none is in force on ",
          text(day),
          last_end.has_value() ? absl::StrCat(", the last ended on ", text(*last_end)) : "")),
      kContractEndedReason);
}

}  // namespace ccms::employment::domain
