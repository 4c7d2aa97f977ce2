#include "services/reporting/pg_worklist_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/time/calendar.h"
#include "services/reporting/domain/timeline.h"
#include "services/reporting/pg_array.h"

namespace ccms::reporting {
namespace {

using db::Name;
using domain::WorklistKind;
using domain::WorklistKindName;

// A row takes its case's district and office from the projection when there is one (the
// event's district otherwise: the projection, built later, brings both; kSyncCases), and a closed
// case gets none.
constexpr db::Query kUpsertItem = {
    "reporting_upsert_worklist_item",
    "INSERT INTO worklist_item (kind, case_id, item_id, district_code, office_id, since_on, due_on,"
    " listed_from, reason_code) SELECT $1, c.case_id, $3, COALESCE(p.district_code, $4),"
    " COALESCE(p.office_id, ''), $5::date, $6::date, $7::date, $8"
    " FROM (SELECT $2::text AS case_id) c LEFT JOIN case_projection p ON p.case_id = c.case_id"
    " WHERE p.closed_on IS NULL"
    " ON CONFLICT (kind, case_id, item_id) DO UPDATE SET district_code = EXCLUDED.district_code,"
    " office_id = EXCLUDED.office_id, since_on = EXCLUDED.since_on, due_on = EXCLUDED.due_on,"
    " listed_from = EXCLUDED.listed_from, reason_code = EXCLUDED.reason_code"};
constexpr db::Query kRemoveItem = {
    "reporting_remove_worklist_item",
    "DELETE FROM worklist_item WHERE kind = $1 AND case_id = $2 AND item_id = $3"};
constexpr db::Query kClearKind = {"reporting_clear_worklist_kind",
                                  "DELETE FROM worklist_item WHERE kind = $1 AND case_id = $2"};
constexpr db::Query kRemoveDischargeUnless = {
    "reporting_remove_discharge_due_unless",
    "DELETE FROM worklist_item WHERE kind = 'DISCHARGE_DUE' AND case_id = $1"
    " AND due_on <> $2::date"};
constexpr db::Query kInsertFact = {
    "reporting_insert_service_fact",
    "INSERT INTO service_fact (event_id, case_id, kind, on_day) VALUES ($1, $2, $3, $4::date)"
    " ON CONFLICT (event_id) DO NOTHING"};
// The batch path (RecomputeCasesInTransaction): $1 the cases' ids; the rows as arrays.
constexpr db::Query kClearCases = {"reporting_clear_worklist_cases",
                                   "DELETE FROM worklist_item WHERE case_id = ANY($1::text[])"};
constexpr db::Query kClearClocks = {"reporting_clear_worklist_clocks",
                                    "DELETE FROM worklist_item WHERE case_id = ANY($1::text[])"
                                    " AND kind IN ('NEVER_REPORTED', 'CONTACT_OVERDUE')"};
constexpr db::Query kUpsertItems = {
    "reporting_upsert_worklist_items",
    "INSERT INTO worklist_item (kind, case_id, item_id, district_code, office_id, since_on, due_on,"
    " listed_from, reason_code) SELECT u.kind, u.case_id, u.item_id,"
    " COALESCE(p.district_code, u.district_code), COALESCE(p.office_id, ''), u.since_on, u.due_on,"
    " u.listed_from, u.reason_code FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
    " $5::date[], $6::date[], $7::date[], $8::text[]) AS u(kind, case_id, item_id, district_code,"
    " since_on, due_on, listed_from, reason_code)"
    " LEFT JOIN case_projection p ON p.case_id = u.case_id"
    " ON CONFLICT (kind, case_id, item_id) DO UPDATE SET district_code = EXCLUDED.district_code,"
    " office_id = EXCLUDED.office_id, since_on = EXCLUDED.since_on, due_on = EXCLUDED.due_on,"
    " listed_from = EXCLUDED.listed_from, reason_code = EXCLUDED.reason_code"};
// The rows of cases whose projection was just written take its district and office (a transfer
// moves them).
constexpr db::Query kSyncCases = {
    "reporting_sync_worklist_cases",
    "UPDATE worklist_item w SET district_code = p.district_code, office_id = p.office_id"
    " FROM case_projection p WHERE w.case_id = ANY($1::text[]) AND p.case_id = w.case_id"
    " AND (w.district_code, w.office_id) IS DISTINCT FROM (p.district_code, p.office_id)"};
// A page of the worklists: worklist_item alone (its district and office are the projection's),
// in one of three forms so that each filter has its index (V012): an office's rows, some
// districts' rows, or the city's in order (worklist_item_order). The other filters are the same
// in all three.
#define CCMS_WORKLIST_PAGE_SELECT                                                        \
  "SELECT w.kind, w.case_id, w.item_id, w.district_code, w.office_id, w.since_on::text," \
  " w.due_on::text, w.listed_from::text, w.reason_code FROM worklist_item w WHERE "
#define CCMS_WORKLIST_PAGE_FILTERS                                    \
  " w.listed_from <= $1::date AND ($2 = '' OR w.kind = $2)"           \
  " AND ($3 = '' OR w.district_code = ANY(string_to_array($3, ',')))" \
  " AND ($4 = '' OR w.office_id = $4)"                                \
  " AND ($5 = '' OR (w.due_on, w.kind, w.case_id, w.item_id) >"       \
  " (NULLIF($5, '')::date, $6, $7, $8))"                              \
  " ORDER BY w.due_on, w.kind, w.case_id, w.item_id LIMIT $9"
constexpr db::Query kListOfficeWorklist = {"reporting_list_office_worklist",
                                           CCMS_WORKLIST_PAGE_SELECT
                                           "w.office_id = $4 AND" CCMS_WORKLIST_PAGE_FILTERS};
constexpr db::Query kListDistrictWorklist = {
    "reporting_list_district_worklist", CCMS_WORKLIST_PAGE_SELECT
    "w.district_code = ANY(string_to_array($3, ',')) AND" CCMS_WORKLIST_PAGE_FILTERS};
constexpr db::Query kListCityWorklist = {"reporting_list_city_worklist",
                                         CCMS_WORKLIST_PAGE_SELECT CCMS_WORKLIST_PAGE_FILTERS};
#undef CCMS_WORKLIST_PAGE_SELECT
#undef CCMS_WORKLIST_PAGE_FILTERS
// Cases by district and status on $1: on the register (the day's spans, through the GiST index
// case_span_days, V010), or closed (the projection). At a million cases both were parallel
// sequential scans, 0.85 s of both cores every minute in every replica (docs/benchmarks.md, "The
// lists' tails at a million cases"): the day's spans now come from the index, and the closed
// cases, which only grow, are counted seldom (ReportingGauges) and on one core (CountCases).
constexpr db::Query kCountOnRegister = {
    "reporting_count_on_register",
    "SELECT district_code, CASE WHEN lost_contact THEN 'LOST_CONTACT'"
    " WHEN never_reported THEN 'NEVER_REPORTED' ELSE 'ACTIVE' END, count(*) FROM case_span"
    " WHERE daterange(valid_from, valid_to) @> $1::date GROUP BY 1, 2"};
constexpr db::Query kCountClosed = {"reporting_count_closed",
                                    "SELECT district_code, 'CLOSED', count(*) FROM case_projection"
                                    " WHERE closed_on <= $1::date GROUP BY 1"};
// The KPI people per district: on the register on $1, and among them those with a service file
// opened by $1, a contact, an education, a help, and any of these three (served: the time line's
// contact and service flows) from $2 (the month's first day) to $1. The month's flows and facts
// are read once and looked up hashed, not once per person on the register, and the day's spans
// come from case_span_days (1.4 s at a million cases, two parallel sequential scans).
constexpr db::Query kCountKpis = {
    "reporting_count_kpis",
    "SELECT s.district_code, count(*),"
    " count(*) FILTER (WHERE EXISTS (SELECT 1 FROM service_fact x WHERE x.case_id = s.case_id"
    "  AND x.kind = 'file_opened' AND x.on_day <= $1::date)),"
    " count(*) FILTER (WHERE s.case_id IN (SELECT f.case_id FROM case_flow f"
    "  WHERE f.kind = 'contact' AND f.on_day >= $2::date AND f.on_day <= $1::date)),"
    " count(*) FILTER (WHERE s.case_id IN (SELECT x.case_id FROM service_fact x"
    "  WHERE x.kind = 'educated' AND x.on_day >= $2::date AND x.on_day <= $1::date)),"
    " count(*) FILTER (WHERE s.case_id IN (SELECT x.case_id FROM service_fact x"
    "  WHERE x.kind = 'helped' AND x.on_day >= $2::date AND x.on_day <= $1::date)),"
    " count(*) FILTER (WHERE s.case_id IN (SELECT f.case_id FROM case_flow f"
    "  WHERE f.kind IN ('contact', 'service') AND f.on_day >= $2::date AND f.on_day <= $1::date))"
    " FROM case_span s WHERE daterange(s.valid_from, s.valid_to) @> $1::date"
    " GROUP BY s.district_code"};

std::optional<absl::CivilDay> OptDate(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return time::ParseDate(f.as<std::string>());
}

void Upsert(pqxx::work& tx, const domain::WorklistItem& i) {
  tx.exec_prepared(Name(kUpsertItem), std::string(WorklistKindName(i.kind)), i.case_id, i.item_id,
                   i.district, time::FormatDate(i.since), time::FormatDate(i.due),
                   time::FormatDate(i.listed_from), i.reason);
}

// The cursor: "<due day>|<kind>|<case id>|<item id>".
std::string Cursor(const domain::WorklistItem& i) {
  return absl::StrCat(time::FormatDate(i.due), "|", std::string(WorklistKindName(i.kind)), "|",
                      i.case_id, "|", i.item_id);
}

}  // namespace

std::vector<db::Query> PgWorklistStore::Queries() {
  return {kUpsertItem,         kRemoveItem,           kClearKind,       kRemoveDischargeUnless,
          kInsertFact,         kCountOnRegister,      kCountClosed,     kCountKpis,
          kClearCases,         kClearClocks,          kUpsertItems,     kSyncCases,
          kListOfficeWorklist, kListDistrictWorklist, kListCityWorklist};
}

absl::Status PgWorklistStore::ApplyInTransaction(pqxx::work& tx, const std::string& event_id,
                                                 const std::string& case_id,
                                                 const WorklistEvent& event) {
  for (const WorklistChange& c : event.changes) {
    const std::string kind(WorklistKindName(c.item.kind));
    switch (c.op) {
      case WorklistChange::Op::kUpsert:
        Upsert(tx, c.item);
        break;
      case WorklistChange::Op::kRemove:
        tx.exec_prepared(Name(kRemoveItem), kind, case_id, c.item.item_id);
        break;
      case WorklistChange::Op::kClearKind:
        tx.exec_prepared(Name(kClearKind), kind, case_id);
        break;
    }
  }
  if (event.term_end.has_value()) {
    tx.exec_prepared(Name(kRemoveDischargeUnless), case_id, time::FormatDate(*event.term_end));
  }
  if (event.fact.has_value()) {
    tx.exec_prepared(Name(kInsertFact), event_id, case_id, event.fact->kind,
                     time::FormatDate(event.fact->on));
  }
  return absl::OkStatus();
}

absl::Status PgWorklistStore::RecomputeCasesInTransaction(pqxx::work& tx,
                                                          const std::vector<CaseClockRow>& cases) {
  ArrayLiteral closed, open;
  ArrayLiteral kind, case_id, item_id, district, since, due, listed_from, reason;
  for (const CaseClockRow& c : cases) {
    if (c.clock.closed) {
      closed.Add(c.case_id);
      continue;
    }
    open.Add(c.case_id);
    for (const auto& item : domain::ClockItems(c.case_id, c.district, c.clock, contacts_)) {
      kind.Add(WorklistKindName(item.kind));
      case_id.Add(item.case_id);
      item_id.Add(item.item_id);
      district.Add(item.district);
      since.Add(item.since);
      due.Add(item.due);
      listed_from.Add(item.listed_from);
      reason.Add(item.reason);
    }
  }
  if (!closed.empty()) tx.exec_prepared(Name(kClearCases), closed.Text());
  if (!open.empty()) {
    tx.exec_prepared(Name(kSyncCases), open.Text());
    tx.exec_prepared(Name(kClearClocks), open.Text());
  }
  if (!kind.empty()) {
    tx.exec_prepared(Name(kUpsertItems), kind.Text(), case_id.Text(), item_id.Text(),
                     district.Text(), since.Text(), due.Text(), listed_from.Text(), reason.Text());
  }
  return absl::OkStatus();
}

absl::StatusOr<WorklistPage> PgWorklistStore::ListWorklist(const WorklistQuery& q) {
  std::vector<std::string> after = {"", "", "", ""};
  if (!q.cursor.empty()) {
    std::vector<std::string> parts = absl::StrSplit(q.cursor, absl::MaxSplits('|', 3));
    if (parts.size() != 4 || !time::ParseDate(parts[0]).has_value() ||
        !domain::ParseWorklistKind(parts[1]).has_value()) {
      return absl::InvalidArgumentError("page_token is not a token from a previous response");
    }
    after = std::move(parts);
  }
  WorklistPage page;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const db::Query& list = !q.office.empty()      ? kListOfficeWorklist
                            : !q.districts.empty() ? kListDistrictWorklist
                                                   : kListCityWorklist;
    const auto rows = tx.exec_prepared(
        Name(list), time::FormatDate(q.today),
        q.kind.has_value() ? std::string(WorklistKindName(*q.kind)) : std::string(),
        absl::StrJoin(q.districts, ","), q.office, after[0], after[1], after[2], after[3],
        q.limit + 1);
    for (const auto& r : rows) {
      WorklistRow row;
      row.item.kind =
          domain::ParseWorklistKind(r[0].as<std::string>()).value_or(WorklistKind::kNeverReported);
      row.item.case_id = r[1].as<std::string>();
      row.item.item_id = r[2].as<std::string>();
      row.item.district = r[3].as<std::string>();
      row.office = r[4].as<std::string>();
      row.item.since = OptDate(r[5]).value_or(absl::CivilDay());
      row.item.due = OptDate(r[6]).value_or(absl::CivilDay());
      row.item.listed_from = OptDate(r[7]).value_or(absl::CivilDay());
      row.item.reason = r[8].as<std::string>();
      page.rows.push_back(std::move(row));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (static_cast<int>(page.rows.size()) > q.limit) {
    page.rows.resize(q.limit);
    page.next_cursor = Cursor(page.rows.back().item);
  }
  return page;
}

absl::StatusOr<std::map<std::pair<std::string, std::string>, int64_t>> PgWorklistStore::CountCases(
    absl::CivilDay today, bool closed) {
  std::map<std::pair<std::string, std::string>, int64_t> out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    // A background count must not take every core from the calls.
    if (closed) tx.exec("SET LOCAL max_parallel_workers_per_gather = 0");
    for (const auto& r : tx.exec_prepared(Name(closed ? kCountClosed : kCountOnRegister),
                                          time::FormatDate(today))) {
      out[{r[0].as<std::string>(), r[1].as<std::string>()}] += r[2].as<int64_t>();
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::map<std::string, KpiCounts>> PgWorklistStore::CountKpis(absl::CivilDay today) {
  std::map<std::string, KpiCounts> out;
  const absl::CivilDay month_start = absl::CivilDay(absl::CivilMonth(today));
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& r : tx.exec_prepared(Name(kCountKpis), time::FormatDate(today),
                                          time::FormatDate(month_start))) {
      KpiCounts& k = out[r[0].as<std::string>()];
      k.on_register = r[1].as<int64_t>();
      k.filed = r[2].as<int64_t>();
      k.contacted = r[3].as<int64_t>();
      k.educated = r[4].as<int64_t>();
      k.helped = r[5].as<int64_t>();
      k.served = r[6].as<int64_t>();
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace ccms::reporting
