#pragma once

#include <pqxx/connection>
#include <pqxx/transaction>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace ccms::db {

// One forward-only schema step, from services/<svc>/migrations/V<version>__<name>.sql, compiled
// into the binary (cmake/embed_migrations.cmake) so a service needs no files beside it.
struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// The tables every service has (outbox, inbox, idempotency keys): common/db/migrations/.
const std::vector<Migration>& CommonMigrations();

// Applies the migrations of `component` that are not yet in schema_migrations, each in its own
// transaction, under a Postgres advisory lock so replicas starting together do not race. An
// applied migration whose text changed since is refused (forward only: add a new file).
absl::Status ApplyMigrations(pqxx::connection& conn, std::string_view component,
                             const std::vector<Migration>& migrations);

}  // namespace ccms::db
