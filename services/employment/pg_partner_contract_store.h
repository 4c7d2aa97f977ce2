#pragma once

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

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
