#include "services/reporting/pg_snapshot_store.h"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/audit.h"
#include "common/time/calendar.h"
#include "services/reporting/snapshot_codec.h"

namespace ccms::reporting {
namespace {

using db::Name;

constexpr db::Query kLock = {
    "reporting_snapshot_lock",
    "SELECT pg_advisory_xact_lock(hashtextextended('report_snapshot:' || $1 || '/' || $2 || '/'"
    " || $3 || '/' || $4, 0))"};
// The next offset per topic and partition of the group $1 (and its suffixed members), from the
// index inbox_positions (V006) instead of the whole inbox: the (consumer, topic, partition) keys
// are walked one index probe each (a skip scan: few keys, millions of rows after a rebuild), then
// each key's highest offset is one probe more. Every key is visited, not only those after $1: in
// the database's collation the group's suffixed names need not sort next to it.
constexpr db::Query kPositions = {
    "reporting_applied_positions",
    "WITH RECURSIVE k AS ((SELECT consumer, topic, kafka_partition FROM inbox"
    " ORDER BY consumer, topic, kafka_partition LIMIT 1) UNION ALL"
    " SELECT n.consumer, n.topic, n.kafka_partition FROM k CROSS JOIN LATERAL"
    " (SELECT consumer, topic, kafka_partition FROM inbox"
    " WHERE (consumer, topic, kafka_partition) > (k.consumer, k.topic, k.kafka_partition)"
    " ORDER BY consumer, topic, kafka_partition LIMIT 1) n)"
    " SELECT k.topic, k.kafka_partition, max(m.kafka_offset) + 1 FROM k CROSS JOIN LATERAL"
    " (SELECT kafka_offset FROM inbox i WHERE i.consumer = k.consumer AND i.topic = k.topic"
    " AND i.kafka_partition = k.kafka_partition ORDER BY kafka_offset DESC LIMIT 1) m"
    " WHERE k.consumer = $1 OR k.consumer LIKE $1 || '-%'"
    " GROUP BY k.topic, k.kafka_partition ORDER BY k.topic, k.kafka_partition"};
constexpr db::Query kVersions = {
    "reporting_snapshot_versions",
    "SELECT version, checksum, (extract(epoch FROM computed_at) * 1000000)::bigint,"
    " (extract(epoch FROM published_at) * 1000000)::bigint,"
    " (extract(epoch FROM as_known_at) * 1000000)::bigint FROM report_snapshot"
    " WHERE report_id = $1 AND scope = $2 AND period_start = $3::date AND office_id = $4"
    " ORDER BY version"};
constexpr db::Query kGet = {
    "reporting_snapshot_get",
    "SELECT content, checksum, positions::text,"
    " (extract(epoch FROM computed_at) * 1000000)::bigint,"
    " (extract(epoch FROM published_at) * 1000000)::bigint,"
    " (extract(epoch FROM as_known_at) * 1000000)::bigint FROM report_snapshot"
    " WHERE report_id = $1 AND scope = $2 AND period_start = $3::date AND version = $4"
    " AND office_id = $5"};
constexpr db::Query kInsert = {
    "reporting_snapshot_insert",
    "INSERT INTO report_snapshot (report_id, scope, period_start, version, period_end,"
    " definitions_version, reports_version, policy_version, positions, content, checksum,"
    " computed_at, office_id, as_known_at) VALUES ($1, $2, $3::date, $4, $5::date, $6, $7, $8,"
    " $9::jsonb, $10, $11, to_timestamp($12::double precision / 1000000), $13,"
    " to_timestamp(NULLIF($14, '')::double precision / 1000000))"};
constexpr db::Query kReplace = {
    "reporting_snapshot_replace",
    "UPDATE report_snapshot SET period_end = $5::date, definitions_version = $6,"
    " reports_version = $7, policy_version = $8, positions = $9::jsonb, content = $10,"
    " checksum = $11, computed_at = to_timestamp($12::double precision / 1000000),"
    " as_known_at = to_timestamp(NULLIF($14, '')::double precision / 1000000)"
    " WHERE report_id = $1 AND scope = $2 AND period_start = $3::date AND version = $4"
    " AND office_id = $13 AND published_at IS NULL"};
constexpr db::Query kPublish = {
    "reporting_snapshot_publish",
    "UPDATE report_snapshot SET published_at = now() WHERE report_id = $1 AND scope = $2"
    " AND period_start = $3::date AND version = $4 AND office_id = $5 AND published_at IS NULL"};
constexpr db::Query kExists = {
    "reporting_snapshot_exists",
    "SELECT published_at IS NOT NULL FROM report_snapshot WHERE report_id = $1 AND scope = $2"
    " AND period_start = $3::date AND version = $4 AND office_id = $5"};

absl::Time FromMicros(const pqxx::field& f) { return absl::FromUnixMicros(f.as<int64_t>()); }

std::optional<absl::Time> OptMicros(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return FromMicros(f);
}

std::string PositionsJson(const std::vector<TopicPosition>& positions) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& p : positions) {
    j.push_back({{"topic", p.topic}, {"partition", p.partition}, {"next_offset", p.next_offset}});
  }
  return j.dump();
}

