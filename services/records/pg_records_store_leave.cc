// PgRecordsStore: leave (请假外出) and standing approvals for work travel.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/one_statement.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/pg_records_internal.h"
#include "services/records/pg_records_store.h"

namespace ccms::records {
namespace {

using namespace pg_internal;  // NOLINT: the store's own helpers

#define CCMS_LEAVE_COLUMNS                                                                  \
  "l.leave_id::text, l.case_id::text, l.status, l.start_date::text, l.end_date::text,"      \
  " l.destination, l.reason, l.requested_on::text, l.decision_due::text, l.approval_level," \
  " l.approval_rule, COALESCE(l.standing_approval_id::text, ''), l.decided_on::text,"       \
  " l.decided_by, l.decision_reason, l.returned_on::text, l.days_late,"                     \
  " COALESCE(l.violation_id::text, ''), l.policy_version"
#define CCMS_STANDING_COLUMNS                                                         \
  "s.standing_approval_id::text, s.case_id::text, s.destination, s.purpose,"          \
  " s.valid_from::text, s.valid_until::text, s.granted_on::text, s.revoked_on::text," \
  " s.revoke_reason, s.policy_version, s.work_away, s.guarantor, s.fixed_residence,"  \
  " s.job_held_since::text, s.relative_assisting"

constexpr db::Query kLeavesOfCase = {"records_leaves_of_case",
                                     "SELECT " CCMS_LEAVE_COLUMNS
                                     " FROM leaves l WHERE l.case_id = $1 ORDER BY l.leave_id"};
constexpr db::Query kLeaveForUpdate = {"records_leave_for_update",
                                       "SELECT " CCMS_LEAVE_COLUMNS
                                       " FROM leaves l WHERE l.leave_id = $1 AND l.case_id = $2"
                                       " FOR UPDATE"};
constexpr db::Query kLeaveInScope = {
    "records_leave_in_scope",
    "SELECT " CCMS_LEAVE_COLUMNS
    " FROM leaves l JOIN cases c USING (case_id)"
    " WHERE l.leave_id = $1 AND ($2::boolean OR c.district_code = ANY($3::text[]))"};
constexpr db::Query kInsertLeave = {
    "records_insert_leave",
    "INSERT INTO leaves (leave_id, case_id, status, start_date, end_date, destination, reason,"
    " requested_on, decision_due, approval_level, approval_rule, standing_approval_id,"
    " decided_on, decided_by, policy_version, requested_by) VALUES ($1, $2, $3, $4::date,"
    " $5::date, $6, $7, $8::date, $9::date, $10, $11, $12::uuid, $13::date, $14, $15, $16)"};
constexpr db::Query kUpdateLeave = {
    "records_update_leave",
    "UPDATE leaves SET status = $2, approval_level = $3, approval_rule = $4,"
    " decided_on = $5::date, decided_by = $6, decision_reason = $7, returned_on = $8::date,"
    " days_late = $9, violation_id = $10::uuid, updated_at = now() WHERE leave_id = $1"};
constexpr db::Query kLeaveInsertViolation = {
    "records_leave_insert_violation",
    "INSERT INTO violations (violation_id, case_id, kind, occurred_on, facts, recorded_by)"
    " VALUES ($1, $2, 'LEAVE_NOT_RETURNED', $3::date, $4, $5)"};
constexpr db::Query kListLeavesOfCase = {
    "records_list_leaves_of_case",
    "SELECT " CCMS_LEAVE_COLUMNS
    " FROM leaves l WHERE l.case_id = $1"
    " AND l.leave_id > COALESCE(NULLIF($2, '')::uuid, '00000000-0000-0000-0000-000000000000')"
    " ORDER BY l.leave_id LIMIT $3"};
constexpr db::Query kStandingOfCase = {
    "records_standing_of_case",
    "SELECT " CCMS_STANDING_COLUMNS
    " FROM standing_approvals s WHERE s.case_id = $1 ORDER BY s.valid_from,"
    " s.standing_approval_id"};
constexpr db::Query kStandingForUpdate = {
    "records_standing_for_update",
    "SELECT " CCMS_STANDING_COLUMNS
    " FROM standing_approvals s WHERE s.standing_approval_id = $1 AND s.case_id = $2"
    " FOR UPDATE"};
constexpr db::Query kStandingInScope = {
    "records_standing_in_scope",
    "SELECT " CCMS_STANDING_COLUMNS
    " FROM standing_approvals s JOIN cases c USING (case_id)"
    " WHERE s.standing_approval_id = $1 AND ($2::boolean OR c.district_code = ANY($3::text[]))"};
constexpr db::Query kInsertStanding = {
    "records_insert_standing",
    "INSERT INTO standing_approvals (standing_approval_id, case_id, destination, purpose,"
    " valid_from, valid_until, granted_on, granted_by, policy_version, work_away, guarantor,"
    " fixed_residence, job_held_since, relative_assisting) VALUES ($1, $2, $3, $4,"
    " $5::date, $6::date, $7::date, $8, $9, $10, $11, $12, NULLIF($13, '')::date, $14)"};
constexpr db::Query kRevokeStanding = {
    "records_revoke_standing",
    "UPDATE standing_approvals SET revoked_on = $2::date, revoked_by = $3, revoke_reason = $4"
    " WHERE standing_approval_id = $1"};
// domain::NotReturnedAsOf in SQL; district scope on the case's district. Two branches, each
// from a partial index of its own (V017): the leaves still out (APPROVED) whose end has passed,
// and, for an as-of day in the past, the leaves returned after it. One scan by leave id over
// both states read every returned leave of the city (2 million at a million cases) on each call.
// The leaves and the list's audit row ("OK <n> leaves") as one statement, one round trip (issue
// 18 item 2), the audit row's transaction not waiting for the WAL flush ($13, as records'
// GetCase); $7-$12 the audit row's values (db::AuditValues). Rows in the CTE's order.
constexpr db::Query kLeavesNotReturnedAudited = {
    "records_leaves_not_returned_audited",
    "WITH r AS (SELECT c.case_id::text, c.case_number, c.district_code, l.leave_id::text,"
    " l.end_date::text"
    " FROM ((SELECT o.leave_id, o.case_id, o.end_date FROM leaves o WHERE o.status = 'APPROVED'"
    "   AND o.end_date < $4::date AND o.decided_on <= $4::date)"
    "  UNION ALL"
    "  (SELECT t.leave_id, t.case_id, t.end_date FROM leaves t WHERE t.status = 'RETURNED'"
    "   AND t.returned_on > $4::date AND t.end_date < $4::date AND t.decided_on <= $4::date)) l"
    " JOIN cases c USING (case_id)"
    " WHERE ($1::boolean OR c.district_code = ANY($2::text[]))"
    " AND ($3 = '' OR c.district_code = $3) AND c.status = 'ACTIVE'"
    " AND l.leave_id > COALESCE(NULLIF($5, '')::uuid, '00000000-0000-0000-0000-000000000000')"
    " ORDER BY l.leave_id LIMIT $6),"
    " a AS (INSERT INTO audit_log (actor, actor_role, action, case_id, result, request_id,"
    " on_behalf_of, on_behalf_of_role)"
    " SELECT $7::text, $8::text, $9::text, NULL, 'OK ' || (SELECT count(*) FROM r) || ' leaves',"
    " $10::text, $11::text, $12::text WHERE set_config('synchronous_commit',"
    " CASE WHEN $13::boolean THEN 'off' ELSE current_setting('synchronous_commit') END, true)"
    " IS NOT NULL)"
    " SELECT * FROM r"};

std::optional<absl::CivilDay> OptDay(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return DateOf(f);
}

const char* DayOrNull(const std::optional<absl::CivilDay>& d, std::string& storage) {
  if (!d.has_value()) return nullptr;
  storage = time::FormatDate(*d);
  return storage.c_str();
}

const char* TextOrNull(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

LeaveRecord RowToLeave(const pqxx::row& r) {
  LeaveRecord l;
  l.leave_id = r[0].as<std::string>();
  l.case_id = r[1].as<std::string>();
  l.status = domain::ParseLeaveStatus(r[2].as<std::string>()).value_or(domain::LeaveStatus{});
  l.start_date = DateOf(r[3]);
  l.end_date = DateOf(r[4]);
  l.destination = r[5].as<std::string>();
  l.reason = r[6].as<std::string>();
  l.requested_on = DateOf(r[7]);
  l.decision_due = DateOf(r[8]);
  l.approval_level =
      domain::ParseApprovalLevel(r[9].as<std::string>()).value_or(domain::ApprovalLevel{});
  l.approval_rule = r[10].as<std::string>();
  l.standing_approval_id = r[11].as<std::string>();
  l.decided_on = OptDay(r[12]);
  l.decided_by = r[13].as<std::string>();
  l.decision_reason = r[14].as<std::string>();
  l.returned_on = OptDay(r[15]);
  l.days_late = r[16].as<int>();
  l.violation_id = r[17].as<std::string>();
  l.policy_version = r[18].as<std::string>();
  return l;
}

StandingApprovalRecord RowToStanding(const pqxx::row& r) {
  StandingApprovalRecord s;
  s.standing_approval_id = r[0].as<std::string>();
  s.case_id = r[1].as<std::string>();
  s.destination = r[2].as<std::string>();
  s.purpose = r[3].as<std::string>();
  s.valid_from = DateOf(r[4]);
  s.valid_until = DateOf(r[5]);
  s.granted_on = DateOf(r[6]);
  s.revoked_on = OptDay(r[7]);
  s.revoke_reason = r[8].as<std::string>();
  s.policy_version = r[9].as<std::string>();
  s.work_away = r[10].as<bool>();
  s.work_away_conditions.guarantor = r[11].as<bool>();
  s.work_away_conditions.fixed_residence = r[12].as<bool>();
  s.work_away_conditions.job_held_since = OptDay(r[13]);
  s.work_away_conditions.relative_assisting = r[14].as<bool>();
  return s;
}

std::vector<domain::LeaveFact> LeaveFactsOf(pqxx::work& tx, const std::string& case_id) {
  std::vector<domain::LeaveFact> out;
  for (const auto& r : tx.exec_prepared(Name(kLeavesOfCase), case_id)) {
    out.push_back(RowToLeave(r).Fact());
  }
  return out;
}

absl::Status LeaveNotFound() { return absl::NotFoundError("leave not found"); }
absl::Status StandingNotFound() { return absl::NotFoundError("standing approval not found"); }

}  // namespace

std::vector<db::Query> PgRecordsStore::LeaveQueries() {
  return {kLeavesOfCase,
          kLeaveForUpdate,
          kLeaveInScope,
          kInsertLeave,
          kUpdateLeave,
          kLeaveInsertViolation,
          kListLeavesOfCase,
          kStandingOfCase,
          kStandingForUpdate,
          kStandingInScope,
          kInsertStanding,
          kRevokeStanding,
          kLeavesNotReturnedAudited};
}

absl::StatusOr<LeaveRecord> PgRecordsStore::RequestLeave(const auth::Principal& principal,
                                                         const CaseMutation& m,
                                                         const LeaveRecord& leave,
                                                         const LeaveDecider& decide,
                                                         const LeaveEventFactory& make_event) {
  LeaveRecord out = leave;
  auto result =
      Mutate(principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        out.case_id = c.case_id;
        LeaveContext ctx;
        ctx.others = LeaveFactsOf(tx, c.case_id);
        if (!out.standing_approval_id.empty()) {
          pqxx::result s =
              tx.exec_prepared(Name(kStandingForUpdate), out.standing_approval_id, c.case_id);
          if (!s.empty()) ctx.standing = RowToStanding(s[0]);
        }
        if (absl::Status st = decide(out, ctx); !st.ok()) return st;
        std::string decided;
        tx.exec_prepared(
            Name(kInsertLeave), out.leave_id, c.case_id,
            std::string(domain::LeaveStatusName(out.status)), time::FormatDate(out.start_date),
            time::FormatDate(out.end_date), out.destination, out.reason,
            time::FormatDate(out.requested_on), time::FormatDate(out.decision_due),
            std::string(domain::ApprovalLevelName(out.approval_level)), out.approval_rule,
            TextOrNull(out.standing_approval_id), DayOrNull(out.decided_on, decided),
            out.decided_by, out.policy_version, principal.subject);
        if (out.status == domain::LeaveStatus::kApproved) {
          // A trip under a standing approval: requested and approved in one step.
          LeaveRecord requested = out;
          requested.status = domain::LeaveStatus::kRequested;
          kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c, requested));
        }
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c, out));
        return out.leave_id;
      });
  if (!result.ok()) return result.status();
  return out;
}

