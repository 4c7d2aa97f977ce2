#include "services/education/pg_hours_ledger_store.h"

#include <pqxx/pqxx>

#include "ccms/education/v1/education_events.pb.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "services/education/domain/education_windows.h"
#include "services/education/pg_case_store.h"
#include "services/education/pg_service_file_store.h"

namespace ccms::education {
namespace {

using db::Name;

constexpr db::Query kCaseInScope = {"education_hours_case_in_scope",
                                    "SELECT 1 FROM cases c WHERE c.case_id = $1::uuid"
                                    " AND ($2::boolean OR c.district_code = ANY($3::text[]))"};
constexpr db::Query kLockCaseInScope = {
    "education_hours_case_lock",
    "SELECT 1 FROM cases c WHERE c.case_id = $1::uuid"
    " AND ($2::boolean OR c.district_code = ANY($3::text[])) FOR UPDATE"};
// Attendance at scheduled sessions, dated by the session's Asia/Shanghai day.
constexpr db::Query kAttendance = {
    "education_hours_attendance",
    "SELECT a.session_id::text, s.kind, (s.start_at AT TIME ZONE 'Asia/Shanghai')::date::text,"
    " a.outcome, a.excuse_reason, a.credited_minutes FROM attendance a"
    " JOIN sessions s ON s.session_id = a.session_id"
    " WHERE a.case_id = $1::uuid AND s.status = 'SCHEDULED' ORDER BY s.start_at, s.session_id"};
constexpr db::Query kWaivers = {
    "education_hours_waivers",
    "SELECT waiver_id::text, scope, reason_code, decided_by, from_on::text, until_on::text"
    " FROM hours_waivers WHERE case_id = $1::uuid ORDER BY from_on, created_at, waiver_id"};
constexpr db::Query kLostContact = {
    "education_hours_lost_contact",
    "SELECT since::text, found_on::text FROM lost_contact_periods WHERE case_id = $1::uuid"
    " ORDER BY since, period_id"};
constexpr db::Query kStepUps = {
    "education_hours_step_ups",
    "SELECT reason, triggered_on::text, source_event_id FROM individual_step_ups"
    " WHERE case_id = $1::uuid ORDER BY triggered_on, source_event_id"};
constexpr db::Query kClosedMonths = {
    "education_hours_closed_months",
    "SELECT month::text, ledger::text, policy_version, closed_by, study_shortfall_minutes,"
    " community_service_shortfall_minutes, lost_contact_days, hospital_days, term_days"
    " FROM hours_months WHERE case_id = $1::uuid ORDER BY month"};
constexpr db::Query kInsertMonth = {
    "education_hours_insert_month",
    "INSERT INTO hours_months (case_id, month, district_code, term_days, study_shortfall_minutes,"
    " community_service_shortfall_minutes, lost_contact_days, hospital_days, ledger,"
    " policy_version, closed_by) VALUES ($1::uuid, $2::date, $3, $4, $5, $6, $7, $8, $9::jsonb,"
    " $10, $11) ON CONFLICT (case_id, month) DO NOTHING"};
constexpr db::Query kInsertWaiver = {
    "education_hours_insert_waiver",
    "INSERT INTO hours_waivers (waiver_id, case_id, scope, reason_code, decided_by, from_on,"
    " until_on) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::date, $7::date)"};
constexpr db::Query kCasesPage = {
    "education_hours_cases_page",
    "SELECT " CCMS_EDUCATION_CASE_COLUMNS
    " FROM cases c"
    " WHERE ($1::boolean OR c.district_code = ANY($2::text[])) AND ($3 = '' OR c.district_code = "
    "$3)"
    " AND (NOT $4::boolean OR c.status = 'ACTIVE')"
    " AND ($5 = '' OR c.case_id > NULLIF($5, '')::uuid) ORDER BY c.case_id LIMIT $6"};
constexpr db::Query kCaseKnown = {"education_hours_case_known",
                                  "SELECT 1 FROM cases WHERE case_id = $1::uuid"};
constexpr db::Query kMarkLost = {
    "education_hours_mark_lost",
    "INSERT INTO lost_contact_periods (period_id, case_id, since) VALUES ($1, $2::uuid, $3::date)"
    " ON CONFLICT (period_id) DO NOTHING"};
constexpr db::Query kMarkFound = {
    "education_hours_mark_found",
    "INSERT INTO lost_contact_periods (period_id, case_id, since, found_on)"
    " VALUES ($1, $2::uuid, $3::date, $4::date) ON CONFLICT (period_id)"
    " DO UPDATE SET found_on = EXCLUDED.found_on, updated_at = now()"};
constexpr db::Query kAddStepUp = {
    "education_hours_add_step_up",
    "INSERT INTO individual_step_ups (source_event_id, case_id, reason, triggered_on)"
    " VALUES ($1, $2::uuid, $3, $4::date) ON CONFLICT (source_event_id) DO NOTHING"};
constexpr db::Query kInsertCompletion = {
    "education_hours_insert_completion",
    "INSERT INTO education_window_completions (case_id, kind, session_id, completed_on, late)"
    " VALUES ($1::uuid, $2, $3::uuid, $4::date, $5) ON CONFLICT (case_id, kind) DO NOTHING"
    " RETURNING 1"};

absl::CivilDay DayOrEpoch(const char* text) { return DayOf(text).value_or(absl::CivilDay()); }

absl::Status CheckScope(pqxx::transaction_base& tx, const auth::Principal& principal,
                        const std::string& case_id, bool lock) {
  const db::DistrictScope scope = db::ScopeOf(principal);
  if (tx.exec_prepared(Name(lock ? kLockCaseInScope : kCaseInScope), case_id, scope.all,
                       scope.districts)
          .empty()) {
    return absl::NotFoundError("case not found");
  }
  return absl::OkStatus();
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

CaseLedgerData PgHoursLedgerStore::LoadData(pqxx::transaction_base& tx, CaseRow row,
                                            const CommunityServiceHours& community_service) {
  CaseLedgerData d;
  d.case_row = std::move(row);
  const std::string& case_id = d.case_row.view.case_id;
  for (const auto& r : tx.exec_prepared(Name(kAttendance), case_id)) {
    const std::string kind = r[1].as<std::string>();
    const absl::CivilDay day = DayOrEpoch(r[2].c_str());
    const std::string outcome = r[3].as<std::string>();
    const std::string excuse = r[4].as<std::string>();
    d.entries.push_back({domain::HoursKind::kStudy, r[0].as<std::string>(), day, r[5].as<int>(),
                         domain::AttendanceReasonCode(outcome, excuse)});
    if (outcome == "EXCUSED" && excuse == "HOSPITAL") d.hospital_days.push_back(day);
    if (outcome == "ATTENDED" || outcome == "LATE") {
      if (kind == "INTAKE") d.intake_days.push_back(day);
      if (kind == "DISCHARGE") d.discharge_days.push_back(day);
      if (kind == "INDIVIDUAL") d.individual_days.push_back(day);
    }
  }
  for (auto& e : community_service.Entries(tx, case_id)) {
    e.kind = domain::HoursKind::kCommunityService;
    d.entries.push_back(std::move(e));
  }
  for (const auto& r : tx.exec_prepared(Name(kWaivers), case_id)) {
    domain::HoursWaiver w;
    w.waiver_id = r[0].as<std::string>();
    w.scope = domain::WaiverScopeOf(r[1].as<std::string>()).value_or(domain::WaiverScope::kBoth);
    w.reason_code = r[2].as<std::string>();
    w.decided_by = r[3].as<std::string>();
    w.from = DayOrEpoch(r[4].c_str());
    w.until = DayOrEpoch(r[5].c_str());
    d.waivers.push_back(std::move(w));
  }
  for (const auto& r : tx.exec_prepared(Name(kLostContact), case_id)) {
    domain::DayPeriod p{DayOrEpoch(r[0].c_str()), std::nullopt};
    if (auto found = DayOf(r[1].c_str()); found.has_value()) p.to = *found - 1;
    d.lost_contact.push_back(p);
  }
  for (const auto& r : tx.exec_prepared(Name(kStepUps), case_id)) {
    auto reason = domain::StepUpReasonOf(r[0].as<std::string>());
    if (!reason.has_value()) continue;
    d.triggers.push_back({*reason, DayOrEpoch(r[1].c_str()), r[2].as<std::string>()});
  }
  for (const auto& r : tx.exec_prepared(Name(kClosedMonths), case_id)) {
    ClosedMonthRecord c;
    c.month = absl::CivilMonth(DayOrEpoch(r[0].c_str()));
    c.ledger_json = r[1].as<std::string>();
    c.policy_version = r[2].as<std::string>();
    c.closed_by = r[3].as<std::string>();
    c.study_shortfall_minutes = r[4].as<int>();
    c.community_service_shortfall_minutes = r[5].as<int>();
    c.lost_contact_days = r[6].as<int>();
    c.hospital_days = r[7].as<int>();
    c.term_days = r[8].as<int>();
    d.closed.push_back(std::move(c));
  }
  return d;
}

absl::StatusOr<CaseLedgerData> PgHoursLedgerStore::Load(const auth::Principal& principal,
                                                        const std::string& case_id,
                                                        std::string_view method) {
  CaseLedgerData out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    if (auto s = CheckScope(tx, principal, case_id, /*lock=*/false); !s.ok()) return s;
    auto row = PgCaseStore::Load(tx, case_id);
    if (!row.ok()) return row.status();
    out = LoadData(tx, *std::move(row), community_service_);
    db::AppendAudit(tx, principal, method, case_id, "OK", "");
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, method, case_id, st, "");
    return st;
  }
  return out;
}

absl::StatusOr<ClosedMonthRecord> PgHoursLedgerStore::CloseMonth(const auth::Principal& principal,
                                                                 const std::string& case_id,
                                                                 const std::string& request_id,
                                                                 absl::CivilMonth month,
                                                                 const CloseMonthDecision& decide) {
  ClosedMonthRecord out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    if (auto s = CheckScope(tx, principal, case_id, /*lock=*/true); !s.ok()) return s;
    auto row = PgCaseStore::Load(tx, case_id);
    if (!row.ok()) return row.status();
    const CaseLedgerData data = LoadData(tx, *std::move(row), community_service_);
    auto write = decide(data);
    if (!write.ok()) return write.status();
    if (write->month.has_value()) {
      const ClosedMonthRecord& m = *write->month;
      tx.exec_prepared(Name(kInsertMonth), case_id, time::FormatDate(absl::CivilDay(m.month)),
                       data.case_row.view.district_code, m.term_days, m.study_shortfall_minutes,
                       m.community_service_shortfall_minutes, m.lost_contact_days, m.hospital_days,
                       m.ledger_json, m.policy_version, m.closed_by);
      out = m;
    } else if (const ClosedMonthRecord* c = data.Closed(month); c != nullptr) {
      out = *c;
    }
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEducationTopic, e);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "CloseHoursMonth", case_id, "OK", request_id);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "CloseHoursMonth", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<domain::HoursWaiver> PgHoursLedgerStore::GrantWaiver(
    const auth::Principal& principal, const std::string& case_id, const std::string& request_id,
    const WaiverDecision& decide) {
  domain::HoursWaiver out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    if (auto s = CheckScope(tx, principal, case_id, /*lock=*/true); !s.ok()) return s;
    auto row = PgCaseStore::Load(tx, case_id);
    if (!row.ok()) return row.status();
    auto w = decide(LoadData(tx, *std::move(row), community_service_));
    if (!w.ok()) return w.status();
    tx.exec_prepared(Name(kInsertWaiver), w->waiver_id, case_id,
                     std::string(domain::WaiverScopeName(w->scope)), w->reason_code, w->decided_by,
                     time::FormatDate(w->from), time::FormatDate(w->until));
    db::AppendAudit(tx, principal, "GrantHoursWaiver", case_id, "OK", request_id);
    out = *std::move(w);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "GrantHoursWaiver", case_id, st, request_id);
    return st;
  }
  return out;
}

