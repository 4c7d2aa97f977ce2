#include "services/employment/pg_training_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/employment/pg_case_store.h"
#include "services/employment/topics.h"

namespace ccms::employment {
namespace {

using db::Name;

#define CCMS_PROGRAMME_COLUMNS                                                         \
  "t.programme_id::text, t.code, t.name, t.provider_partner_id::text, t.agency_id,"    \
  " t.district_code, t.hours, t.places,"                                               \
  " (SELECT count(*) FROM training_enrolments e WHERE e.programme_id = t.programme_id" \
  "  AND e.status <> 'WITHDRAWN')::integer,"                                           \
  " t.starts_on::text, t.ends_on::text, t.registered_by"

// Staff ($4 = ''): the programme's district among theirs; a partner ($4): its own programmes.
#define CCMS_PROGRAMME_SCOPE                                           \
  " (($4 = '' AND ($2::boolean OR t.district_code = ANY($3::text[])))" \
  " OR ($4 <> '' AND t.agency_id = $4))"

#define CCMS_ENROLMENT_COLUMNS                                                        \
  "e.enrolment_id::text, e.enrolment_code, e.programme_id::text, e.case_id::text,"    \
  " e.district_code, e.status, e.enrolled_on::text, e.age_on_enrolment, e.age_basis," \
  " e.hours_attended, e.completed_on::text, e.certificate_obtained, e.recorded_by"

constexpr db::Query kPartnerInReach = {
    "employment_partner_for_programme",
    "SELECT p.partner_id::text, p.agency_id, p.status, array_to_string(p.districts_served, ',')"
    " FROM partners p WHERE p.partner_id = $1::uuid AND ($2::boolean OR"
    " p.district_code = ANY($3::text[]) OR p.districts_served && $3::text[])"};
constexpr db::Query kInsertProgramme = {
    "employment_insert_programme",
    "INSERT INTO training_programmes (programme_id, code, name, provider_partner_id, agency_id,"
    " district_code, hours, places, starts_on, ends_on, registered_by) VALUES ($1::uuid, $2, $3,"
    " $4::uuid, $5, $6, $7, $8, $9::date, $10::date, $11) ON CONFLICT (district_code, code)"
    " DO NOTHING"};
constexpr db::Query kGetProgramme = {"employment_get_programme",
                                     "SELECT " CCMS_PROGRAMME_COLUMNS
                                     " FROM training_programmes t WHERE t.programme_id = $1::uuid"};
constexpr db::Query kLockCase = {
    "employment_lock_case_for_training",
    "SELECT 1 FROM cases c WHERE c.case_id = $1::uuid"
    " AND ($2::boolean OR c.district_code = ANY($3::text[])) FOR UPDATE"};
// The enrolment's lock: the programme row, so no other enrolment counts its places until this
// one commits. (The count is read by a later statement, kGetProgramme: under READ COMMITTED a
// statement that waited for the lock still counts with the snapshot it started with.)
constexpr db::Query kLockProgramme = {
    "employment_lock_programme",
    "SELECT t.programme_id FROM training_programmes t WHERE t.programme_id = $1::uuid"
    " AND ($2::boolean OR t.district_code = ANY($3::text[])) FOR UPDATE"};
constexpr db::Query kEnrolledAlready = {
    "employment_enrolled_already",
    "SELECT 1 FROM training_enrolments WHERE programme_id = $1::uuid AND case_id = $2::uuid"};
constexpr db::Query kInsertEnrolment = {
    "employment_insert_enrolment",
    "INSERT INTO training_enrolments (enrolment_id, enrolment_code, programme_id, case_id,"
    " district_code, status, enrolled_on, age_on_enrolment, age_basis, recorded_by) VALUES"
    " ($1::uuid, $2, $3::uuid, $4::uuid, $5, $6, $7::date, $8, $9, $10)"};
constexpr db::Query kLockEnrolment = {
    "employment_lock_enrolment",
    "SELECT " CCMS_ENROLMENT_COLUMNS
    " FROM training_enrolments e JOIN training_programmes t ON t.programme_id = e.programme_id"
    " WHERE e.enrolment_id = $1::uuid AND" CCMS_PROGRAMME_SCOPE " FOR UPDATE OF e"};
constexpr db::Query kReadEnrolment = {
    "employment_read_enrolment",
    "SELECT " CCMS_ENROLMENT_COLUMNS " FROM training_enrolments e WHERE e.enrolment_id = $1::uuid"};
constexpr db::Query kUpdateEnrolment = {
    "employment_update_enrolment",
    "UPDATE training_enrolments SET status = $2, hours_attended = $3,"
    " completed_on = NULLIF($4, '')::date, certificate_obtained = $5"
    " WHERE enrolment_id = $1::uuid"};
constexpr db::Query kInsertAttendance = {
    "employment_insert_training_attendance",
    "INSERT INTO training_attendance (enrolment_id, seq, on_date, hours, recorded_by,"
    " recorded_by_kind) SELECT $1::uuid, coalesce(max(seq), 0) + 1, $2::date, $3, $4, $5"
    " FROM training_attendance WHERE enrolment_id = $1::uuid"};
constexpr db::Query kListProgrammes = {
    "employment_list_programmes",
    "SELECT " CCMS_PROGRAMME_COLUMNS " FROM training_programmes t WHERE" CCMS_PROGRAMME_SCOPE
    " AND ($1 = '' OR t.district_code = $1)"
    " AND ($5 = '' OR t.programme_id > NULLIF($5, '')::uuid) ORDER BY t.programme_id LIMIT $6"};
constexpr db::Query kProgrammeInReach = {
    "employment_programme_in_reach",
    "SELECT 1 FROM training_programmes t WHERE t.programme_id = $1::uuid AND" CCMS_PROGRAMME_SCOPE};
constexpr db::Query kListEnrolments = {
    "employment_list_enrolments",
    "SELECT " CCMS_ENROLMENT_COLUMNS
    " FROM training_enrolments e WHERE e.programme_id = $1::uuid"
    " AND ($2 = '' OR e.enrolment_id > NULLIF($2, '')::uuid) ORDER BY e.enrolment_id LIMIT $3"};

// A case closed in records: its enrolments not completed are withdrawn (places freed).
constexpr db::Query kWithdrawOnClose = {
    "employment_withdraw_training_on_close",
    "UPDATE training_enrolments SET status = 'WITHDRAWN', withdrawn_on = $2::date"
    " WHERE case_id = $1::uuid AND status = 'ENROLLED' RETURNING enrolment_id::text"};

std::optional<absl::CivilDay> DayOf(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return std::nullopt;
  return time::ParseDate(f.c_str());
}

ProgrammeRecord ProgrammeOf(const pqxx::row& r) {
  ProgrammeRecord t;
  t.programme_id = r[0].as<std::string>();
  t.code = r[1].as<std::string>();
  t.name = r[2].as<std::string>();
  t.provider_partner_id = r[3].as<std::string>();
  t.agency_id = r[4].as<std::string>();
  t.district_code = r[5].as<std::string>();
  t.hours = r[6].as<int>();
  t.places = r[7].as<int>();
  t.taken = r[8].as<int>();
  t.starts_on = DayOf(r[9]).value_or(absl::CivilDay());
  t.ends_on = DayOf(r[10]).value_or(absl::CivilDay());
  t.registered_by = r[11].as<std::string>();
  return t;
}

EnrolmentRecord EnrolmentOf(const pqxx::row& r) {
  EnrolmentRecord e;
  e.enrolment_id = r[0].as<std::string>();
  e.enrolment_code = r[1].as<std::string>();
  e.programme_id = r[2].as<std::string>();
  e.case_id = r[3].as<std::string>();
  e.district_code = r[4].as<std::string>();
  e.status = domain::EnrolmentStatusOf(r[5].as<std::string>());
  e.enrolled_on = DayOf(r[6]).value_or(absl::CivilDay());
  e.age_on_enrolment = r[7].as<int>();
  e.age_basis = r[8].as<std::string>();
  e.hours_attended = r[9].as<int>();
  e.completed_on = DayOf(r[10]);
  e.certificate_obtained = r[11].as<bool>();
  e.recorded_by = r[12].as<std::string>();
  return e;
}

std::string AgencyOf(const auth::Principal& p) {
  return p.role == auth::Role::kPartner ? p.agency_id : std::string();
}

absl::StatusOr<ProgrammeRecord> ProgrammeAfter(pqxx::transaction_base& tx,
                                               const std::string& programme_id) {
  pqxx::result r = tx.exec_prepared(Name(kGetProgramme), programme_id);
  if (r.empty()) return absl::InternalError("programme row missing");
  return ProgrammeOf(r[0]);
}

void WriteAttendance(pqxx::transaction_base& tx, const EnrolmentWrite& w) {
  const EnrolmentRecord& e = w.enrolment;
  if (w.attendance.has_value()) {
    tx.exec_prepared(Name(kInsertAttendance), e.enrolment_id, time::FormatDate(w.attendance->on),
                     w.attendance->hours, w.attendance->recorded_by,
                     w.attendance->recorded_by_kind);
  }
}

// The audit row of a call refused because its case, programme or enrolment is out of reach.
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

absl::StatusOr<ProgrammeRecord> PgTrainingStore::Register(const auth::Principal& principal,
                                                          const std::string& provider_partner_id,
                                                          const std::string& request_id,
                                                          const ProgrammeDecision& decide) {
  ProgrammeRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result p =
        tx.exec_prepared(Name(kPartnerInReach), provider_partner_id, scope.all, scope.districts);
    if (p.empty()) return absl::NotFoundError("partner not found");
    PartnerBrief b;
    b.partner_id = p[0][0].as<std::string>();
    b.agency_id = p[0][1].as<std::string>();
    b.status = p[0][2].as<std::string>();
    const std::string served = p[0][3].as<std::string>();
    if (!served.empty()) b.districts_served = absl::StrSplit(served, ',');
    auto t = decide(b);
    if (!t.ok()) return t.status();
    pqxx::result ins = tx.exec_prepared(Name(kInsertProgramme), t->programme_id, t->code, t->name,
                                        t->provider_partner_id, t->agency_id, t->district_code,
                                        t->hours, t->places, time::FormatDate(t->starts_on),
                                        time::FormatDate(t->ends_on), t->registered_by);
    if (ins.affected_rows() == 0) {
      return absl::AlreadyExistsError("the district has a programme with this code");
    }
    db::AppendAudit(tx, principal, "RegisterTrainingProgramme", "", "OK", request_id);
    auto after = ProgrammeAfter(tx, t->programme_id);
    if (!after.ok()) return after.status();
    out = *std::move(after);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "RegisterTrainingProgramme", "", st, request_id);
    return st;
  }
  return out;
}

