#pragma once

#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/education/community_service_store.h"

namespace ccms::education {

// CommunityServiceStore on PostgreSQL (tables cs_projects, cs_profiles, cs_members,
// cs_activities, cs_waivers of migrations/V006; cases of V001).
class PgCommunityServiceStore final : public CommunityServiceStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgCommunityServiceStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<ServiceProjectRecord> AddProject(const auth::Principal& principal,
                                                  const std::string& request_id,
                                                  const ServiceProjectRecord& p) override;
  absl::StatusOr<ServiceProjectPage> ListProjects(const auth::Principal& principal,
                                                  std::string_view method,
                                                  const ServiceProjectFilter& f) override;
  absl::StatusOr<CommunityServiceState> Mutate(const auth::Principal& principal,
                                               const std::string& case_id, std::string_view method,
                                               const std::string& request_id,
                                               const std::string& project_id,
                                               const CommunityServiceDecision& decide) override;
  absl::StatusOr<CommunityServiceState> Get(const auth::Principal& principal,
                                            const std::string& case_id, std::string_view method,
                                            std::optional<absl::CivilMonth> month,
                                            ServiceMonthTotals* totals) override;

  // The case's community service in `month` (Asia/Shanghai days), read in the caller's
  // transaction with no scope or audit of its own: the query the monthly hours ledger uses for
  // its community-service hours (docs/education.md, "Community service"). Credited minutes are
  // those of CREDITED activities served in the month (a self-initiated activity counts from its
  // verification on, under the day it was served); pending ones are not credited; waived days
  // are the month's days under at least one waiver.
  static ServiceMonthTotals MonthTotals(pqxx::transaction_base& tx, const std::string& case_id,
                                        absl::CivilMonth month);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::education
