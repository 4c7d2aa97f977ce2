// PgRecordsStore: supervision activities, the sanction ladder, timeline and audit queries.
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

constexpr db::Query kInsertContact = {
    "records_insert_contact",
    "INSERT INTO contacts (contact_id, case_id, kind, occurred_on, notes, recorded_by)"
    " VALUES ($1, $2, $3, $4::date, $5, $6)"};
constexpr db::Query kOpenLostContact = {
    "records_open_lost_contact",
    "SELECT period_id::text, started_on::text FROM lost_contact_periods"
    " WHERE case_id = $1 AND ended_on IS NULL"};
constexpr db::Query kInsertLostContact = {
    "records_insert_lost_contact",
    "INSERT INTO lost_contact_periods (period_id, case_id, started_on, recorded_by)"
    " VALUES ($1, $2, $3::date, $4)"};
constexpr db::Query kCloseLostContact = {
    "records_close_lost_contact",
    "UPDATE lost_contact_periods SET ended_on = $2::date, staff_responsible = $3,"
    " liability_reason = $4 WHERE period_id = $1"};
constexpr db::Query kGetLostContact = {
    "records_get_lost_contact",
    "SELECT period_id::text, started_on::text, ended_on::text FROM lost_contact_periods"
    " WHERE period_id = $1"};
constexpr db::Query kInsertViolation = {
    "records_insert_violation",
    "INSERT INTO violations (violation_id, case_id, kind, occurred_on, facts, recorded_by,"
    " severity) VALUES ($1, $2, $3, $4::date, $5, $6, $7)"};
constexpr db::Query kCountViolationsOfCase = {
    "records_count_violations_of_case",
    "SELECT count(*) FROM violations WHERE case_id = $1 AND violation_id::text = ANY($2::text[])"};
constexpr db::Query kInsertSanction = {
    "records_insert_sanction",
    "INSERT INTO sanctions (sanction_id, case_id, kind, issued_on, grounds, violation_ids, reason,"
    " policy_version, recorded_by) VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8, $9)"};
constexpr db::Query kCorrectSanction = {
    "records_correct_sanction",
    "UPDATE sanctions SET corrected_on = $3::date WHERE sanction_id = $1 AND case_id = $2"
    " AND corrected_on IS NULL AND kind <> 'REVOCATION_REQUEST'"};
constexpr db::Query kInsertCommendation = {
    "records_insert_commendation",
    "INSERT INTO commendations (commendation_id, case_id, recorded_on, reason, recorded_by)"
    " VALUES ($1, $2, $3::date, $4, $5)"};
constexpr db::Query kLadderSanctions = {
    "records_ladder_sanctions",
    "SELECT kind, issued_on::text, corrected_on IS NOT NULL, court_decision FROM sanctions"
    " WHERE case_id = $1"};
constexpr db::Query kLadderLostContact = {
    "records_ladder_lost_contact",
    "SELECT started_on::text, ended_on::text FROM lost_contact_periods WHERE case_id = $1"};
constexpr db::Query kLadderViolations = {"records_ladder_violations",
                                         "SELECT kind FROM violations WHERE case_id = $1"};
constexpr db::Query kLadderReoffences = {
    "records_ladder_reoffences", "SELECT occurred_on::text FROM reoffences WHERE case_id = $1"};
constexpr db::Query kInsertReoffence = {
    "records_insert_reoffence",
    "INSERT INTO reoffences (reoffence_id, case_id, reported_by, reported_on, occurred_on,"
    " offence_category, detained, recorded_by)"
    " VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $8)"};