absl::StatusOr<LedgerPage> PgHoursLedgerStore::List(
    const auth::Principal& principal, std::string_view method, const LedgerListFilter& f,
    const std::function<bool(const CaseLedgerData&)>& keep) {
  LedgerPage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    constexpr int kBatch = 200;
    std::string after = f.after_case_id;
    bool full = false;
    while (!full) {
      pqxx::result r = tx.exec_prepared(Name(kCasesPage), scope.all, scope.districts,
                                        f.district_code, f.active_only, after, kBatch);
      for (const auto& row : r) {
        CaseLedgerData d = LoadData(tx, PgCaseStore::FromRow(row), community_service_);
        after = d.case_row.view.case_id;
        if (!keep(d)) continue;
        if (static_cast<int>(page.items.size()) == f.page_size) {
          page.next_token = page.items.back().case_row.view.case_id;
          full = true;
          break;
        }
        page.items.push_back(std::move(d));
      }
      if (static_cast<int>(r.size()) < kBatch) break;
    }
    db::AppendAudit(tx, principal, method, "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

void PgHoursLedgerStore::MarkLostContact(pqxx::work& tx, const std::string& case_id,
                                         const std::string& period_id, absl::CivilDay since) {
  if (tx.exec_prepared(Name(kCaseKnown), case_id).empty()) return;
  tx.exec_prepared(Name(kMarkLost), period_id, case_id, time::FormatDate(since));
}

void PgHoursLedgerStore::MarkFound(pqxx::work& tx, const std::string& case_id,
                                   const std::string& period_id,
                                   std::optional<absl::CivilDay> since, absl::CivilDay found_on) {
  if (tx.exec_prepared(Name(kCaseKnown), case_id).empty()) return;
  tx.exec_prepared(Name(kMarkFound), period_id, case_id, time::FormatDate(since.value_or(found_on)),
                   time::FormatDate(found_on));
}

void PgHoursLedgerStore::AddStepUp(pqxx::work& tx, const std::string& case_id,
                                   const domain::StepUpTrigger& t) {
  if (tx.exec_prepared(Name(kCaseKnown), case_id).empty()) return;
  tx.exec_prepared(Name(kAddStepUp), t.source_id, case_id,
                   std::string(domain::StepUpReasonName(t.reason)), time::FormatDate(t.on));
}

void PgHoursLedgerStore::OnAttendance(pqxx::work& tx, const SessionRecord& session,
                                      const std::string& case_id, const AttendanceRecord& a,
                                      const domain::EducationPolicies& policies, absl::Time now) {
  if (a.outcome != "ATTENDED" && a.outcome != "LATE") return;
  const bool intake = session.kind == "INTAKE";
  if (!intake && session.kind != "DISCHARGE") return;
  auto row = PgCaseStore::Load(tx, case_id);
  if (!row.ok()) return;
  const absl::CivilDay day = time::ShanghaiDay(session.start);
  const domain::EducationPolicy& policy = policies.InForce(day);
  const domain::EducationWindow w =
      intake ? domain::IntakeWindow(row->view, {day}, policy.windows, day)
             : domain::DischargeWindow(row->view, {day}, policy.windows, day);
  if (!w.completed_on.has_value()) return;
  const bool late = w.state == domain::WindowState::kCompletedLate;
  if (tx.exec_prepared(Name(kInsertCompletion), case_id, intake ? "INTAKE" : "DISCHARGE",
                       session.session_id, time::FormatDate(day), late)
          .empty()) {
    return;  // completed before
  }
  v1::EducationWindowCompleted e;
  e.set_case_id(case_id);
  e.set_district_code(row->view.district_code);
  e.set_session_id(session.session_id);
  *e.mutable_opens_on() = grpc_util::ToProtoDate(*w.opens_on);
  *e.mutable_due_on() = grpc_util::ToProtoDate(*w.due_on);
  *e.mutable_completed_on() = grpc_util::ToProtoDate(day);
  e.set_late(late);
  e.set_policy_version(policy.version);
  kafka::AppendToOutbox(
      tx, kEducationTopic,
      kafka::MakeEnvelope(intake ? "ccms.education.intake_education_completed"
                                 : "ccms.education.discharge_education_completed",
                          case_id, row->view.district_code, now, now, "ccms-education", e));
}

std::vector<db::Query> PgHoursLedgerStore::Queries() {
  return {kCaseInScope, kLockCaseInScope, kAttendance,  kWaivers,      kLostContact,
          kStepUps,     kClosedMonths,    kInsertMonth, kInsertWaiver, kCasesPage,
          kCaseKnown,   kMarkLost,        kMarkFound,   kAddStepUp,    kInsertCompletion};
}

}  // namespace ccms::education
