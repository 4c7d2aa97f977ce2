#include "common/db/audit.h"

#include <pqxx/pqxx>

#include "common/ids/uuid.h"

namespace ccms::db {
namespace {

constexpr Query kInsertAudit = {
    "kit_insert_audit",
    "INSERT INTO audit_log (actor, actor_role, action, case_id, result, request_id)"
    " VALUES ($1, $2, $3, $4, $5, $6)"};

}  // namespace

void AppendAudit(pqxx::work& tx, const auth::Principal& principal, std::string_view action,
                 const std::string& case_id, std::string_view result,
                 const std::string& request_id) {
  const bool has_case = ids::IsUuid(case_id);
  tx.exec_prepared(std::string(kInsertAudit.name), principal.subject,
                   std::string(auth::RoleName(principal.role)), std::string(action),
                   has_case ? case_id.c_str() : nullptr, std::string(result), request_id);
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
