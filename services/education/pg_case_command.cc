#include "services/education/pg_case_command.h"

#include <pqxx/pqxx>

#include "common/db/audit.h"
#include "common/db/scope.h"
#include "services/education/pg_case_store.h"
#include "services/education/pg_service_file_store.h"

namespace ccms::education {
namespace {

constexpr db::Query kCaseInScope = {"education_case_in_scope",
                                    "SELECT 1 FROM cases c WHERE c.case_id = $1::uuid"
                                    " AND ($2::boolean OR c.district_code = ANY($3::text[]))"};
constexpr db::Query kLockCaseInScope = {
    "education_case_lock_in_scope",
    "SELECT 1 FROM cases c WHERE c.case_id = $1::uuid"
    " AND ($2::boolean OR c.district_code = ANY($3::text[])) FOR UPDATE"};

}  // namespace

absl::StatusOr<CaseRow> LoadCaseInScope(pqxx::transaction_base& tx,
                                        const auth::Principal& principal,
                                        const std::string& case_id, bool for_update) {
  const db::DistrictScope scope = db::ScopeOf(principal);
  if (tx.exec_prepared(db::Name(for_update ? kLockCaseInScope : kCaseInScope), case_id, scope.all,
                       scope.districts)
          .empty()) {
    return absl::NotFoundError("case not found");
  }
  return PgCaseStore::Load(tx, case_id);
}

std::vector<db::Query> CaseCommandQueries() { return {kCaseInScope, kLockCaseInScope}; }

absl::Status RunCaseCommand(db::ConnectionPool& pool, kafka::OutboxSignal* signal,
                            const CaseCall& call, const CaseWrite& write, const CaseLoad& reload) {
  bool wrote_events = false;
  absl::Status st = pool.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto events = write(tx);
    if (!events.ok()) return events.status();
    for (const auto& e : *events) kafka::AppendToOutbox(tx, kEducationTopic, e);
    wrote_events = !events->empty();
    db::AppendAudit(tx, call.principal, call.method, call.case_id, "OK", call.request_id);
    return reload(tx);
  });
  if (!st.ok()) {
    AuditRefusal(pool, call, st);
    return st;
  }
  if (wrote_events && signal != nullptr) signal->Notify();
  return absl::OkStatus();
}

absl::Status ReadCase(db::ConnectionPool& pool, const CaseCall& call, const CaseLoad& load) {
  absl::Status st = pool.InTransaction([&](pqxx::work& tx) -> absl::Status {
    absl::Status loaded = load(tx);
    if (!loaded.ok()) return loaded;
    db::AppendAudit(tx, call.principal, call.method, call.case_id, "OK", call.request_id);
    return absl::OkStatus();
  });
  if (!st.ok()) AuditRefusal(pool, call, st);
  return st;
}

void AuditRefusal(db::ConnectionPool& pool, const CaseCall& call, const absl::Status& st) {
  if (st.code() != absl::StatusCode::kNotFound) return;
  (void)pool.InSeparateTransaction([principal = call.principal, method = std::string(call.method),
                                    case_id = call.case_id,
                                    request_id = call.request_id](pqxx::work& tx) {
    db::AppendAudit(tx, principal, method, case_id, "NOT_FOUND", request_id);
    return absl::OkStatus();
  });
}

}  // namespace ccms::education
