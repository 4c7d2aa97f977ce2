#pragma once

// Helpers shared by the two files of PgRecordsStore (cases; activities). Not for other users.

#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/auth/principal.h"
#include "common/db/audit.h"
#include "common/db/query.h"
#include "common/db/scope.h"
#include "services/records/records_store.h"

namespace ccms::records::pg_internal {

using db::Name;
absl::CivilDay DateOf(const pqxx::field& f);
void RelaxCommitForReadAudit(pqxx::work& tx);

// The scope parameters of the case queries ($2 all districts, $3 the district codes).
using Scope = db::DistrictScope;
using db::ScopeOf;

absl::Status NotFound();
absl::StatusOr<CaseRecord> LoadCase(pqxx::work& tx, const auth::Principal& principal,
                                    const std::string& case_id, bool for_update);

// A row of the case columns (CCMS_CASE_COLUMNS in pg_records_store.cc) as a CaseRecord.
CaseRecord RowToCase(const pqxx::row& r);

// $1 limit, $2/$3 scope, $4 district or '', $5 status or '', $6 after case id or ''.
extern const db::Query kExportCases;

}  // namespace ccms::records::pg_internal
