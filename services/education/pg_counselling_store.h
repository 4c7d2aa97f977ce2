#pragma once

#include <pqxx/transaction>
#include <string>
#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/education/counselling_store.h"
#include "services/education/domain/education_policy.h"

namespace ccms::education {

// A crisis flag raised in assessment (ccms.assessment.crisis_flag_raised), as education keeps it.
struct CrisisFlagFact {
  std::string flag_id;
  std::string case_id;
  std::string district_code;
  std::string crisis_kind;  // SUICIDE, SELF_HARM, VIOLENCE, ...
  absl::Time raised_at;
};

// CounsellingStore on PostgreSQL (tables counselling_experts, counselling_sessions, psych_files,
// counselling_referrals, urgent_contacts of migrations/V004; cases of V001).
class PgCounsellingStore final : public CounsellingStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgCounsellingStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<ExpertRecord> RegisterExpert(const auth::Principal& principal,
                                              const std::string& request_id,
                                              const ExpertRecord& expert) override;
  absl::StatusOr<ExpertPage> ListExperts(const auth::Principal& principal,
                                         const std::string& district_code, int page_size,
                                         const std::string& after_expert_id) override;
  absl::StatusOr<CareState> Mutate(const auth::Principal& principal, const std::string& case_id,
                                   std::string_view method, const std::string& request_id,
                                   const std::string& expert_id,
                                   const CareDecision& decide) override;
  absl::StatusOr<CareState> Get(const auth::Principal& principal,
                                const std::string& case_id) override;
  absl::StatusOr<UrgentPage> ListUrgent(const auth::Principal& principal,
                                        const UrgentFilter& filter) override;

  // Makes the flag's urgent contact due (once per flag id: a redelivery changes nothing), in the
  // consumer's inbox transaction; a session already recorded at or after the flag meets it.
  static absl::Status ApplyCrisisFlag(pqxx::work& tx, const CrisisFlagFact& flag,
                                      const domain::EducationPolicies& policies);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::education
