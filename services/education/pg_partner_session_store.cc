#include "services/education/pg_partner_session_store.h"

#include <pqxx/pqxx>

#include "common/db/audit.h"
#include "services/education/pg_case_command.h"

namespace ccms::education {
namespace {

using db::Name;

#define CCMS_US(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

// The ENROLLED people of a session with what the partner view is made from (the minor flag, the
// name's blob) and their attendance.
constexpr db::Query kParticipants = {
    "education_partner_participants",
    "SELECT e.enrolment_id::text, e.case_id::text, c.minor, n.given_name_cipher, a.outcome,"
    " a.excuse_reason, a.notice_given, a.credited_minutes, a.automatic, a.policy_version,"
    " a.recorded_by, " CCMS_US("a.recorded_at") " FROM enrolments e"
    " JOIN cases c ON c.case_id = e.case_id"
    " LEFT JOIN partner_view_names n ON n.case_id = e.case_id"
    " LEFT JOIN attendance a ON a.session_id = e.session_id AND a.case_id = e.case_id"
    " WHERE e.session_id = $1::uuid AND e.status = 'ENROLLED'"
    " ORDER BY e.enrolled_at, e.enrolment_id"};
constexpr db::Query kUpsertName = {
    "education_upsert_partner_view_name",
    "INSERT INTO partner_view_names (case_id, given_name_cipher, recorded_by)"
    " VALUES ($1::uuid, $2, $3) ON CONFLICT (case_id) DO UPDATE SET"
    " given_name_cipher = EXCLUDED.given_name_cipher, recorded_by = EXCLUDED.recorded_by,"
    " recorded_at = now()"};

std::vector<PartnerParticipantRecord> Participants(pqxx::transaction_base& tx,
                                                   const std::string& session_id) {
  std::vector<PartnerParticipantRecord> out;
  for (const auto& r : tx.exec_prepared(Name(kParticipants), session_id)) {
    PartnerParticipantRecord p;
    p.enrolment_id = r[0].as<std::string>();
    p.case_id = r[1].as<std::string>();
    p.minor = r[2].as<bool>();
    if (!r[3].is_null()) p.given_name_cipher = pqxx::binarystring(r[3]).str();
    if (!r[4].is_null()) {
      AttendanceRecord a;
      a.outcome = r[4].as<std::string>();
      a.excuse_reason = r[5].as<std::string>();
      a.notice_given = r[6].as<bool>();
      a.credited_minutes = r[7].as<int>();
      a.automatic = r[8].as<bool>();
      a.policy_version = r[9].as<std::string>();
      a.recorded_by = r[10].as<std::string>();
      a.recorded_at = absl::FromUnixMicros(r[11].as<int64_t>());
      p.attendance = std::move(a);
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

absl::StatusOr<SessionPage> PgPartnerSessionStore::List(const auth::Principal& principal,
                                                        const SessionFilter& filter) {
  SessionPage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    page = PgSessionStore::ListOfAgency(tx, principal.agency_id, filter);
    db::AppendAudit(tx, principal, "ListPartnerSessions", "", std::to_string(page.items.size()),
                    "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<PartnerSessionState> PgPartnerSessionStore::Get(const auth::Principal& principal,
                                                               const std::string& session_id) {
  PartnerSessionState out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto state = PgSessionStore::Load(tx, principal, session_id, /*lock=*/false);
    if (!state.ok()) return state.status();
    out.session = std::move(state->session);
    out.participants = Participants(tx, session_id);
    // A read of persons' data: one row per person shown, on the person's case.
    for (const auto& p : out.participants) {
      db::AppendAudit(tx, principal, "GetPartnerSession", p.case_id, "OK", "");
    }
    if (out.participants.empty()) {
      db::AppendAudit(tx, principal, "GetPartnerSession", "", "0 participants", "");
    }
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, {principal, "GetPartnerSession", std::string(), std::string()}, st);
    return st;
  }
  return out;
}

absl::StatusOr<PartnerSessionState> PgPartnerSessionStore::RecordAttendance(
    const auth::Principal& principal, const std::string& session_id, const std::string& request_id,
    const SessionDecision& decide) {
  auto state =
      sessions_.Mutate(principal, session_id, "RecordPartnerAttendance", request_id, decide);
  if (!state.ok()) return state.status();
  PartnerSessionState out;
  out.session = std::move(state->session);
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    out.participants = Participants(tx, session_id);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::Status PgPartnerSessionStore::SetGivenName(const auth::Principal& principal,
                                                 const std::string& case_id,
                                                 const std::string& request_id,
                                                 const std::string& given_name_cipher) {
  return RunCaseCommand(
      pool_, nullptr, {principal, "SetPartnerViewName", case_id, request_id},
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<events::v1::Envelope>> {
        auto row = LoadCaseInScope(tx, principal, case_id, /*for_update=*/true);
        if (!row.ok()) return row.status();
        if (row->view.minor) {
          return absl::FailedPreconditionError(
              "a minor's identity is never shown to a partner: no name is recorded");
        }
        tx.exec_prepared(Name(kUpsertName), case_id, pqxx::binarystring(given_name_cipher),
                         principal.subject);
        // A name never goes on the bus: no event.
        return std::vector<events::v1::Envelope>{};
      },
      [](pqxx::work&) { return absl::OkStatus(); });
}

std::vector<db::Query> PgPartnerSessionStore::Queries() { return {kParticipants, kUpsertName}; }

}  // namespace ccms::education
