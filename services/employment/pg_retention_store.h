#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/employment/retention_store.h"

namespace ccms::employment {

// RetentionStore on PostgreSQL (tables employment_spells, retention_checks).
class PgRetentionStore final : public RetentionStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgRetentionStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<SpellRecord> Start(const auth::Principal& principal, const std::string& case_id,
                                    const std::string& referral_id, const std::string& partner_id,
                                    const std::string& request_id,
                                    const SpellStartDecision& decide) override;
  absl::StatusOr<SpellRecord> End(const auth::Principal& principal, const std::string& spell_id,
                                  const std::string& request_id,
                                  const SpellEndDecision& decide) override;
  absl::StatusOr<CheckRecord> Confirm(const auth::Principal& principal, const std::string& spell_id,
                                      int day_offset, const std::string& request_id,
                                      const CheckDecision& decide) override;
  absl::StatusOr<CheckPage> List(const auth::Principal& principal, const CheckFilter& f,
                                 std::string_view action) override;
  absl::StatusOr<int> SweepMissed(absl::CivilDay today, int limit,
                                  const CheckDecision& decide) override;

  // The consumer's part: a transferred case's spells and checks move to its new district.
  static void MoveSpells(pqxx::work& tx, const std::string& case_id,
                         const std::string& district_code);
  // The consumer's part: when the case closes, ccms stops following the person's work: the
  // checks still pending and due after the closing day are CANCELLED (those due on or before it
  // stay, to be confirmed or missed). The spell itself is not ended: the job may go on. Returns
  // how many were cancelled.
  static int CancelChecksOnCaseClosed(pqxx::work& tx, const std::string& case_id,
                                      absl::CivilDay closed_on);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
