#include "common/db/retention.h"

#include <pqxx/pqxx>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"

namespace ccms::db {
namespace {

// `table`'s rows whose `column` is older than $1 seconds, at most $2 of them. Plain SQL (not
// prepared): the pool prepares only the kit's and the service's statements, and this runs rarely.
std::string DeleteOlder(const char* table, const char* column) {
  return absl::StrCat("DELETE FROM ", table, " WHERE ctid IN (SELECT ctid FROM ", table, " WHERE ",
                      column, " < now() - make_interval(secs => $1) LIMIT $2)");
}

// Deletes in batches until a batch comes back short or `max_batches` ran; the count, or the
// first error.
absl::StatusOr<int64_t> PruneTable(ConnectionPool& pool, const std::string& sql,
                                   absl::Duration retention, int batch, int max_batches) {
  const double seconds = absl::ToDoubleSeconds(retention);
  int64_t total = 0;
  for (int i = 0; i < max_batches; ++i) {
    int64_t deleted = 0;
    absl::Status st = pool.InTransaction([&](pqxx::work& tx) {
      deleted = tx.exec_params(sql, seconds, batch).affected_rows();
      return absl::OkStatus();
    });
    if (!st.ok()) return st;
    total += deleted;
    if (deleted < batch) break;
  }
  return total;
}

}  // namespace

RetentionPruner::RetentionPruner(ConnectionPool& pool, RetentionOptions options,
                                 prometheus::Registry* registry)
    : pool_(pool), options_(options) {
  if (registry != nullptr) {
    auto& family = prometheus::BuildCounter()
                       .Name("ccms_retention_pruned_total")
                       .Help("Rows deleted after their retention, by table")
                       .Register(*registry);
    keys_pruned_ = &family.Add({{"table", "idempotency_keys"}});
    inbox_pruned_ = &family.Add({{"table", "inbox"}});
  }
}

absl::StatusOr<Pruned> RetentionPruner::PruneOnce() {
  Pruned pruned;
  auto keys = PruneTable(pool_, DeleteOlder("idempotency_keys", "created_at"),
                         options_.idempotency_keys, options_.batch, options_.max_batches);
  if (!keys.ok()) return keys.status();
  pruned.idempotency_keys = *keys;
  if (keys_pruned_ != nullptr) keys_pruned_->Increment(static_cast<double>(*keys));
  auto inbox = PruneTable(pool_, DeleteOlder("inbox", "processed_at"), options_.inbox,
                          options_.batch, options_.max_batches);
  if (!inbox.ok()) return inbox.status();
  pruned.inbox = *inbox;
  if (inbox_pruned_ != nullptr) inbox_pruned_->Increment(static_cast<double>(*inbox));
  if (pruned.idempotency_keys > 0 || pruned.inbox > 0) {
    log::Info("retention_pruned",
              {{"idempotency_keys", pruned.idempotency_keys}, {"inbox", pruned.inbox}});
  }
  return pruned;
}

}  // namespace ccms::db
