// PgRecordsStore: the discharge summary, post-discharge follow-ups, the discharge and follow-up
// lists, and exports.
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

constexpr db::Query kSetDischargeSummary = {
    "records_set_discharge_summary",
    "UPDATE cases SET discharge_summary_on = $2::date, version = version + 1, updated_at = now()"
    " WHERE case_id = $1"};
// The daily-performance report (日常表现综合评估报告): its day and author (V014).
constexpr db::Query kSetPerformanceReport = {
    "records_set_performance_report",
    "UPDATE cases SET performance_report_on = $2::date, performance_report_author = $3,"
    " version = version + 1, updated_at = now() WHERE case_id = $1"};
// The earliest open follow-up of a case, locked so two visits cannot close the same one.
constexpr db::Query kNextOpenFollowUp = {
    "records_next_open_follow_up",
    "SELECT follow_up_id::text, due_on::text FROM follow_ups WHERE case_id = $1"
    " AND done_on IS NULL ORDER BY due_on, follow_up_id LIMIT 1 FOR UPDATE"};
constexpr db::Query kCloseFollowUp = {
    "records_close_follow_up",
    "UPDATE follow_ups SET done_on = $2::date, visited_by = $3, notes = $4, recorded_at = now()"
    " WHERE follow_up_id = $1"};
constexpr db::Query kOpenFollowUpsOfCase = {
    "records_open_follow_ups_of_case",
    "SELECT due_on::text FROM follow_ups WHERE case_id = $1 AND done_on IS NULL ORDER BY due_on"};
constexpr db::Query kGetFollowUp = {
    "records_get_follow_up",
    "SELECT f.due_on::text, f.done_on::text, f.case_id::text FROM follow_ups f"
    " WHERE f.follow_up_id = $1"};
// Two branches: the district's active cases (cases_by_district_status) or, without a district,
// every active case in scope (cases_open, V017). With `($3 = '' OR c.district_code = $3)` the
// generic plan walked the primary key over every case (10 s at a million cases); PostgreSQL kept
// the custom plans only while it estimated the generic one dearer.
constexpr db::Query kDischargeCandidates = {
    "records_discharge_candidates",
    "SELECT d.case_id::text, d.case_number, d.district_code, d.office_id, d.end_date::text,"
    " d.discharge_summary_on IS NOT NULL, d.performance_report_on IS NOT NULL FROM ("
    " (SELECT c.case_id, c.case_number, c.district_code, c.office_id, c.end_date,"
    "  c.discharge_summary_on, c.performance_report_on FROM cases c"
    "  WHERE ($1::boolean OR c.district_code = ANY($2::text[])) AND $3 <> ''"
    "  AND c.district_code = $3 AND c.status = 'ACTIVE' AND c.end_date <= $4::date"
    "  AND c.case_id > COALESCE(NULLIF($5, '')::uuid, '00000000-0000-0000-0000-000000000000')"
    "  ORDER BY c.case_id LIMIT $6)"
    " UNION ALL"
    " (SELECT c.case_id, c.case_number, c.district_code, c.office_id, c.end_date,"
    "  c.discharge_summary_on, c.performance_report_on FROM cases c"
    "  WHERE ($1::boolean OR c.district_code = ANY($2::text[])) AND $3 = ''"
    "  AND c.status = 'ACTIVE' AND c.end_date <= $4::date"
    "  AND c.case_id > COALESCE(NULLIF($5, '')::uuid, '00000000-0000-0000-0000-000000000000')"
    "  ORDER BY c.case_id LIMIT $6)) d"
    " ORDER BY d.case_id LIMIT $6"};
constexpr db::Query kFollowUpsDue = {
    "records_follow_ups_due",
    "SELECT f.follow_up_id::text, c.case_id::text, c.case_number, c.district_code, c.office_id,"
    " f.due_on::text, c.closed_on::text FROM follow_ups f JOIN cases c USING (case_id)"
    " WHERE ($1::boolean OR c.district_code = ANY($2::text[])) AND ($3 = '' OR c.district_code = "
    "$3)"
    " AND f.done_on IS NULL AND f.due_on <= $4::date AND c.status = 'DISCHARGED'"
    " AND (f.due_on, f.follow_up_id) > (COALESCE(NULLIF($5, '')::date, '-infinity'::date),"
    "  COALESCE(NULLIF($6, '')::uuid, '00000000-0000-0000-0000-000000000000'))"
    " ORDER BY f.due_on, f.follow_up_id LIMIT $7"};
// One audit row per exported case, in one statement.
constexpr db::Query kAuditExport = {
    "records_audit_export",
    "INSERT INTO audit_log (actor, actor_role, action, case_id, result, request_id)"
    " SELECT $1, $2, 'ExportCases', id::uuid, 'OK', $4 FROM unnest($3::text[]) AS id"};

std::optional<absl::CivilDay> OptionalDay(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return DateOf(f);
}

}  // namespace

std::vector<db::Query> PgRecordsStore::DischargeQueries() {
  return {kSetDischargeSummary, kNextOpenFollowUp, kCloseFollowUp,
          kOpenFollowUpsOfCase, kGetFollowUp,      kDischargeCandidates,
          kFollowUpsDue,        kAuditExport,      kSetPerformanceReport};
}

