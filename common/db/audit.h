#pragma once

#include <pqxx/transaction>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/principal.h"
#include "common/db/pool.h"
#include "common/db/query.h"

namespace ccms::db {

// Appends a row to audit_log (common's migration): who (`principal`), on whose behalf
// (`principal.acting_for`, the end user a calling service forwarded, else NULL), what (`action`, the RPC
// name), on which case (`case_id`, kept NULL when it is not a UUID, e.g. a malformed request),
// with which result ("OK", "DENIED", "NOT_FOUND", a count…) and under which request id. Written
// in the caller's transaction, so the row commits with the change it describes.
void AppendAudit(pqxx::work& tx, const auth::Principal& principal, std::string_view action,
                 const std::string& case_id, std::string_view result,
                 const std::string& request_id);

// The same row in a transaction of its own on a connection of `pool`: for refusals that happen
// before any store is reached (a call refused at the transport, common/grpc/call_executor.h).
absl::Status AppendAuditNow(ConnectionPool& pool, const auth::Principal& principal,
                            std::string_view action, const std::string& case_id,
                            std::string_view result, const std::string& request_id);

// The statement above, prepared on every connection of a pool (ConnectionPool adds it).
const std::vector<Query>& AuditQueries();

}  // namespace ccms::db
