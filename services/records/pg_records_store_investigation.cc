// PgRecordsStore: pre-sentence investigations (调查评估), and the handover, intake announcement
// and supervision team of a case.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/one_statement.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/pg_records_internal.h"
#include "services/records/pg_records_store.h"

namespace ccms::records {
namespace {

using namespace pg_internal;  // NOLINT: the store's own helpers

#define CCMS_INVESTIGATION_COLUMNS                                                      \
  "i.investigation_id::text, i.district_code, i.office_id, i.commissioning_body_kind,"  \
  " i.commissioning_body_name, i.person_name, i.id_last4, i.proposed_sentence_kind,"    \
  " i.fast_track, i.commissioned_on::text, i.due_on::text, i.policy_version, i.status," \
  " i.conclusion, i.reasons, i.closed_on::text, i.concluded_late, COALESCE(i.case_id::text, '')"

// District scope of investigations: $2 = all districts, $3 = the principal's district codes.
#define CCMS_INVESTIGATION_SCOPE "($2::boolean OR i.district_code = ANY($3::text[]))"

constexpr db::Query kInsertInvestigation = {
    "records_insert_investigation",
    "INSERT INTO investigations (investigation_id, district_code, office_id,"
    " commissioning_body_kind, commissioning_body_name, person_name, id_hash, id_cipher, id_last4,"
    " proposed_sentence_kind, fast_track, commissioned_on, due_on, policy_version, status,"
    " created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::date, $13::date, $14,"
    " 'COMMISSIONED', $15)"};
constexpr db::Query kGetInvestigation = {"records_get_investigation",
                                         "SELECT " CCMS_INVESTIGATION_COLUMNS
                                         " FROM investigations i WHERE i.investigation_id = $1"
                                         " AND " CCMS_INVESTIGATION_SCOPE};
constexpr db::Query kGetInvestigationForUpdate = {
    "records_get_investigation_for_update",
    "SELECT " CCMS_INVESTIGATION_COLUMNS
    " FROM investigations i WHERE i.investigation_id = $1 AND " CCMS_INVESTIGATION_SCOPE
    " FOR UPDATE"};
constexpr db::Query kUpdateInvestigation = {
    "records_update_investigation",
    "UPDATE investigations SET status = $2, conclusion = $3, reasons = $4, closed_on = $5::date,"
    " concluded_late = $6, withdrawal_reason = $7, updated_at = now()"
    " WHERE investigation_id = $1"};
// $4 district filter, $5 status filter, $6 overdue as of (open at the end of that day and due
// before it), $7 keyset cursor, $8 limit.
// The list and its audit rows as one statement, one round trip (issue 18 item 2): the list shows
// people's names, so one row per investigation listed ("OK"), or one "OK 0" row when none is;
// their transaction does not wait for the WAL flush ($11, as records' GetCase). $8-$10 actor,
// role, request id. Rows in the CTE's order (investigation id).
constexpr db::Query kListInvestigationsAudited = {
    "records_list_investigations_audited",
    "WITH r AS (SELECT " CCMS_INVESTIGATION_COLUMNS
    " FROM investigations i WHERE $1::int > 0 AND " CCMS_INVESTIGATION_SCOPE
    " AND ($4 = '' OR i.district_code = $4) AND ($5 = '' OR i.status = $5)"
    " AND ($6 = '' OR (i.commissioned_on <= NULLIF($6, '')::date"
    " AND i.due_on < NULLIF($6, '')::date"
    " AND (i.closed_on IS NULL OR i.closed_on > NULLIF($6, '')::date)))"
    " AND i.investigation_id > COALESCE(NULLIF($7, '')::uuid,"
    " '00000000-0000-0000-0000-000000000000')"
    " ORDER BY i.investigation_id LIMIT $1),"
    " a AS (INSERT INTO audit_log (actor, actor_role, action, investigation_id, result,"
    " request_id) SELECT $8::text, $9::text, 'ListInvestigations', l.id, l.result, $10::text"
    " FROM (SELECT investigation_id::uuid AS id, 'OK' AS result FROM r UNION ALL"
    " SELECT NULL, 'OK 0' WHERE NOT EXISTS (SELECT 1 FROM r)) l"
    " WHERE set_config('synchronous_commit',"
    " CASE WHEN $11::boolean THEN 'off' ELSE current_setting('synchronous_commit') END, true)"
    " IS NOT NULL)"
    " SELECT * FROM r"};
constexpr db::Query kInsertInvestigationAudit = {
    "records_insert_investigation_audit",
    "INSERT INTO audit_log (actor, actor_role, action, investigation_id, result, request_id)"
    " VALUES ($1, $2, $3, $4, $5, $6)"};

constexpr db::Query kUpsertHandover = {
    "records_upsert_handover",
    "INSERT INTO case_handovers (case_id, notified_on, documents_received_on, notice_due,"
    " documents_due, notice_late, documents_late, policy_version, recorded_by) VALUES ($1,"
    " $2::date, $3::date, $4::date, $5::date, $6, $7, $8, $9) ON CONFLICT (case_id) DO UPDATE SET"
    " notified_on = EXCLUDED.notified_on, documents_received_on ="
    " EXCLUDED.documents_received_on, notice_due = EXCLUDED.notice_due, documents_due ="
    " EXCLUDED.documents_due, notice_late = EXCLUDED.notice_late, documents_late ="
    " EXCLUDED.documents_late, policy_version = EXCLUDED.policy_version, recorded_by ="
    " EXCLUDED.recorded_by, recorded_at = now()"};
constexpr db::Query kGetHandover = {
    "records_get_handover",
    "SELECT notified_on::text, documents_received_on::text, notice_due::text,"
    " documents_due::text, notice_late, documents_late, policy_version FROM case_handovers"
    " WHERE case_id = $1"};
constexpr db::Query kInsertAnnouncement = {
    "records_insert_announcement",
    "INSERT INTO intake_announcements (announcement_id, case_id, announced_on,"
    " present_staff_ids, recorded_by) VALUES ($1, $2, $3::date, $4, $5)"
    " ON CONFLICT (case_id) DO NOTHING"};
constexpr db::Query kGetAnnouncement = {
    "records_get_announcement",
    "SELECT announcement_id::text, announced_on::text, present_staff_ids"
    " FROM intake_announcements WHERE case_id = $1"};
constexpr db::Query kReplaceTeam = {
    "records_replace_team",
    "UPDATE supervision_teams SET replaced_at = now() WHERE case_id = $1 AND replaced_at IS NULL"};
constexpr db::Query kInsertTeam = {
    "records_insert_team",
    "INSERT INTO supervision_teams (team_id, case_id, officer_id, social_worker_id,"
    " volunteer_ids, family_contact_cipher, effective_on, recorded_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8)"};
constexpr db::Query kUpdateCaseTeam = {
    "records_update_case_team",
    "UPDATE cases SET officer_id = $2, social_worker_id = $3, version = version + 1,"
    " updated_at = now() WHERE case_id = $1"};
#define CCMS_TEAM_COLUMNS                                                              \
  "team_id::text, officer_id, social_worker_id, volunteer_ids, family_contact_cipher," \
  " effective_on::text"
constexpr db::Query kGetCurrentTeam = {"records_get_current_team",
                                       "SELECT " CCMS_TEAM_COLUMNS
                                       " FROM supervision_teams"
                                       " WHERE case_id = $1 AND replaced_at IS NULL"};
constexpr db::Query kGetTeam = {
    "records_get_team", "SELECT " CCMS_TEAM_COLUMNS " FROM supervision_teams WHERE team_id = $1"};

std::optional<absl::CivilDay> OptDay(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return DateOf(f);
}

InvestigationRecord RowToInvestigation(const pqxx::row& r) {
  InvestigationRecord i;
  i.investigation_id = r[0].as<std::string>();
  i.district_code = r[1].as<std::string>();
  i.office_id = r[2].as<std::string>();
  i.body_kind = domain::ParseCommissioningBodyKind(r[3].as<std::string>())
                    .value_or(domain::CommissioningBodyKind::kCourt);
  i.body_name = r[4].as<std::string>();
  i.person_name = r[5].as<std::string>();
  i.id_last4 = r[6].as<std::string>();
  i.proposed_sentence_kind = domain::ParseSentenceKind(r[7].as<std::string>())
                                 .value_or(domain::SentenceKind::kUnspecified);
  i.fast_track = r[8].as<bool>();
  i.commissioned_on = DateOf(r[9]);
  i.due_on = DateOf(r[10]);
  i.policy_version = r[11].as<std::string>();
  i.status = domain::ParseInvestigationStatus(r[12].as<std::string>())
                 .value_or(domain::InvestigationStatus::kCommissioned);
  if (!r[13].is_null())
    i.conclusion = domain::ParseInvestigationConclusion(r[13].as<std::string>());
  i.reasons = r[14].as<std::string>();
  i.closed_on = OptDay(r[15]);
  i.concluded_late = r[16].as<bool>();
  i.case_id = r[17].as<std::string>();
  return i;
}

HandoverRecord RowToHandover(const pqxx::row& r) {
  HandoverRecord h;
  h.notified_on = DateOf(r[0]);
  h.documents_received_on = OptDay(r[1]);
  h.assessment.notice_due = DateOf(r[2]);
  h.assessment.documents_due = DateOf(r[3]);
  h.assessment.notice_late = r[4].as<bool>();
  h.assessment.documents_late = r[5].as<bool>();
  h.policy_version = r[6].as<std::string>();
  return h;
}

std::vector<std::string> SplitIds(const std::string& joined) {
  if (joined.empty()) return {};
  return absl::StrSplit(joined, ',');
}

AnnouncementRecord RowToAnnouncement(const pqxx::row& r) {
  return {r[0].as<std::string>(), DateOf(r[1]), SplitIds(r[2].as<std::string>())};
}

SupervisionTeamRecord RowToTeam(const pqxx::row& r) {
  SupervisionTeamRecord t;
  t.team_id = r[0].as<std::string>();
  t.officer_id = r[1].as<std::string>();
  t.social_worker_id = r[2].as<std::string>();
  t.volunteer_ids = SplitIds(r[3].as<std::string>());
  if (!r[4].is_null()) t.family_contact_cipher = pqxx::binarystring(r[4]).str();
  t.effective_on = DateOf(r[5]);
  return t;
}

void AuditInvestigation(pqxx::work& tx, const auth::Principal& p, std::string_view action,
                        const std::string& investigation_id, std::string_view result,
                        const std::string& request_id) {
  const bool has_id = ids::IsUuid(investigation_id);
  tx.exec_prepared(Name(kInsertInvestigationAudit), p.subject, std::string(auth::RoleName(p.role)),
                   std::string(action), has_id ? investigation_id.c_str() : nullptr,
                   std::string(result), request_id);
}

absl::Status InvestigationNotFound() { return absl::NotFoundError("investigation not found"); }

const char* OptionalDateParam(const std::optional<absl::CivilDay>& d, std::string* storage) {
  if (!d.has_value()) return nullptr;
  *storage = time::FormatDate(*d);
  return storage->c_str();
}

}  // namespace

std::vector<db::Query> PgRecordsStore::InvestigationQueries() {
  return {kInsertInvestigation, kGetInvestigation,   kGetInvestigationForUpdate,
          kUpdateInvestigation, kListInvestigationsAudited, kInsertInvestigationAudit,
          kUpsertHandover,      kGetHandover,        kInsertAnnouncement,
          kGetAnnouncement,     kReplaceTeam,        kInsertTeam,
          kUpdateCaseTeam,      kGetCurrentTeam,     kGetTeam};
}

absl::StatusOr<InvestigationRecord> PgRecordsStore::CommissionInvestigation(
    const auth::Principal& principal, const NewInvestigation& n,
    const InvestigationEventFactory& make_event) {
  InvestigationRecord out = n.record;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared(Name(kInsertInvestigation), out.investigation_id, out.district_code,
                     out.office_id, std::string(domain::CommissioningBodyKindName(out.body_kind)),
                     out.body_name, out.person_name, pqxx::binarystring(n.id_hash),
                     pqxx::binarystring(n.id_cipher), out.id_last4,
                     std::string(domain::SentenceKindName(out.proposed_sentence_kind)),
                     out.fast_track, time::FormatDate(out.commissioned_on),
                     time::FormatDate(out.due_on), out.policy_version, principal.subject);
    AuditInvestigation(tx, principal, "CommissionInvestigation", out.investigation_id, "OK",
                       n.request_id);
    kafka::AppendToOutbox(tx, kRecordsTopic, make_event(out));
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<InvestigationRecord> PgRecordsStore::ChangeInvestigation(
    const auth::Principal& principal, const InvestigationChange& change,
    const InvestigationDecider& decide, const InvestigationEventFactory& make_event) {
  InvestigationRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kGetInvestigationForUpdate), change.investigation_id,
                                      scope.all, scope.districts);
    if (r.empty()) return InvestigationNotFound();
    out = RowToInvestigation(r[0]);
    if (absl::Status ok = decide(out); !ok.ok()) return ok;
    std::string closed;
    tx.exec_prepared(Name(kUpdateInvestigation), out.investigation_id,
                     std::string(domain::InvestigationStatusName(out.status)),
                     out.conclusion.has_value()
                         ? std::string(domain::InvestigationConclusionName(*out.conclusion)).c_str()
                         : nullptr,
                     out.reasons, OptionalDateParam(out.closed_on, &closed), out.concluded_late,
                     change.note);
    AuditInvestigation(tx, principal, change.action, out.investigation_id, "OK", change.request_id);
    kafka::AppendToOutbox(tx, kRecordsTopic, make_event(out));
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<InvestigationRecord> PgRecordsStore::GetInvestigation(
    const auth::Principal& principal, const std::string& investigation_id,
    const std::string& request_id) {
  std::optional<InvestigationRecord> out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    RelaxCommitForReadAudit(tx);
    const Scope scope = ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kGetInvestigation), investigation_id, scope.all, scope.districts);
    AuditInvestigation(tx, principal, "GetInvestigation", investigation_id,
                       r.empty() ? "NOT_FOUND" : "OK", request_id);
    if (!r.empty()) out = RowToInvestigation(r[0]);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (!out.has_value()) return InvestigationNotFound();
  return *std::move(out);
}

