#include "services/employment/pg_assistance_store.h"

#include <pqxx/pqxx>

#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/employment/pg_case_store.h"
#include "services/employment/topics.h"

namespace ccms::employment {
namespace {

using db::Name;

#define CCMS_ASSISTANCE_COLUMNS                                                \
  "a.assistance_id::text, a.case_id::text, a.district_code, a.kind, a.status," \
  " a.amount_fen, a.applied_on::text, a.granted_on::text, a.decided_on::text," \
  " a.ended_on::text, a.reason_code, a.recorded_by,"                           \
  " (extract(epoch FROM a.created_at) * 1000000)::bigint"

constexpr db::Query kCaseInScope = {"employment_case_for_assistance",
                                    "SELECT 1 FROM cases c WHERE c.case_id = $1::uuid"
                                    " AND ($2::boolean OR c.district_code = ANY($3::text[]))"};
constexpr db::Query kInsertAssistance = {
    "employment_insert_assistance",
    "INSERT INTO assistance_records (assistance_id, case_id, district_code, kind, status,"
    " amount_fen, applied_on, granted_on, decided_on, recorded_by, created_at) VALUES ($1::uuid,"
    " $2::uuid, $3, $4, $5, $6, $7::date, NULLIF($8, '')::date, NULLIF($9, '')::date, $10,"
    " to_timestamp($11::bigint / 1000000.0))"};
constexpr db::Query kLockAssistance = {
    "employment_lock_assistance",
    "SELECT " CCMS_ASSISTANCE_COLUMNS
    " FROM assistance_records a WHERE a.assistance_id = $1::uuid"
    " AND ($2::boolean OR a.district_code = ANY($3::text[])) FOR UPDATE"};
constexpr db::Query kGetAssistance = {"employment_get_assistance",
                                      "SELECT " CCMS_ASSISTANCE_COLUMNS
                                      " FROM assistance_records a"
                                      " WHERE a.assistance_id = $1::uuid"};
constexpr db::Query kUpdateAssistance = {
    "employment_update_assistance",
    "UPDATE assistance_records SET status = $2, amount_fen = $3, granted_on = NULLIF($4, '')::date,"
    " decided_on = NULLIF($5, '')::date, ended_on = NULLIF($6, '')::date, reason_code = $7"
    " WHERE assistance_id = $1::uuid"};
constexpr db::Query kListAssistance = {
    "employment_list_assistance",
    "SELECT " CCMS_ASSISTANCE_COLUMNS
    " FROM assistance_records a"
    " WHERE ($2::boolean OR a.district_code = ANY($3::text[]))"
    " AND ($1 = '' OR a.district_code = $1) AND ($4 = '' OR a.case_id = NULLIF($4, '')::uuid)"
    " AND ($5 = '' OR a.assistance_id > NULLIF($5, '')::uuid) ORDER BY a.assistance_id LIMIT $6"};
// A case closed in records closes its open records on $2: granted ones ENDED, applications
// REFUSED, both with code CASE_CLOSED (never before the grant or the application).
constexpr db::Query kCloseOnCaseClosed = {
    "employment_close_assistance_on_case_closed",
    "UPDATE assistance_records SET"
    " status = CASE status WHEN 'GRANTED' THEN 'ENDED' ELSE 'REFUSED' END,"
    " ended_on = CASE status WHEN 'GRANTED' THEN greatest($2::date, granted_on) END,"
    " decided_on = CASE status WHEN 'APPLIED' THEN greatest($2::date, applied_on)"
    "  ELSE decided_on END,"
    " reason_code = 'CASE_CLOSED'"
    " WHERE case_id = $1::uuid AND status IN ('APPLIED', 'GRANTED')"};
// Granted (GRANTED, or ENDED after a grant) with granted_on in [$4, $5], per kind.
constexpr db::Query kSumAssistance = {
    "employment_sum_assistance",
    "SELECT a.kind, count(*)::integer, coalesce(sum(a.amount_fen), 0)::bigint"
    " FROM assistance_records a WHERE a.district_code = $1"
    " AND ($2::boolean OR a.district_code = ANY($3::text[]))"
    " AND a.granted_on BETWEEN $4::date AND $5::date AND a.status IN ('GRANTED', 'ENDED')"
    " GROUP BY a.kind ORDER BY a.kind"};

std::optional<absl::CivilDay> OptDay(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return time::ParseDate(f.c_str());
}
std::string OptText(const std::optional<absl::CivilDay>& d) {
  return d.has_value() ? time::FormatDate(*d) : "";
}

AssistanceRecordRow RowOf(const pqxx::row& r) {
  AssistanceRecordRow a;
  a.assistance_id = r[0].as<std::string>();
  a.case_id = r[1].as<std::string>();
  a.district_code = r[2].as<std::string>();
  a.kind = r[3].as<std::string>();
  a.status = r[4].as<std::string>();
  a.amount_fen = r[5].as<int64_t>();
  a.applied_on = time::ParseDate(r[6].c_str()).value_or(absl::CivilDay());
  a.granted_on = OptDay(r[7]);
  a.decided_on = OptDay(r[8]);
  a.ended_on = OptDay(r[9]);
  a.reason_code = r[10].as<std::string>();
  a.recorded_by = r[11].as<std::string>();
  a.created_at = absl::FromUnixMicros(r[12].as<int64_t>());
  return a;
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

absl::StatusOr<AssistanceRecordRow> PgAssistanceStore::Record(const auth::Principal& principal,
                                                              const std::string& case_id,
                                                              const std::string& request_id,
                                                              const NewAssistanceDecision& decide) {
  AssistanceRecordRow out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    if (tx.exec_prepared(Name(kCaseInScope), case_id, scope.all, scope.districts).empty()) {
      return absl::NotFoundError("case not found");
    }
    auto c = PgCaseStore::Load(tx, case_id);
    if (!c.ok()) return c.status();
    auto write = decide(*c);
    if (!write.ok()) return write.status();
    const AssistanceRecordRow& a = write->record;
    tx.exec_prepared(Name(kInsertAssistance), a.assistance_id, a.case_id, a.district_code, a.kind,
                     a.status, a.amount_fen, time::FormatDate(a.applied_on), OptText(a.granted_on),
                     OptText(a.decided_on), a.recorded_by, absl::ToUnixMicros(a.created_at));
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "RecordAssistance", case_id, "OK", request_id);
    out = a;
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "RecordAssistance", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<AssistanceRecordRow> PgAssistanceStore::Change(
    const auth::Principal& principal, const std::string& assistance_id,
    const std::string& request_id, const AssistanceChangeDecision& decide) {
  AssistanceRecordRow out;
  bool wrote_events = false;
  std::string case_id;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kLockAssistance), assistance_id, scope.all, scope.districts);
    if (r.empty()) return absl::NotFoundError("assistance record not found");
    const AssistanceRecordRow current = RowOf(r[0]);
    case_id = current.case_id;
    auto c = PgCaseStore::Load(tx, current.case_id);
    if (!c.ok()) return c.status();
    auto write = decide(current, *c);
    if (!write.ok()) return write.status();
    const AssistanceRecordRow& a = write->record;
    tx.exec_prepared(Name(kUpdateAssistance), a.assistance_id, a.status, a.amount_fen,
                     OptText(a.granted_on), OptText(a.decided_on), OptText(a.ended_on),
                     a.reason_code);
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "ChangeAssistanceStatus", case_id, "OK", request_id);
    pqxx::result after = tx.exec_prepared(Name(kGetAssistance), assistance_id);
    if (after.empty()) return absl::InternalError("assistance row missing after update");
    out = RowOf(after[0]);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "ChangeAssistanceStatus", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<AssistancePage> PgAssistanceStore::List(const auth::Principal& principal,
                                                       const AssistanceFilter& f) {
  AssistancePage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kListAssistance), f.district_code, scope.all,
                                      scope.districts, f.case_id, f.after_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.next_id = page.items.back().assistance_id;
        break;
      }
      page.items.push_back(RowOf(row));
    }
    db::AppendAudit(tx, principal, "ListAssistance", f.case_id, std::to_string(page.items.size()),
                    "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<std::vector<AssistanceSumRow>> PgAssistanceStore::Sum(
    const auth::Principal& principal, const std::string& district, absl::CivilDay first,
    absl::CivilDay last) {
  std::vector<AssistanceSumRow> rows;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kSumAssistance), district, scope.all, scope.districts,
                                      time::FormatDate(first), time::FormatDate(last));
    for (const auto& row : r) {
      rows.push_back({row[0].as<std::string>(), row[1].as<int>(), row[2].as<int64_t>()});
    }
    db::AppendAudit(tx, principal, "SumAssistance", "", std::to_string(rows.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return rows;
}

std::vector<db::Query> PgAssistanceStore::Queries() {
  return {kCaseInScope,      kInsertAssistance, kLockAssistance, kGetAssistance,
          kUpdateAssistance, kListAssistance,   kSumAssistance,  kCloseOnCaseClosed};
}

int PgAssistanceStore::CloseOnCaseClosed(pqxx::work& tx, const std::string& case_id,
                                         absl::CivilDay on) {
  return static_cast<int>(
      tx.exec_prepared(Name(kCloseOnCaseClosed), case_id, time::FormatDate(on)).affected_rows());
}

}  // namespace ccms::employment