constexpr db::Query kOverdueCandidates = {
    "records_overdue_candidates",
    // The candidates' ids first: the open cases of the district (cases_open_by_district, V016)
    // or, without a district, of every district in scope (cases_open, V017), the first $6 after
    // the token, and the closed ones whose exit restriction was filed and not lifted, from the
    // filings. The district is a branch of its own (`$3 <> ''`), not `($3 = '' OR ...)`: the
    // generic plan of a prepared statement cannot use an index for a condition that may be
    // true for every row. Then each candidate's last contact of each kind, one LATERAL
    // aggregate per case over contacts_by_case: a join and GROUP BY over the candidates led the
    // planner to walk every case in id order (docs/benchmarks.md, "City scale").
    "WITH ids AS MATERIALIZED ("
    "  (SELECT o.case_id FROM cases o WHERE o.status IN ('PENDING_INTAKE', 'ACTIVE')"
    "   AND ($1::boolean OR o.district_code = ANY($2::text[]))"
    "   AND $3 <> '' AND o.district_code = $3"
    "   AND o.case_id > COALESCE(NULLIF($4, '')::uuid, '00000000-0000-0000-0000-000000000000')"
    "   AND ($7 = '' OR o.case_id = NULLIF($7, '')::uuid) ORDER BY o.case_id LIMIT $6)"
    "  UNION ALL"
    "  (SELECT o.case_id FROM cases o WHERE o.status IN ('PENDING_INTAKE', 'ACTIVE')"
    "   AND ($1::boolean OR o.district_code = ANY($2::text[])) AND $3 = ''"
    "   AND o.case_id > COALESCE(NULLIF($4, '')::uuid, '00000000-0000-0000-0000-000000000000')"
    "   AND ($7 = '' OR o.case_id = NULLIF($7, '')::uuid) ORDER BY o.case_id LIMIT $6)"
    "  UNION ALL"
    "  (SELECT x.case_id FROM exit_restriction_filings f JOIN cases x ON x.case_id = f.case_id"
    "   WHERE f.action = 'FILED' AND f.done_on <= $5::date"
    "   AND x.status IN ('DISCHARGED', 'REVOKED', 'DECEASED') AND NOT EXISTS (SELECT 1"
    "    FROM exit_restriction_filings l WHERE l.case_id = x.case_id AND l.action = 'LIFTED'"
    "    AND l.done_on <= $5::date)"
    "   AND ($1::boolean OR x.district_code = ANY($2::text[]))"
    "   AND ($3 = '' OR x.district_code = $3)"
    "   AND x.case_id > COALESCE(NULLIF($4, '')::uuid, '00000000-0000-0000-0000-000000000000')"
    "   AND ($7 = '' OR x.case_id = NULLIF($7, '')::uuid) ORDER BY x.case_id LIMIT $6))"
    " SELECT c.case_id::text, c.case_number, c.district_code, c.office_id, c.status,"
    " c.judgment_effective_date::text, c.intake_deadline::text, c.intake_reported_on::text,"
    " c.supervision_level, c.level_effective_on::text, k.in_person::text, k.phone::text,"
    " k.video::text, k.home_visit::text, k.workplace_visit::text, k.community_visit::text,"
    " k.self_report::text, c.end_date::text, c.closed_on::text,"
    " (SELECT f.done_on FROM exit_restriction_filings f WHERE f.case_id = c.case_id"
    "   AND f.action = 'FILED' AND f.done_on <= $5::date)::text,"
    " (SELECT f.done_on FROM exit_restriction_filings f WHERE f.case_id = c.case_id"
    "   AND f.action = 'LIFTED' AND f.done_on <= $5::date)::text"
    " FROM ids JOIN cases c ON c.case_id = ids.case_id"
    " CROSS JOIN LATERAL (SELECT"
    "  max(ct.occurred_on) FILTER (WHERE ct.kind = 'CHECK_IN_IN_PERSON') AS in_person,"
    "  max(ct.occurred_on) FILTER (WHERE ct.kind = 'CHECK_IN_PHONE') AS phone,"
    "  max(ct.occurred_on) FILTER (WHERE ct.kind = 'CHECK_IN_VIDEO') AS video,"
    "  max(ct.occurred_on) FILTER (WHERE ct.kind = 'HOME_VISIT') AS home_visit,"
    "  max(ct.occurred_on) FILTER (WHERE ct.kind = 'WORKPLACE_VISIT') AS workplace_visit,"
    "  max(ct.occurred_on) FILTER (WHERE ct.kind = 'COMMUNITY_VISIT') AS community_visit,"
    "  max(ct.occurred_on) FILTER (WHERE ct.kind = 'SELF_REPORT') AS self_report"
    "  FROM contacts ct WHERE ct.case_id = c.case_id AND ct.occurred_on <= $5::date) k"
    " ORDER BY ids.case_id LIMIT $6"};