absl::StatusOr<MutationResult> PgRecordsStore::RecordDischargeSummary(
    const auth::Principal& principal, const CaseMutation& m, absl::CivilDay received_on,
    const CaseCheck& check, const CaseEventFactory& make_event) {
  return Mutate(
      principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        if (absl::Status st = check(c); !st.ok()) return st;
        tx.exec_prepared(Name(kSetDischargeSummary), c.case_id, time::FormatDate(received_on));
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
        return c.case_id;
      });
}

absl::StatusOr<MutationResult> PgRecordsStore::RecordPerformanceReport(
    const auth::Principal& principal, const CaseMutation& m, absl::CivilDay completed_on,
    const std::string& author, const CaseCheck& check, const CaseEventFactory& make_event) {
  return Mutate(principal, m,
                [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
                  if (absl::Status st = check(c); !st.ok()) return st;
                  tx.exec_prepared(Name(kSetPerformanceReport), c.case_id,
                                   time::FormatDate(completed_on), author);
                  kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
                  return c.case_id;
                });
}

absl::StatusOr<FollowUpVisit> PgRecordsStore::RecordFollowUpVisit(
    const auth::Principal& principal, const CaseMutation& m, absl::CivilDay visited_on,
    const std::string& notes, const CaseCheck& check, const FollowUpEventFactory& make_event) {
  CaseMutation any_status = m;
  any_status.require_active = false;  // follow-ups come after the discharge
  FollowUpVisit visit;
  auto result =
      Mutate(principal, any_status,
             [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
               if (absl::Status st = check(c); !st.ok()) return st;
               pqxx::result next = tx.exec_prepared(Name(kNextOpenFollowUp), c.case_id);
               if (next.empty()) {
                 return absl::FailedPreconditionError("no follow-up visit is due on this case");
               }
               visit.follow_up_id = next[0][0].as<std::string>();
               visit.due_on = DateOf(next[0][1]);
               visit.visited_on = visited_on;
               tx.exec_prepared(Name(kCloseFollowUp), visit.follow_up_id,
                                time::FormatDate(visited_on), principal.subject, notes);
               for (const auto& row : tx.exec_prepared(Name(kOpenFollowUpsOfCase), c.case_id)) {
                 visit.still_due.push_back(DateOf(row[0]));
               }
               kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c, visit));
               return visit.follow_up_id;
             });
  if (!result.ok()) return result.status();
  return visit;
}

absl::StatusOr<std::vector<DischargeCandidate>> PgRecordsStore::ListDischargeCandidates(
    const auth::Principal& principal, const std::string& district_code,
    absl::CivilDay last_end_date, const std::string& after_case_id, int limit) {
  std::vector<DischargeCandidate> out;
  const Scope scope = ScopeOf(principal);
  absl::Status st = db::Autocommit(pool_, [&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& r :
         tx.exec_prepared(Name(kDischargeCandidates), scope.all, scope.districts, district_code,
                          time::FormatDate(last_end_date), after_case_id, limit)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                     r[3].as<std::string>(), DateOf(r[4]), r[5].as<bool>(), r[6].as<bool>()});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::vector<FollowUpDue>> PgRecordsStore::ListFollowUpsDue(
    const auth::Principal& principal, const std::string& district_code, absl::CivilDay as_of,
    const std::string& after_due_on, const std::string& after_follow_up_id, int limit) {
  std::vector<FollowUpDue> out;
  const Scope scope = ScopeOf(principal);
  absl::Status st = db::Autocommit(pool_, [&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& r :
         tx.exec_prepared(Name(kFollowUpsDue), scope.all, scope.districts, district_code,
                          time::FormatDate(as_of), after_due_on, after_follow_up_id, limit)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                     r[3].as<std::string>(), r[4].as<std::string>(), DateOf(r[5]),
                     OptionalDay(r[6])});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<ExportPage> PgRecordsStore::ExportCases(const auth::Principal& principal,
                                                       const ExportFilter& filter,
                                                       const std::string& request_id) {
  ExportPage out;
  const Scope scope = ScopeOf(principal);
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    out = ExportPage();
    const std::string status = filter.status == domain::CaseStatus::kUnspecified
                                   ? ""
                                   : std::string(domain::CaseStatusName(filter.status));
    std::vector<std::string> ids;
    // One row more than the page tells whether another page follows; only the page is
    // returned and audited.
    for (const auto& r :
         tx.exec_prepared(Name(kExportCases), filter.limit + 1, scope.all, scope.districts,
                          filter.district_code, status, filter.after_case_id)) {
      if (static_cast<int>(out.cases.size()) == filter.limit) {
        out.more = true;
        break;
      }
      out.cases.push_back(RowToCase(r));
      ids.push_back(out.cases.back().case_id);
    }
    if (!ids.empty()) {
      tx.exec_prepared(Name(kAuditExport), principal.subject,
                       std::string(auth::RoleName(principal.role)), db::TextArrayLiteral(ids),
                       request_id);
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace ccms::records
