// PgRecordsStore: sentence changes (减刑, extensions) and what moves with the end of the term.
#include <pqxx/pqxx>

#include "absl/strings/str_join.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/pg_records_internal.h"
#include "services/records/pg_records_store.h"

namespace ccms::records {
namespace {

using namespace pg_internal;  // NOLINT: the store's own helpers

constexpr db::Query kSentenceOrdersOfCase = {
    "records_sentence_orders_of_case",
    "SELECT order_id::text, starts_on::text, ends_on::text, ended_on::text"
    " FROM monitoring_orders WHERE case_id = $1 ORDER BY starts_on, order_id"};
constexpr db::Query kInsertSentenceChange = {
    "records_insert_sentence_change",
    "INSERT INTO sentence_changes (change_id, case_id, kind, court, document_number,"
    " previous_end_date, new_end_date, effective_on, clamped_order_ids, recorded_by)"
    " VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8::date, $9, $10)"};
// The end of the term moves; discharge_approaching is due again for the new end date.
constexpr db::Query kMoveEndDate = {
    "records_move_end_date",
    "UPDATE cases SET end_date = $2::date, discharge_notice_on = NULL, version = version + 1,"
    " updated_at = now() WHERE case_id = $1"};
constexpr db::Query kClampOrder = {
    "records_clamp_monitoring_order",
    "UPDATE monitoring_orders SET ends_on = $2::date, ended_on = $3::date,"
    " end_reason = CASE WHEN $3::date IS NULL THEN end_reason ELSE 'SUPERVISION_ENDING' END"
    " WHERE order_id = $1"};

std::optional<absl::CivilDay> MaybeDay(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return DateOf(f);
}

}  // namespace

std::vector<db::Query> PgRecordsStore::SentenceQueries() {
  return {kSentenceOrdersOfCase, kInsertSentenceChange, kMoveEndDate, kClampOrder};
}

absl::StatusOr<SentenceChangeResult> PgRecordsStore::RecordSentenceChange(
    const auth::Principal& principal, const CaseMutation& m, const SentenceChangeRecord& change,
    const SentenceChangeDecider& decide, const CaseEventFactory& make_event) {
  CaseMutation open = m;
  open.require_active = false;  // pending cases too: the decider checks the status
  SentenceChangeResult out;
  out.change = change;
  auto result = Mutate(
      principal, open, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        std::vector<domain::MonitoringOrderFacts> orders;
        for (const auto& row : tx.exec_prepared(Name(kSentenceOrdersOfCase), c.case_id)) {
          orders.push_back(
              {row[0].as<std::string>(), DateOf(row[1]), DateOf(row[2]), MaybeDay(row[3])});
        }
        SentenceChangeRecord& w = out.change;
        w.previous_end_date = c.end_date;
        if (absl::Status st = decide(c, orders, w); !st.ok()) return st;
        std::vector<std::string> clamped;
        for (const auto& clamp : w.clamps) {
          const std::string ended =
              clamp.ended_on.has_value() ? time::FormatDate(*clamp.ended_on) : "";
          tx.exec_prepared(Name(kClampOrder), clamp.order_id, time::FormatDate(clamp.new_ends_on),
                           clamp.ended_on.has_value() ? ended.c_str() : nullptr);
          clamped.push_back(clamp.order_id);
        }
        tx.exec_prepared(Name(kInsertSentenceChange), w.change_id, c.case_id,
                         std::string(domain::SentenceChangeKindName(w.kind)), w.court,
                         w.document_number, time::FormatDate(w.previous_end_date),
                         time::FormatDate(w.new_end_date), time::FormatDate(w.effective_on),
                         absl::StrJoin(clamped, ","), principal.subject);
        tx.exec_prepared(Name(kMoveEndDate), c.case_id, time::FormatDate(w.new_end_date));
        auto changed = LoadCase(tx, principal, c.case_id, /*for_update=*/false);
        if (!changed.ok()) return changed.status();
        out.c = *changed;
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(out.c));
        return w.change_id;
      });
  if (!result.ok()) return result.status();
  return out;
}

}  // namespace ccms::records
