#include "services/employment/pg_opening_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/employment/pg_case_store.h"
#include "services/employment/pg_needs_store.h"
#include "services/employment/pg_obligation_store.h"
#include "services/employment/topics.h"

namespace ccms::employment {
namespace {

using db::Name;

#define CCMS_OPENING_COLUMNS                                                                 \
  "o.opening_id::text, o.opening_code, o.partner_id::text, o.agency_id, o.district_code,"    \
  " o.title, o.sector_code, o.hours_per_week, array_to_string(o.required_skill_codes, ',')," \
  " o.closes_on::text, o.places, o.places_filled,"                                           \
  " array_to_string(o.excluded_offence_categories, ','), o.status, o.close_reason,"          \
  " o.posted_on::text, o.closed_on::text, o.posted_by, o.posted_by_kind,"                    \
  " array_to_string(o.work_days, ','), o.shift_start_minute, o.shift_end_minute"

// Staff ($4 = ''): the opening's district among theirs; a partner ($4): its own agency's.
#define CCMS_OPENING_SCOPE                                             \
  " (($4 = '' AND ($2::boolean OR o.district_code = ANY($3::text[])))" \
  " OR ($4 <> '' AND o.agency_id = $4))"

constexpr db::Query kPartnerInReach = {
    "employment_partner_for_opening",
    "SELECT p.partner_id::text, p.agency_id, p.status, array_to_string(p.districts_served, ',')"
    " FROM partners p WHERE p.partner_id = $1::uuid AND ($2::boolean OR"
    " p.district_code = ANY($3::text[]) OR p.districts_served && $3::text[])"};
constexpr db::Query kPartnerOfAgency = {
    "employment_partner_of_agency",
    "SELECT p.partner_id::text, p.agency_id, p.status, array_to_string(p.districts_served, ',')"
    " FROM partners p WHERE p.agency_id = $1"};
constexpr db::Query kInsertOpening = {
    "employment_insert_opening",
    "INSERT INTO job_openings (opening_id, opening_code, partner_id, agency_id, district_code,"
    " title, sector_code, hours_per_week, required_skill_codes, closes_on, places,"
    " excluded_offence_categories, status, posted_on, posted_by, posted_by_kind, work_days,"
    " shift_start_minute, shift_end_minute) VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6, $7, $8,"
    " $9::text[], $10::date, $11, $12::text[], 'OPEN', $13::date, $14, $15,"
    " string_to_array($16, ',')::smallint[], $17, $18)"};
constexpr db::Query kLockOpening = {
    "employment_lock_opening",
    "SELECT " CCMS_OPENING_COLUMNS
    " FROM job_openings o WHERE o.opening_id = $1::uuid AND" CCMS_OPENING_SCOPE " FOR UPDATE"};
constexpr db::Query kReadOpening = {"employment_read_opening",
                                    "SELECT " CCMS_OPENING_COLUMNS
                                    " FROM job_openings o WHERE o.opening_id = $1::uuid"};
constexpr db::Query kUpdateOpening = {
    "employment_update_opening",
    "UPDATE job_openings SET status = $2, close_reason = $3, closed_on = NULLIF($4, '')::date,"
    " places_filled = $5 WHERE opening_id = $1::uuid"};
constexpr db::Query kListOpenings = {
    "employment_list_openings",
    "SELECT " CCMS_OPENING_COLUMNS " FROM job_openings o WHERE" CCMS_OPENING_SCOPE
    " AND ($1 = '' OR o.district_code = $1) AND ($5::boolean OR o.status = 'OPEN')"
    " AND ($6 = '' OR o.opening_id > NULLIF($6, '')::uuid) ORDER BY o.opening_id LIMIT $7"};
constexpr db::Query kCaseInReach = {"employment_case_in_reach_for_matching",
                                    "SELECT 1 FROM cases c WHERE c.case_id = $1::uuid"
                                    " AND ($2::boolean OR c.district_code = ANY($3::text[]))"};
// The candidates: OPEN openings of the case's district and its neighbours (what a partner posts
// is no one's personal data; staff see the neighbours' openings when ranking for their case).
constexpr db::Query kOpenOpeningsIn = {
    "employment_open_openings_in",
    "SELECT " CCMS_OPENING_COLUMNS
    " FROM job_openings o WHERE o.status = 'OPEN'"
    " AND o.district_code = ANY($1::text[]) ORDER BY o.opening_id LIMIT 1000"};

std::vector<std::string> Split(const pqxx::field& f) {
  const std::string s = f.is_null() ? std::string() : f.as<std::string>();
  if (s.empty()) return {};
  return absl::StrSplit(s, ',');
}

std::optional<absl::CivilDay> DayOf(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return std::nullopt;
  return time::ParseDate(f.c_str());
}

OpeningRecord OpeningOf(const pqxx::row& r) {
  OpeningRecord o;
  o.opening_id = r[0].as<std::string>();
  o.opening_code = r[1].as<std::string>();
  o.partner_id = r[2].as<std::string>();
  o.agency_id = r[3].as<std::string>();
  o.district_code = r[4].as<std::string>();
  o.title = r[5].as<std::string>();
  o.sector_code = r[6].as<std::string>();
  o.hours_per_week = r[7].as<int>();
  o.required_skill_codes = Split(r[8]);
  o.closes_on = DayOf(r[9]).value_or(absl::CivilDay());
  o.places = r[10].as<int>();
  o.places_filled = r[11].as<int>();
  o.excluded_offence_categories = Split(r[12]);
  o.status = r[13].as<std::string>() == "CLOSED" ? domain::OpeningStatus::kClosed
                                                 : domain::OpeningStatus::kOpen;
  o.close_reason = r[14].as<std::string>();
  o.posted_on = DayOf(r[15]).value_or(absl::CivilDay());
  o.closed_on = DayOf(r[16]);
  o.posted_by = r[17].as<std::string>();
  o.posted_by_kind = r[18].as<std::string>();
  for (const auto& d : Split(r[19])) o.schedule.days.push_back(std::stoi(d));
  o.schedule.start_minute = r[20].as<int>();
  o.schedule.end_minute = r[21].as<int>();
  return o;
}

PartnerBrief BriefOf(const pqxx::row& r) {
  PartnerBrief b;
  b.partner_id = r[0].as<std::string>();
  b.agency_id = r[1].as<std::string>();
  b.status = r[2].as<std::string>();
  b.districts_served = Split(r[3]);
  return b;
}

std::string AgencyOf(const auth::Principal& p) {
  return p.role == auth::Role::kPartner ? p.agency_id : std::string();
}

// The audit row of a call refused because its case, partner or opening is out of reach.
void AuditRefusal(db::ConnectionPool& pool, const auth::Principal& principal,
                  std::string_view method, const std::string& case_id, const absl::Status& st,
                  const std::string& request_id) {
  if (st.code() != absl::StatusCode::kNotFound) return;
  (void)pool.InSeparateTransaction(
      [principal, method = std::string(method), case_id, request_id](pqxx::work& tx) {
        db::AppendAudit(tx, principal, method, case_id, "NOT_FOUND", request_id);
        return absl::OkStatus();
      });
}

}  // namespace

absl::StatusOr<OpeningRecord> PgOpeningStore::Post(const auth::Principal& principal,
                                                   const std::string& partner_id,
                                                   const std::string& request_id,
                                                   const PostDecision& decide) {
  OpeningRecord out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result p =
        principal.role == auth::Role::kPartner
            ? tx.exec_prepared(Name(kPartnerOfAgency), principal.agency_id)
            : tx.exec_prepared(Name(kPartnerInReach), partner_id, scope.all, scope.districts);
    if (p.empty()) return absl::NotFoundError("partner not found");
    auto w = decide(BriefOf(p[0]));
    if (!w.ok()) return w.status();
    const OpeningRecord& o = w->opening;
    tx.exec_prepared(Name(kInsertOpening), o.opening_id, o.opening_code, o.partner_id, o.agency_id,
                     o.district_code, o.title, o.sector_code, o.hours_per_week,
                     db::TextArrayLiteral(o.required_skill_codes), time::FormatDate(o.closes_on),
                     o.places, db::TextArrayLiteral(o.excluded_offence_categories),
                     time::FormatDate(o.posted_on), o.posted_by, o.posted_by_kind,
                     absl::StrJoin(o.schedule.days, ","), o.schedule.start_minute,
                     o.schedule.end_minute);
    for (const auto& ev : w->events) kafka::AppendToOutbox(tx, kEmploymentTopic, ev);
    wrote_events = !w->events.empty();
    db::AppendAudit(tx, principal, "PostOpening", "", "OK", request_id);
    pqxx::result after = tx.exec_prepared(Name(kReadOpening), o.opening_id);
    if (after.empty()) return absl::InternalError("opening row missing");
    out = OpeningOf(after[0]);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "PostOpening", "", st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<OpeningRecord> PgOpeningStore::Mutate(const auth::Principal& principal,
                                                     const std::string& opening_id,
                                                     std::string_view method,
                                                     const std::string& request_id,
                                                     const OpeningDecision& decide) {
  OpeningRecord out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kLockOpening), opening_id, scope.all, scope.districts,
                                      AgencyOf(principal));
    if (r.empty()) return absl::NotFoundError("opening not found");
    auto w = decide(OpeningOf(r[0]));
    if (!w.ok()) return w.status();
    const OpeningRecord& o = w->opening;
    tx.exec_prepared(
        Name(kUpdateOpening), opening_id,
        std::string(o.status == domain::OpeningStatus::kClosed ? "CLOSED" : "OPEN"), o.close_reason,
        o.closed_on.has_value() ? time::FormatDate(*o.closed_on) : std::string(), o.places_filled);
    for (const auto& ev : w->events) kafka::AppendToOutbox(tx, kEmploymentTopic, ev);
    wrote_events = !w->events.empty();
    db::AppendAudit(tx, principal, method, "", "OK", request_id);
    pqxx::result after = tx.exec_prepared(Name(kReadOpening), opening_id);
    if (after.empty()) return absl::InternalError("opening row missing");
    out = OpeningOf(after[0]);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, method, "", st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<std::pair<std::vector<OpeningRecord>, std::string>> PgOpeningStore::List(
    const auth::Principal& principal, const OpeningFilter& f) {
  std::pair<std::vector<OpeningRecord>, std::string> page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kListOpenings), f.district_code, scope.all, scope.districts,
                         AgencyOf(principal), f.include_closed, f.after_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.first.size()) == f.page_size) {
        page.second = page.first.back().opening_id;
        break;
      }
      page.first.push_back(OpeningOf(row));
    }
    db::AppendAudit(tx, principal, "ListOpenings", "", std::to_string(page.first.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<MatchInput> PgOpeningStore::ForCase(const auth::Principal& principal,
                                                   const std::string& case_id,
                                                   const DistrictsFor& districts_for,
                                                   absl::Time obligations_from,
                                                   absl::Time obligations_to) {
  MatchInput out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    if (tx.exec_prepared(Name(kCaseInReach), case_id, scope.all, scope.districts).empty()) {
      return absl::NotFoundError("case not found");
    }
    auto c = PgCaseStore::Load(tx, case_id);
    if (!c.ok()) return c.status();
    out.case_view = *std::move(c);
    out.skills = PgNeedsStore::ProfileSkills(tx, case_id);
    for (const auto& row : tx.exec_prepared(Name(kOpenOpeningsIn),
                                            db::TextArrayLiteral(districts_for(out.case_view)))) {
      out.openings.push_back(OpeningOf(row));
    }
    out.education_sessions =
        PgObligationStore::EnrolledBetween(tx, scope, case_id, obligations_from, obligations_to);
    db::AppendAudit(tx, principal, "RankOpeningsForCase", case_id, "OK", "");
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "RankOpeningsForCase", case_id, st, "");
    return st;
  }
  return out;
}

std::vector<db::Query> PgOpeningStore::Queries() {
  return {kPartnerInReach, kPartnerOfAgency, kInsertOpening, kLockOpening,   kReadOpening,
          kUpdateOpening,  kListOpenings,    kCaseInReach,   kOpenOpeningsIn};
}

}  // namespace ccms::employment
