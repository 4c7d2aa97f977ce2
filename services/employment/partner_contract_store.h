#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/employment/domain/support_rules.h"

namespace ccms::employment {

// A purchased-service contract (table partner_contracts).
struct ContractRecord {
  std::string contract_id;
  std::string partner_id;
  std::string district_code;
  std::string scope_code;
  absl::CivilDay starts_on;
  absl::CivilDay ends_on;
  int64_t amount_fen = 0;
  std::string status;  // ACTIVE, COMPLETED, TERMINATED
  std::string recorded_by;
  absl::Time created_at;
};

// An evaluation (考核; table partner_evaluations).
struct EvaluationRecord {
  std::string evaluation_id;
  std::string partner_id;
  std::string district_code;
  absl::CivilDay period_from;
  absl::CivilDay period_to;
  std::vector<domain::Score> scores;
  std::string result_code;
  std::string evaluated_by;
  absl::CivilDay evaluated_on;
};

struct PartnerChildFilter {
  std::string partner_id;
  int page_size = 50;
  std::string after_id;
};

template <typename T>
struct ChildPage {
  std::vector<T> items;
  std::string next_id;
};

// Storage of contracts and evaluations. Both are written for a district of the caller that the
// partner is registered in or serves (else NOT_FOUND, in SQL), with their events in the same
// transaction; they are read by the caller's districts only. Every call writes an audit row.
class PartnerContractStore {
 public:
  virtual ~PartnerContractStore() = default;

  virtual absl::StatusOr<ContractRecord> RecordContract(
      const auth::Principal& principal, const ContractRecord& contract,
      const std::vector<events::v1::Envelope>& events, const std::string& request_id) = 0;
  // ALREADY_EXISTS when the district evaluated the partner for the same period.
  virtual absl::StatusOr<EvaluationRecord> RecordEvaluation(
      const auth::Principal& principal, const EvaluationRecord& evaluation,
      const std::vector<events::v1::Envelope>& events, const std::string& request_id) = 0;
  virtual absl::StatusOr<ChildPage<ContractRecord>> ListContracts(
      const auth::Principal& principal, const PartnerChildFilter& filter) = 0;
  virtual absl::StatusOr<ChildPage<EvaluationRecord>> ListEvaluations(
      const auth::Principal& principal, const PartnerChildFilter& filter) = 0;
};

}  // namespace ccms::employment
