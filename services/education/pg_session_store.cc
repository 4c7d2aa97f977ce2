#include "services/education/pg_session_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "services/education/pg_case_command.h"
#include "services/education/pg_case_store.h"
#include "services/education/pg_service_file_store.h"
#include "services/education/session_service.h"

namespace ccms::education {
namespace {

using db::Name;

#define CCMS_US(col) "(extract(epoch FROM " col ") * 1000000)::bigint"
#define CCMS_AT(n) "('epoch'::timestamptz + (" n ")::bigint * interval '1 microsecond')"

// The columns RowToSession reads, over the alias `s`.
#define CCMS_SESSION_COLUMNS \
  "s.session_id::text, COALESCE(s.series_id::text, ''), s.district_code, s.office_id, s.kind," \
  " s.form, s.topic_code, s.venue, " CCMS_US("s.start_at") ", " CCMS_US(                      \
      "s.end_at") ", s.provider_kind, s.provider_id, s.capacity, s.audience,"                 \
                  " array_to_string(s.criteria_sexes, ','),"                                  \
                  " array_to_string(s.criteria_age_bands, ','),"                              \
                  " array_to_string(s.criteria_offences, ','), s.status, s.change_reason,"    \
                  " COALESCE(s.supersedes::text, ''), COALESCE(s.superseded_by::text, ''),"   \
                  " s.created_by, " CCMS_US("s.created_at")
#define CCMS_SESSION_COUNTS                                                \
  ", (SELECT count(*) FROM enrolments e WHERE e.session_id = s.session_id" \
  " AND e.status = 'ENROLLED'), (SELECT count(*) FROM enrolments e"        \
  " WHERE e.session_id = s.session_id AND e.status = 'WAITLISTED')"

constexpr db::Query kInsertSession = {
    "education_insert_session",
    "INSERT INTO sessions (session_id, series_id, district_code, office_id, kind, form,"
    " topic_code, venue, start_at, end_at, provider_kind, provider_id, capacity, audience,"
    " criteria_sexes, criteria_age_bands, criteria_offences, status, change_reason, supersedes,"
    " created_by, created_at) VALUES ($1::uuid, NULLIF($2, '')::uuid, $3, $4, $5, $6, $7, $8, " CCMS_AT(
        "$9") ", " CCMS_AT("$10") ", $11, $12, $13, $14, string_to_array($15, ','),"
                                  " string_to_array($16, ','), string_to_array($17, ','), $18,"
                                  " $19, NULLIF($20, '')::uuid, $21, " CCMS_AT("$22") ")"};
constexpr db::Query kLockSession = {
    "education_lock_session",
    "SELECT s.session_id FROM sessions s WHERE s.session_id = $1::uuid"
    " AND ($2::boolean OR s.district_code = ANY($3::text[])) FOR UPDATE"};
constexpr db::Query kGetSession = {"education_get_session",
                                   "SELECT " CCMS_SESSION_COLUMNS CCMS_SESSION_COUNTS
                                   " FROM sessions s WHERE s.session_id = $1::uuid"
                                   " AND ($2::boolean OR s.district_code = ANY($3::text[]))"};
// A partner's reach (issue 14 item 14): the sessions its agency delivers, whatever the district.
constexpr db::Query kLockPartnerSession = {
    "education_lock_partner_session",
    "SELECT s.session_id FROM sessions s WHERE s.session_id = $1::uuid"
    " AND s.provider_kind = 'PARTNER_AGENCY' AND s.provider_id = $2 FOR UPDATE"};
constexpr db::Query kGetPartnerSession = {
    "education_get_partner_session",
    "SELECT " CCMS_SESSION_COLUMNS CCMS_SESSION_COUNTS
    " FROM sessions s WHERE s.session_id = $1::uuid"
    " AND s.provider_kind = 'PARTNER_AGENCY' AND s.provider_id = $2"};
constexpr db::Query kEnrolmentsOf = {
    "education_session_enrolments",
    "SELECT e.enrolment_id::text, e.case_id::text, e.status, " CCMS_US(
        "e.enrolled_at") ", a.outcome, a.excuse_reason, a.notice_given, a.credited_minutes,"
                         " a.note_cipher, a.automatic, a.policy_version, a.recorded_by, " CCMS_US(
                             "a.recorded_at") " FROM enrolments e LEFT JOIN attendance a"
                                              " ON a.session_id = e.session_id"
                                              " AND a.case_id = e.case_id"
                                              " WHERE e.session_id = $1::uuid ORDER BY CASE"
                                              " e.status WHEN 'ENROLLED' THEN 0 WHEN"
                                              " 'WAITLISTED' THEN 1 ELSE 2 END,"
                                              " e.waitlisted_seq NULLS FIRST, e.enrolled_at,"
                                              " e.case_id"};
constexpr db::Query kOtherSessionsOfCase = {
    "education_case_other_sessions",
    "SELECT s.session_id::text, " CCMS_US("s.start_at") ", " CCMS_US(
        "s.end_at") " FROM enrolments e JOIN sessions s ON s.session_id = e.session_id"
                    " WHERE e.case_id = $1::uuid AND e.status IN ('ENROLLED', 'WAITLISTED')"
                    " AND s.status = 'SCHEDULED' AND s.session_id <> $2::uuid"};
constexpr db::Query kLockScopedCase = {
    "education_lock_scoped_case",
    "SELECT " CCMS_EDUCATION_CASE_COLUMNS
    " FROM cases c WHERE c.case_id = $1::uuid"
    " AND ($2::boolean OR c.district_code = ANY($3::text[])) FOR UPDATE"};
constexpr db::Query kFindEnrolment = {
    "education_find_enrolment",
    "SELECT enrolment_id::text, status FROM enrolments WHERE session_id = $1::uuid"
    " AND case_id = $2::uuid"};
constexpr db::Query kCountEnrolled = {
    "education_count_enrolled",
    "SELECT count(*) FROM enrolments WHERE session_id = $1::uuid AND status = 'ENROLLED'"};
constexpr db::Query kInsertEnrolment = {
    "education_insert_enrolment",
    "INSERT INTO enrolments (enrolment_id, session_id, case_id, status, waitlisted_seq,"
    " enrolled_by, enrolled_at) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, CASE WHEN $4 ="
    " 'WAITLISTED' THEN nextval('enrolment_waitlist_seq') END, $5, " CCMS_AT("$6") ")"};
constexpr db::Query kReenrol = {
    "education_reenrol",
    "UPDATE enrolments SET status = $3, waitlisted_seq = CASE WHEN $3 = 'WAITLISTED' THEN"
    " nextval('enrolment_waitlist_seq') END, enrolled_by = $4, enrolled_at = " CCMS_AT(
        "$5") ", updated_at = now() WHERE session_id = $1::uuid AND case_id = $2::uuid"};
constexpr db::Query kWithdraw = {
    "education_withdraw",
    "UPDATE enrolments SET status = 'WITHDRAWN', waitlisted_seq = NULL, updated_at = now()"
    " WHERE session_id = $1::uuid AND case_id = $2::uuid"};
constexpr db::Query kFirstWaitlisted = {
    "education_first_waitlisted",
    "SELECT case_id::text FROM enrolments WHERE session_id = $1::uuid AND status = 'WAITLISTED'"
    " ORDER BY waitlisted_seq LIMIT 1"};
constexpr db::Query kPromote = {
    "education_promote",
    "UPDATE enrolments SET status = 'ENROLLED', waitlisted_seq = NULL, updated_at = now()"
    " WHERE session_id = $1::uuid AND case_id = $2::uuid"};
constexpr db::Query kCaseDistrict = {"education_case_district",
                                     "SELECT district_code FROM cases WHERE case_id = $1::uuid"};
constexpr db::Query kUpdateSession = {
    "education_update_session",
    "UPDATE sessions SET status = $2, change_reason = $3, superseded_by = NULLIF($4, '')::uuid,"
    " updated_at = now() WHERE session_id = $1::uuid"};
constexpr db::Query kUpsertAttendance = {
    "education_upsert_attendance",
    "INSERT INTO attendance (session_id, case_id, outcome, excuse_reason, notice_given,"
    " credited_minutes, note_cipher, automatic, policy_version, recorded_by, recorded_at)"
    " VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, NULLIF($7, ''::bytea), $8, $9, $10, " CCMS_AT(
        "$11") ") ON CONFLICT (session_id, case_id) DO UPDATE SET outcome = EXCLUDED.outcome,"
               " excuse_reason = EXCLUDED.excuse_reason, notice_given = EXCLUDED.notice_given,"
               " credited_minutes = EXCLUDED.credited_minutes, note_cipher = EXCLUDED.note_cipher,"
               " automatic = EXCLUDED.automatic, policy_version = EXCLUDED.policy_version,"
               " recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at"};
constexpr db::Query kInsertAttendanceIfNone = {
    "education_insert_attendance_if_none",
    "INSERT INTO attendance (session_id, case_id, outcome, excuse_reason, notice_given,"
    " credited_minutes, automatic, policy_version, recorded_by, recorded_at) VALUES ($1::uuid,"
    " $2::uuid, $3, $4, $5, $6, true, $7, $8, " CCMS_AT(
        "$9") ") ON CONFLICT (session_id, case_id) DO NOTHING RETURNING 1"};
constexpr db::Query kEnrolledDuring = {
    "education_enrolled_sessions_during",
    "SELECT " CCMS_SESSION_COLUMNS
    " FROM enrolments e JOIN sessions s ON s.session_id = e.session_id"
    " WHERE e.case_id = $1::uuid AND e.status = 'ENROLLED' AND s.status = 'SCHEDULED'"
    " AND s.start_at < " CCMS_AT("$3") " AND s.end_at > " CCMS_AT(
        "$2") " AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.session_id"
              " AND a.case_id = e.case_id) ORDER BY s.start_at FOR UPDATE OF e"};
constexpr db::Query kListSessions = {
    "education_list_sessions",
    "SELECT " CCMS_SESSION_COLUMNS CCMS_SESSION_COUNTS
    " FROM sessions s WHERE ($1::boolean OR s.district_code = ANY($2::text[]))"
    " AND ($3 = '' OR s.district_code = $3)"
    " AND ($4::boolean OR s.status = 'SCHEDULED')"
    " AND ($5::bigint < 0 OR s.start_at >= " CCMS_AT("$5") ")"
    " AND ($6::bigint < 0 OR s.start_at < " CCMS_AT("$6") ")"
    " AND ($7::bigint < 0 OR (s.start_at, s.session_id) > (" CCMS_AT(
        "$7") ", NULLIF($8, '')::uuid)) ORDER BY s.start_at, s.session_id LIMIT $9"};

// A partner's sessions (the provider agency's), in start order, keyset paged as kListSessions.
constexpr db::Query kListAgencySessions = {
    "education_list_agency_sessions",
    "SELECT " CCMS_SESSION_COLUMNS CCMS_SESSION_COUNTS
    " FROM sessions s WHERE s.provider_kind = 'PARTNER_AGENCY' AND s.provider_id = $1"
    " AND ($2::boolean OR s.status = 'SCHEDULED')"
    " AND ($3::bigint < 0 OR s.start_at >= " CCMS_AT("$3") ")"
    " AND ($4::bigint < 0 OR s.start_at < " CCMS_AT("$4") ")"
    " AND ($5::bigint < 0 OR (s.start_at, s.session_id) > (" CCMS_AT(
        "$5") ", NULLIF($6, '')::uuid)) ORDER BY s.start_at, s.session_id LIMIT $7"};

std::vector<std::string> Split(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return {};
  return absl::StrSplit(f.c_str(), ',');
}

SessionRecord RowToSession(const pqxx::row& r, bool with_counts) {
  SessionRecord s;
  s.session_id = r[0].as<std::string>();
  s.series_id = r[1].as<std::string>();
  s.district_code = r[2].as<std::string>();
  s.office_id = r[3].as<std::string>();
  s.kind = r[4].as<std::string>();
  s.form = r[5].as<std::string>();
  s.topic_code = r[6].as<std::string>();
  s.venue = r[7].as<std::string>();
  s.start = absl::FromUnixMicros(r[8].as<int64_t>());
  s.end = absl::FromUnixMicros(r[9].as<int64_t>());
  s.provider_kind = r[10].as<std::string>();
  s.provider_id = r[11].as<std::string>();
  s.capacity = r[12].as<int>();
  s.audience = r[13].as<std::string>();
  s.criteria_sexes = Split(r[14]);
  s.criteria_age_bands = Split(r[15]);
  s.criteria_offences = Split(r[16]);
  s.status = domain::SessionStatusOf(r[17].as<std::string>());
  s.change_reason = r[18].as<std::string>();
  s.supersedes = r[19].as<std::string>();
  s.superseded_by = r[20].as<std::string>();
  s.created_by = r[21].as<std::string>();
  s.created_at = absl::FromUnixMicros(r[22].as<int64_t>());
  if (with_counts) {
    s.enrolled_count = r[23].as<int>();
    s.waitlisted_count = r[24].as<int>();
  }
  return s;
}

std::vector<EnrolmentRecord> LoadEnrolments(pqxx::transaction_base& tx,
                                            const std::string& session_id) {
  std::vector<EnrolmentRecord> out;
  int waiting = 0;
  for (const auto& r : tx.exec_prepared(Name(kEnrolmentsOf), session_id)) {
    EnrolmentRecord e;
    e.enrolment_id = r[0].as<std::string>();
    e.session_id = session_id;
    e.case_id = r[1].as<std::string>();
    e.status = r[2].as<std::string>();
    e.enrolled_at = absl::FromUnixMicros(r[3].as<int64_t>());
    if (e.status == "WAITLISTED") e.waitlist_position = ++waiting;
    if (!r[4].is_null()) {
      AttendanceRecord a;
      a.outcome = r[4].as<std::string>();
      a.excuse_reason = r[5].as<std::string>();
      a.notice_given = r[6].as<bool>();
      a.credited_minutes = r[7].as<int>();
      if (!r[8].is_null()) a.note_cipher = pqxx::binarystring(r[8]).str();
      a.automatic = r[9].as<bool>();
      a.policy_version = r[10].as<std::string>();
      a.recorded_by = r[11].as<std::string>();
      a.recorded_at = absl::FromUnixMicros(r[12].as<int64_t>());
      e.attendance = std::move(a);
    }
    out.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<SessionState> LoadSession(pqxx::transaction_base& tx,
                                         const auth::Principal& principal,
                                         const std::string& session_id, bool lock) {
  pqxx::result r;
  if (principal.role == auth::Role::kPartner) {
    // A partner reaches only the sessions its agency delivers (never by district).
    if (lock &&
        tx.exec_prepared(Name(kLockPartnerSession), session_id, principal.agency_id).empty()) {
      return absl::NotFoundError("session not found");
    }
    r = tx.exec_prepared(Name(kGetPartnerSession), session_id, principal.agency_id);
  } else {
    const db::DistrictScope scope = db::ScopeOf(principal);
    if (lock &&
        tx.exec_prepared(Name(kLockSession), session_id, scope.all, scope.districts).empty()) {
      return absl::NotFoundError("session not found");
    }
    r = tx.exec_prepared(Name(kGetSession), session_id, scope.all, scope.districts);
  }
  if (r.empty()) return absl::NotFoundError("session not found");
  SessionState s;
  s.session = RowToSession(r[0], /*with_counts=*/true);
  s.enrolments = LoadEnrolments(tx, session_id);
  return s;
}

std::vector<domain::SessionFacts> OtherSessions(pqxx::transaction_base& tx,
                                                const std::string& case_id,
                                                const std::string& session_id) {
  std::vector<domain::SessionFacts> out;
  for (const auto& r : tx.exec_prepared(Name(kOtherSessionsOfCase), case_id, session_id)) {
    domain::SessionFacts f;
    f.session_id = r[0].as<std::string>();
    f.start = absl::FromUnixMicros(r[1].as<int64_t>());
    f.end = absl::FromUnixMicros(r[2].as<int64_t>());
    f.status = domain::SessionStatus::kScheduled;
    out.push_back(std::move(f));
  }
  return out;
}

void InsertSession(pqxx::work& tx, const SessionRecord& s) {
  tx.exec_prepared(
      Name(kInsertSession), s.session_id, s.series_id, s.district_code, s.office_id, s.kind, s.form,
      s.topic_code, s.venue, absl::ToUnixMicros(s.start), absl::ToUnixMicros(s.end),
      s.provider_kind, s.provider_id, s.capacity, s.audience, absl::StrJoin(s.criteria_sexes, ","),
      absl::StrJoin(s.criteria_age_bands, ","), absl::StrJoin(s.criteria_offences, ","),
      std::string(domain::SessionStatusName(s.status)), s.change_reason, s.supersedes, s.created_by,
      absl::ToUnixMicros(s.created_at));
}

void UpsertAttendance(pqxx::work& tx, const std::string& session_id, const std::string& case_id,
                      const AttendanceRecord& a) {
  tx.exec_prepared(Name(kUpsertAttendance), session_id, case_id, a.outcome, a.excuse_reason,
                   a.notice_given, a.credited_minutes, pqxx::binarystring(a.note_cipher),
                   a.automatic, a.policy_version, a.recorded_by, absl::ToUnixMicros(a.recorded_at));
}

// The case's district (the enrolment event's); the session's when education lost the case row.
std::string CaseDistrict(pqxx::transaction_base& tx, const std::string& case_id,
                         const SessionRecord& session) {
  pqxx::result r = tx.exec_prepared(Name(kCaseDistrict), case_id);
  return r.empty() ? session.district_code : r[0][0].as<std::string>();
}

// ccms.education.enrolment_changed of one case, into the outbox of `tx`.
void AppendEnrolmentChanged(pqxx::work& tx, const SessionRecord& session,
                            const std::string& case_id, const std::string& status,
                            const std::string& actor) {
  const absl::Time now = absl::Now();
  kafka::AppendToOutbox(tx, kEducationTopic,
                        EnrolmentChangedEvent(session, case_id, CaseDistrict(tx, case_id, session),
                                              status, now, actor));
}

}  // namespace

absl::Status PgSessionStore::Create(const auth::Principal& principal, std::string_view method,
                                    const std::string& request_id,
                                    const std::vector<SessionRecord>& sessions,
                                    const std::vector<events::v1::Envelope>& events) {
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    for (const auto& s : sessions) InsertSession(tx, s);
    for (const auto& e : events) kafka::AppendToOutbox(tx, kEducationTopic, e);
    // Sessions hold no person's data; the audit row records who scheduled and the request.
    db::AppendAudit(tx, principal, method, "", "OK", request_id);
    return absl::OkStatus();
  });
  if (st.ok() && !events.empty() && signal_ != nullptr) signal_->Notify();
  return st;
}

absl::StatusOr<SessionState> PgSessionStore::Mutate(const auth::Principal& principal,
                                                    const std::string& session_id,
                                                    std::string_view method,
                                                    const std::string& request_id,
                                                    const SessionDecision& decide) {
  SessionState out;
  // Sessions hold no person's data: the audit rows name no case.
  const std::string no_case;
  absl::Status st = RunCaseCommand(
      pool_, signal_, {principal, method, no_case, request_id},
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<events::v1::Envelope>> {
        auto state = LoadSession(tx, principal, session_id, /*lock=*/true);
        if (!state.ok()) return state.status();
        SessionContext context{*state, [&tx, &session_id](const std::string& case_id) {
                                 return OtherSessions(tx, case_id, session_id);
                               }};
        auto write = decide(context);
        if (!write.ok()) return write.status();
        // The replacement first: the old session's superseded_by refers to it.
        for (const auto& s : write->created) InsertSession(tx, s);
        if (write->update.has_value()) {
          const SessionRecord& u = *write->update;
          tx.exec_prepared(Name(kUpdateSession), session_id,
                           std::string(domain::SessionStatusName(u.status)), u.change_reason,
                           u.superseded_by);
        }
        for (const auto& e : write->carried) {
          tx.exec_prepared(Name(kInsertEnrolment), e.enrolment_id, e.session_id, e.case_id,
                           e.status, principal.subject, absl::ToUnixMicros(e.enrolled_at));
        }
        // Who is expected where (ccms.education.enrolment_changed): a cancelled or moved
        // session's cases leave it; those carried over join the replacement.
        if (write->update.has_value() &&
            state->session.status == domain::SessionStatus::kScheduled &&
            write->update->status != domain::SessionStatus::kScheduled) {
          const bool moved = write->update->status == domain::SessionStatus::kMoved;
          for (const auto& e : state->enrolments) {
            if (e.status != "ENROLLED" && e.status != "WAITLISTED") continue;
            AppendEnrolmentChanged(tx, *write->update, e.case_id,
                                   moved ? "SESSION_MOVED" : "SESSION_CANCELLED",
                                   principal.subject);
          }
        }
        for (const auto& e : write->carried) {
          for (const auto& s : write->created) {
            if (s.session_id == e.session_id) {
              AppendEnrolmentChanged(tx, s, e.case_id, e.status, principal.subject);
            }
          }
        }
        for (const auto& [case_id, a] : write->attendance) {
          UpsertAttendance(tx, session_id, case_id, a);
          if (attendance_hook_) attendance_hook_(tx, state->session, case_id, a);
        }
        return std::move(write->events);
      },
      [&](pqxx::work& tx) {
        return MoveInto(LoadSession(tx, principal, session_id, /*lock=*/false), out);
      });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<EnrolResult> PgSessionStore::Enrol(const auth::Principal& principal,
                                                  const std::string& session_id,
                                                  const std::string& case_id,
                                                  const std::string& request_id,
                                                  const EnrolCheck& check) {
  EnrolResult out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto state = LoadSession(tx, principal, session_id, /*lock=*/true);
    if (!state.ok()) return state.status();
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result c = tx.exec_prepared(Name(kLockScopedCase), case_id, scope.all, scope.districts);
    if (c.empty()) return absl::NotFoundError("case not found");
    CaseRow row = PgCaseStore::FromRow(c[0]);
    pqxx::result existing = tx.exec_prepared(Name(kFindEnrolment), session_id, case_id);
    if (!existing.empty() && existing[0][1].as<std::string>() != "WITHDRAWN") {
      return absl::AlreadyExistsError("the case is already enrolled or waitlisted in the session");
    }
    if (auto ok = check(*state, row.view, OtherSessions(tx, case_id, session_id)); !ok.ok()) {
      return ok;
    }
    const int64_t enrolled = tx.exec_prepared1(Name(kCountEnrolled), session_id)[0].as<int64_t>();
    const std::string status = enrolled < state->session.capacity ? "ENROLLED" : "WAITLISTED";
    const absl::Time now = absl::Now();
    if (existing.empty()) {
      tx.exec_prepared(Name(kInsertEnrolment), ids::NewUuid(), session_id, case_id, status,
                       principal.subject, absl::ToUnixMicros(now));
    } else {
      tx.exec_prepared(Name(kReenrol), session_id, case_id, status, principal.subject,
                       absl::ToUnixMicros(now));
    }
    AppendEnrolmentChanged(tx, state->session, case_id, status, principal.subject);
    db::AppendAudit(tx, principal, "EnrolCase", case_id, "OK", request_id);
    for (auto& e : LoadEnrolments(tx, session_id)) {
      if (e.case_id == case_id) out.enrolment = std::move(e);
    }
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, {principal, "EnrolCase", case_id, request_id}, st);
    return st;
  }
  if (signal_ != nullptr) signal_->Notify();  // its enrolment_changed event(s)
  return out;
}