// Every activity of a case; summaries carry kinds and dates only, never notes or facts.
constexpr db::Query kTimeline = {
    "records_timeline",
    "SELECT on_day::text, (extract(epoch FROM recorded_at) * 1000000)::bigint, kind, entry_id,"
    " recorded_by, summary FROM ("
    "  SELECT c.judgment_effective_date AS on_day, c.created_at AS recorded_at,"
    "   'CASE_OPENED' AS kind, c.case_id::text AS entry_id, c.created_by AS recorded_by,"
    "   'case ' || c.case_number || ' opened' AS summary FROM cases c WHERE c.case_id = $1"
    "  UNION ALL SELECT c.intake_reported_on, c.created_at, 'INTAKE_REPORTED',"
    "   c.case_id::text || ':intake', '', CASE WHEN c.intake_late THEN 'reported late'"
    "   ELSE 'reported on time' END FROM cases c WHERE c.case_id = $1"
    "   AND c.intake_reported_on IS NOT NULL"
    "  UNION ALL SELECT occurred_on, recorded_at, 'CONTACT:' || kind, contact_id::text,"
    "   recorded_by, lower(replace(kind, '_', ' ')) FROM contacts WHERE case_id = $1"
    "  UNION ALL SELECT occurred_on, recorded_at, 'VIOLATION:' || kind, violation_id::text,"
    "   recorded_by, 'violation: ' || lower(replace(kind, '_', ' ')) FROM violations"
    "   WHERE case_id = $1"
    "  UNION ALL SELECT issued_on, recorded_at, 'SANCTION:' || kind, sanction_id::text,"
    "   recorded_by, lower(replace(kind, '_', ' ')) || CASE WHEN corrected_on IS NULL THEN ''"
    "   ELSE ' (corrected ' || corrected_on || ')' END FROM sanctions WHERE case_id = $1"
    "  UNION ALL SELECT recorded_on, recorded_at, 'COMMENDATION', commendation_id::text,"
    "   recorded_by, 'commendation' FROM commendations WHERE case_id = $1"
    "  UNION ALL SELECT started_on, recorded_at, 'LOST_CONTACT', period_id::text, recorded_by,"
    "   CASE WHEN ended_on IS NULL THEN 'lost contact' ELSE 'lost contact until ' || ended_on"
    "   END || CASE WHEN liability_reason IS NULL THEN ''"
    "   WHEN staff_responsible THEN ' (staff responsible: '"
    "   || lower(replace(liability_reason, '_', ' ')) || ')'"
    "   ELSE ' (staff not responsible: ' || lower(replace(liability_reason, '_', ' ')) || ')'"
    "   END FROM lost_contact_periods WHERE case_id = $1"
    "  UNION ALL SELECT c.discharge_summary_on, c.created_at, 'DISCHARGE_SUMMARY',"
    "   c.case_id::text || ':summary', '', 'personal summary received' FROM cases c"
    "   WHERE c.case_id = $1 AND c.discharge_summary_on IS NOT NULL"
    "  UNION ALL SELECT c.closed_on, c.created_at, 'CASE_CLOSED', c.case_id::text || ':closed',"
    "   '', 'case closed: ' || lower(c.status) FROM cases c WHERE c.case_id = $1"
    "   AND c.closed_on IS NOT NULL"
    "  UNION ALL SELECT done_on, recorded_at, 'FOLLOW_UP_VISIT', follow_up_id::text, visited_by,"
    "   'follow-up visit (due ' || due_on || ')' FROM follow_ups WHERE case_id = $1"
    "   AND done_on IS NOT NULL"
    "  UNION ALL SELECT start_date, recorded_at, 'LEAVE:' || status, leave_id::text,"
    "   requested_by, 'leave ' || start_date || ' to ' || end_date || ' (' || lower(status)"
    "   || CASE WHEN days_late > 0 THEN ', returned ' || days_late || ' days late' ELSE '' END"
    "   || ')' FROM leaves WHERE case_id = $1"
    "  UNION ALL SELECT valid_from, recorded_at, 'STANDING_APPROVAL', standing_approval_id::text,"
    "   granted_by, 'standing approval for work travel until ' || valid_until"
    "   || CASE WHEN revoked_on IS NULL THEN '' ELSE ' (revoked ' || revoked_on || ')' END"
    "   FROM standing_approvals WHERE case_id = $1"
    "  UNION ALL SELECT starts_on, recorded_at, 'MONITORING_ORDERED', order_id::text, approved_by,"
    "   'electronic monitoring ' || starts_on || ' to ' || original_ends_on"
    "   FROM monitoring_orders WHERE case_id = $1"
    "  UNION ALL SELECT r.renewed_on, r.recorded_at, 'MONITORING_RENEWED', r.renewal_id::text,"
    "   r.approved_by, 'electronic monitoring renewed to ' || r.new_ends_on"
    "   FROM monitoring_renewals r JOIN monitoring_orders o USING (order_id) WHERE o.case_id = $1"
    "  UNION ALL SELECT ended_on, recorded_at, 'MONITORING_ENDED', order_id::text || ':end', '',"
    "   'electronic monitoring ended: ' || lower(replace(end_reason, '_', ' '))"
    "   FROM monitoring_orders WHERE case_id = $1 AND ended_on IS NOT NULL"
    "  UNION ALL SELECT received_on, recorded_at, 'HEALTH_REPORT', report_id::text, recorded_by,"
    "   'health report' FROM health_reports WHERE case_id = $1"
    "  UNION ALL SELECT reviewed_on, recorded_at, 'MEDICAL_REVIEW:' || outcome, review_id::text,"
    "   recorded_by, 'medical review: ' || lower(replace(outcome, '_', ' '))"
    "   FROM medical_reviews WHERE case_id = $1"
    "  UNION ALL SELECT occurred_on, recorded_at, 'REOFFENCE', reoffence_id::text, recorded_by,"
    "   'new offence during the term reported ' || reported_on || CASE WHEN detained"
    "   THEN ', detained' ELSE '' END FROM reoffences WHERE case_id = $1"
    "  UNION ALL SELECT effective_on, recorded_at, 'SENTENCE_CHANGE:' || kind, change_id::text,"
    "   recorded_by, 'sentence ' || lower(kind) || ': the term ends ' || new_end_date"
    "   || ' (was ' || previous_end_date || ')' FROM sentence_changes WHERE case_id = $1"
    // Handover, intake announcement and supervision teams (investigation area).
    "  UNION ALL SELECT notified_on, recorded_at, 'HANDOVER_NOTIFIED', case_id::text ||"
    "   ':handover', recorded_by, 'deciding body notification received' || CASE WHEN notice_late"
    "   THEN ' late' ELSE '' END || CASE WHEN documents_received_on IS NULL THEN"
    "   ', documents pending' ELSE ', documents received ' || documents_received_on || CASE WHEN"
    "   documents_late THEN ' (late)' ELSE '' END END FROM case_handovers WHERE case_id = $1"
    "  UNION ALL SELECT announced_on, recorded_at, 'INTAKE_ANNOUNCED', announcement_id::text,"
    "   recorded_by, 'intake announcement' FROM intake_announcements WHERE case_id = $1"
    "  UNION ALL SELECT effective_on, recorded_at, 'SUPERVISION_TEAM', team_id::text,"
    "   recorded_by, 'supervision team set: officer ' || officer_id || CASE WHEN replaced_at IS"
    "   NULL THEN '' ELSE ' (since replaced)' END FROM supervision_teams WHERE case_id = $1"
    " ) t WHERE (on_day, (extract(epoch FROM recorded_at) * 1000000)::bigint, entry_id) >"
    " ($2::date, $3::bigint, $4::text) ORDER BY 1, 2, 4 LIMIT $5"};