absl::StatusOr<std::pair<EnrolmentRecord, ProgrammeRecord>> PgTrainingStore::Enrol(
    const auth::Principal& principal, const std::string& programme_id, const std::string& case_id,
    const std::string& request_id, const EnrolDecision& decide) {
  std::pair<EnrolmentRecord, ProgrammeRecord> out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    // Case first, then programme: every enrolment locks in this order (no deadlock between two).
    if (tx.exec_prepared(Name(kLockCase), case_id, scope.all, scope.districts).empty()) {
      return absl::NotFoundError("case not found");
    }
    EnrolmentView view;
    auto c = PgCaseStore::Load(tx, case_id);
    if (!c.ok()) return c.status();
    view.case_view = *std::move(c);
    if (tx.exec_prepared(Name(kLockProgramme), programme_id, scope.all, scope.districts).empty()) {
      return absl::NotFoundError("training programme not found");
    }
    // Places taken are counted by a statement after the lock (see kLockProgramme).
    auto programme = ProgrammeAfter(tx, programme_id);
    if (!programme.ok()) return programme.status();
    view.programme = *std::move(programme);
    view.already_enrolled =
        !tx.exec_prepared(Name(kEnrolledAlready), programme_id, case_id).empty();
    auto write = decide(view);
    if (!write.ok()) return write.status();
    const EnrolmentRecord& e = write->enrolment;
    tx.exec_prepared(Name(kInsertEnrolment), e.enrolment_id, e.enrolment_code, e.programme_id,
                     e.case_id, e.district_code, std::string(domain::EnrolmentStatusName(e.status)),
                     time::FormatDate(e.enrolled_on), e.age_on_enrolment, e.age_basis,
                     e.recorded_by);
    for (const auto& ev : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, ev);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "EnrolInTraining", case_id, "OK", request_id);
    auto after = ProgrammeAfter(tx, programme_id);
    if (!after.ok()) return after.status();
    out = {e, *std::move(after)};
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "EnrolInTraining", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<EnrolmentRecord> PgTrainingStore::Update(const auth::Principal& principal,
                                                        const std::string& enrolment_id,
                                                        std::string_view method,
                                                        const std::string& request_id,
                                                        const EnrolmentDecision& decide) {
  EnrolmentRecord out;
  bool wrote_events = false;
  std::string case_id;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kLockEnrolment), enrolment_id, scope.all,
                                      scope.districts, AgencyOf(principal));
    if (r.empty()) return absl::NotFoundError("enrolment not found");
    const EnrolmentRecord current = EnrolmentOf(r[0]);
    case_id = current.case_id;
    auto programme = ProgrammeAfter(tx, current.programme_id);
    if (!programme.ok()) return programme.status();
    auto write = decide(current, *programme);
    if (!write.ok()) return write.status();
    const EnrolmentRecord& e = write->enrolment;
    WriteAttendance(tx, *write);
    tx.exec_prepared(Name(kUpdateEnrolment), e.enrolment_id,
                     std::string(domain::EnrolmentStatusName(e.status)), e.hours_attended,
                     e.completed_on.has_value() ? time::FormatDate(*e.completed_on) : "",
                     e.certificate_obtained);
    for (const auto& ev : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, ev);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, method, case_id, "OK", request_id);
    pqxx::result after = tx.exec_prepared(Name(kReadEnrolment), enrolment_id);
    if (after.empty()) return absl::InternalError("enrolment row missing");
    out = EnrolmentOf(after[0]);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, method, case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<std::pair<std::vector<ProgrammeRecord>, std::string>>