absl::StatusOr<WithdrawResult> PgSessionStore::Withdraw(const auth::Principal& principal,
                                                        const std::string& session_id,
                                                        const std::string& case_id,
                                                        const std::string& request_id) {
  WithdrawResult out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto state = LoadSession(tx, principal, session_id, /*lock=*/true);
    if (!state.ok()) return state.status();
    pqxx::result existing = tx.exec_prepared(Name(kFindEnrolment), session_id, case_id);
    if (existing.empty()) return absl::NotFoundError("the case is not enrolled in the session");
    const std::string was = existing[0][1].as<std::string>();
    if (was == "WITHDRAWN") return absl::FailedPreconditionError("the enrolment is withdrawn");
    tx.exec_prepared(Name(kWithdraw), session_id, case_id);
    std::string promoted;
    if (was == "ENROLLED" && state->session.status == domain::SessionStatus::kScheduled) {
      pqxx::result next = tx.exec_prepared(Name(kFirstWaitlisted), session_id);
      if (!next.empty()) {
        promoted = next[0][0].as<std::string>();
        tx.exec_prepared(Name(kPromote), session_id, promoted);
      }
    }
    AppendEnrolmentChanged(tx, state->session, case_id, "WITHDRAWN", principal.subject);
    if (!promoted.empty()) {
      AppendEnrolmentChanged(tx, state->session, promoted, "ENROLLED", principal.subject);
    }
    db::AppendAudit(tx, principal, "WithdrawEnrolment", case_id, "OK", request_id);
    for (auto& e : LoadEnrolments(tx, session_id)) {
      if (e.case_id == case_id) out.enrolment = e;
      if (!promoted.empty() && e.case_id == promoted) out.promoted = e;
    }
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, {principal, "WithdrawEnrolment", case_id, request_id}, st);
    return st;
  }
  if (signal_ != nullptr) signal_->Notify();  // its enrolment_changed event(s)
  return out;
}

