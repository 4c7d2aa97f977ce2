#include "services/reporting/pg_reporting_store.h"

#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/time/calendar.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/pg_array.h"

namespace ccms::reporting {
namespace {

using db::Name;
using domain::CaseState;

// The batch path (ApplyBatchInTransaction): one statement per table for every case a batch of
// events touches. Arrays of the columns, one element a row; $1 of the deletes and the read is the
// touched cases' ids.
constexpr db::Query kInsertOccurrences = {
    "reporting_insert_occurrences",
    "INSERT INTO occurrence (event_id, case_id, kind, on_day, seq, district_code, office_id,"
    " sentence_kind, sex, age_band, offence_category, level, code, minor, flag, deadline, as_of)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::bigint[],"
    " $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],"
    " $13::text[], $14::boolean[], $15::boolean[], $16::date[], $17::date[])"
    " ON CONFLICT (event_id) DO NOTHING"};
constexpr db::Query kCasesOccurrences = {
    "reporting_cases_occurrences",
    "SELECT case_id, event_id, kind, on_day::text, seq, district_code, office_id, sentence_kind,"
    " sex, age_band, offence_category, level, code, minor, flag, deadline::text, as_of::text"
    " FROM occurrence WHERE case_id = ANY($1::text[])"};
constexpr db::Query kDeleteCasesSpans = {"reporting_delete_cases_spans",
                                         "DELETE FROM case_span WHERE case_id = ANY($1::text[])"};
constexpr db::Query kDeleteCasesFlows = {"reporting_delete_cases_flows",
                                         "DELETE FROM case_flow WHERE case_id = ANY($1::text[])"};
constexpr db::Query kDeleteCasesProjections = {
    "reporting_delete_cases_projections",
    "DELETE FROM case_projection WHERE case_id = ANY($1::text[])"};
constexpr db::Query kInsertCasesSpans = {
    "reporting_insert_cases_spans",
    "INSERT INTO case_span (case_id, valid_from, valid_to, district_code, office_id,"
    " sentence_kind, sex, age_band, offence_category, level, minor, key_attention, lost_contact,"
    " never_reported) SELECT * FROM unnest($1::text[], $2::date[], $3::date[], $4::text[],"
    " $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::boolean[],"
    " $12::boolean[], $13::boolean[], $14::boolean[])"};
constexpr db::Query kInsertCasesFlows = {
    "reporting_insert_cases_flows",
    "INSERT INTO case_flow (case_id, ord, kind, code, on_day, district_code, office_id,"
    " sentence_kind, sex, age_band, offence_category, level, minor, key_attention, lost_contact,"
    " never_reported) SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[],"
    " $5::date[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],"
    " $12::text[], $13::boolean[], $14::boolean[], $15::boolean[], $16::boolean[])"};
constexpr db::Query kUpsertProjections = {
    "reporting_upsert_projections",
    "INSERT INTO case_projection (case_id, start_on, closed_on, close_reason, district_code,"
    " office_id, sentence_kind, sex, age_band, offence_category, level, minor, key_attention,"
    " lost_contact, never_reported) SELECT * FROM unnest($1::text[], $2::date[], $3::date[],"
    " $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],"
    " $11::text[], $12::boolean[], $13::boolean[], $14::boolean[], $15::boolean[])"
    " ON CONFLICT (case_id) DO UPDATE SET start_on = EXCLUDED.start_on,"
    " closed_on = EXCLUDED.closed_on, close_reason = EXCLUDED.close_reason,"
    " district_code = EXCLUDED.district_code, office_id = EXCLUDED.office_id,"
    " sentence_kind = EXCLUDED.sentence_kind, sex = EXCLUDED.sex, age_band = EXCLUDED.age_band,"
    " offence_category = EXCLUDED.offence_category, level = EXCLUDED.level,"
    " minor = EXCLUDED.minor, key_attention = EXCLUDED.key_attention,"
    " lost_contact = EXCLUDED.lost_contact, never_reported = EXCLUDED.never_reported,"
    " updated_at = now()"};
constexpr db::Query kGeneration = {"reporting_generation",
                                   "SELECT generation FROM projection_generation"};
constexpr db::Query kNextGeneration = {
    "reporting_next_generation",
    "UPDATE projection_generation SET generation = generation + 1, rebuilt_at = now()"
    " RETURNING generation"};
// The cases on the register on $1 grouped by their state there, keeping only the dimensions
// named in $4 (a comma list: StockDimensions; district and office always), with their number:
// a report's stock indicators count the groups (a few hundred rows) instead of a span per case.
// `daterange(valid_from, valid_to) @> $1` is valid_from <= $1 < valid_to (NULL: unbounded),
// served by the GiST index case_span_days (V010) for any day, not only today.
constexpr db::Query kStatesOn = {
    "reporting_states_on",
    "SELECT district_code, office_id,"
    " CASE WHEN 'sentence_kind' = ANY(string_to_array($4, ',')) THEN sentence_kind ELSE '' END,"
    " CASE WHEN 'sex' = ANY(string_to_array($4, ',')) THEN sex ELSE '' END,"
    " CASE WHEN 'age_band' = ANY(string_to_array($4, ',')) THEN age_band ELSE '' END,"
    " CASE WHEN 'offence_category' = ANY(string_to_array($4, ',')) THEN offence_category"
    " ELSE '' END,"
    " CASE WHEN 'level' = ANY(string_to_array($4, ',')) THEN level ELSE '' END,"
    " CASE WHEN 'minor' = ANY(string_to_array($4, ',')) THEN minor ELSE false END,"
    " CASE WHEN 'key_attention' = ANY(string_to_array($4, ',')) THEN key_attention"
    " ELSE false END,"
    " CASE WHEN 'lost_contact' = ANY(string_to_array($4, ',')) THEN lost_contact ELSE false END,"
    " CASE WHEN 'never_reported' = ANY(string_to_array($4, ',')) THEN never_reported"
    " ELSE false END,"
    " count(*) FROM case_span WHERE daterange(valid_from, valid_to) @> $1::date"
    " AND ($2 = '' OR district_code = ANY(string_to_array($2, ',')))"
    " AND ($3 = '' OR office_id = $3)"
    " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11"};
constexpr db::Query kFlowsIn = {
    "reporting_flows_in",
    "SELECT case_id, kind, code, on_day::text, district_code, office_id, sentence_kind, sex,"
    " age_band, offence_category, level, minor, key_attention, lost_contact, never_reported"
    " FROM case_flow WHERE on_day >= $1::date AND on_day < $2::date"
    " AND ($3 = '' OR district_code = ANY(string_to_array($3, ',')))"
    " AND ($4 = '' OR office_id = $4) ORDER BY case_id, ord"};
// As known at $1 (recorded_at in microseconds, the occurrence's seq): every occurrence recorded
// by then of the cases with one in the districts $2 ("" = all) and, when $3 is set, one naming
// office $3 (opened, transferred: the occurrences that set the office).
constexpr db::Query kOccurrencesKnownAt = {
    "reporting_occurrences_known_at",
    "SELECT case_id, event_id, kind, on_day::text, seq, district_code, office_id, sentence_kind,"
    " sex, age_band, offence_category, level, code, minor, flag, deadline::text, as_of::text"
    " FROM occurrence WHERE seq <= $1 AND case_id IN (SELECT case_id FROM occurrence"
    " WHERE seq <= $1 AND ($2 = '' OR district_code = ANY(string_to_array($2, ',')))"
    " AND ($3 = '' OR office_id = $3)) ORDER BY case_id"};

// Catch-up mode (V009): the mode's row, the dirty set. $1 of the marks is the cases' ids.
constexpr db::Query kCatchingUp = {"reporting_catching_up",
                                   "SELECT active FROM projection_catch_up"};
constexpr db::Query kCatchingUpShare = {"reporting_catching_up_share",
                                        "SELECT active FROM projection_catch_up FOR SHARE"};
constexpr db::Query kStartCatchUp = {
    "reporting_start_catch_up",
    "UPDATE projection_catch_up SET active = true, reason = $1, started_at = now()"
    " WHERE NOT active"};
// DO UPDATE (not DO NOTHING) so that the mark locks the row: a chunk taking the case off the set
// meanwhile (BuildDirtyInTransaction) either skips it or is waited for, and the case is then
// marked again; it can never be taken off with this transaction's occurrences unread. The WHERE
// keeps the lock (every conflicting row is locked) but writes a new row version only when the
// batch closes a case not marked closed yet, not for every mark of an already dirty case.
// $2: whether the batch closed the case (V011: such a case may be built while catching up).
constexpr db::Query kMarkDirty = {
    "reporting_mark_dirty",
    "INSERT INTO dirty_case (case_id, closed) SELECT * FROM unnest($1::text[], $2::boolean[])"
    " ON CONFLICT (case_id) DO UPDATE SET closed = true"
    " WHERE EXCLUDED.closed AND NOT dirty_case.closed"};
constexpr db::Query kTakeDirty = {
    "reporting_take_dirty",
    "DELETE FROM dirty_case WHERE case_id IN (SELECT case_id FROM dirty_case ORDER BY case_id"
    " LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING case_id"};
constexpr db::Query kTakeDirtyClosed = {
    "reporting_take_dirty_closed",
    "DELETE FROM dirty_case WHERE case_id IN (SELECT case_id FROM dirty_case WHERE closed"
    " ORDER BY case_id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING case_id"};
constexpr db::Query kLockCatchUp = {"reporting_lock_catch_up",
                                    "SELECT active FROM projection_catch_up FOR UPDATE"};
constexpr db::Query kAnyDirty = {"reporting_any_dirty", "SELECT EXISTS (SELECT 1 FROM dirty_case)"};
constexpr db::Query kEndCatchUp = {"reporting_end_catch_up",
                                   "UPDATE projection_catch_up SET active = false"};
constexpr db::Query kCleanDirty = {"reporting_clean_dirty",
                                   "DELETE FROM dirty_case WHERE case_id = ANY($1::text[])"};

std::optional<absl::CivilDay> OptDate(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return time::ParseDate(f.as<std::string>());
}

// The state columns from `first` on: district … never_reported (11 columns).
CaseState StateAt(const pqxx::row& r, int first) {
  CaseState s;
  s.district = r[first].as<std::string>();
  s.office = r[first + 1].as<std::string>();
  s.sentence_kind = r[first + 2].as<std::string>();
  s.sex = r[first + 3].as<std::string>();
  s.age_band = r[first + 4].as<std::string>();
  s.offence_category = r[first + 5].as<std::string>();
  s.level = r[first + 6].as<std::string>();
  s.minor = r[first + 7].as<bool>();
  s.key_attention = r[first + 8].as<bool>();
  s.lost_contact = r[first + 9].as<bool>();
  s.never_reported = r[first + 10].as<bool>();
  return s;
}

// An occurrence from the columns event_id … as_of (16 columns) from `first` on.
domain::Occurrence OccurrenceAt(const pqxx::row& r, int first) {
  domain::Occurrence x;
  x.event_id = r[first].as<std::string>();
  x.kind = r[first + 1].as<std::string>();
  x.on = OptDate(r[first + 2]).value_or(absl::CivilDay());
  x.seq = r[first + 3].as<int64_t>();
  x.district = r[first + 4].as<std::string>();
  x.office = r[first + 5].as<std::string>();
  x.sentence_kind = r[first + 6].as<std::string>();
  x.sex = r[first + 7].as<std::string>();
  x.age_band = r[first + 8].as<std::string>();
  x.offence_category = r[first + 9].as<std::string>();
  x.level = r[first + 10].as<std::string>();
  x.code = r[first + 11].as<std::string>();
  x.minor = r[first + 12].as<bool>();
  x.flag = r[first + 13].as<bool>();
  x.deadline = OptDate(r[first + 14]);
  x.as_of = OptDate(r[first + 15]);
  return x;
}

std::string Joined(const std::set<std::string>& codes) { return absl::StrJoin(codes, ","); }

// The state columns district … never_reported as 11 arrays, one element a row.
struct StateArrays {
  ArrayLiteral district, office, sentence_kind, sex, age_band, offence_category, level, minor,
      key_attention, lost_contact, never_reported;
  void Add(const CaseState& s) {
    district.Add(s.district);
    office.Add(s.office);
    sentence_kind.Add(s.sentence_kind);
    sex.Add(s.sex);
    age_band.Add(s.age_band);
    offence_category.Add(s.offence_category);
    level.Add(s.level);
    minor.Add(s.minor);
    key_attention.Add(s.key_attention);
    lost_contact.Add(s.lost_contact);
    never_reported.Add(s.never_reported);
  }
};

}  // namespace

std::vector<db::Query> PgReportingStore::Queries() {
  return {kInsertOccurrences,
          kCasesOccurrences,
          kDeleteCasesSpans,
          kDeleteCasesFlows,
          kDeleteCasesProjections,
          kInsertCasesSpans,
          kInsertCasesFlows,
          kUpsertProjections,
          kGeneration,
          kNextGeneration,
          kStatesOn,
          kFlowsIn,
          kOccurrencesKnownAt,
          kCatchingUp,
          kCatchingUpShare,
          kStartCatchUp,
          kMarkDirty,
          kTakeDirty,
          kTakeDirtyClosed,
          kLockCatchUp,
          kAnyDirty,
          kEndCatchUp,
          kCleanDirty};
}

absl::Status PgReportingStore::ApplyInTransaction(pqxx::work& tx, const std::string& case_id,
                                                  const domain::Occurrence& o) {
  auto rebuilt = ApplyBatchInTransaction(tx, {{case_id, o}});
  return rebuilt.ok() ? absl::OkStatus() : rebuilt.status();
}

absl::StatusOr<std::vector<RebuiltCase>> PgReportingStore::ApplyBatchInTransaction(
    pqxx::work& tx, const std::vector<std::pair<std::string, domain::Occurrence>>& batch) {
  if (batch.empty()) return std::vector<RebuiltCase>();
  const std::set<std::string> touched = InsertOccurrences(tx, batch);
  ArrayLiteral ids;
  for (const auto& id : touched) ids.Add(id);
  return RebuildCases(tx, ids.Text());
}

std::set<std::string> PgReportingStore::InsertOccurrences(
    pqxx::work& tx, const std::vector<std::pair<std::string, domain::Occurrence>>& batch) {
  // The occurrences, one row each (an event id once), and the cases they touch.
  std::set<std::string> touched;
  {
    ArrayLiteral event_id, case_id, kind, on, seq, district, office, sentence_kind, sex, age_band,
        offence_category, level, code, minor, flag, deadline, as_of;
    for (const auto& [id, o] : batch) {
      touched.insert(id);
      event_id.Add(o.event_id);
      case_id.Add(id);
      kind.Add(o.kind);
      on.Add(time::FormatDate(o.on));
      seq.Add(absl::StrCat(o.seq));
      district.Add(o.district);
      office.Add(o.office);
      sentence_kind.Add(o.sentence_kind);
      sex.Add(o.sex);
      age_band.Add(o.age_band);
      offence_category.Add(o.offence_category);
      level.Add(o.level);
      code.Add(o.code);
      minor.Add(o.minor);
      flag.Add(o.flag);
      deadline.Add(o.deadline);
      as_of.Add(o.as_of);
    }
    tx.exec_prepared(Name(kInsertOccurrences), event_id.Text(), case_id.Text(), kind.Text(),
                     on.Text(), seq.Text(), district.Text(), office.Text(), sentence_kind.Text(),
                     sex.Text(), age_band.Text(), offence_category.Text(), level.Text(),
                     code.Text(), minor.Text(), flag.Text(), deadline.Text(), as_of.Text());
  }
  return touched;
}

std::vector<RebuiltCase> PgReportingStore::RebuildCases(pqxx::work& tx,
                                                        const std::string& case_ids) {
  std::vector<RebuiltCase> out;
  // Every occurrence of the touched cases (those of earlier batches too): each case's time line
  // is built again from all of them, so a back-dated or late event lands where it belongs.
  std::map<std::string, std::vector<domain::Occurrence>> by_case;
  for (const auto& r : tx.exec_prepared(Name(kCasesOccurrences), case_ids)) {
    by_case[r[0].as<std::string>()].push_back(OccurrenceAt(r, 1));
  }
  tx.exec_prepared(Name(kDeleteCasesSpans), case_ids);
  tx.exec_prepared(Name(kDeleteCasesFlows), case_ids);
  ArrayLiteral unopened;
  bool any_unopened = false;
  struct {
    ArrayLiteral case_id, from, to;
    StateArrays st;
    bool any = false;
  } spans;
  struct {
    ArrayLiteral case_id, ord, kind, code, day;
    StateArrays st;
    bool any = false;
  } flows;
  struct {
    ArrayLiteral case_id, start, closed, reason;
    StateArrays st;
    bool any = false;
  } projections;
  for (auto& [id, occurrences] : by_case) {
    RebuiltCase c;
    c.case_id = id;
    c.timeline = domain::BuildTimeline(occurrences);
    c.occurrences = std::move(occurrences);
    const domain::Timeline& t = c.timeline;
    if (!t.opened) {
      unopened.Add(id);
      any_unopened = true;
      out.push_back(std::move(c));
      continue;
    }
    for (const auto& s : t.spans) {
      spans.case_id.Add(id);
      spans.from.Add(time::FormatDate(s.from));
      spans.to.Add(s.to);
      spans.st.Add(s.state);
      spans.any = true;
    }
    int n = 0;
    for (const auto& f : t.flows) {
      flows.case_id.Add(id);
      flows.ord.Add(absl::StrCat(n++));
      flows.kind.Add(f.kind);
      flows.code.Add(f.code);
      flows.day.Add(time::FormatDate(f.day));
      flows.st.Add(f.state);
      flows.any = true;
    }
    // The projection: the latest state (the last span's).
    CaseState now;
    if (!t.spans.empty()) now = t.spans.back().state;
    projections.case_id.Add(id);
    projections.start.Add(time::FormatDate(t.start));
    projections.closed.Add(t.closed_on);
    projections.reason.Add(t.close_reason);
    projections.st.Add(now);
    projections.any = true;
    out.push_back(std::move(c));
  }
  if (any_unopened) tx.exec_prepared(Name(kDeleteCasesProjections), unopened.Text());
  if (spans.any) {
    const StateArrays& st = spans.st;
    tx.exec_prepared(Name(kInsertCasesSpans), spans.case_id.Text(), spans.from.Text(),
                     spans.to.Text(), st.district.Text(), st.office.Text(), st.sentence_kind.Text(),
                     st.sex.Text(), st.age_band.Text(), st.offence_category.Text(), st.level.Text(),
                     st.minor.Text(), st.key_attention.Text(), st.lost_contact.Text(),
                     st.never_reported.Text());
  }
  if (flows.any) {
    const StateArrays& st = flows.st;
    tx.exec_prepared(Name(kInsertCasesFlows), flows.case_id.Text(), flows.ord.Text(),
                     flows.kind.Text(), flows.code.Text(), flows.day.Text(), st.district.Text(),
                     st.office.Text(), st.sentence_kind.Text(), st.sex.Text(), st.age_band.Text(),
                     st.offence_category.Text(), st.level.Text(), st.minor.Text(),
                     st.key_attention.Text(), st.lost_contact.Text(), st.never_reported.Text());
  }
  if (projections.any) {
    const StateArrays& st = projections.st;
    tx.exec_prepared(Name(kUpsertProjections), projections.case_id.Text(), projections.start.Text(),
                     projections.closed.Text(), projections.reason.Text(), st.district.Text(),
                     st.office.Text(), st.sentence_kind.Text(), st.sex.Text(), st.age_band.Text(),
                     st.offence_category.Text(), st.level.Text(), st.minor.Text(),
                     st.key_attention.Text(), st.lost_contact.Text(), st.never_reported.Text());
  }
  return out;
}

absl::StatusOr<int> PgReportingStore::Generation() {
  int generation = 0;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    generation = tx.exec_prepared1(Name(kGeneration))[0].as<int>();
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return generation;
}

absl::StatusOr<int> PgReportingStore::ResetProjections() {
  int generation = 0;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec0(
        "TRUNCATE occurrence, case_projection, case_span, case_flow, worklist_item, service_fact,"
        " dirty_case");
    tx.exec0(absl::StrCat("DELETE FROM inbox WHERE consumer LIKE '", kConsumerGroupStem, "%'"));
    generation = tx.exec_prepared1(Name(kNextGeneration))[0].as<int>();
    // The new generation reads the topics from the beginning in catch-up mode.
    tx.exec_prepared(Name(kStartCatchUp), "rebuild");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return generation;
}

absl::StatusOr<CountedInput> PgReportingStore::LoadCounted(
    domain::Period period, const std::set<std::string>& districts, const std::string& office,
    const std::set<std::string>& dimensions) {
  const std::string district_list = Joined(districts);
  CountedInput out;
  std::map<std::string, CaseSlice> by_case;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    // Planned for its day and dimensions at each run: after five runs PostgreSQL would keep a
    // generic plan, which evaluates the dimension tests on every row and sorts the day's spans to
    // group them (0.17-0.48 s for 30,000 spans, against 0.03-0.05 s for the day's own plan,
    // which folds the tests away and hashes; docs/benchmarks.md). LOCAL, reset after: the
    // transaction may be a command's.
    tx.exec("SET LOCAL plan_cache_mode = force_custom_plan");
    for (const auto& r : tx.exec_prepared(Name(kStatesOn), time::FormatDate(period.AsOf()),
                                          district_list, office, Joined(dimensions))) {
      out.states.push_back({StateAt(r, 0), r[11].as<int64_t>()});
    }
    tx.exec("SET LOCAL plan_cache_mode = DEFAULT");
    for (const auto& r : tx.exec_prepared(Name(kFlowsIn), time::FormatDate(period.start),
                                          time::FormatDate(period.end), district_list, office)) {
      const std::string id = r[0].as<std::string>();
      CaseSlice& s = by_case[id];
      if (s.case_id.empty()) {
        s.case_id = id;
        s.timeline.opened = true;
      }
      domain::Flow f;
      f.kind = r[1].as<std::string>();
      f.code = r[2].as<std::string>();
      f.day = OptDate(r[3]).value_or(absl::CivilDay());
      f.state = StateAt(r, 4);
      s.timeline.flows.push_back(std::move(f));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  out.flows.reserve(by_case.size());
  for (auto& [id, s] : by_case) out.flows.push_back(std::move(s));
  return out;
}

absl::StatusOr<std::vector<CaseSlice>> PgReportingStore::LoadKnownAt(
    absl::Time known_at, const std::set<std::string>& districts, const std::string& office) {
  std::map<std::string, std::vector<domain::Occurrence>> by_case;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& r : tx.exec_prepared(Name(kOccurrencesKnownAt), absl::ToUnixMicros(known_at),
                                          Joined(districts), office)) {
      by_case[r[0].as<std::string>()].push_back(OccurrenceAt(r, 1));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  std::vector<CaseSlice> out;
  out.reserve(by_case.size());
  for (auto& [id, occurrences] : by_case) {
    CaseSlice s;
    s.case_id = id;
    s.timeline = domain::BuildTimeline(std::move(occurrences));
    if (s.timeline.opened) out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<bool> PgReportingStore::CatchingUp() {
  bool active = false;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    active = tx.exec_prepared1(Name(kCatchingUp))[0].as<bool>();
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return active;
}

absl::StatusOr<bool> PgReportingStore::CatchingUpInTransaction(pqxx::work& tx, bool lock) {
  return tx.exec_prepared1(Name(lock ? kCatchingUpShare : kCatchingUp))[0].as<bool>();
}

absl::Status PgReportingStore::StartCatchUpInTransaction(pqxx::work& tx,
                                                         const std::string& reason) {
  tx.exec_prepared(Name(kStartCatchUp), reason);
  return absl::OkStatus();
}

absl::Status PgReportingStore::KeepBatchInTransaction(
    pqxx::work& tx, const std::vector<std::pair<std::string, domain::Occurrence>>& batch) {
  if (batch.empty()) return absl::OkStatus();
  InsertOccurrences(tx, batch);
  // Each touched case once (ON CONFLICT DO UPDATE may touch a row once a statement), and whether
  // this batch closed it.
  std::map<std::string, bool> closed;
  for (const auto& [id, o] : batch) closed[id] = closed[id] || o.kind == domain::kClosed;
  ArrayLiteral ids, closes;
  for (const auto& [id, c] : closed) {
    ids.Add(id);
    closes.Add(c);
  }
  tx.exec_prepared(Name(kMarkDirty), ids.Text(), closes.Text());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RebuiltCase>> PgReportingStore::BuildDirtyInTransaction(
    pqxx::work& tx, int chunk, bool closed_only) {
  ArrayLiteral ids;
  bool any = false;
  for (const auto& r : tx.exec_prepared(Name(closed_only ? kTakeDirtyClosed : kTakeDirty), chunk)) {
    ids.Add(r[0].as<std::string>());
    any = true;
  }
  if (!any) return std::vector<RebuiltCase>();
  return RebuildCases(tx, ids.Text());
}

absl::StatusOr<bool> PgReportingStore::EndCatchUpInTransaction(pqxx::work& tx) {
  if (!tx.exec_prepared1(Name(kLockCatchUp))[0].as<bool>()) return true;
  if (tx.exec_prepared1(Name(kAnyDirty))[0].as<bool>()) return false;
  tx.exec_prepared(Name(kEndCatchUp));
  return true;
}

void PgReportingStore::CleanInTransaction(pqxx::work& tx,
                                          const std::vector<std::string>& case_ids) {
  if (case_ids.empty()) return;
  ArrayLiteral ids;
  for (const auto& id : case_ids) ids.Add(id);
  tx.exec_prepared(Name(kCleanDirty), ids.Text());
}

}  // namespace ccms::reporting
