#include "common/db/audit.h"

#include <pqxx/pqxx>

#include "common/ids/uuid.h"

namespace ccms::db {
namespace {

constexpr Query kInsertAudit = {
    "kit_insert_audit",
    "INSERT INTO audit_log (actor, actor_role, action, case_id, result, request_id,"
    " on_behalf_of, on_behalf_of_role) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};

}  // namespace

void AppendAudit(pqxx::work& tx, const auth::Principal& principal, std::string_view action,
                 const std::string& case_id, std::string_view result,
                 const std::string& request_id) {
  const bool has_case = ids::IsUuid(case_id);
  const std::optional<auth::EndUser>& user = principal.acting_for;
  const std::string user_role = user.has_value() ? std::string(auth::RoleName(user->role)) : "";
  tx.exec_prepared(std::string(kInsertAudit.name), principal.subject,
                   std::string(auth::RoleName(principal.role)), std::string(action),
                   has_case ? case_id.c_str() : nullptr, std::string(result), request_id,
                   user.has_value() ? user->subject.c_str() : nullptr,
                   user.has_value() ? user_role.c_str() : nullptr);
}

absl::Status AppendAuditNow(ConnectionPool& pool, const auth::Principal& principal,
                            std::string_view action, const std::string& case_id,
                            std::string_view result, const std::string& request_id) {
  return pool.InTransaction([&](pqxx::work& tx) {
    AppendAudit(tx, principal, action, case_id, result, request_id);
    return absl::OkStatus();
  });
}

const std::vector<Query>& AuditQueries() {
  static const std::vector<Query> kQueries = {kInsertAudit};
  return kQueries;
}

}  // namespace ccms::db