absl::StatusOr<SessionState> PgSessionStore::Get(const auth::Principal& principal,
                                                 const std::string& session_id) {
  SessionState out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto state = LoadSession(tx, principal, session_id, /*lock=*/false);
    if (!state.ok()) return state.status();
    out = *std::move(state);
    db::AppendAudit(tx, principal, "GetSession", "",
                    std::to_string(out.enrolments.size()) + " enrolments", "");
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, {principal, "GetSession", std::string(), std::string()}, st);
    return st;
  }
  return out;
}

absl::StatusOr<SessionPage> PgSessionStore::List(const auth::Principal& principal,
                                                 const SessionFilter& f) {
  SessionPage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    auto micros = [](const std::optional<absl::Time>& t) -> int64_t {
      return t.has_value() ? absl::ToUnixMicros(*t) : -1;
    };
    pqxx::result r = tx.exec_prepared(
        Name(kListSessions), scope.all, scope.districts, f.district_code, f.include_superseded,
        micros(f.from), micros(f.to), micros(f.after_start), f.after_session_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.more = true;
        break;
      }
      page.items.push_back(RowToSession(row, /*with_counts=*/true));
    }
    db::AppendAudit(tx, principal, "ListSessions", "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<SessionState> PgSessionStore::Load(pqxx::transaction_base& tx,
                                                  const auth::Principal& principal,
                                                  const std::string& session_id, bool lock) {
  return LoadSession(tx, principal, session_id, lock);
}

