#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <utility>
#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/employment/halfway_house_store.h"

namespace ccms::employment {

// HalfwayHouseStore on PostgreSQL (tables halfway_houses, halfway_house_placements).
class PgHalfwayHouseStore final : public HalfwayHouseStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgHalfwayHouseStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<HalfwayHouseRecord> Register(const auth::Principal& principal,
                                              const HalfwayHouseRecord& house,
                                              const std::string& request_id) override;
  absl::StatusOr<std::pair<PlacementRecord, HalfwayHouseRecord>> Admit(
      const auth::Principal& principal, const std::string& house_id, const std::string& case_id,
      const std::string& request_id, const AdmissionDecision& decide) override;
  absl::StatusOr<std::pair<PlacementRecord, HalfwayHouseRecord>> Leave(
      const auth::Principal& principal, const std::string& placement_id,
      const std::string& request_id, const LeaveDecision& decide) override;
  absl::StatusOr<HalfwayHousePage> List(const auth::Principal& principal,
                                        const HalfwayHouseFilter& filter) override;

  // The consumer's part: a closed case's open placement ends on `on` (not before its admission)
  // with reason CASE_CLOSED; returns the placement as ended and its house, or nothing.
  static std::optional<std::pair<PlacementRecord, HalfwayHouseRecord>> EndOnCaseClosed(
      pqxx::work& tx, const std::string& case_id, absl::CivilDay on);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
