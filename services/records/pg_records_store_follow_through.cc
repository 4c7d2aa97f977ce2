// PgRecordsStore: follow-through of issue 17 — device outages of monitoring orders, the court's
// decision on a revocation request and detention pending it, the paper file after a transfer,
// and the facts ListOverdue's follow-through kinds need. Every query carries the district scope.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/one_statement.h"
#include "common/db/pool.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/pg_records_internal.h"
#include "services/records/pg_records_store.h"

namespace ccms::records {
namespace {

using namespace pg_internal;  // NOLINT: the store's own helpers

constexpr db::Query kOutageOrderForUpdate = {
    "records_outage_order_for_update",
    "SELECT order_id::text, starts_on::text, ends_on::text, ended_on::text"
    " FROM monitoring_orders WHERE order_id = $1::uuid AND case_id = $2 FOR UPDATE"};
constexpr db::Query kCaseOutages = {
    "records_case_outages",
    "SELECT order_id::text, (extract(epoch FROM started_at) * 1000000)::bigint,"
    " (extract(epoch FROM ended_at) * 1000000)::bigint, cause"
    " FROM monitoring_outages WHERE case_id = $1 ORDER BY started_at"};
constexpr db::Query kInsertOutage = {
    "records_insert_outage",
    "INSERT INTO monitoring_outages (outage_id, order_id, case_id, started_at, ended_at, cause,"
    " counted, recorded_by) VALUES ($1, $2::uuid, $3, to_timestamp($4::bigint / 1000000.0),"
    " to_timestamp($5::bigint / 1000000.0), $6, $7, $8)"};
// The outages of a case in scope ($2/$3).
constexpr db::Query kScopedOutages = {
    "records_scoped_outages",
    "SELECT (extract(epoch FROM o.started_at) * 1000000)::bigint,"
    " (extract(epoch FROM o.ended_at) * 1000000)::bigint, o.cause"
    " FROM monitoring_outages o JOIN cases c USING (case_id)"
    " WHERE o.case_id = $1::uuid AND ($2::boolean OR c.district_code = ANY($3::text[]))"
    " ORDER BY o.started_at"};
constexpr db::Query kRevocationForUpdate = {
    "records_revocation_for_update",
    "SELECT sanction_id::text, issued_on::text, detained_on::text, court_decision,"
    " court_decided_on::text, COALESCE(court_document_number, '')"
    " FROM sanctions WHERE sanction_id = $1::uuid AND case_id = $2"
    " AND kind = 'REVOCATION_REQUEST' FOR UPDATE"};
constexpr db::Query kUpdateRevocation = {
    "records_update_revocation",
    "UPDATE sanctions SET court_decision = $2, court_decided_on = $3::date,"
    " court_document_number = $4, detained_on = $5::date, court_recorded_by = $6"
    " WHERE sanction_id = $1"};
// The receiving side of a transfer ($2/$3 scope over to_district_code).
constexpr db::Query kHandoverForUpdate = {
    "records_file_handover_for_update",
    "SELECT t.transfer_id::text, t.case_id::text, c.case_number, t.from_district_code,"
    " t.to_district_code, t.status, t.accepted_on::text, t.file_handed_over_on::text"
    " FROM transfers t JOIN cases c USING (case_id)"
    " WHERE t.transfer_id = $1::uuid AND ($2::boolean OR t.to_district_code = ANY($3::text[]))"
    " FOR UPDATE OF t"};
constexpr db::Query kSetFileHandover = {
    "records_set_file_handover",
    "UPDATE transfers SET file_handed_over_on = $2::date, file_recorded_by = $3,"
    " updated_at = now() WHERE transfer_id = $1"};
// Revocation requests of the given cases ($1, a uuid[] literal) in scope ($2/$3).
constexpr db::Query kFollowRevocations = {
    "records_follow_revocations",
    "SELECT s.case_id::text, s.sanction_id::text, s.issued_on::text, s.detained_on::text,"
    " s.court_decision, s.court_decided_on::text"
    " FROM sanctions s JOIN cases c USING (case_id)"
    " WHERE s.case_id = ANY($1::uuid[]) AND s.kind = 'REVOCATION_REQUEST'"
    " AND ($2::boolean OR c.district_code = ANY($3::text[]))"
    " ORDER BY s.case_id, s.issued_on, s.sanction_id"};
// Accepted transfers of the given cases, their files: the case is in the receiving district.
constexpr db::Query kFollowHandovers = {
    "records_follow_handovers",
    "SELECT t.case_id::text, t.transfer_id::text, t.accepted_on::text,"
    " t.file_handed_over_on::text FROM transfers t JOIN cases c USING (case_id)"
    " WHERE t.case_id = ANY($1::uuid[]) AND t.accepted_on IS NOT NULL"
    " AND c.district_code = t.to_district_code"
    " AND ($2::boolean OR c.district_code = ANY($3::text[]))"
    " ORDER BY t.case_id, t.accepted_on, t.transfer_id"};

std::optional<absl::CivilDay> OptDay(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return DateOf(f);
}

const char* DayOrNull(const std::optional<absl::CivilDay>& d, std::string* storage) {
  if (!d.has_value()) return nullptr;
  *storage = time::FormatDate(*d);
  return storage->c_str();
}

domain::OutageFact OutageOf(const pqxx::field& started, const pqxx::field& ended,
                            const pqxx::field& cause) {
  return {absl::FromUnixMicros(started.as<int64_t>()), absl::FromUnixMicros(ended.as<int64_t>()),
          domain::ParseOutageCause(cause.as<std::string>()).value_or(domain::OutageCause::kOther)};
}

}  // namespace

std::vector<db::Query> PgRecordsStore::FollowThroughQueries() {
  return {kOutageOrderForUpdate, kCaseOutages,      kInsertOutage,      kScopedOutages,
          kRevocationForUpdate,  kUpdateRevocation, kHandoverForUpdate, kSetFileHandover,
          kFollowRevocations,    kFollowHandovers};
}

absl::StatusOr<OutageRecord> PgRecordsStore::RecordMonitoringOutage(
    const auth::Principal& principal, const CaseMutation& m, const OutageRecord& outage,
    const OutageDecider& decide, const OutageEventFactory& make_event) {
  OutageRecord out = outage;
  auto result =
      Mutate(principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        pqxx::result o = tx.exec_prepared(Name(kOutageOrderForUpdate), out.order_id, c.case_id);
        if (o.empty()) return absl::NotFoundError("monitoring order not found");
        MonitoringOrderRecord order;
        order.order_id = o[0][0].as<std::string>();
        order.case_id = c.case_id;
        order.case_number = c.case_number;
        order.district_code = c.district_code;
        order.starts_on = DateOf(o[0][1]);
        order.ends_on = DateOf(o[0][2]);
        order.ended_on = OptDay(o[0][3]);
        std::vector<domain::OutageFact> of_order, of_case;
        for (const auto& r : tx.exec_prepared(Name(kCaseOutages), c.case_id)) {
          domain::OutageFact f = OutageOf(r[1], r[2], r[3]);
          if (r[0].as<std::string>() == order.order_id) of_order.push_back(f);
          of_case.push_back(f);
        }
        if (absl::Status st = decide(c, order, of_order, of_case, out); !st.ok()) return st;
        tx.exec_prepared(
            Name(kInsertOutage), out.outage_id, order.order_id, c.case_id,
            absl::ToUnixMicros(out.fact.started_at), absl::ToUnixMicros(out.fact.ended_at),
            std::string(domain::OutageCauseName(out.fact.cause)), out.counted, principal.subject);
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c, out));
        return out.outage_id;
      });
  if (!result.ok()) return result.status();
  return out;
}

