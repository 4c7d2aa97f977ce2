#pragma once

#include <functional>
#include <pqxx/transaction>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/education/case_rows.h"

namespace ccms::education {

// Who runs a command or a read on one case, and under which name it is audited.
struct CaseCall {
  const auth::Principal& principal;
  std::string_view method;
  const std::string& case_id;  // the audited entity; empty for a command on no one case
  const std::string& request_id;
};

// Locks and loads the case in the caller's district scope (NOT_FOUND outside it), decides and
// writes; returns the events the command raised, or the refusal (nothing is written then).
using CaseWrite = std::function<absl::StatusOr<std::vector<events::v1::Envelope>>(pqxx::work& tx)>;

// Loads what the caller gets back (in the same transaction); NOT_FOUND outside the scope.
using CaseLoad = std::function<absl::Status(pqxx::work& tx)>;

// The write sequence of every education command on a case, in one transaction: `write`, the
// events to the outbox (topic ccms.education.v1), the audit row `method`/OK, then `reload`. A
// NOT_FOUND (a case outside the caller's reach) is audited in a separate transaction, as the
// command's own rolls back. The relay is woken (`signal` may be null) after a commit with events.
absl::Status RunCaseCommand(db::ConnectionPool& pool, kafka::OutboxSignal* signal,
                            const CaseCall& call, const CaseWrite& write, const CaseLoad& reload);

// A read of a case: `load`, then the audit row `method`/OK in the same transaction; a NOT_FOUND
// audited as RunCaseCommand does.
absl::Status ReadCase(db::ConnectionPool& pool, const CaseCall& call, const CaseLoad& load);

// The case in the caller's district scope (the scope is in the SQL), locked FOR UPDATE when
// `for_update`: the first step of every LoadState of a case command. NOT_FOUND outside the scope
// or when education has not heard of the case.
absl::StatusOr<CaseRow> LoadCaseInScope(pqxx::transaction_base& tx,
                                        const auth::Principal& principal,
                                        const std::string& case_id, bool for_update);

// The statements LoadCaseInScope prepares.
std::vector<db::Query> CaseCommandQueries();

// Moves the value into `out` and answers OK, or answers the error: a CaseLoad's last line.
template <typename T>
absl::Status MoveInto(absl::StatusOr<T> value, T& out) {
  if (!value.ok()) return value.status();
  out = *std::move(value);
  return absl::OkStatus();
}

// The audit row `method`/NOT_FOUND of a call refused because the case is outside the caller's
// reach, in a transaction of its own; other refusals are not written here.
void AuditRefusal(db::ConnectionPool& pool, const CaseCall& call, const absl::Status& st);

}  // namespace ccms::education
