#pragma once

#include <string>
#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "services/reporting/snapshot_store.h"

namespace ccms::reporting {

// Report snapshots over PostgreSQL (migrations/V002__snapshots.sql), with their audit rows.
// Named prepared statements (Queries()).
class PgSnapshotStore final : public SnapshotStore {
 public:
  explicit PgSnapshotStore(db::ConnectionPool& pool) : pool_(pool) {}

  static std::vector<db::Query> Queries();

  absl::Status Lock(const SnapshotKey& key) override;
  absl::StatusOr<std::vector<TopicPosition>> AppliedPositions(
      const std::string& consumer_group) override;
  absl::StatusOr<std::vector<SnapshotVersionInfo>> Versions(const SnapshotKey& key) override;
  absl::StatusOr<StoredSnapshot> Get(const SnapshotKey& key, int version) override;
  absl::Status Save(const SnapshotKey& key, const StoredSnapshot& snapshot, bool replace,
                    const auth::Principal& principal, const std::string& request_id) override;
  absl::Status AuditUnchanged(const SnapshotKey& key, int version, const auth::Principal& principal,
                              const std::string& request_id) override;
  absl::Status Publish(const SnapshotKey& key, int version, const auth::Principal& principal,
                       const std::string& request_id) override;

 private:
  db::ConnectionPool& pool_;
};

// "monthly/659001/2026-01-01/v2" ("city" for the city's scope): how audit rows name a snapshot.
std::string AuditName(const SnapshotKey& key, int version);

}  // namespace ccms::reporting