absl::StatusOr<std::vector<domain::OutageFact>> PgRecordsStore::GetOutageFacts(
    const auth::Principal& principal, const std::string& case_id) {
  std::vector<domain::OutageFact> out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    for (const auto& r :
         tx.exec_prepared(Name(kScopedOutages), case_id, scope.all, scope.districts)) {
      out.push_back(OutageOf(r[0], r[1], r[2]));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<RevocationRequestRecord> PgRecordsStore::RecordRevocationStep(
    const auth::Principal& principal, const CaseMutation& m, const std::string& sanction_id,
    const RevocationStepDecider& decide, const RevocationEventFactory& make_event) {
  RevocationRequestRecord out;
  auto result =
      Mutate(principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        pqxx::result r = tx.exec_prepared(Name(kRevocationForUpdate), sanction_id, c.case_id);
        if (r.empty()) return absl::NotFoundError("revocation request not found");
        out.facts.sanction_id = r[0][0].as<std::string>();
        out.facts.requested_on = DateOf(r[0][1]);
        out.facts.detained_on = OptDay(r[0][2]);
        if (!r[0][3].is_null()) {
          out.facts.decision = domain::ParseRevocationDecision(r[0][3].as<std::string>());
        }
        out.facts.decided_on = OptDay(r[0][4]);
        out.document_number = r[0][5].as<std::string>();
        if (absl::Status st = decide(out); !st.ok()) return st;
        std::string decided, detained;
        tx.exec_prepared(
            Name(kUpdateRevocation), out.facts.sanction_id,
            out.facts.decision
                ? std::string(domain::RevocationDecisionName(*out.facts.decision)).c_str()
                : nullptr,
            DayOrNull(out.facts.decided_on, &decided),
            out.facts.decision ? out.document_number.c_str() : nullptr,
            DayOrNull(out.facts.detained_on, &detained), principal.subject);
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c, out));
        return out.facts.sanction_id;
      });
  if (!result.ok()) return result.status();
  return out;
}