std::vector<TopicPosition> ParsePositions(const std::string& text) {
  std::vector<TopicPosition> out;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& p : j) {
    if (!p.is_object()) continue;
    out.push_back({p.value("topic", ""), p.value("partition", 0),
                   p.value("next_offset", static_cast<int64_t>(0))});
  }
  return out;
}

}  // namespace

std::string AuditName(const SnapshotKey& key, int version) {
  return absl::StrCat(key.report_id, "/", key.scope.empty() ? "city" : key.scope,
                      key.office_id.empty() ? "" : "/", key.office_id, "/",
                      time::FormatDate(key.period_start), "/v", version);
}

std::vector<db::Query> PgSnapshotStore::Queries() {
  return {kLock, kPositions, kVersions, kGet, kInsert, kReplace, kPublish, kExists};
}

absl::Status PgSnapshotStore::Lock(const SnapshotKey& key) {
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared(Name(kLock), key.report_id, key.scope, time::FormatDate(key.period_start),
                     key.office_id);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<TopicPosition>> PgSnapshotStore::AppliedPositions(
    const std::string& consumer_group) {
  std::vector<TopicPosition> out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& r : tx.exec_prepared(Name(kPositions), consumer_group)) {
      out.push_back({r[0].as<std::string>(), r[1].as<int>(), r[2].as<int64_t>()});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::vector<SnapshotVersionInfo>> PgSnapshotStore::Versions(const SnapshotKey& key) {
  std::vector<SnapshotVersionInfo> out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& r : tx.exec_prepared(Name(kVersions), key.report_id, key.scope,
                                          time::FormatDate(key.period_start), key.office_id)) {
      out.push_back({r[0].as<int>(), r[1].as<std::string>(), FromMicros(r[2]), OptMicros(r[3]),
                     OptMicros(r[4])});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<StoredSnapshot> PgSnapshotStore::Get(const SnapshotKey& key, int version) {
  StoredSnapshot out;
  bool found = false;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const pqxx::result r =
        tx.exec_prepared(Name(kGet), key.report_id, key.scope, time::FormatDate(key.period_start),
                         version, key.office_id);
    if (r.empty()) return absl::OkStatus();
    found = true;
    out.version = version;
    out.canonical = r[0][0].as<std::string>();
    out.checksum = r[0][1].as<std::string>();
    out.positions = ParsePositions(r[0][2].as<std::string>());
    out.computed_at = FromMicros(r[0][3]);
    out.published_at = OptMicros(r[0][4]);
    out.as_known_at = OptMicros(r[0][5]);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (!found) return absl::NotFoundError("no such report version");
  auto content = ParseCanonicalText(out.canonical);
  if (!content.ok()) return content.status();
  out.content = *std::move(content);
  return out;
}

absl::Status PgSnapshotStore::Save(const SnapshotKey& key, const StoredSnapshot& s, bool replace,
                                   const auth::Principal& principal,
                                   const std::string& request_id) {
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const pqxx::result r = tx.exec_prepared(
        Name(replace ? kReplace : kInsert), key.report_id, key.scope,
        time::FormatDate(key.period_start), s.version, time::FormatDate(s.content.period.end),
        s.content.definitions_version, s.content.reports_version, s.content.policy_version,
        PositionsJson(s.positions), s.canonical, s.checksum, absl::ToUnixMicros(s.computed_at),
        key.office_id,
        s.as_known_at.has_value() ? absl::StrCat(absl::ToUnixMicros(*s.as_known_at)) : "");
    if (r.affected_rows() != 1) {
      return absl::AbortedError("the report version changed meanwhile; retry");
    }
    db::AppendAudit(tx, principal, "RunSnapshot", "", AuditName(key, s.version), request_id);
    return absl::OkStatus();
  });
}

absl::Status PgSnapshotStore::AuditUnchanged(const SnapshotKey& key, int version,
                                             const auth::Principal& principal,
                                             const std::string& request_id) {
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    db::AppendAudit(tx, principal, "RunSnapshot", "",
                    absl::StrCat(AuditName(key, version), " unchanged"), request_id);
    return absl::OkStatus();
  });
}

absl::Status PgSnapshotStore::Publish(const SnapshotKey& key, int version,
                                      const auth::Principal& principal,
                                      const std::string& request_id) {
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const std::string start = time::FormatDate(key.period_start);
    const pqxx::result e =
        tx.exec_prepared(Name(kExists), key.report_id, key.scope, start, version, key.office_id);
    if (e.empty()) return absl::NotFoundError("no such report version");
    if (e[0][0].as<bool>()) {
      return absl::FailedPreconditionError("the version is published already");
    }
    tx.exec_prepared(Name(kPublish), key.report_id, key.scope, start, version, key.office_id);
    db::AppendAudit(tx, principal, "PublishReport", "", AuditName(key, version), request_id);
    return absl::OkStatus();
  });
}

}  // namespace ccms::reporting