constexpr db::Query kEndCase = {
    "records_end_case",
    "UPDATE cases SET status = $2, closed_on = $3::date, discharge_certificate = $4,"
    " discharge_announced = $5, version = version + 1, updated_at = now() WHERE case_id = $1"
    " RETURNING version, (extract(epoch FROM updated_at) * 1000000)::bigint"};
constexpr db::Query kInsertFollowUp = {
    "records_insert_follow_up",
    "INSERT INTO follow_ups (follow_up_id, case_id, due_on) VALUES ($1, $2, $3::date)"};
constexpr db::Query kMarkDischargeNotices = {
    "records_mark_discharge_notices",
    "UPDATE cases SET discharge_notice_on = $1::date WHERE case_id IN (SELECT case_id FROM cases"
    " WHERE status = 'ACTIVE' AND discharge_notice_on IS NULL AND end_date >= $1::date"
    " AND end_date <= $2::date ORDER BY end_date LIMIT 1000 FOR UPDATE SKIP LOCKED)"
    " RETURNING case_id::text, district_code, end_date::text"};
constexpr db::Query kListAudit = {
    "records_list_audit",
    "SELECT audit_id, (extract(epoch FROM at) * 1000000)::bigint, actor, actor_role, action,"
    " COALESCE(case_id::text, ''), result, request_id, COALESCE(investigation_id::text, '')"
    " FROM audit_log WHERE audit_id > $1 AND ($2 = '' OR case_id = NULLIF($2, '')::uuid"
    "  OR investigation_id IN (SELECT i.investigation_id FROM investigations i"
    "   WHERE i.case_id = NULLIF($2, '')::uuid))"
    " AND ($3 = '' OR actor = $3) AND at >= to_timestamp($4::double precision)"
    " AND at < to_timestamp($5::double precision)"
    " AND ($7 = '' OR investigation_id = NULLIF($7, '')::uuid) ORDER BY audit_id LIMIT $6"};

