#include "common/kafka/dead_letters.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/db/pool.h"

namespace ccms::kafka {
namespace {

constexpr char kColumns[] =
    "id, source, coalesce(event_id::text, ''), event_type, topic, record_key, kafka_partition, "
    "kafka_offset, outbox_id, error_class, attempts, "
    "extract(epoch FROM first_failed_at)::double precision, "
    "extract(epoch FROM dead_at)::double precision, "
    "extract(epoch FROM requeued_at)::double precision, "
    "extract(epoch FROM resolved_at)::double precision";

absl::Time FromEpoch(double seconds) {
  return absl::FromUnixMicros(static_cast<int64_t>(seconds * 1e6));
}

std::optional<absl::Time> OptionalTime(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return FromEpoch(f.as<double>());
}

DeadLetter FromRow(const pqxx::row& r) {
  DeadLetter d;
  d.id = r[0].as<int64_t>();
  d.source = r[1].as<std::string>();
  d.event_id = r[2].as<std::string>();
  d.event_type = r[3].as<std::string>();
  d.topic = r[4].as<std::string>();
  d.record_key = r[5].as<std::string>();
  if (!r[6].is_null()) d.partition = r[6].as<int32_t>();
  if (!r[7].is_null()) d.offset = r[7].as<int64_t>();
  if (!r[8].is_null()) d.outbox_id = r[8].as<int64_t>();
  d.error_class = r[9].as<std::string>();
  d.attempts = r[10].as<int>();
  d.first_failed_at = FromEpoch(r[11].as<double>());
  d.dead_at = FromEpoch(r[12].as<double>());
  d.requeued_at = OptionalTime(r[13]);
  d.resolved_at = OptionalTime(r[14]);
  return d;
}

}  // namespace

absl::StatusOr<std::vector<DeadLetter>> ListDeadLetters(pqxx::connection& conn,
                                                        const DeadLetterQuery& query) {
  try {
    pqxx::nontransaction tx(conn);
    pqxx::result rows = tx.exec_params(
        absl::StrCat("SELECT ", kColumns,
                     " FROM dead_letters WHERE ($1 = '' OR source = $1) "
                     "AND (NOT $2 OR resolved_at IS NULL) AND id > $3 ORDER BY id LIMIT $4"),
        query.source, query.open_only, query.after_id, std::clamp(query.limit, 1, 1000));
    std::vector<DeadLetter> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(FromRow(r));
    return out;
  } catch (...) {
    return db::MapCurrentException("dead letters list");
  }
}

absl::StatusOr<DeadLetter> GetDeadLetter(pqxx::connection& conn, int64_t id) {
  try {
    pqxx::nontransaction tx(conn);
    pqxx::result rows =
        tx.exec_params(absl::StrCat("SELECT ", kColumns, " FROM dead_letters WHERE id = $1"), id);
    if (rows.empty()) return absl::NotFoundError(absl::StrCat("no dead letter ", id));
    return FromRow(rows[0]);
  } catch (...) {
    return db::MapCurrentException("dead letters get");
  }
}

absl::StatusOr<DeadLetter> RequeueDeadLetter(pqxx::connection& conn, int64_t id) {
  try {
    pqxx::work tx(conn);
    pqxx::result rows = tx.exec_params(
        absl::StrCat("SELECT ", kColumns, " FROM dead_letters WHERE id = $1 FOR UPDATE"), id);
    if (rows.empty()) return absl::NotFoundError(absl::StrCat("no dead letter ", id));
    DeadLetter d = FromRow(rows[0]);
    if (d.resolved_at.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat("dead letter ", id, " is resolved already"));
    }
    if (!d.requeued_at.has_value()) {
      rows =
          tx.exec_params(absl::StrCat("UPDATE dead_letters SET requeued_at = now() WHERE id = $1 "
                                      "RETURNING ",
                                      kColumns),
                         id);
      d = FromRow(rows[0]);
    }
    tx.commit();
    return d;
  } catch (...) {
    return db::MapCurrentException("dead letters requeue");
  }
}

}  // namespace ccms::kafka
