#include "common/db/migrations.h"

#include <openssl/evp.h>

#include <map>
#include <pqxx/pqxx>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/db/pool.h"
#include "common/log/log.h"

namespace ccms::db {
namespace {

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), len));
}

// Any fixed 64-bit number; all replicas of all services share the schema_migrations table per
// database, and each service has its own database.
constexpr int64_t kMigrationLockKey = 0x63636d735f6d6967;  // "ccms_mig"

}  // namespace

absl::Status ApplyMigrations(pqxx::connection& conn, std::string_view component_view,
                             const std::vector<Migration>& migrations) {
  const std::string component(component_view);
  try {
    // Session-level lock: held across the per-migration transactions below.
    pqxx::nontransaction(conn).exec(
        absl::StrCat("SELECT pg_advisory_lock(", kMigrationLockKey, ")"));
    struct Unlock {
      pqxx::connection& c;
      ~Unlock() {
        try {
          pqxx::nontransaction(c).exec(
              absl::StrCat("SELECT pg_advisory_unlock(", kMigrationLockKey, ")"));
        } catch (...) {
        }
      }
    } unlock{conn};
    // Only when missing: a role that may not create tables (the runtime role of a database
    // migrated by its migration role) can still check that nothing is left to apply.
    pqxx::nontransaction(conn).exec(
        "DO $$BEGIN IF to_regclass('schema_migrations') IS NULL THEN "
        "CREATE TABLE schema_migrations ("
        " component text NOT NULL, version integer NOT NULL, name text NOT NULL,"
        " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
        " PRIMARY KEY (component, version)); END IF; END$$");
    std::map<int, std::string> applied;
    {
      pqxx::nontransaction read(conn);
      for (const auto& row : read.exec_params(
               "SELECT version, checksum FROM schema_migrations WHERE component = $1", component)) {
        applied[row[0].as<int>()] = row[1].as<std::string>();
      }
    }
    int previous = 0;
    for (const Migration& m : migrations) {
      if (m.version <= previous) {
        return absl::InternalError(
            absl::StrCat("migrations of ", component, " are not in increasing order at ", m.name));
      }
      previous = m.version;
      const std::string checksum = Sha256Hex(m.sql);
      auto it = applied.find(m.version);
      if (it != applied.end()) {
        if (it->second != checksum) {
          return absl::FailedPreconditionError(absl::StrCat(
              "migration ", m.name, " of ", component,
              " changed after it was applied; migrations only move forward: add a new file"));
        }
        continue;
      }
      pqxx::work tx(conn);
      tx.exec(m.sql);
      tx.exec_params(
          "INSERT INTO schema_migrations (component, version, name, checksum) "
          "VALUES ($1, $2, $3, $4)",
          std::string(component), m.version, m.name, checksum);
      tx.commit();
      log::Info("migration_applied", {{"component", component}, {"migration", m.name}});
    }
    for (const auto& [version, unused] : applied) {
      (void)unused;
      if (version > previous) {
        return absl::FailedPreconditionError(
            absl::StrCat("the database of ", component, " has migration ", version,
                         " that this binary does not know; run a newer release"));
      }
    }
    return absl::OkStatus();
  } catch (...) {
    return MapCurrentException(absl::StrCat("migrate ", component));
  }
}

}  // namespace ccms::db
