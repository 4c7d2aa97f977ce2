#include "common/db/one_statement.h"

#include <pqxx/pqxx>

#include "common/ids/uuid.h"

namespace ccms::db {

absl::Status Autocommit(ConnectionPool& pool,
                        const std::function<absl::Status(pqxx::transaction_base&)>& fn) {
  if (InsideCommand()) {
    // The command's transaction when it runs on `pool`; else one of this pool's own.
    return pool.InTransaction([&](pqxx::work& tx) { return fn(tx); });
  }
  return pool.WithConnection([&](pqxx::connection& conn) -> absl::Status {
    pqxx::nontransaction tx(conn);
    return fn(tx);
  });
}

AuditValues AuditValuesOf(const auth::Principal& principal, std::string_view action,
                          const std::string& case_id, const std::string& request_id) {
  AuditValues v;
  v.actor = principal.subject;
  v.actor_role = std::string(auth::RoleName(principal.role));
  v.action = std::string(action);
  if (ids::IsUuid(case_id)) v.case_id = case_id;
  v.request_id = request_id;
  if (const std::optional<auth::EndUser>& user = principal.acting_for; user.has_value()) {
    v.on_behalf_of = user->subject;
    v.on_behalf_of_role = std::string(auth::RoleName(user->role));
  }
  return v;
}

}  // namespace ccms::db
