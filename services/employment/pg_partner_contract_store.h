#pragma once

#include <functional>
#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/employment/partner_contract_store.h"

namespace ccms::employment {

// PartnerContractStore on PostgreSQL (tables partner_contracts, partner_evaluations).
class PgPartnerContractStore final : public PartnerContractStore {
 public:
  PgPartnerContractStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<ContractRecord> RecordContract(const auth::Principal& principal,
                                                const ContractRecord& contract,
                                                const std::vector<events::v1::Envelope>& events,
                                                const std::string& request_id) override;
  absl::StatusOr<EvaluationRecord> RecordEvaluation(const auth::Principal& principal,
                                                    const EvaluationRecord& evaluation,
                                                    const std::vector<events::v1::Envelope>& events,
                                                    const std::string& request_id) override;
  absl::StatusOr<ChildPage<ContractRecord>> ListContracts(
      const auth::Principal& principal, const PartnerChildFilter& filter) override;
  absl::StatusOr<ChildPage<EvaluationRecord>> ListEvaluations(
      const auth::Principal& principal, const PartnerChildFilter& filter) override;

  // The contract end (docs/employment.md "Contract end"): ACTIVE contracts whose period ended
  // before `today` become COMPLETED, at most `batch` in one transaction, each with the event
  // `event_of` makes (given the open referrals of the partner in the contract's district and
  // whether another contract of the partner with the district is still in force), in the same
  // transaction. How many ended. The system's own work: no principal, no district scope.
  using ContractEndedEvent = std::function<events::v1::Envelope(
      const ContractRecord& contract, int open_referrals, bool other_in_force)>;
  absl::StatusOr<int> EndContractsPastTheirEnd(absl::CivilDay today, int batch,
                                               const ContractEndedEvent& event_of);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
