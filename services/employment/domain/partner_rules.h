#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"

namespace ccms::employment::domain {

// An agency id as partner certificates carry it (ccms-partner://<agency_id>): 3-64 characters,
// lower-case ASCII letters, digits and '-', starting with a letter or digit.
bool IsAgencyId(const std::string& agency_id);

// The districts a partner serves: `served` with `home` added, sorted, without repeats; a code
// that is not six digits is INVALID_ARGUMENT naming districts_served.
absl::Status NormalizeDistricts(const std::string& home, std::vector<std::string>* served);

// A purchased-service contract of a partner with a district, as the contract rule reads it.
struct ContractSpan {
  absl::CivilDay starts_on;
  absl::CivilDay ends_on;
  std::string status;  // ACTIVE, COMPLETED, TERMINATED
};

// The ErrorInfo reason of a referral refused by the contract rule.
inline constexpr char kContractEndedReason[] = "PARTNER_CONTRACT_ENDED";

// Whether a contract is in force on `day`: ACTIVE (not terminated), starts_on <= day <= ends_on.
bool ContractInForce(const ContractSpan& c, absl::CivilDay day);

// The contract rule (docs/employment.md "Contract end"): a partner under purchased-service
// contracts with a district takes new referrals of that district (created or sent) only while one
// of them is in force on the day. A partner without any contract with the district is not under
// the rule (OK). Refused: FAILED_PRECONDITION with reason PARTNER_CONTRACT_ENDED, naming the rule
// and the day the last contract ended (or that none has started yet).
absl::Status CheckContractInForce(const std::vector<ContractSpan>& contracts, absl::CivilDay day);

}  // namespace ccms::employment::domain
