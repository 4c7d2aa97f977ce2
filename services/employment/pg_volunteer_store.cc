#include "services/employment/pg_volunteer_store.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "ccms/employment/v1/volunteer_service.pb.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/employment/pg_case_store.h"
#include "services/employment/topics.h"

namespace ccms::employment {
namespace {

using db::Name;

// $2 all, $3 the caller's districts: hours and commendations are those of the caller's districts.
#define CCMS_VOLUNTEER_COLUMNS                                                             \
  "v.volunteer_id::text, v.kind, v.identity_enc, array_to_string(v.skills, ','),"          \
  " v.district_code, array_to_string(v.districts_served, ','),"                            \
  " array_to_string(v.supervision_team_ids, ','), v.registered_by,"                        \
  " (extract(epoch FROM v.created_at) * 1000000)::bigint,"                                 \
  " (SELECT coalesce(sum(s.hours), 0) FROM volunteer_services s WHERE s.volunteer_id ="    \
  "  v.volunteer_id AND ($2::boolean OR s.district_code = ANY($3::text[])))::integer,"     \
  " (SELECT count(*) FROM volunteer_commendations m WHERE m.volunteer_id = v.volunteer_id" \
  "  AND ($2::boolean OR m.district_code = ANY($3::text[])))::integer"

#define CCMS_VOLUNTEER_VISIBLE \
  " ($2::boolean OR v.district_code = ANY($3::text[]) OR v.districts_served && $3::text[])"

constexpr db::Query kInsertVolunteer = {
    "employment_insert_volunteer",
    "INSERT INTO volunteers (volunteer_id, kind, identity_enc, skills, district_code,"
    " districts_served, supervision_team_ids, registered_by, created_at) VALUES ($1::uuid, $2,"
    " $3, string_to_array($4, ','), $5, string_to_array($6, ','),"
    " string_to_array($7, ',')::uuid[], $8, to_timestamp($9::bigint / 1000000.0))"};
constexpr db::Query kGetVolunteer = {
    "employment_get_volunteer",
    "SELECT " CCMS_VOLUNTEER_COLUMNS
    " FROM volunteers v WHERE v.volunteer_id = $1::uuid AND" CCMS_VOLUNTEER_VISIBLE};
// Work is recorded for district $4, one of the caller's that the volunteer is registered in or
// serves; the row is locked so that a day's hours are summed under it.
constexpr db::Query kLockVolunteerForDistrict = {
    "employment_lock_volunteer_for_district",
    "SELECT " CCMS_VOLUNTEER_COLUMNS
    " FROM volunteers v WHERE v.volunteer_id = $1::uuid"
    " AND ($2::boolean OR $4 = ANY($3::text[]))"
    " AND (v.district_code = $4 OR $4 = ANY(v.districts_served)) FOR UPDATE OF v"};
constexpr db::Query kSetTeams = {
    "employment_set_volunteer_teams",
    "UPDATE volunteers SET supervision_team_ids = string_to_array($2, ',')::uuid[]"
    " WHERE volunteer_id = $1::uuid"};
constexpr db::Query kHoursOfDay = {"employment_volunteer_hours_of_day",
                                   "SELECT coalesce(sum(hours), 0)::integer FROM volunteer_services"
                                   " WHERE volunteer_id = $1::uuid AND served_on = $2::date"};
constexpr db::Query kCaseOfDistrict = {
    "employment_case_of_district_for_volunteer",
    "SELECT 1 FROM cases WHERE case_id = $1::uuid AND district_code = $2"};
constexpr db::Query kInsertService = {
    "employment_insert_volunteer_service",
    "INSERT INTO volunteer_services (service_id, volunteer_id, district_code, served_on, hours,"
    " activity_code, case_id, supervision_team_id, recorded_by) VALUES ($1::uuid, $2::uuid, $3,"
    " $4::date, $5, $6, NULLIF($7, '')::uuid, NULLIF($8, '')::uuid, $9)"};
constexpr db::Query kInsertCommendation = {
    "employment_insert_volunteer_commendation",
    "INSERT INTO volunteer_commendations (commendation_id, volunteer_id, district_code,"
    " commended_on, code, recorded_by) VALUES ($1::uuid, $2::uuid, $3, $4::date, $5, $6)"};
constexpr db::Query kServicesOfVolunteer = {
    "employment_services_of_volunteer",
    "SELECT s.service_id::text, s.volunteer_id::text, s.district_code, s.served_on::text,"
    " s.hours, s.activity_code, coalesce(s.case_id::text, ''),"
    " coalesce(s.supervision_team_id::text, ''), s.recorded_by FROM volunteer_services s"
    " WHERE s.volunteer_id = $1::uuid AND ($2::boolean OR s.district_code = ANY($3::text[]))"
    " ORDER BY s.served_on, s.service_id LIMIT 1000"};
constexpr db::Query kCommendationsOfVolunteer = {
    "employment_commendations_of_volunteer",
    "SELECT m.commendation_id::text, m.volunteer_id::text, m.district_code,"
    " m.commended_on::text, m.code, m.recorded_by FROM volunteer_commendations m"
    " WHERE m.volunteer_id = $1::uuid AND ($2::boolean OR m.district_code = ANY($3::text[]))"
    " ORDER BY m.commended_on, m.commendation_id LIMIT 1000"};
constexpr db::Query kListVolunteers = {
    "employment_list_volunteers",
    "SELECT " CCMS_VOLUNTEER_COLUMNS " FROM volunteers v WHERE" CCMS_VOLUNTEER_VISIBLE
    " AND ($1 = '' OR v.district_code = $1 OR $1 = ANY(v.districts_served))"
    " AND ($4 = '' OR v.kind = $4)"
    " AND ($5 = '' OR v.volunteer_id > NULLIF($5, '')::uuid) ORDER BY v.volunteer_id LIMIT $6"};

std::vector<std::string> Split(const std::string& s) {
  if (s.empty()) return {};
  return absl::StrSplit(s, ',');
}

absl::CivilDay Day(const pqxx::field& f) {
  return time::ParseDate(f.c_str()).value_or(absl::CivilDay());
}

VolunteerServiceRow ServiceOf(const pqxx::row& r) {
  VolunteerServiceRow s;
  s.service_id = r[0].as<std::string>();
  s.volunteer_id = r[1].as<std::string>();
  s.district_code = r[2].as<std::string>();
  s.served_on = Day(r[3]);
  s.hours = r[4].as<int>();
  s.activity_code = r[5].as<std::string>();
  s.case_id = r[6].as<std::string>();
  s.supervision_team_id = r[7].as<std::string>();
  s.recorded_by = r[8].as<std::string>();
  return s;
}

CommendationRow CommendationOf(const pqxx::row& r) {
  CommendationRow m;
  m.commendation_id = r[0].as<std::string>();
  m.volunteer_id = r[1].as<std::string>();
  m.district_code = r[2].as<std::string>();
  m.commended_on = Day(r[3]);
  m.code = r[4].as<std::string>();
  m.recorded_by = r[5].as<std::string>();
  return m;
}

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

absl::StatusOr<VolunteerRecord> PgVolunteerStore::FromRow(const pqxx::row& r) const {
  VolunteerRecord v;
  v.volunteer_id = r[0].as<std::string>();
  v.kind = r[1].as<std::string>();
  auto plain = cipher_.Decrypt(pqxx::binarystring(r[2]).str(), kIdentityContext);
  if (!plain.ok()) return plain.status();
  v1::Volunteer identity;
  if (!identity.ParseFromString(*plain)) return absl::DataLossError("cannot read the identity");
  v.name = identity.name();
  v.contact = identity.contact();
  v.skill_codes = Split(r[3].as<std::string>());
  v.district_code = r[4].as<std::string>();
  v.districts_served = Split(r[5].as<std::string>());
  v.supervision_team_ids = Split(r[6].as<std::string>());
  v.registered_by = r[7].as<std::string>();
  v.created_at = absl::FromUnixMicros(r[8].as<int64_t>());
  v.total_hours = r[9].as<int>();
  v.commendations = r[10].as<int>();
  return v;
}

absl::StatusOr<VolunteerRecord> PgVolunteerStore::Register(
    const auth::Principal& principal, const VolunteerRecord& v,
    const std::vector<events::v1::Envelope>& events, const std::string& request_id) {
  VolunteerRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    v1::Volunteer identity;
    identity.set_name(v.name);
    identity.set_contact(v.contact);
    const std::string blob = cipher_.Encrypt(identity.SerializeAsString(), kIdentityContext);
    tx.exec_prepared(Name(kInsertVolunteer), v.volunteer_id, v.kind, pqxx::binarystring(blob),
                     absl::StrJoin(v.skill_codes, ","), v.district_code,
                     absl::StrJoin(v.districts_served, ","),
                     absl::StrJoin(v.supervision_team_ids, ","), v.registered_by,
                     absl::ToUnixMicros(v.created_at));
    for (const auto& e : events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    db::AppendAudit(tx, principal, "RegisterVolunteer", "", "OK", request_id);
    pqxx::result r = tx.exec_prepared(Name(kGetVolunteer), v.volunteer_id, true, "{}");
    if (r.empty()) return absl::InternalError("volunteer row missing after insert");
    auto rec = FromRow(r[0]);
    if (!rec.ok()) return rec.status();
    out = *std::move(rec);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (!events.empty() && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<VolunteerServiceRow> PgVolunteerStore::RecordService(
    const auth::Principal& principal, const std::string& volunteer_id, const std::string& district,
    const std::string& case_id, absl::CivilDay served_on, const std::string& request_id,
    const VolunteerServiceDecision& decide) {
  VolunteerServiceRow out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kLockVolunteerForDistrict), volunteer_id, scope.all,
                                      scope.districts, district);
    if (r.empty()) return absl::NotFoundError("volunteer not found");
    VolunteerServiceView view;
    auto v = FromRow(r[0]);
    if (!v.ok()) return v.status();
    view.volunteer = *std::move(v);
    // The day's hours, read after the lock by a statement of its own (READ COMMITTED: the
    // locking statement's snapshot may miss the service that held the lock).
    view.hours_before =
        tx.exec_prepared(Name(kHoursOfDay), volunteer_id, time::FormatDate(served_on))[0][0]
            .as<int>();
    if (!case_id.empty()) {
      if (tx.exec_prepared(Name(kCaseOfDistrict), case_id, district).empty()) {
        return absl::NotFoundError("case not found");
      }
      auto c = PgCaseStore::Load(tx, case_id);
      if (!c.ok()) return c.status();
      view.case_view = *std::move(c);
    }
    auto write = decide(view);
    if (!write.ok()) return write.status();
    const VolunteerServiceRow& s = write->service;
    tx.exec_prepared(Name(kInsertService), s.service_id, s.volunteer_id, s.district_code,
                     time::FormatDate(s.served_on), s.hours, s.activity_code, s.case_id,
                     s.supervision_team_id, s.recorded_by);
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "RecordVolunteerService", case_id, "OK", request_id);
    out = s;
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "RecordVolunteerService", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<CommendationRow> PgVolunteerStore::Commend(
    const auth::Principal& principal, const CommendationRow& m,
    const std::vector<events::v1::Envelope>& events, const std::string& request_id) {
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    if (tx.exec_prepared(Name(kLockVolunteerForDistrict), m.volunteer_id, scope.all,
                         scope.districts, m.district_code)
            .empty()) {
      return absl::NotFoundError("volunteer not found");
    }
    tx.exec_prepared(Name(kInsertCommendation), m.commendation_id, m.volunteer_id, m.district_code,
                     time::FormatDate(m.commended_on), m.code, m.recorded_by);
    for (const auto& e : events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    db::AppendAudit(tx, principal, "CommendVolunteer", "", "OK", request_id);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "CommendVolunteer", "", st, request_id);
    return st;
  }
  if (!events.empty() && signal_ != nullptr) signal_->Notify();
  return m;
}

absl::StatusOr<VolunteerRecord> PgVolunteerStore::ChangeTeams(
    const auth::Principal& principal, const std::string& volunteer_id, const std::string& district,
    std::string_view method, const std::string& request_id, const VolunteerTeamDecision& decide) {
  VolunteerRecord out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kLockVolunteerForDistrict), volunteer_id, scope.all,
                                      scope.districts, district);
    if (r.empty()) return absl::NotFoundError("volunteer not found");
    auto v = FromRow(r[0]);
    if (!v.ok()) return v.status();
    auto write = decide(*v);
    if (!write.ok()) return write.status();
    tx.exec_prepared(Name(kSetTeams), volunteer_id, absl::StrJoin(write->team_ids, ","));
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, method, "", "OK", request_id);
    pqxx::result after =
        tx.exec_prepared(Name(kGetVolunteer), volunteer_id, scope.all, scope.districts);
    if (after.empty()) return absl::InternalError("volunteer row missing");
    auto a = FromRow(after[0]);
    if (!a.ok()) return a.status();
    out = *std::move(a);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, method, "", st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<VolunteerDetail> PgVolunteerStore::Get(const auth::Principal& principal,
                                                      const std::string& volunteer_id) {
  VolunteerDetail out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kGetVolunteer), volunteer_id, scope.all, scope.districts);
    if (r.empty()) return absl::NotFoundError("volunteer not found");
    auto v = FromRow(r[0]);
    if (!v.ok()) return v.status();
    out.volunteer = *std::move(v);
    for (const auto& row :
         tx.exec_prepared(Name(kServicesOfVolunteer), volunteer_id, scope.all, scope.districts)) {
      out.services.push_back(ServiceOf(row));
    }
    for (const auto& row : tx.exec_prepared(Name(kCommendationsOfVolunteer), volunteer_id,
                                            scope.all, scope.districts)) {
      out.commendations.push_back(CommendationOf(row));
    }
    db::AppendAudit(tx, principal, "GetVolunteer", "", "OK", "");
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "GetVolunteer", "", st, "");
    return st;
  }
  return out;
}

absl::StatusOr<VolunteerPage> PgVolunteerStore::List(const auth::Principal& principal,
                                                     const VolunteerFilter& f) {
  VolunteerPage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kListVolunteers), f.district_code, scope.all,
                                      scope.districts, f.kind, f.after_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.next_id = page.items.back().volunteer_id;
        break;
      }
      auto v = FromRow(row);
      if (!v.ok()) return v.status();
      page.items.push_back(*std::move(v));
    }
    db::AppendAudit(tx, principal, "ListVolunteers", "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

std::vector<db::Query> PgVolunteerStore::Queries() {
  return {kInsertVolunteer,    kGetVolunteer,        kLockVolunteerForDistrict,
          kHoursOfDay,         kCaseOfDistrict,      kInsertService,
          kInsertCommendation, kServicesOfVolunteer, kCommendationsOfVolunteer,
          kListVolunteers,     kSetTeams};
}

}  // namespace ccms::employment