PgTrainingStore::ListProgrammes(const auth::Principal& principal, const ProgrammeFilter& f) {
  std::pair<std::vector<ProgrammeRecord>, std::string> page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kListProgrammes), f.district_code, scope.all, scope.districts,
                         AgencyOf(principal), f.after_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.first.size()) == f.page_size) {
        page.second = page.first.back().programme_id;
        break;
      }
      page.first.push_back(ProgrammeOf(row));
    }
    db::AppendAudit(tx, principal, "ListTrainingProgrammes", "", std::to_string(page.first.size()),
                    "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<std::pair<std::vector<EnrolmentRecord>, std::string>>
PgTrainingStore::ListEnrolments(const auth::Principal& principal, const std::string& programme_id,
                                int page_size, const std::string& after_id) {
  std::pair<std::vector<EnrolmentRecord>, std::string> page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    if (tx.exec_prepared(Name(kProgrammeInReach), programme_id, scope.all, scope.districts,
                         AgencyOf(principal))
            .empty()) {
      return absl::NotFoundError("training programme not found");
    }
    for (const auto& row :
         tx.exec_prepared(Name(kListEnrolments), programme_id, after_id, page_size + 1)) {
      if (static_cast<int>(page.first.size()) == page_size) {
        page.second = page.first.back().enrolment_id;
        break;
      }
      page.first.push_back(EnrolmentOf(row));
    }
    db::AppendAudit(tx, principal, "ListTrainingEnrolments", "", std::to_string(page.first.size()),
                    "");
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "ListTrainingEnrolments", "", st, "");
    return st;
  }
  return page;
}

