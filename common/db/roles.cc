#include "common/db/roles.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/pool.h"

namespace ccms::db {
namespace {

// Tables the runtime role may only read and append to.
constexpr const char* kAppendOnlyTables[] = {"audit_log", "audit_chain"};

}  // namespace

absl::Status CheckRuntimeRoleOwnsNothing(pqxx::connection& migrator,
                                         const std::string& runtime_role) {
  try {
    pqxx::work tx(migrator);
    pqxx::result role = tx.exec_params(
        "SELECT oid, rolsuper, rolname = current_user FROM pg_roles WHERE rolname = $1",
        runtime_role);
    if (role.empty()) {
      return absl::FailedPreconditionError(
          "the runtime role (the user of CCMS_DB_DSN) does not exist in this cluster");
    }
    if (role[0][2].as<bool>()) {
      return absl::FailedPreconditionError(
          "CCMS_DB_MIGRATION_DSN and CCMS_DB_DSN connect as the same role; the runtime role must "
          "be another one, owning nothing (docs/security.md, \"Audit log\")");
    }
    if (role[0][1].as<bool>()) {
      return absl::FailedPreconditionError(
          "the runtime role (the user of CCMS_DB_DSN) is a superuser; it must be a plain role");
    }
    const auto oid = role[0][0].as<std::string>();
    pqxx::row owned = tx.exec_params1(
        "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "        WHERE c.relowner = $1::oid AND n.nspname NOT IN ('pg_catalog', "
        "'information_schema')) "
        "     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "        WHERE p.proowner = $1::oid AND n.nspname NOT IN ('pg_catalog', "
        "'information_schema')) "
        "     + (SELECT count(*) FROM pg_namespace WHERE nspowner = $1::oid) "
        "     + (SELECT count(*) FROM pg_database "
        "        WHERE datname = current_database() AND datdba = $1::oid)",
        oid);
    const int64_t count = owned[0].as<int64_t>();
    if (count > 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the runtime role (the user of CCMS_DB_DSN) owns ", count,
          " objects of this database (or the database); the migration role must own them: as a "
          "superuser run ALTER DATABASE <db> OWNER TO <migration role> and, in the database, "
          "REASSIGN OWNED BY <runtime role> TO <migration role> (docs/operations.md, \"Database "
          "roles\")"));
    }
    tx.commit();
    return absl::OkStatus();
  } catch (...) {
    return MapCurrentException("check the runtime role");
  }
}

absl::Status GrantRuntimeRole(pqxx::connection& migrator, const std::string& runtime_role) {
  try {
    pqxx::work tx(migrator);
    const std::string role = tx.quote_name(runtime_role);
    const std::string schema =
        "SCHEMA " + tx.quote_name(tx.exec("SELECT current_schema()")[0][0].as<std::string>());
    tx.exec("GRANT CONNECT ON DATABASE " + tx.quote_name(migrator.dbname()) + " TO " + role);
    tx.exec("GRANT USAGE ON " + schema + " TO " + role);
    tx.exec("REVOKE ALL ON ALL TABLES IN " + schema + " FROM " + role);
    // TRUNCATE too: a projection rebuilt from the topics (reporting's --rebuild) empties its
    // tables; the audit tables lose it again below.
    tx.exec("GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN " + schema + " TO " +
            role);
    tx.exec("REVOKE ALL ON ALL SEQUENCES IN " + schema + " FROM " + role);
    tx.exec("GRANT USAGE, SELECT ON ALL SEQUENCES IN " + schema + " TO " + role);
    tx.exec("GRANT EXECUTE ON ALL FUNCTIONS IN " + schema + " TO " + role);
    tx.exec("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM " + role);
    for (const char* table : kAppendOnlyTables) {
      tx.exec(absl::StrCat("REVOKE ALL ON ", table, " FROM ", role));
      tx.exec(absl::StrCat("GRANT SELECT, INSERT ON ", table, " TO ", role));
    }
    tx.exec("REVOKE ALL ON SEQUENCE audit_log_audit_id_seq FROM " + role);
    tx.exec("GRANT USAGE ON SEQUENCE audit_log_audit_id_seq TO " + role);
    tx.commit();
    return absl::OkStatus();
  } catch (...) {
    return MapCurrentException("grant the runtime role");
  }
}

}  // namespace ccms::db
