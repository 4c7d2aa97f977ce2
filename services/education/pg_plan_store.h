#pragma once

#include <pqxx/transaction>
#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/education/plan_store.h"

namespace ccms::education {

// PlanStore on PostgreSQL (tables plan_versions and plan_revisions_due, migrations/V002). The
// content of a version is kept as jsonb.
class PgPlanStore final : public PlanStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgPlanStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<PlanState> Mutate(const auth::Principal& principal, const std::string& case_id,
                                   std::string_view method, const std::string& request_id,
                                   const PlanDecision& decide) override;
  absl::StatusOr<PlanState> Get(const auth::Principal& principal,
                                const std::string& case_id) override;
  absl::StatusOr<OverdueRevisionPage> ListOverdue(const auth::Principal& principal,
                                                  const OverdueRevisionFilter& filter) override;

  // The case's plan state inside the caller's transaction, unscoped and locking the case row (the
  // consumer of records' and assessment's events); NOT_FOUND if education does not know it.
  static absl::StatusOr<PlanState> LockForEvent(pqxx::transaction_base& tx,
                                                const std::string& case_id);
  // Records a revision due (the consumer, in its inbox transaction).
  static void InsertRevision(pqxx::transaction_base& tx, const RevisionDueRecord& r);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::education