SessionPage PgSessionStore::ListOfAgency(pqxx::transaction_base& tx, const std::string& agency_id,
                                         const SessionFilter& f) {
  SessionPage page;
  auto micros = [](const std::optional<absl::Time>& t) -> int64_t {
    return t.has_value() ? absl::ToUnixMicros(*t) : -1;
  };
  pqxx::result r =
      tx.exec_prepared(Name(kListAgencySessions), agency_id, f.include_superseded, micros(f.from),
                       micros(f.to), micros(f.after_start), f.after_session_id, f.page_size + 1);
  for (const auto& row : r) {
    if (static_cast<int>(page.items.size()) == f.page_size) {
      page.more = true;
      break;
    }
    page.items.push_back(RowToSession(row, /*with_counts=*/true));
  }
  return page;
}

std::vector<PgSessionStore::LeaveOverlap> PgSessionStore::EnrolledSessionsDuring(
    pqxx::work& tx, const std::string& case_id, absl::Time from, absl::Time to) {
  std::vector<LeaveOverlap> out;
  for (const auto& r : tx.exec_prepared(Name(kEnrolledDuring), case_id, absl::ToUnixMicros(from),
                                        absl::ToUnixMicros(to))) {
    out.push_back({RowToSession(r, /*with_counts=*/false)});
  }
  return out;
}

