#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/employment/schooling_store.h"

namespace ccms::employment {

// SchoolingStore on PostgreSQL (table schooling_items, joined to cases for the district).
class PgSchoolingStore final : public SchoolingStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgSchoolingStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<std::vector<SchoolingItemRecord>> RecordSituation(
      const auth::Principal& principal, const std::string& case_id, const std::string& request_id,
      const SituationDecision& decide) override;
  absl::StatusOr<SchoolingItemRecord> RecordStep(const auth::Principal& principal,
                                                 const std::string& item_id,
                                                 const std::string& request_id,
                                                 const StepDecision& decide) override;
  absl::StatusOr<std::pair<std::vector<SchoolingItemRecord>, std::string>> List(
      const auth::Principal& principal, const SchoolingFilter& filter) override;

  // In the consumer's transaction when records closes the case: its open items CANCELLED on
  // `on`; returns them as they are now (the caller writes their events).
  static std::vector<SchoolingItemRecord> CancelOnCaseClosed(pqxx::transaction_base& tx,
                                                             const std::string& case_id,
                                                             absl::CivilDay on);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