absl::StatusOr<std::vector<InvestigationRecord>> PgRecordsStore::ListInvestigations(
    const auth::Principal& principal, const InvestigationFilter& f, const std::string& request_id) {
  std::vector<InvestigationRecord> out;
  // One statement, one round trip: the list and its audit rows (kListInvestigationsAudited).
  absl::Status st = db::Autocommit(pool_, [&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    for (const auto& r : tx.exec_prepared(
             Name(kListInvestigationsAudited), f.limit, scope.all, scope.districts, f.district_code,
             f.status ? std::string(domain::InvestigationStatusName(*f.status)) : "",
             f.overdue_as_of ? time::FormatDate(*f.overdue_as_of) : "", f.after_investigation_id,
             principal.subject, std::string(auth::RoleName(principal.role)), request_id,
             /*relax_commit=*/!db::InsideCommand())) {
      out.push_back(RowToInvestigation(r));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<HandoverRecord> PgRecordsStore::RecordHandover(const auth::Principal& principal,
                                                              const CaseMutation& m,
                                                              const HandoverRecord& handover,
                                                              const HandoverDecider& decide,
                                                              const CaseEventFactory& make_event) {
  HandoverRecord out = handover;
  CaseMutation open_case = m;
  open_case.require_active = false;  // the notification comes before the intake
  auto result = Mutate(
      principal, open_case,
      [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        if (c.status != domain::CaseStatus::kPendingIntake &&
            c.status != domain::CaseStatus::kActive) {
          return absl::FailedPreconditionError(
              absl::StrCat("the case is ", std::string(domain::CaseStatusName(c.status)),
                           "; a handover is recorded on pending or active cases only"));
        }
        if (absl::Status ok = decide(c, out); !ok.ok()) return ok;
        std::string docs;
        tx.exec_prepared(Name(kUpsertHandover), c.case_id, time::FormatDate(out.notified_on),
                         OptionalDateParam(out.documents_received_on, &docs),
                         time::FormatDate(out.assessment.notice_due),
                         time::FormatDate(out.assessment.documents_due), out.assessment.notice_late,
                         out.assessment.documents_late, out.policy_version, principal.subject);
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
        return c.case_id;
      });
  if (!result.ok()) return result.status();
  return out;
}

absl::StatusOr<AnnouncementRecord> PgRecordsStore::RecordIntakeAnnouncement(
    const auth::Principal& principal, const CaseMutation& m, const AnnouncementRecord& a,
    const CaseCheck& check, const CaseEventFactory& make_event) {
  auto result =
      Mutate(principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        if (absl::Status ok = check(c); !ok.ok()) return ok;
        pqxx::result r =
            tx.exec_prepared(Name(kInsertAnnouncement), a.announcement_id, c.case_id,
                             time::FormatDate(a.announced_on),
                             absl::StrJoin(a.present_staff_ids, ","), principal.subject);
        if (r.affected_rows() == 0) {
          return absl::FailedPreconditionError("the intake announcement is already recorded");
        }
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
        return a.announcement_id;
      });
  if (!result.ok()) return result.status();
  return a;
}

absl::StatusOr<SupervisionTeamRecord> PgRecordsStore::SetSupervisionTeam(
    const auth::Principal& principal, const CaseMutation& m, const SupervisionTeamRecord& team,
    const CaseEventFactory& make_event) {
  CaseMutation open_case = m;
  open_case.require_active = false;  // a team is formed at intake, before the person reports
  auto result = Mutate(
      principal, open_case,
      [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        if (c.status != domain::CaseStatus::kPendingIntake &&
            c.status != domain::CaseStatus::kActive) {
          return absl::FailedPreconditionError(
              absl::StrCat("the case is ", std::string(domain::CaseStatusName(c.status)),
                           "; a supervision team is set on pending or active cases only"));
        }
        tx.exec_prepared(Name(kReplaceTeam), c.case_id);
        std::optional<pqxx::binarystring> contact;
        if (!team.family_contact_cipher.empty()) contact.emplace(team.family_contact_cipher);
        if (contact.has_value()) {
          tx.exec_prepared(Name(kInsertTeam), team.team_id, c.case_id, team.officer_id,
                           team.social_worker_id, absl::StrJoin(team.volunteer_ids, ","), *contact,
                           time::FormatDate(team.effective_on), principal.subject);
        } else {
          tx.exec_prepared(Name(kInsertTeam), team.team_id, c.case_id, team.officer_id,
                           team.social_worker_id, absl::StrJoin(team.volunteer_ids, ","),
                           static_cast<const char*>(nullptr), time::FormatDate(team.effective_on),
                           principal.subject);
        }
        tx.exec_prepared(Name(kUpdateCaseTeam), c.case_id, team.officer_id, team.social_worker_id);
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
        return team.team_id;
      });
  if (!result.ok()) return result.status();
  return team;
}

absl::StatusOr<HandoverAndIntake> PgRecordsStore::GetHandoverAndIntake(
    const auth::Principal& principal, const std::string& case_id, const std::string& request_id) {
  HandoverAndIntake out;
  bool found = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    RelaxCommitForReadAudit(tx);
    auto c = LoadCase(tx, principal, case_id, /*for_update=*/false);
    db::AppendAudit(tx, principal, "GetHandoverAndIntake", case_id, c.ok() ? "OK" : "NOT_FOUND",
                    request_id);
    if (!c.ok()) return absl::OkStatus();
    found = true;
    if (pqxx::result r = tx.exec_prepared(Name(kGetHandover), case_id); !r.empty()) {
      out.handover = RowToHandover(r[0]);
    }
    if (pqxx::result r = tx.exec_prepared(Name(kGetAnnouncement), case_id); !r.empty()) {
      out.announcement = RowToAnnouncement(r[0]);
    }
    if (pqxx::result r = tx.exec_prepared(Name(kGetCurrentTeam), case_id); !r.empty()) {
      out.team = RowToTeam(r[0]);
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (!found) return NotFound();
  return out;
}

}  // namespace ccms::records
