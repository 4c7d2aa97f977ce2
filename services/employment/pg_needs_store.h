#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/employment/needs_store.h"

namespace ccms::employment {

// NeedsStore on PostgreSQL (tables needs_surveys, career_plans, skills_profiles,
// skill_certificates).
class PgNeedsStore final : public NeedsStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgNeedsStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<SurveyRecord> RecordSurvey(const auth::Principal& principal,
                                            const std::string& case_id,
                                            const std::string& request_id,
                                            const SurveyDecision& decide) override;
  absl::StatusOr<PlanRecord> DraftPlan(const auth::Principal& principal, const std::string& case_id,
                                       const std::string& request_id,
                                       const DraftDecision& decide) override;
  absl::StatusOr<PlanRecord> AgreePlan(const auth::Principal& principal, const std::string& plan_id,
                                       const std::string& request_id,
                                       const AgreeDecision& decide) override;
  absl::StatusOr<ProfileRecord> RecordProfile(const auth::Principal& principal,
                                              const std::string& case_id,
                                              const std::string& request_id,
                                              const ProfileDecision& decide) override;
  absl::StatusOr<CaseNeeds> Get(const auth::Principal& principal,
                                const std::string& case_id) override;

  // The skill codes of the case's profile, nullopt when none is recorded (matching).
  static std::optional<std::vector<std::string>> ProfileSkills(pqxx::transaction_base& tx,
                                                               const std::string& case_id);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