absl::StatusOr<LeaveRecord> PgRecordsStore::ChangeLeave(
    const auth::Principal& principal, const CaseMutation& m, const std::string& leave_id,
    const LeaveDecider& decide, const LeaveEventFactory& make_event,
    const LeaveEventFactory& make_violation_event) {
  LeaveRecord out;
  auto result =
      Mutate(principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        pqxx::result r = tx.exec_prepared(Name(kLeaveForUpdate), leave_id, c.case_id);
        if (r.empty()) return LeaveNotFound();
        out = RowToLeave(r[0]);
        LeaveContext ctx;
        ctx.others = LeaveFactsOf(tx, c.case_id);
        const std::string violation_before = out.violation_id;
        if (absl::Status st = decide(out, ctx); !st.ok()) return st;
        if (out.violation_id != violation_before && !out.violation_id.empty()) {
          // A late return: the violation is part of the same change.
          tx.exec_prepared(
              Name(kLeaveInsertViolation), out.violation_id, c.case_id,
              time::FormatDate(out.end_date + 1),
              absl::StrCat("returned from leave ", out.days_late, " day(s) after its last day ",
                           time::FormatDate(out.end_date)),
              principal.subject);
          kafka::AppendToOutbox(tx, kRecordsTopic, make_violation_event(c, out));
        }
        std::string decided, returned;
        tx.exec_prepared(
            Name(kUpdateLeave), out.leave_id, std::string(domain::LeaveStatusName(out.status)),
            std::string(domain::ApprovalLevelName(out.approval_level)), out.approval_rule,
            DayOrNull(out.decided_on, decided), out.decided_by, out.decision_reason,
            DayOrNull(out.returned_on, returned), out.days_late, TextOrNull(out.violation_id));
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c, out));
        return out.leave_id;
      });
  if (!result.ok()) return result.status();
  return out;
}