std::optional<absl::CivilDay> OptionalDate(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return DateOf(f);
}

absl::StatusOr<domain::LadderFacts> LoadLadder(pqxx::work& tx, const CaseRecord& c) {
  domain::LadderFacts f;
  f.sentence_kind = c.sentence_kind;
  for (const auto& row : tx.exec_prepared(Name(kLadderSanctions), c.case_id)) {
    auto kind = domain::ParseSanctionKind(row[0].as<std::string>());
    if (!kind.has_value()) continue;
    f.sanctions.push_back({*kind, DateOf(row[1]), row[2].as<bool>(),
                           row[3].is_null()
                               ? std::nullopt
                               : domain::ParseRevocationDecision(row[3].as<std::string>())});
  }
  for (const auto& row : tx.exec_prepared(Name(kLadderLostContact), c.case_id)) {
    f.lost_contact.push_back({DateOf(row[0]), OptionalDate(row[1])});
  }
  for (const auto& row : tx.exec_prepared(Name(kLadderViolations), c.case_id)) {
    auto kind = domain::ParseViolationKind(row[0].as<std::string>());
    if (kind.has_value()) f.violations.push_back(*kind);
  }
  for (const auto& row : tx.exec_prepared(Name(kLadderReoffences), c.case_id)) {
    f.reoffences.push_back(DateOf(row[0]));
  }
  if (absl::Status st = PgRecordsStore::LoadGroundFacts(tx, c, &f); !st.ok()) return st;
  return f;
}

}  // namespace

std::vector<db::Query> PgRecordsStore::ActivityQueries() {
  return {kInsertContact,
          kOpenLostContact,
          kInsertLostContact,
          kCloseLostContact,
          kGetLostContact,
          kInsertViolation,
          kCountViolationsOfCase,
          kInsertSanction,
          kCorrectSanction,
          kInsertCommendation,
          kLadderSanctions,
          kLadderLostContact,
          kLadderViolations,
          kLadderReoffences,
          kInsertReoffence,
          kOverdueCandidates,
          kTimeline,
          kListAudit,
          kEndCase,
          kInsertFollowUp,
          kMarkDischargeNotices};
}

absl::StatusOr<MutationResult> PgRecordsStore::Mutate(const auth::Principal& principal,
                                                      const CaseMutation& m,
                                                      const MutationBody& body) {
  MutationResult out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto c = LoadCase(tx, principal, m.case_id, /*for_update=*/true);
    if (!c.ok()) return c.status();
    if (m.require_active && c->status != domain::CaseStatus::kActive) {
      return absl::FailedPreconditionError(
          absl::StrCat("the case is ", std::string(domain::CaseStatusName(c->status)),
                       "; this is recorded on active cases only"));
    }
    auto resource = body(tx, *c);
    if (!resource.ok()) return resource.status();
    db::AppendAudit(tx, principal, m.action, m.case_id, "OK", m.request_id);
    out.resource_id = *resource;
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<MutationResult> PgRecordsStore::RecordContact(const auth::Principal& principal,
                                                             const CaseMutation& m,
                                                             const NewContact& contact,
                                                             const CaseEventFactory& make_event) {
  return Mutate(
      principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        tx.exec_prepared(Name(kInsertContact), contact.contact_id, c.case_id,
                         std::string(domain::ContactKindName(contact.kind)),
                         time::FormatDate(contact.occurred_on), contact.notes, principal.subject);
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
        return contact.contact_id;
      });
}

absl::StatusOr<MutationResult> PgRecordsStore::MarkLostContact(const auth::Principal& principal,
                                                               const CaseMutation& m,
                                                               const LostContactPeriod& period,
                                                               const CaseEventFactory& make_event) {
  return Mutate(principal, m,
                [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
                  if (!tx.exec_prepared(Name(kOpenLostContact), c.case_id).empty()) {
                    return absl::FailedPreconditionError("the case is already marked lost contact");
                  }
                  tx.exec_prepared(Name(kInsertLostContact), period.period_id, c.case_id,
                                   time::FormatDate(period.started_on), principal.subject);
                  kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
                  return period.period_id;
                });
}

