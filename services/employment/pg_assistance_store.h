#pragma once

#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/employment/assistance_store.h"

namespace ccms::employment {

// AssistanceStore on PostgreSQL (table assistance_records).
class PgAssistanceStore final : public AssistanceStore {
 public:
  PgAssistanceStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<AssistanceRecordRow> Record(const auth::Principal& principal,
                                             const std::string& case_id,
                                             const std::string& request_id,
                                             const NewAssistanceDecision& decide) override;
  absl::StatusOr<AssistanceRecordRow> Change(const auth::Principal& principal,
                                             const std::string& assistance_id,
                                             const std::string& request_id,
                                             const AssistanceChangeDecision& decide) override;
  absl::StatusOr<AssistancePage> List(const auth::Principal& principal,
                                      const AssistanceFilter& filter) override;
  absl::StatusOr<std::vector<AssistanceSumRow>> Sum(const auth::Principal& principal,
                                                    const std::string& district,
                                                    absl::CivilDay first,
                                                    absl::CivilDay last) override;

  // In the consumer's transaction when records closes the case: its GRANTED records ENDED and
  // its APPLIED ones REFUSED on `on`, code CASE_CLOSED; returns how many. No event (only grants
  // have one).
  static int CloseOnCaseClosed(pqxx::work& tx, const std::string& case_id, absl::CivilDay on);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
