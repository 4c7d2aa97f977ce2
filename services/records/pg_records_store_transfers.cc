// PgRecordsStore: transfers of execution place.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/one_statement.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/pg_records_internal.h"
#include "services/records/pg_records_store.h"

namespace ccms::records {
namespace {

using namespace pg_internal;  // NOLINT: the store's own helpers

#define CCMS_TRANSFER_COLUMNS                                                            \
  "t.transfer_id::text, t.case_id::text, c.case_number, t.from_district_code,"           \
  " t.to_district_code, t.to_office_id, t.status, t.requested_on::text,"                 \
  " t.planned_move_on::text, t.reply_due::text, t.report_due::text, t.decided_on::text," \
  " t.policy_version"

constexpr db::Query kOpenTransferOfCase = {
    "records_open_transfer_of_case",
    "SELECT 1 FROM transfers WHERE case_id = $1 AND status IN ('REQUESTED', 'CONSENTED')"};
constexpr db::Query kInsertTransfer = {
    "records_insert_transfer",
    "INSERT INTO transfers (transfer_id, case_id, from_district_code, to_district_code,"
    " to_office_id, status, requested_on, planned_move_on, reply_due, reason, policy_version,"
    " requested_by) VALUES ($1, $2, $3, $4, $5, 'REQUESTED', $6::date, $7::date, $8::date, $9,"
    " $10, $11)"};
// A transfer as seen from one side: $4 = 'SENDING' checks from_district, else to_district.
constexpr db::Query kGetTransferForUpdate = {
    "records_get_transfer_for_update",
    "SELECT " CCMS_TRANSFER_COLUMNS
    " FROM transfers t JOIN cases c USING (case_id)"
    " WHERE t.transfer_id = $1 AND ($2::boolean OR (CASE WHEN $4 = 'SENDING'"
    " THEN t.from_district_code ELSE t.to_district_code END) = ANY($3::text[]))"
    " FOR UPDATE OF t"};
constexpr db::Query kGetTransferEitherSide = {
    "records_get_transfer_either_side",
    "SELECT " CCMS_TRANSFER_COLUMNS
    " FROM transfers t JOIN cases c USING (case_id)"
    " WHERE t.transfer_id = $1 AND ($2::boolean OR t.from_district_code = ANY($3::text[])"
    " OR t.to_district_code = ANY($3::text[]))"};
constexpr db::Query kUpdateTransfer = {
    "records_update_transfer",
    "UPDATE transfers SET status = $2, decided_on = $3::date, report_due = $4::date,"
    " to_office_id = $5, decision_reason = $6, updated_at = now(),"
    " accepted_on = CASE WHEN $2 = 'ACCEPTED' THEN $3::date ELSE accepted_on END"
    " WHERE transfer_id = $1"};
constexpr db::Query kMoveCase = {
    "records_move_case",
    "UPDATE cases SET district_code = $3, office_id = $4, version = version + 1,"
    " updated_at = now() WHERE case_id = $1 AND district_code = $2 AND status = 'ACTIVE'"};
constexpr db::Query kListTransfers = {
    "records_list_transfers",
    "SELECT " CCMS_TRANSFER_COLUMNS
    " FROM transfers t JOIN cases c USING (case_id)"
    " WHERE ($1::boolean OR t.from_district_code = ANY($2::text[])"
    " OR t.to_district_code = ANY($2::text[]))"
    " AND ($3 = '' OR t.from_district_code = $3 OR t.to_district_code = $3)"
    " AND ($4 = '' OR t.status = $4)"
    " AND t.transfer_id > COALESCE(NULLIF($5, '')::uuid, '00000000-0000-0000-0000-000000000000')"
    " ORDER BY t.transfer_id LIMIT $6"};

std::optional<absl::CivilDay> OptDate(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return DateOf(f);
}

TransferRecord RowToTransfer(const pqxx::row& r) {
  TransferRecord t;
  t.transfer_id = r[0].as<std::string>();
  t.case_id = r[1].as<std::string>();
  t.case_number = r[2].as<std::string>();
  t.from_district_code = r[3].as<std::string>();
  t.to_district_code = r[4].as<std::string>();
  t.to_office_id = r[5].as<std::string>();
  t.status = domain::ParseTransferStatus(r[6].as<std::string>())
                 .value_or(domain::TransferStatus::kRequested);
  t.requested_on = DateOf(r[7]);
  t.planned_move_on = DateOf(r[8]);
  t.reply_due = DateOf(r[9]);
  t.report_due = OptDate(r[10]);
  t.decided_on = OptDate(r[11]);
  t.policy_version = r[12].as<std::string>();
  return t;
}

absl::Status TransferNotFound() { return absl::NotFoundError("transfer not found"); }

}  // namespace

std::vector<db::Query> PgRecordsStore::TransferQueries() {
  return {kOpenTransferOfCase, kInsertTransfer, kGetTransferForUpdate, kGetTransferEitherSide,
          kUpdateTransfer,     kMoveCase,       kListTransfers};
}

absl::StatusOr<TransferRecord> PgRecordsStore::RequestTransfer(
    const auth::Principal& principal, const CaseMutation& m, const NewTransfer& nt,
    const TransferEventFactory& make_event) {
  TransferRecord out = nt.transfer;
  auto result =
      Mutate(principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        if (c.district_code == out.to_district_code) {
          return absl::InvalidArgumentError("to_district_code is the case's own district");
        }
        if (!tx.exec_prepared(Name(kOpenTransferOfCase), c.case_id).empty()) {
          return absl::FailedPreconditionError("a transfer of this case is already open");
        }
        out.case_id = c.case_id;
        out.case_number = c.case_number;
        out.from_district_code = c.district_code;
        tx.exec_prepared(Name(kInsertTransfer), out.transfer_id, c.case_id, c.district_code,
                         out.to_district_code, out.to_office_id, time::FormatDate(out.requested_on),
                         time::FormatDate(out.planned_move_on), time::FormatDate(out.reply_due),
                         nt.reason, out.policy_version, principal.subject);
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(out));
        return out.transfer_id;
      });
  if (!result.ok()) return result.status();
  return out;
}

