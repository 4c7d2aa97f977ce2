#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/employment/opening_store.h"

namespace ccms::employment {

// OpeningStore on PostgreSQL (table job_openings).
class PgOpeningStore final : public OpeningStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgOpeningStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<OpeningRecord> Post(const auth::Principal& principal,
                                     const std::string& partner_id, const std::string& request_id,
                                     const PostDecision& decide) override;
  absl::StatusOr<OpeningRecord> Mutate(const auth::Principal& principal,
                                       const std::string& opening_id, std::string_view method,
                                       const std::string& request_id,
                                       const OpeningDecision& decide) override;
  absl::StatusOr<std::pair<std::vector<OpeningRecord>, std::string>> List(
      const auth::Principal& principal, const OpeningFilter& filter) override;
  absl::StatusOr<MatchInput> ForCase(const auth::Principal& principal, const std::string& case_id,
                                     const DistrictsFor& districts_for, absl::Time obligations_from,
                                     absl::Time obligations_to) override;

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
