#pragma once

// Work done as ONE statement, one round trip to PostgreSQL: a read and its audit row (records'
// GetCase), a change with its audit and outbox rows. What such a statement needs from the kit.

#include <functional>
#include <optional>
#include <pqxx/transaction>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/auth/principal.h"
#include "common/db/pool.h"

namespace ccms::db {

// Runs `fn` on a connection of `pool` outside a transaction block (pqxx::nontransaction: no BEGIN
// and no COMMIT): each statement `fn` runs is a transaction of its own and one round trip, so
// `fn` should run one statement. A setting its transaction needs is folded into the statement
// (`set_config(name, value, true)` lasts until that statement's own commit). Inside a command,
// `fn` runs in a transaction as ConnectionPool::InTransaction's does (the command's, on its pool).
absl::Status Autocommit(ConnectionPool& pool,
                        const std::function<absl::Status(pqxx::transaction_base&)>& fn);

// The values of an audit row (AppendAudit's, common/db/audit.h) for a statement that writes the
// row itself beside the work it audits. Columns in AppendAudit's order: actor, actor_role,
// action, case_id, result (the statement's to decide), request_id, on_behalf_of,
// on_behalf_of_role.
struct AuditValues {
  std::string actor;
  std::string actor_role;
  std::string action;
  std::optional<std::string> case_id;  // NULL when not a UUID
  std::string request_id;
  std::optional<std::string> on_behalf_of;  // the end user a calling service acts for
  std::optional<std::string> on_behalf_of_role;
};
AuditValues AuditValuesOf(const auth::Principal& principal, std::string_view action,
                          const std::string& case_id, const std::string& request_id);

// A parameter that is SQL NULL when `value` is empty (libpqxx 6.4 sends a null char* as NULL).
inline const char* OrNull(const std::optional<std::string>& value) {
  return value.has_value() ? value->c_str() : nullptr;
}

}  // namespace ccms::db