absl::StatusOr<LostContactPeriod> PgRecordsStore::MarkFoundAgain(
    const auth::Principal& principal, const CaseMutation& m, absl::CivilDay found_on,
    const domain::LostContactLiability& liability, const FoundAgainEventFactory& make_event) {
  LostContactPeriod period;
  auto result =
      Mutate(principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        pqxx::result open = tx.exec_prepared(Name(kOpenLostContact), c.case_id);
        if (open.empty())
          return absl::FailedPreconditionError("the case is not marked lost contact");
        period.period_id = open[0][0].as<std::string>();
        period.started_on = DateOf(open[0][1]);
        if (found_on < period.started_on) {
          return absl::InvalidArgumentError("found_on is before the day contact was lost");
        }
        period.ended_on = found_on;
        tx.exec_prepared(Name(kCloseLostContact), period.period_id, time::FormatDate(found_on),
                         liability.staff_responsible,
                         std::string(domain::LostContactReasonName(liability.reason)));
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c, period));
        return period.period_id;
      });
  if (!result.ok()) return result.status();
  return period;
}

absl::StatusOr<MutationResult> PgRecordsStore::RecordViolation(const auth::Principal& principal,
                                                               const CaseMutation& m,
                                                               const NewViolation& v,
                                                               const CaseEventFactory& make_event) {
  return Mutate(principal, m,
                [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
                  tx.exec_prepared(Name(kInsertViolation), v.violation_id, c.case_id,
                                   std::string(domain::ViolationKindName(v.kind)),
                                   time::FormatDate(v.occurred_on), v.facts, principal.subject,
                                   std::string(domain::BreachSeverityName(v.severity)));
                  kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
                  return v.violation_id;
                });
}

absl::StatusOr<domain::LadderFacts> PgRecordsStore::RecordReoffence(
    const auth::Principal& principal, const CaseMutation& m, const NewReoffence& r,
    const CaseCheck& check, const CaseEventFactory& make_event) {
  CaseMutation open = m;
  open.require_active = false;  // pending cases too: `check` decides
  domain::LadderFacts ladder;
  auto result = Mutate(
      principal, open, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        if (absl::Status st = check(c); !st.ok()) return st;
        tx.exec_prepared(Name(kInsertReoffence), r.reoffence_id, c.case_id, r.reported_by,
                         time::FormatDate(r.reported_on), time::FormatDate(r.occurred_on),
                         r.offence_category, r.detained, principal.subject);
        auto facts = LoadLadder(tx, c);
        if (!facts.ok()) return facts.status();
        ladder = *facts;
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
        return r.reoffence_id;
      });
  if (!result.ok()) return result.status();
  return ladder;
}

absl::StatusOr<MutationResult> PgRecordsStore::IssueSanction(const auth::Principal& principal,
                                                             const CaseMutation& m,
                                                             const NewSanction& s,
                                                             const SanctionDecider& decide,
                                                             const CaseEventFactory& make_event) {
  return Mutate(
      principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        if (!s.violation_ids.empty()) {
          const int64_t found = tx.exec_prepared1(Name(kCountViolationsOfCase), c.case_id,
                                                  db::TextArrayLiteral(s.violation_ids))[0]
                                    .as<int64_t>();
          if (found != static_cast<int64_t>(s.violation_ids.size())) {
            return absl::InvalidArgumentError("violation_ids: not all are violations of this case");
          }
        }
        auto facts = LoadLadder(tx, c);
        if (!facts.ok()) return facts.status();
        if (absl::Status st = decide(*facts); !st.ok()) return st;
        std::vector<std::string> grounds;
        for (auto g : s.grounds) grounds.emplace_back(domain::RevocationGroundName(g));
        tx.exec_prepared(Name(kInsertSanction), s.sanction_id, c.case_id,
                         std::string(domain::SanctionKindName(s.kind)),
                         time::FormatDate(s.issued_on), absl::StrJoin(grounds, ","),
                         absl::StrJoin(s.violation_ids, ","), s.reason, s.policy_version,
                         principal.subject);
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
        return s.sanction_id;
      });
}