std::vector<std::pair<EnrolmentRecord, ProgrammeRecord>> PgTrainingStore::WithdrawOnCaseClosed(
    pqxx::transaction_base& tx, const std::string& case_id, absl::CivilDay on) {
  std::vector<std::pair<EnrolmentRecord, ProgrammeRecord>> withdrawn;
  for (const auto& row : tx.exec_prepared(Name(kWithdrawOnClose), case_id, time::FormatDate(on))) {
    pqxx::result e = tx.exec_prepared(Name(kReadEnrolment), row[0].as<std::string>());
    if (e.empty()) continue;
    EnrolmentRecord enrolment = EnrolmentOf(e[0]);
    auto programme = ProgrammeAfter(tx, enrolment.programme_id);
    if (!programme.ok()) continue;
    withdrawn.emplace_back(std::move(enrolment), *std::move(programme));
  }
  return withdrawn;
}

std::vector<db::Query> PgTrainingStore::Queries() {
  return {kPartnerInReach,   kInsertProgramme, kGetProgramme,     kLockCase,
          kLockProgramme,    kEnrolledAlready, kInsertEnrolment,  kLockEnrolment,
          kReadEnrolment,    kUpdateEnrolment, kInsertAttendance, kListProgrammes,
          kProgrammeInReach, kListEnrolments,  kWithdrawOnClose};
}

}  // namespace ccms::employment
