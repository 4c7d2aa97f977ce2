#include "services/education/pg_plan_store.h"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/education/pg_case_command.h"
#include "services/education/pg_service_file_store.h"

namespace ccms::education {
namespace {

using db::Name;
using domain::PlanVersionRecord;
using json = nlohmann::json;

#define CCMS_PLAN_MICROS(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

constexpr db::Query kGetCase = {"education_plan_case",
                                "SELECT " CCMS_EDUCATION_CASE_COLUMNS
                                " FROM cases c WHERE c.case_id = $1::uuid AND ($2::boolean OR "
                                "c.district_code = ANY($3::text[]))"};
constexpr db::Query kLockCase = {"education_plan_case_lock",
                                 "SELECT " CCMS_EDUCATION_CASE_COLUMNS
                                 " FROM cases c WHERE c.case_id = $1::uuid AND ($2::boolean OR "
                                 "c.district_code = ANY($3::text[]))"
                                 " FOR UPDATE"};
constexpr db::Query kVersions = {
    "education_plan_versions",
    "SELECT version_id::text, version, status, content::text, revision_reason, drafted_by,"
    " " CCMS_PLAN_MICROS("drafted_at") ", guardian_required, person_agreed_on::text,"
    " guardian_agreed_on::text, approved_by, approved_on::text, active_from::text,"
    " superseded_on::text, closed_on::text, closing_report"
    " FROM plan_versions WHERE case_id = $1::uuid ORDER BY version"};
constexpr db::Query kRevisionsDue = {
    "education_plan_revisions_due",
    "SELECT r.revision_id::text, r.case_id::text, c.district_code, r.reason, r.source_event_id,"
    " r.triggered_on::text, r.due_on::text, r.plan_version, r.policy_version,"
    " COALESCE(r.settled_by_version, 0)"
    " FROM plan_revisions_due r JOIN cases c ON c.case_id = r.case_id"
    " WHERE r.case_id = $1::uuid AND r.settled_by_version IS NULL ORDER BY r.due_on, "
    "r.revision_id"};
constexpr db::Query kUpsertVersion = {
    "education_plan_upsert_version",
    "INSERT INTO plan_versions (version_id, case_id, version, status, content, revision_reason,"
    " drafted_by, drafted_at, guardian_required, person_agreed_on, guardian_agreed_on,"
    " approved_by, approved_on, active_from, superseded_on, closed_on, closing_report)"
    " VALUES ($1::uuid, $2::uuid, $3, $4, $5::jsonb, $6, $7, to_timestamp($8::bigint / 1000000.0),"
    " $9, NULLIF($10, '')::date, NULLIF($11, '')::date, $12, NULLIF($13, '')::date,"
    " NULLIF($14, '')::date, NULLIF($15, '')::date, NULLIF($16, '')::date, $17)"
    " ON CONFLICT (version_id) DO UPDATE SET status = EXCLUDED.status,"
    " content = EXCLUDED.content, person_agreed_on = EXCLUDED.person_agreed_on,"
    " guardian_agreed_on = EXCLUDED.guardian_agreed_on, approved_by = EXCLUDED.approved_by,"
    " approved_on = EXCLUDED.approved_on, active_from = EXCLUDED.active_from,"
    " superseded_on = EXCLUDED.superseded_on, closed_on = EXCLUDED.closed_on,"
    " closing_report = EXCLUDED.closing_report, updated_at = now()"};
constexpr db::Query kSettleRevision = {
    "education_plan_settle_revision",
    "UPDATE plan_revisions_due SET settled_by_version = $3, settled_on = $4::date"
    " WHERE revision_id = $1::uuid AND case_id = $2::uuid AND settled_by_version IS NULL"};
constexpr db::Query kInsertRevision = {
    "education_plan_insert_revision",
    "INSERT INTO plan_revisions_due (revision_id, case_id, reason, source_event_id, triggered_on,"
    " due_on, plan_version, policy_version) VALUES ($1::uuid, $2::uuid, $3, $4, $5::date,"
    " $6::date, $7, $8)"};
constexpr db::Query kListOverdue = {
    "education_plan_list_overdue",
    "SELECT r.revision_id::text, r.case_id::text, c.district_code, r.reason, r.source_event_id,"
    " r.triggered_on::text, r.due_on::text, r.plan_version, r.policy_version, 0"
    " FROM plan_revisions_due r JOIN cases c ON c.case_id = r.case_id"
    " WHERE r.settled_by_version IS NULL AND r.due_on < $4::date AND c.status = 'ACTIVE'"
    " AND ($1::boolean OR c.district_code = ANY($2::text[])) AND ($3 = '' OR c.district_code = $3)"
    " AND ($5 = '' OR r.revision_id > NULLIF($5, '')::uuid)"
    " ORDER BY r.revision_id LIMIT $6"};

// The first column of a case row, as in pg_case_store.cc (case_rows.h's column order).
CaseRow RowToCase(const pqxx::row& r) {
  CaseRow out;
  domain::CaseView& v = out.view;
  v.case_id = r[0].as<std::string>();
  v.district_code = r[1].as<std::string>();
  v.office_id = r[2].as<std::string>();
  v.status = CaseStatusOf(r[3].as<std::string>());
  v.minor = r[4].as<bool>();
  v.sex = r[5].as<std::string>();
  v.age_band = r[6].as<std::string>();
  v.offence_category = r[7].as<std::string>();
  v.supervision_start = DayOf(r[8].c_str());
  v.supervision_end = DayOf(r[9].c_str());
  v.intake_reported_on = DayOf(r[10].c_str());
  v.intake_announced_on = DayOf(r[11].c_str());
  v.closed_on = DayOf(r[12].c_str());
  out.first_contact_due_on = DayOf(r[13].c_str());
  out.service_file_due_on = DayOf(r[14].c_str());
  out.due_policy_version = r[15].as<std::string>();
  return out;
}

json ContentToJson(const domain::PlanContent& c) {
  json j;
  j["need_codes"] = c.need_codes;
  j["needs_summary"] = c.needs_summary;
  j["goals"] = json::array();
  for (const auto& g : c.goals) {
    j["goals"].push_back({{"term", std::string(domain::GoalTermName(g.term))},
                          {"description", g.description},
                          {"target_date", time::FormatDate(g.target_date)}});
  }
  j["steps"] = json::array();
  for (const auto& s : c.steps) {
    j["steps"].push_back({{"step_id", s.step_id},
                          {"step_code", s.step_code},
                          {"description", s.description},
                          {"start_date", time::FormatDate(s.start_date)},
                          {"end_date", time::FormatDate(s.end_date)},
                          {"schedule", s.schedule}});
  }
  j["measures"] = c.measures;
  return j;
}

absl::CivilDay JsonDay(const json& j, const char* key) {
  return time::ParseDate(j.value(key, std::string())).value_or(absl::CivilDay());
}

domain::PlanContent ContentFromJson(const std::string& text) {
  domain::PlanContent c;
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return c;
  c.need_codes = j.value("need_codes", std::vector<std::string>{});
  c.needs_summary = j.value("needs_summary", std::string());
  for (const auto& g : j.value("goals", json::array())) {
    domain::PlanGoal goal;
    goal.term =
        domain::GoalTermOf(g.value("term", std::string())).value_or(domain::GoalTerm::kShort);
    goal.description = g.value("description", std::string());
    goal.target_date = JsonDay(g, "target_date");
    c.goals.push_back(std::move(goal));
  }
  for (const auto& s : j.value("steps", json::array())) {
    domain::PlanStep step;
    step.step_id = s.value("step_id", std::string());
    // A version stored before step codes existed has none: it reads as OTHER.
    step.step_code = s.value("step_code", std::string());
    if (step.step_code.empty()) step.step_code = domain::kStepCodeOther;
    step.description = s.value("description", std::string());
    step.start_date = JsonDay(s, "start_date");
    step.end_date = JsonDay(s, "end_date");
    step.schedule = s.value("schedule", std::string());
    c.steps.push_back(std::move(step));
  }
  c.measures = j.value("measures", std::vector<std::string>{});
  return c;
}

PlanVersionRecord RowToVersion(const std::string& case_id, const pqxx::row& r) {
  PlanVersionRecord v;
  v.case_id = case_id;
  v.version_id = r[0].as<std::string>();
  v.version = r[1].as<int>();
  v.status = domain::PlanStatusOf(r[2].as<std::string>()).value_or(domain::PlanStatus::kDraft);
  v.content = ContentFromJson(r[3].as<std::string>());
  v.revision_reason = domain::RevisionReasonOf(r[4].as<std::string>());
  v.drafted_by = r[5].as<std::string>();
  v.drafted_at = absl::FromUnixMicros(r[6].as<int64_t>());
  v.guardian_required = r[7].as<bool>();
  v.person_agreed_on = DayOf(r[8].c_str());
  v.guardian_agreed_on = DayOf(r[9].c_str());
  v.approved_by = r[10].as<std::string>();
  v.approved_on = DayOf(r[11].c_str());
  v.active_from = DayOf(r[12].c_str());
  v.superseded_on = DayOf(r[13].c_str());
  v.closed_on = DayOf(r[14].c_str());
  v.closing_report = r[15].as<std::string>();
  return v;
}

RevisionDueRecord RowToRevision(const pqxx::row& r) {
  RevisionDueRecord d;
  d.revision_id = r[0].as<std::string>();
  d.case_id = r[1].as<std::string>();
  d.district_code = r[2].as<std::string>();
  d.reason =
      domain::RevisionReasonOf(r[3].as<std::string>()).value_or(domain::RevisionReason::kStaff);
  d.source_event_id = r[4].as<std::string>();
  d.triggered_on = DayOf(r[5].c_str()).value_or(absl::CivilDay());
  d.due_on = DayOf(r[6].c_str()).value_or(absl::CivilDay());
  d.plan_version = r[7].as<int>();
  d.policy_version = r[8].as<std::string>();
  d.settled_by_version = r[9].as<int>();
  return d;
}

// The plan state of a case row already read.
PlanState LoadRest(pqxx::transaction_base& tx, CaseRow row) {
  PlanState s;
  s.case_row = std::move(row);
  const std::string& case_id = s.case_row.view.case_id;
  for (const auto& r : tx.exec_prepared(Name(kVersions), case_id)) {
    s.versions.push_back(RowToVersion(case_id, r));
  }
  for (const auto& r : tx.exec_prepared(Name(kRevisionsDue), case_id)) {
    s.revisions_due.push_back(RowToRevision(r));
  }
  return s;
}

absl::StatusOr<PlanState> LoadState(pqxx::transaction_base& tx, const auth::Principal& principal,
                                    const std::string& case_id, bool for_update) {
  const db::DistrictScope scope = db::ScopeOf(principal);
  pqxx::result r = tx.exec_prepared(Name(for_update ? kLockCase : kGetCase), case_id, scope.all,
                                    scope.districts);
  if (r.empty()) return absl::NotFoundError("case not found");
  return LoadRest(tx, RowToCase(r[0]));
}

std::string DayOrEmpty(const std::optional<absl::CivilDay>& d) { return DayText(d); }

void UpsertVersion(pqxx::transaction_base& tx, const PlanVersionRecord& v) {
  tx.exec_prepared(Name(kUpsertVersion), v.version_id, v.case_id, v.version,
                   std::string(domain::PlanStatusName(v.status)), ContentToJson(v.content).dump(),
                   v.revision_reason.has_value()
                       ? std::string(domain::RevisionReasonName(*v.revision_reason))
                       : std::string(),
                   v.drafted_by, absl::ToUnixMicros(v.drafted_at), v.guardian_required,
                   DayOrEmpty(v.person_agreed_on), DayOrEmpty(v.guardian_agreed_on), v.approved_by,
                   DayOrEmpty(v.approved_on), DayOrEmpty(v.active_from),
                   DayOrEmpty(v.superseded_on), DayOrEmpty(v.closed_on), v.closing_report);
}

}  // namespace

absl::StatusOr<PlanState> PgPlanStore::Mutate(const auth::Principal& principal,
                                              const std::string& case_id, std::string_view method,
                                              const std::string& request_id,
                                              const PlanDecision& decide) {
  PlanState out;
  absl::Status st = RunCaseCommand(
      pool_, signal_, {principal, method, case_id, request_id},
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<events::v1::Envelope>> {
        auto state = LoadState(tx, principal, case_id, /*for_update=*/true);
        if (!state.ok()) return state.status();
        auto write = decide(*state);
        if (!write.ok()) return write.status();
        // Versions leaving ACTIVE first: at most one ACTIVE version per case (a unique index).
        for (const auto& v : write->versions) {
          if (v.status == domain::PlanStatus::kSuperseded) UpsertVersion(tx, v);
        }
        for (const auto& v : write->versions) {
          if (v.status != domain::PlanStatus::kSuperseded) UpsertVersion(tx, v);
        }
        for (const auto& id : write->settle_revision_ids) {
          tx.exec_prepared(Name(kSettleRevision), id, case_id, write->settled_by_version,
                           time::FormatDate(write->settled_on));
        }
        return std::move(write->events);
      },
      [&](pqxx::work& tx) {
        return MoveInto(LoadState(tx, principal, case_id, /*for_update=*/false), out);
      });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<PlanState> PgPlanStore::Get(const auth::Principal& principal,
                                           const std::string& case_id) {
  PlanState out;
  absl::Status st = ReadCase(pool_, {principal, "GetPlan", case_id, ""}, [&](pqxx::work& tx) {
    return MoveInto(LoadState(tx, principal, case_id, /*for_update=*/false), out);
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<OverdueRevisionPage> PgPlanStore::ListOverdue(const auth::Principal& principal,
                                                             const OverdueRevisionFilter& f) {
  OverdueRevisionPage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kListOverdue), scope.all, scope.districts, f.district_code,
                         time::FormatDate(f.today), f.after_revision_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.next_revision_id = page.items.back().revision_id;
        break;
      }
      page.items.push_back(RowToRevision(row));
    }
    db::AppendAudit(tx, principal, "ListOverdueRevisions", "", std::to_string(page.items.size()),
                    "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<PlanState> PgPlanStore::LockForEvent(pqxx::transaction_base& tx,
                                                    const std::string& case_id) {
  pqxx::result r = tx.exec_prepared(Name(kLockCase), case_id, true, "{}");
  if (r.empty()) return absl::NotFoundError("case not found");
  return LoadRest(tx, RowToCase(r[0]));
}

void PgPlanStore::InsertRevision(pqxx::transaction_base& tx, const RevisionDueRecord& r) {
  tx.exec_prepared(Name(kInsertRevision), r.revision_id, r.case_id,
                   std::string(domain::RevisionReasonName(r.reason)), r.source_event_id,
                   time::FormatDate(r.triggered_on), time::FormatDate(r.due_on), r.plan_version,
                   r.policy_version);
}

std::vector<db::Query> PgPlanStore::Queries() {
  return {kGetCase,       kLockCase,       kVersions,       kRevisionsDue,
          kUpsertVersion, kSettleRevision, kInsertRevision, kListOverdue};
}

}  // namespace ccms::education