absl::StatusOr<MutationResult> PgRecordsStore::MarkSanctionCorrected(
    const auth::Principal& principal, const CaseMutation& m, const std::string& sanction_id,
    absl::CivilDay corrected_on) {
  return Mutate(principal, m,
                [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
                  pqxx::result r = tx.exec_prepared(Name(kCorrectSanction), sanction_id, c.case_id,
                                                    time::FormatDate(corrected_on));
                  if (r.affected_rows() == 0) {
                    return absl::FailedPreconditionError(
                        "no uncorrected admonition, warning or referral with this id on the case");
                  }
                  return sanction_id;
                });
}

absl::StatusOr<MutationResult> PgRecordsStore::RecordCommendation(
    const auth::Principal& principal, const CaseMutation& m, const NewCommendation& cm,
    const CaseEventFactory& make_event) {
  return Mutate(principal, m,
                [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
                  tx.exec_prepared(Name(kInsertCommendation), cm.commendation_id, c.case_id,
                                   time::FormatDate(cm.recorded_on), cm.reason, principal.subject);
                  kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
                  return cm.commendation_id;
                });
}

absl::StatusOr<domain::LadderFacts> PgRecordsStore::GetLadderFacts(const auth::Principal& principal,
                                                                   const std::string& case_id,
                                                                   const std::string& request_id) {
  domain::LadderFacts out;
  bool found = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    RelaxCommitForReadAudit(tx);
    auto c = LoadCase(tx, principal, case_id, /*for_update=*/false);
    db::AppendAudit(tx, principal, "GetSanctionStatus", case_id, c.ok() ? "OK" : "NOT_FOUND",
                    request_id);
    if (!c.ok()) return absl::OkStatus();
    auto facts = LoadLadder(tx, *c);
    if (!facts.ok()) return facts.status();
    out = *std::move(facts);
    found = true;
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (!found) return NotFound();
  return out;
}

