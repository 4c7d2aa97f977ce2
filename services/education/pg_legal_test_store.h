#pragma once

#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/education/legal_test_store.h"

namespace ccms::education {

// LegalTestStore on PostgreSQL (tables legal_test_papers, legal_test_sittings of
// migrations/V004; cases of V001).
class PgLegalTestStore final : public LegalTestStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgLegalTestStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<TestPaperRecord> PublishPaper(const auth::Principal& principal,
                                               const std::string& request_id,
                                               const TestPaperRecord& paper) override;
  absl::StatusOr<LegalTestState> Mutate(const auth::Principal& principal,
                                        const std::string& case_id, std::string_view method,
                                        const std::string& request_id, const std::string& paper_id,
                                        int paper_version,
                                        const LegalTestDecision& decide) override;
  absl::StatusOr<LegalTestState> Get(const auth::Principal& principal,
                                     const std::string& case_id) override;
  absl::StatusOr<RetakePage> ListRetakes(const auth::Principal& principal,
                                         const RetakeFilter& filter) override;

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::education
