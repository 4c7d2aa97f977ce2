// PgRecordsStore: the exit-restriction filing (限制出境报备) at intake and its lifting at the end
// of supervision.
#include <pqxx/pqxx>

#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/pg_records_internal.h"
#include "services/records/pg_records_store.h"

namespace ccms::records {
namespace {

using namespace pg_internal;  // NOLINT: the store's own helpers

// The case row is locked by the mutation; its district is named beside its id.
constexpr db::Query kExitRestrictionsOfCase = {
    "records_exit_restrictions_of_case",
    "SELECT f.action, f.done_on::text FROM exit_restriction_filings f"
    " JOIN cases c ON c.case_id = f.case_id WHERE f.case_id = $1 AND c.district_code = $2"};
constexpr db::Query kInsertExitRestriction = {
    "records_insert_exit_restriction",
    "INSERT INTO exit_restriction_filings (filing_id, case_id, action, done_on, authority,"
    " document_number, policy_version, recorded_by) VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8)"
    " ON CONFLICT (case_id, action) DO NOTHING"};

}  // namespace

std::vector<db::Query> PgRecordsStore::ExitRestrictionQueries() {
  return {kExitRestrictionsOfCase, kInsertExitRestriction};
}

absl::StatusOr<MutationResult> PgRecordsStore::RecordExitRestriction(
    const auth::Principal& principal, const CaseMutation& m, ExitRestrictionRecord& record,
    const ExitRestrictionDecider& decide, const CaseEventFactory& make_event) {
  CaseMutation any_status = m;
  any_status.require_active = false;  // filed before the person reports; lifted after the end
  return Mutate(
      principal, any_status,
      [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        domain::ExitRestrictionFacts facts;
        facts.status = c.status;
        facts.intake_reported_on = c.intake_reported_on;
        facts.end_date = c.end_date;
        facts.closed_on = c.closed_on;
        for (const auto& row :
             tx.exec_prepared(Name(kExitRestrictionsOfCase), c.case_id, c.district_code)) {
          const auto action = domain::ParseExitRestrictionAction(row[0].as<std::string>());
          if (action == domain::ExitRestrictionAction::kFiled) facts.filed_on = DateOf(row[1]);
          if (action == domain::ExitRestrictionAction::kLifted) facts.lifted_on = DateOf(row[1]);
        }
        if (absl::Status st = decide(c, facts, record); !st.ok()) return st;
        pqxx::result r =
            tx.exec_prepared(Name(kInsertExitRestriction), record.filing_id, c.case_id,
                             std::string(domain::ExitRestrictionActionName(record.action)),
                             time::FormatDate(record.done_on), record.authority,
                             record.document_number, record.policy_version, principal.subject);
        if (r.affected_rows() == 0) {
          return absl::FailedPreconditionError("this exit-restriction step is already recorded");
        }
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
        return record.filing_id;
      });
}

}  // namespace ccms::records