absl::StatusOr<std::vector<OverdueCandidate>> PgRecordsStore::ListOverdueCandidates(
    const auth::Principal& principal, const std::string& district_code,
    const std::string& after_case_id, absl::CivilDay as_of, int limit,
    const std::string& only_case_id) {
  std::vector<OverdueCandidate> out;
  absl::Status st = db::Autocommit(pool_, [&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    for (const auto& r :
         tx.exec_prepared(Name(kOverdueCandidates), scope.all, scope.districts, district_code,
                          after_case_id, time::FormatDate(as_of), limit, only_case_id)) {
      OverdueCandidate oc;
      oc.c.case_id = r[0].as<std::string>();
      oc.c.case_number = r[1].as<std::string>();
      oc.c.district_code = r[2].as<std::string>();
      oc.c.office_id = r[3].as<std::string>();
      oc.c.status = domain::ParseCaseStatus(r[4].as<std::string>())
                        .value_or(domain::CaseStatus::kUnspecified);
      oc.c.judgment_effective_date = DateOf(r[5]);
      oc.c.intake_deadline = DateOf(r[6]);
      oc.c.intake_reported_on = OptionalDate(r[7]);
      if (!r[8].is_null())
        oc.c.assessed_level = domain::ParseSupervisionLevel(r[8].as<std::string>());
      oc.c.level_effective_on = OptionalDate(r[9]);
      for (int k = 0; k < 7; ++k) oc.last_by_kind[k] = OptionalDate(r[10 + k]);
      oc.c.end_date = DateOf(r[17]);
      oc.c.closed_on = OptionalDate(r[18]);
      oc.exit_filed_on = OptionalDate(r[19]);
      oc.exit_lifted_on = OptionalDate(r[20]);
      out.push_back(std::move(oc));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::vector<TimelineRow>> PgRecordsStore::GetTimeline(
    const auth::Principal& principal, const std::string& case_id, const TimelineCursor& after,
    int limit, const std::string& request_id) {
  std::vector<TimelineRow> out;
  bool found = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    RelaxCommitForReadAudit(tx);
    auto c = LoadCase(tx, principal, case_id, /*for_update=*/false);
    db::AppendAudit(tx, principal, "GetCaseTimeline", case_id, c.ok() ? "OK" : "NOT_FOUND",
                    request_id);
    if (!c.ok()) return absl::OkStatus();
    found = true;
    for (const auto& r :
         tx.exec_prepared(Name(kTimeline), case_id, after.on.empty() ? "0001-01-01" : after.on,
                          after.recorded_at_us, after.entry_id, limit)) {
      out.push_back({DateOf(r[0]), absl::FromUnixMicros(r[1].as<int64_t>()), r[2].as<std::string>(),
                     r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>()});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (!found) return NotFound();
  return out;
}

absl::StatusOr<CaseRecord> PgRecordsStore::EndCase(const auth::Principal& principal,
                                                   const CaseMutation& m, const CaseEnding& ending,
                                                   const EndingDecider& decide,
                                                   const CaseEventFactory& make_event) {
  CaseRecord after;
  auto result =
      Mutate(principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        auto ladder = LoadLadder(tx, c);
        if (!ladder.ok()) return ladder.status();
        auto status = decide(c, *ladder);
        if (!status.ok()) return status.status();
        if (ending.lost_contact_liability.has_value()) {
          // The person was lost when the case closed: the period ends with the case.
          pqxx::result open = tx.exec_prepared(Name(kOpenLostContact), c.case_id);
          if (open.empty()) {
            return absl::FailedPreconditionError("the case is not marked lost contact");
          }
          const std::string period_id = open[0][0].as<std::string>();
          if (ending.on < DateOf(open[0][1])) {
            return absl::InvalidArgumentError("closed_on is before the day contact was lost");
          }
          tx.exec_prepared(
              Name(kCloseLostContact), period_id, time::FormatDate(ending.on),
              ending.lost_contact_liability->staff_responsible,
              std::string(domain::LostContactReasonName(ending.lost_contact_liability->reason)));
          if (ending.closed_period_id != nullptr) *ending.closed_period_id = period_id;
        }
        pqxx::row r = tx.exec_prepared1(
            Name(kEndCase), c.case_id, std::string(domain::CaseStatusName(*status)),
            time::FormatDate(ending.on), ending.certificate_number, ending.announced);
        after = c;
        after.status = *status;
        after.closed_on = ending.on;
        after.discharge_certificate = ending.certificate_number;
        after.discharge_announced = ending.announced;
        after.version = r[0].as<int64_t>();
        after.updated_at = absl::FromUnixMicros(r[1].as<int64_t>());
        for (const absl::CivilDay& due : ending.follow_ups) {
          tx.exec_prepared(Name(kInsertFollowUp), ids::NewUuid(), c.case_id, time::FormatDate(due));
        }
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(after));
        return c.case_id;
      });
  if (!result.ok()) return result.status();
  return after;
}

absl::StatusOr<int> PgRecordsStore::EmitDischargeNotices(absl::CivilDay today,
                                                         absl::CivilDay last_day,
                                                         const CaseEventFactory& make_event) {
  int count = 0;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    for (const auto& r : tx.exec_prepared(Name(kMarkDischargeNotices), time::FormatDate(today),
                                          time::FormatDate(last_day))) {
      CaseRecord c;
      c.case_id = r[0].as<std::string>();
      c.district_code = r[1].as<std::string>();
      c.end_date = DateOf(r[2]);
      kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
      ++count;
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (count > 0 && signal_ != nullptr) signal_->Notify();
  return count;
}

absl::StatusOr<std::vector<AuditRow>> PgRecordsStore::ListAudit(const AuditFilter& f) {
  std::vector<AuditRow> out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const double from = f.from.has_value() ? absl::ToDoubleSeconds(*f.from - absl::UnixEpoch()) : 0;
    const double to = f.to.has_value() ? absl::ToDoubleSeconds(*f.to - absl::UnixEpoch()) : 4e9;
    for (const auto& r : tx.exec_prepared(Name(kListAudit), f.after_audit_id, f.case_id, f.actor,
                                          from, to, f.page_size, f.investigation_id)) {
      out.push_back({r[0].as<int64_t>(), absl::FromUnixMicros(r[1].as<int64_t>()),
                     r[2].as<std::string>(), r[3].as<std::string>(), r[4].as<std::string>(),
                     r[5].as<std::string>(), r[6].as<std::string>(), r[7].as<std::string>(),
                     r[8].as<std::string>()});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::Status PgRecordsStore::AppendAudit(const auth::Principal& principal,
                                         const std::string& action, const std::string& case_id,
                                         const std::string& result, const std::string& request_id) {
  // Kept apart from the call's command: a denial's row must outlive the command's rollback.
  return pool_.InSeparateTransaction(
      [principal, action, case_id, result, request_id](pqxx::work& tx) -> absl::Status {
        db::AppendAudit(tx, principal, action, case_id, result, request_id);
        return absl::OkStatus();
      });
}

}  // namespace ccms::records
