#include "common/db/audit.h"

#include <pqxx/pqxx>

#include "common/db/one_statement.h"

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
  const AuditValues v = AuditValuesOf(principal, action, case_id, request_id);
  tx.exec_prepared(std::string(kInsertAudit.name), v.actor, v.actor_role, v.action,
                   OrNull(v.case_id), std::string(result), v.request_id, OrNull(v.on_behalf_of),
                   OrNull(v.on_behalf_of_role));
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