absl::StatusOr<TransferRecord> PgRecordsStore::DecideTransfer(
    const auth::Principal& principal, const TransferDecision& d, const TransferDecider& decide,
    const TransferEventFactory& make_event) {
  TransferRecord out;
  const std::string action =
      absl::StrCat("Transfer:", std::string(domain::TransferStepName(d.step)));
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    const char* side =
        domain::SideOf(d.step) == domain::TransferSide::kSending ? "SENDING" : "RECEIVING";
    pqxx::result r = tx.exec_prepared(Name(kGetTransferForUpdate), d.transfer_id, scope.all,
                                      scope.districts, side);
    if (r.empty()) return TransferNotFound();
    out = RowToTransfer(r[0]);
    if (absl::Status ok = decide(out); !ok.ok()) return ok;
    tx.exec_prepared(Name(kUpdateTransfer), out.transfer_id,
                     std::string(domain::TransferStatusName(out.status)),
                     out.decided_on ? time::FormatDate(*out.decided_on).c_str() : nullptr,
                     out.report_due ? time::FormatDate(*out.report_due).c_str() : nullptr,
                     out.to_office_id, out.decision_reason);
    if (out.status == domain::TransferStatus::kAccepted) {
      pqxx::result moved = tx.exec_prepared(Name(kMoveCase), out.case_id, out.from_district_code,
                                            out.to_district_code, out.to_office_id);
      if (moved.affected_rows() != 1) {
        return absl::FailedPreconditionError(
            "the case is no longer active in the sending district");
      }
    }
    db::AppendAudit(tx, principal, action, out.case_id, "OK", d.request_id);
    kafka::AppendToOutbox(tx, kRecordsTopic, make_event(out));
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<std::vector<TransferRecord>> PgRecordsStore::ListTransfers(
    const auth::Principal& principal, const std::string& district_code,
    std::optional<domain::TransferStatus> status, const std::string& after_transfer_id, int limit) {
  std::vector<TransferRecord> out;
  absl::Status st = db::Autocommit(pool_, [&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    for (const auto& r :
         tx.exec_prepared(Name(kListTransfers), scope.all, scope.districts, district_code,
                          status ? std::string(domain::TransferStatusName(*status)) : "",
                          after_transfer_id, limit)) {
      out.push_back(RowToTransfer(r));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace ccms::records