absl::StatusOr<StandingApprovalRecord> PgRecordsStore::GrantStandingApproval(
    const auth::Principal& principal, const CaseMutation& m, const StandingApprovalRecord& a,
    const StandingApprovalEventFactory& make_event) {
  StandingApprovalRecord out = a;
  auto result =
      Mutate(principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        out.case_id = c.case_id;
        tx.exec_prepared(
            Name(kInsertStanding), out.standing_approval_id, c.case_id, out.destination,
            out.purpose, time::FormatDate(out.valid_from), time::FormatDate(out.valid_until),
            time::FormatDate(out.granted_on), principal.subject, out.policy_version, out.work_away,
            out.work_away_conditions.guarantor, out.work_away_conditions.fixed_residence,
            out.work_away_conditions.job_held_since.has_value()
                ? time::FormatDate(*out.work_away_conditions.job_held_since)
                : std::string(),
            out.work_away_conditions.relative_assisting);
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c, out));
        return out.standing_approval_id;
      });
  if (!result.ok()) return result.status();
  return out;
}

absl::StatusOr<StandingApprovalRecord> PgRecordsStore::RevokeStandingApproval(
    const auth::Principal& principal, const CaseMutation& m,
    const std::string& standing_approval_id, const StandingApprovalDecider& decide,
    const StandingApprovalEventFactory& make_event) {
  StandingApprovalRecord out;
  auto result =
      Mutate(principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        pqxx::result r =
            tx.exec_prepared(Name(kStandingForUpdate), standing_approval_id, c.case_id);
        if (r.empty()) return StandingNotFound();
        out = RowToStanding(r[0]);
        if (absl::Status st = decide(out); !st.ok()) return st;
        std::string revoked;
        tx.exec_prepared(Name(kRevokeStanding), out.standing_approval_id,
                         DayOrNull(out.revoked_on, revoked), principal.subject, out.revoke_reason);
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c, out));
        return out.standing_approval_id;
      });
  if (!result.ok()) return result.status();
  return out;
}

