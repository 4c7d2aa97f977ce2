#pragma once

#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/db/query.h"
#include "common/time/clock.h"
#include "services/employment/domain/case_view.h"
#include "services/employment/domain/employment_policy.h"

namespace ccms::employment {

// The cases employment follows from ccms.records.v1 (table `cases`), written inside the
// consumer's inbox transaction, so an event applies exactly once with its inbox row. What a
// case's change does to its referrals happens in the same transaction: a transfer moves them to
// the new district; a closed case withdraws its open ones (reason CASE_CLOSED, with their
// events); lost contact pauses them (the escalation waits), found again resumes them. Discharge
// approaching makes a resettlement referral due (PgResettlementStore); a closed case cancels it.
class PgCaseStore {
 public:
  PgCaseStore(const domain::EmploymentPolicies& policies, const time::Clock& clock)
      : policies_(policies), clock_(clock) {}

  // Applies `fact` to case `case_id`, creating the case in `district_code` (the envelope's) when
  // employment has not seen it yet.
  absl::Status Apply(pqxx::work& tx, const std::string& case_id, const std::string& district_code,
                     const domain::RecordsFact& fact) const;

  // The case, unscoped (tests); NOT_FOUND if unknown.
  static absl::StatusOr<domain::CaseView> Load(pqxx::transaction_base& tx,
                                               const std::string& case_id);

  static std::vector<db::Query> Queries();

 private:
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