bool PgSessionStore::WriteAutomaticAttendance(pqxx::work& tx, const std::string& session_id,
                                              const std::string& case_id,
                                              const AttendanceRecord& a) {
  return !tx.exec_prepared(Name(kInsertAttendanceIfNone), session_id, case_id, a.outcome,
                           a.excuse_reason, a.notice_given, a.credited_minutes, a.policy_version,
                           a.recorded_by, absl::ToUnixMicros(a.recorded_at))
              .empty();
}

absl::Status PgSessionStore::ExcuseForLeave(pqxx::work& tx, const std::string& case_id,
                                            const domain::LeaveFact& leave,
                                            const domain::EducationPolicies& policies,
                                            absl::Time now) {
  const absl::TimeZone tz = time::ShanghaiTimeZone();
  const absl::Time from = absl::FromCivil(leave.start_date, tz);
  const absl::Time to = absl::FromCivil(leave.end_date + 1, tz);
  for (const LeaveOverlap& o : EnrolledSessionsDuring(tx, case_id, from, to)) {
    const SessionRecord& s = o.session;
    const auto& version = policies.InForce(time::ShanghaiDay(s.start));
    AttendanceRecord a;
    a.outcome = std::string(domain::OutcomeName(domain::Outcome::kExcused));
    a.excuse_reason = "APPROVED_LEAVE";
    a.notice_given = false;
    a.credited_minutes =
        domain::CreditedMinutes(domain::Outcome::kExcused, s.end - s.start, version.session);
    a.automatic = true;
    a.policy_version = version.version;
    a.recorded_by = "ccms.records.leave_approved";
    a.recorded_at = now;
    if (WriteAutomaticAttendance(tx, s.session_id, case_id, a)) {
      kafka::AppendToOutbox(tx, kEducationTopic,
                            AttendanceEvent(s, case_id, a, now, "ccms-education"));
    }
  }
  return absl::OkStatus();
}

std::vector<db::Query> PgSessionStore::Queries() {
  return {kInsertSession,
          kLockSession,
          kGetSession,
          kEnrolmentsOf,
          kOtherSessionsOfCase,
          kLockScopedCase,
          kFindEnrolment,
          kCountEnrolled,
          kInsertEnrolment,
          kReenrol,
          kWithdraw,
          kFirstWaitlisted,
          kPromote,
          kUpdateSession,
          kUpsertAttendance,
          kInsertAttendanceIfNone,
          kEnrolledDuring,
          kListSessions,
          kLockPartnerSession,
          kGetPartnerSession,
          kListAgencySessions,
          kCaseDistrict};
}

}  // namespace ccms::education