absl::StatusOr<CaseLeaves> PgRecordsStore::ListLeaves(const auth::Principal& principal,
                                                      const std::string& case_id,
                                                      const std::string& after_leave_id, int limit,
                                                      const std::string& request_id) {
  CaseLeaves out;
  bool found = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    RelaxCommitForReadAudit(tx);
    auto c = LoadCase(tx, principal, case_id, /*for_update=*/false);
    db::AppendAudit(tx, principal, "ListLeaves", case_id, c.ok() ? "OK" : "NOT_FOUND", request_id);
    if (!c.ok()) return absl::OkStatus();
    found = true;
    for (const auto& r :
         tx.exec_prepared(Name(kListLeavesOfCase), case_id, after_leave_id, limit)) {
      out.leaves.push_back(RowToLeave(r));
    }
    if (after_leave_id.empty()) {
      for (const auto& r : tx.exec_prepared(Name(kStandingOfCase), case_id)) {
        out.standing_approvals.push_back(RowToStanding(r));
      }
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (!found) return NotFound();
  return out;
}

absl::StatusOr<std::vector<LeaveNotReturnedRow>> PgRecordsStore::ListLeavesNotReturned(
    const auth::Principal& principal, const std::string& district_code, absl::CivilDay as_of,
    const std::string& after_leave_id, int limit, const std::string& request_id) {
  std::vector<LeaveNotReturnedRow> out;
  // One statement, one round trip: the list and its one audit row, as ListCases writes (the
  // cases are in the response, not the log).
  absl::Status st = db::Autocommit(pool_, [&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    const db::AuditValues audit =
        db::AuditValuesOf(principal, "ListLeavesNotReturned", "", request_id);
    for (const auto& r : tx.exec_prepared(
             Name(kLeavesNotReturnedAudited), scope.all, scope.districts, district_code,
             time::FormatDate(as_of), after_leave_id, limit, audit.actor, audit.actor_role,
             audit.action, audit.request_id, db::OrNull(audit.on_behalf_of),
             db::OrNull(audit.on_behalf_of_role), /*relax_commit=*/!db::InsideCommand())) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                     r[3].as<std::string>(), DateOf(r[4])});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace ccms::records