absl::StatusOr<FileHandoverRecord> PgRecordsStore::RecordFileHandover(
    const auth::Principal& principal, const std::string& request_id, const std::string& transfer_id,
    const FileHandoverDecider& decide, const FileHandoverEventFactory& make_event) {
  FileHandoverRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kHandoverForUpdate), transfer_id, scope.all, scope.districts);
    if (r.empty()) return absl::NotFoundError("transfer not found");
    out.transfer.transfer_id = r[0][0].as<std::string>();
    out.transfer.case_id = r[0][1].as<std::string>();
    out.transfer.case_number = r[0][2].as<std::string>();
    out.transfer.from_district_code = r[0][3].as<std::string>();
    out.transfer.to_district_code = r[0][4].as<std::string>();
    out.transfer.status = domain::ParseTransferStatus(r[0][5].as<std::string>())
                              .value_or(domain::TransferStatus::kRequested);
    out.accepted_on = OptDay(r[0][6]);
    out.handed_over_on = OptDay(r[0][7]);
    if (absl::Status ok = decide(out); !ok.ok()) return ok;
    tx.exec_prepared(Name(kSetFileHandover), out.transfer.transfer_id,
                     time::FormatDate(*out.handed_over_on), principal.subject);
    db::AppendAudit(tx, principal, "RecordFileHandover", out.transfer.case_id, "OK", request_id);
    kafka::AppendToOutbox(tx, kRecordsTopic, make_event(out));
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<std::vector<FollowThroughFacts>> PgRecordsStore::ListFollowThroughFacts(
    const auth::Principal& principal, const std::vector<std::string>& case_ids) {
  std::vector<FollowThroughFacts> out;
  if (case_ids.empty()) return out;
  absl::Status st = db::Autocommit(pool_, [&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    const std::string ids = db::TextArrayLiteral(case_ids);
    auto facts_of = [&](const std::string& case_id) -> FollowThroughFacts& {
      if (out.empty() || out.back().case_id != case_id) {
        for (auto& f : out) {
          if (f.case_id == case_id) return f;
        }
        out.push_back(FollowThroughFacts{case_id, {}, {}});
      }
      return out.back();
    };
    for (const auto& r :
         tx.exec_prepared(Name(kFollowRevocations), ids, scope.all, scope.districts)) {
      domain::RevocationRequestFacts f;
      f.sanction_id = r[1].as<std::string>();
      f.requested_on = DateOf(r[2]);
      f.detained_on = OptDay(r[3]);
      if (!r[4].is_null()) f.decision = domain::ParseRevocationDecision(r[4].as<std::string>());
      f.decided_on = OptDay(r[5]);
      facts_of(r[0].as<std::string>()).revocations.push_back(std::move(f));
    }
    for (const auto& r :
         tx.exec_prepared(Name(kFollowHandovers), ids, scope.all, scope.districts)) {
      facts_of(r[0].as<std::string>())
          .handovers.push_back({r[1].as<std::string>(), DateOf(r[2]), OptDay(r[3])});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace ccms::records
