#pragma once

#include <pqxx/connection>
#include <string>

#include "absl/status/status.h"

namespace ccms::db {

// The two database roles of a service (docs/security.md, "Audit log"): the migration role
// (CCMS_DB_MIGRATION_DSN) owns every object and runs the migrations; the runtime role (the user
// of CCMS_DB_DSN) owns nothing and gets only what the calls need.

// Refuses (FailedPrecondition, naming the fix) when `runtime_role` owns the database or any
// object in it, or is the role `migrator` connects as, or is a superuser: the audit log could
// then be rewritten by the runtime role.
absl::Status CheckRuntimeRoleOwnsNothing(pqxx::connection& migrator,
                                         const std::string& runtime_role);

// As the migration role, after migrating: gives `runtime_role` SELECT, INSERT, UPDATE, DELETE on
// every table of the schema, USAGE and SELECT on every sequence, EXECUTE on every function, and
// on audit_log and audit_chain only SELECT and INSERT (USAGE on audit_log's sequence). Idempotent:
// run on every start, so tables added by new migrations are covered.
absl::Status GrantRuntimeRole(pqxx::connection& migrator, const std::string& runtime_role);

}  // namespace ccms::db
