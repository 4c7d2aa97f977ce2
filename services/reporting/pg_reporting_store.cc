#include "services/reporting/pg_reporting_store.h"

#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/time/calendar.h"
#include "services/reporting/event_translation.h"

namespace ccms::reporting {
namespace {

using db::Name;
using domain::CaseState;

constexpr db::Query kInsertOccurrence = {
    "reporting_insert_occurrence",
    "INSERT INTO occurrence (event_id, case_id, kind, on_day, seq, district_code, office_id,"
    " sentence_kind, sex, age_band, offence_category, level, code, minor, flag, deadline, as_of)"
    " VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
    " NULLIF($16, '')::date, NULLIF($17, '')::date) ON CONFLICT (event_id) DO NOTHING"};
constexpr db::Query kCaseOccurrences = {
    "reporting_case_occurrences",
    "SELECT event_id, kind, on_day::text, seq, district_code, office_id, sentence_kind, sex,"
    " age_band, offence_category, level, code, minor, flag, deadline::text, as_of::text"
    " FROM occurrence WHERE case_id = $1"};
constexpr db::Query kDeleteSpans = {"reporting_delete_spans",
                                    "DELETE FROM case_span WHERE case_id = $1"};
constexpr db::Query kDeleteFlows = {"reporting_delete_flows",
                                    "DELETE FROM case_flow WHERE case_id = $1"};
constexpr db::Query kDeleteProjection = {"reporting_delete_projection",
                                         "DELETE FROM case_projection WHERE case_id = $1"};
// A case's whole time line in one statement per table (arrays of the spans' and the flows'
// columns): a case with a year of monthly contacts has dozens of flows, rewritten after each of
// its events; one INSERT a row made the rebuild's statements grow with the square of the events.
constexpr db::Query kInsertSpans = {
    "reporting_insert_spans",
    "INSERT INTO case_span (case_id, valid_from, valid_to, district_code, office_id,"
    " sentence_kind, sex, age_band, offence_category, level, minor, key_attention, lost_contact,"
    " never_reported) SELECT $1, * FROM unnest($2::date[], $3::date[], $4::text[], $5::text[],"
    " $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::boolean[],"
    " $12::boolean[], $13::boolean[], $14::boolean[])"};
constexpr db::Query kInsertFlows = {
    "reporting_insert_flows",
    "INSERT INTO case_flow (case_id, ord, kind, code, on_day, district_code, office_id,"
    " sentence_kind, sex, age_band, offence_category, level, minor, key_attention, lost_contact,"
    " never_reported) SELECT $1, * FROM unnest($2::integer[], $3::text[], $4::text[],"
    " $5::date[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],"
    " $12::text[], $13::boolean[], $14::boolean[], $15::boolean[], $16::boolean[])"};
constexpr db::Query kUpsertProjection = {
    "reporting_upsert_projection",
    "INSERT INTO case_projection (case_id, start_on, closed_on, close_reason, district_code,"
    " office_id, sentence_kind, sex, age_band, offence_category, level, minor, key_attention,"
    " lost_contact, never_reported, updated_at) VALUES ($1, $2::date, NULLIF($3, '')::date, $4,"
    " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now())"
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
constexpr db::Query kSpansOn = {
    "reporting_spans_on",
    "SELECT case_id, valid_from::text, valid_to::text, district_code, office_id, sentence_kind,"
    " sex, age_band, offence_category, level, minor, key_attention, lost_contact, never_reported"
    " FROM case_span WHERE valid_from <= $1::date AND (valid_to IS NULL OR valid_to > $1::date)"
    " AND ($2 = '' OR district_code = ANY(string_to_array($2, ',')))"
    " AND ($3 = '' OR office_id = $3)"};
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

std::string DateText(const std::optional<absl::CivilDay>& d) {
  return d.has_value() ? time::FormatDate(*d) : "";
}

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

// A PostgreSQL array literal, built one element at a time: every value quoted (codes and ids,
// but quoted all the same), NULL for a missing one.
class ArrayLiteral {
 public:
  void Add(std::string_view v) {
    text_ += text_.empty() ? "{\"" : ",\"";
    for (char c : v) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
  }
  void Add(bool v) { text_ += text_.empty() ? (v ? "{t" : "{f") : (v ? ",t" : ",f"); }
  void AddNull() { text_ += text_.empty() ? "{NULL" : ",NULL"; }
  std::string Text() const { return text_.empty() ? "{}" : text_ + "}"; }

 private:
  std::string text_;
};

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
  return {kInsertOccurrence, kCaseOccurrences, kDeleteSpans,       kDeleteFlows, kDeleteProjection,
          kInsertSpans,      kInsertFlows,     kUpsertProjection,  kGeneration,  kNextGeneration,
          kSpansOn,          kFlowsIn,         kOccurrencesKnownAt};
}

absl::Status PgReportingStore::ApplyInTransaction(pqxx::work& tx, const std::string& case_id,
                                                  const domain::Occurrence& o) {
  tx.exec_prepared(Name(kInsertOccurrence), o.event_id, case_id, o.kind, time::FormatDate(o.on),
                   o.seq, o.district, o.office, o.sentence_kind, o.sex, o.age_band,
                   o.offence_category, o.level, o.code, o.minor, o.flag, DateText(o.deadline),
                   DateText(o.as_of));
  std::vector<domain::Occurrence> all;
  for (const auto& r : tx.exec_prepared(Name(kCaseOccurrences), case_id)) {
    all.push_back(OccurrenceAt(r, 0));
  }
  const domain::Timeline t = domain::BuildTimeline(std::move(all));
  tx.exec_prepared(Name(kDeleteSpans), case_id);
  tx.exec_prepared(Name(kDeleteFlows), case_id);
  if (!t.opened) {
    tx.exec_prepared(Name(kDeleteProjection), case_id);
    return absl::OkStatus();
  }
  if (!t.spans.empty()) {
    ArrayLiteral from, to;
    StateArrays st;
    for (const auto& s : t.spans) {
      from.Add(time::FormatDate(s.from));
      if (s.to.has_value()) {
        to.Add(time::FormatDate(*s.to));
      } else {
        to.AddNull();
      }
      st.Add(s.state);
    }
    tx.exec_prepared(Name(kInsertSpans), case_id, from.Text(), to.Text(), st.district.Text(),
                     st.office.Text(), st.sentence_kind.Text(), st.sex.Text(), st.age_band.Text(),
                     st.offence_category.Text(), st.level.Text(), st.minor.Text(),
                     st.key_attention.Text(), st.lost_contact.Text(), st.never_reported.Text());
  }
  if (!t.flows.empty()) {
    ArrayLiteral ord, kind, code, day;
    StateArrays st;
    int n = 0;
    for (const auto& f : t.flows) {
      ord.Add(absl::StrCat(n++));
      kind.Add(f.kind);
      code.Add(f.code);
      day.Add(time::FormatDate(f.day));
      st.Add(f.state);
    }
    tx.exec_prepared(Name(kInsertFlows), case_id, ord.Text(), kind.Text(), code.Text(), day.Text(),
                     st.district.Text(), st.office.Text(), st.sentence_kind.Text(), st.sex.Text(),
                     st.age_band.Text(), st.offence_category.Text(), st.level.Text(),
                     st.minor.Text(), st.key_attention.Text(), st.lost_contact.Text(),
                     st.never_reported.Text());
  }
  // The projection: the latest state (the last span's).
  CaseState now;
  if (!t.spans.empty()) now = t.spans.back().state;
  tx.exec_prepared(Name(kUpsertProjection), case_id, time::FormatDate(t.start),
                   DateText(t.closed_on), t.close_reason, now.district, now.office,
                   now.sentence_kind, now.sex, now.age_band, now.offence_category, now.level,
                   now.minor, now.key_attention, now.lost_contact, now.never_reported);
  return absl::OkStatus();
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
        "TRUNCATE occurrence, case_projection, case_span, case_flow, worklist_item, service_fact");
    tx.exec0(absl::StrCat("DELETE FROM inbox WHERE consumer LIKE '", kConsumerGroupStem, "%'"));
    generation = tx.exec_prepared1(Name(kNextGeneration))[0].as<int>();
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return generation;
}

absl::StatusOr<std::vector<CaseSlice>> PgReportingStore::LoadSlices(
    domain::Period period, const std::set<std::string>& districts, const std::string& office) {
  const std::string district_list = Joined(districts);
  std::map<std::string, CaseSlice> by_case;
  auto slice = [&](const std::string& id) -> domain::Timeline& {
    CaseSlice& s = by_case[id];
    if (s.case_id.empty()) {
      s.case_id = id;
      s.timeline.opened = true;
    }
    return s.timeline;
  };
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    {
      for (const auto& r : tx.exec_prepared(Name(kSpansOn), time::FormatDate(period.AsOf()),
                                            district_list, office)) {
        domain::Span s;
        s.from = OptDate(r[1]).value_or(absl::CivilDay());
        s.to = OptDate(r[2]);
        s.state = StateAt(r, 3);
        slice(r[0].as<std::string>()).spans.push_back(std::move(s));
      }
      for (const auto& r : tx.exec_prepared(Name(kFlowsIn), time::FormatDate(period.start),
                                            time::FormatDate(period.end), district_list, office)) {
        domain::Flow f;
        f.kind = r[1].as<std::string>();
        f.code = r[2].as<std::string>();
        f.day = OptDate(r[3]).value_or(absl::CivilDay());
        f.state = StateAt(r, 4);
        slice(r[0].as<std::string>()).flows.push_back(std::move(f));
      }
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  std::vector<CaseSlice> out;
  out.reserve(by_case.size());
  for (auto& [id, s] : by_case) out.push_back(std::move(s));
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

}  // namespace ccms::reporting
