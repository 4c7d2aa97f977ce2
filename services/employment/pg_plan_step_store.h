#pragma once

#include <pqxx/transaction>
#include <string>
#include <utility>
#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/education_events.h"
#include "services/employment/plan_step_store.h"

namespace ccms::employment {

// PlanStepStore on PostgreSQL (tables case_plans and case_plan_steps, V009). The static functions
// apply education's plan events inside the consumer's inbox transaction (so an event id applies
// once); the version rules (domain/plan_step_rules.h) make a replay under a new id, or an older
// version arriving after a newer one, change nothing.
class PgPlanStepStore final : public PlanStepStore {
 public:
  explicit PgPlanStepStore(db::ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<std::pair<std::vector<PlanStepItemRecord>, bool>> List(
      const auth::Principal& principal, const PlanStepFilter& filter) override;

  // plan_approved: a newer version replaces the case's steps, with their actions and due days
  // from the policy in force on the approval day.
  static void ApplyApproved(pqxx::work& tx, const PlanApprovedFact& fact,
                            const domain::EmploymentPolicies& policies,
                            const std::string& event_id);
  // plan_closed: the steps of every version up to the closed one are closed.
  static void ApplyClosed(pqxx::work& tx, const PlanClosedFact& fact, const std::string& event_id);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
};

}  // namespace ccms::employment
