#include "services/employment/pg_plan_step_store.h"

#include <pqxx/pqxx>

#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"

namespace ccms::employment {
namespace {

using db::Name;

constexpr db::Query kLockPlan = {
    "employment_lock_case_plan",
    "SELECT approved_version, closed_version FROM case_plans WHERE case_id = $1::uuid FOR UPDATE"};
constexpr db::Query kUpsertApproved = {
    "employment_upsert_case_plan_approved",
    "INSERT INTO case_plans (case_id, district_code, approved_version, version_id, approved_on,"
    " policy_version, source_event_id) VALUES ($1::uuid, $2, $3, $4::uuid, $5::date, $6, $7)"
    " ON CONFLICT (case_id) DO UPDATE SET district_code = EXCLUDED.district_code,"
    " approved_version = EXCLUDED.approved_version, version_id = EXCLUDED.version_id,"
    " approved_on = EXCLUDED.approved_on, policy_version = EXCLUDED.policy_version,"
    " source_event_id = EXCLUDED.source_event_id, updated_at = now()"};
constexpr db::Query kDeleteSteps = {"employment_delete_case_plan_steps",
                                    "DELETE FROM case_plan_steps WHERE case_id = $1::uuid"};
constexpr db::Query kInsertStep = {
    "employment_insert_case_plan_step",
    "INSERT INTO case_plan_steps (case_id, step_id, version, step_code, action, start_date,"
    " end_date, due_on) VALUES ($1::uuid, $2, $3, $4, $5, $6::date, $7::date,"
    " NULLIF($8, '')::date)"};
constexpr db::Query kUpsertClosed = {
    "employment_upsert_case_plan_closed",
    "INSERT INTO case_plans (case_id, district_code, closed_version, closed_on, source_event_id)"
    " VALUES ($1::uuid, $2, $3, $4::date, $5) ON CONFLICT (case_id) DO UPDATE SET"
    " closed_version = EXCLUDED.closed_version, closed_on = EXCLUDED.closed_on,"
    " source_event_id = EXCLUDED.source_event_id, updated_at = now()"};

// The work that meets an item, by case and kind: the first day of it on or after the approval
// and not after as_of ($6). docs/employment.md "Plan steps due" lists the same.
#define CCMS_MET_ON(table, day, extra)                                                      \
  "(SELECT min(w." day ") FROM " table " w WHERE w.case_id = s.case_id" extra " AND w." day \
  " >= p.approved_on AND w." day " <= $6::date)"

// The items with an action, of one case ($4) or every case, in the caller's districts (the
// case's district now; the event's while employment does not know the case), by (case, step).
// By default only the open ones (not met, plan and case not closed); $5: overdue ones only.
constexpr db::Query kList = {
    "employment_list_plan_steps_due",
    "SELECT i.case_id::text, i.district_code, i.version, i.approved_on::text, i.step_id,"
    " i.step_code, i.action, i.start_date::text, i.end_date::text, i.due_on::text,"
    " coalesce(i.met_on::text, ''), i.closed FROM ("
    " SELECT s.case_id, coalesce(c.district_code, p.district_code) AS district_code, s.version,"
    " p.approved_on, s.step_id, s.step_code, s.action, s.start_date, s.end_date, s.due_on,"
    " (p.closed_version >= p.approved_version OR coalesce(c.status = 'CLOSED', false)) AS closed,"
    " CASE s.action"
    " WHEN 'REFERRAL' THEN " CCMS_MET_ON("referrals", "sent_on", "")
    " WHEN 'TRAINING_ENROLMENT' THEN " CCMS_MET_ON("training_enrolments", "enrolled_on", "")
    " WHEN 'SCHOOLING_SUPPORT' THEN " CCMS_MET_ON("schooling_items", "opened_on",
                                                  " AND w.status IN ('OPEN', 'MET')")
    " WHEN 'ASSISTANCE' THEN " CCMS_MET_ON("assistance_records", "applied_on",
                                           " AND w.status <> 'REFUSED'")
    " WHEN 'HALFWAY_PLACEMENT' THEN " CCMS_MET_ON("halfway_house_placements", "admitted_on", "")
    " END AS met_on"
    " FROM case_plan_steps s JOIN case_plans p ON p.case_id = s.case_id"
    " LEFT JOIN cases c ON c.case_id = s.case_id"
    " WHERE s.action <> '' AND ($4 = '' OR s.case_id = NULLIF($4, '')::uuid)"
    " AND ($7 = '' OR (s.case_id, s.step_id) > (NULLIF($7, '')::uuid, $8))) i"
    " WHERE ($2::boolean OR i.district_code = ANY($3::text[])) AND ($1 = '' OR i.district_code = $1)"
    " AND ($4 <> '' OR (i.met_on IS NULL AND NOT i.closed))"
    " AND (NOT $5::boolean OR (i.met_on IS NULL AND NOT i.closed AND i.due_on < $6::date))"
    " ORDER BY i.case_id, i.step_id LIMIT $9"};

#undef CCMS_MET_ON

std::optional<absl::CivilDay> DayOf(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return std::nullopt;
  return time::ParseDate(f.c_str());
}

PlanStepItemRecord ItemOf(const pqxx::row& r) {
  PlanStepItemRecord x;
  x.case_id = r[0].as<std::string>();
  x.district_code = r[1].as<std::string>();
  x.plan_version = r[2].as<int>();
  x.approved_on = DayOf(r[3]).value_or(absl::CivilDay());
  x.step.step.step_id = r[4].as<std::string>();
  x.step.step.step_code = r[5].as<std::string>();
  x.step.action = domain::StepActionOf(r[6].as<std::string>());
  x.step.step.start_date = DayOf(r[7]).value_or(absl::CivilDay());
  x.step.step.end_date = DayOf(r[8]).value_or(absl::CivilDay());
  x.step.due_on = DayOf(r[9]);
  x.met_on = DayOf(r[10]);
  x.closed = r[11].as<bool>();
  return x;
}

domain::FollowedPlan LockPlan(pqxx::work& tx, const std::string& case_id) {
  domain::FollowedPlan plan;
  pqxx::result r = tx.exec_prepared(Name(kLockPlan), case_id);
  if (!r.empty()) {
    plan.approved_version = r[0][0].as<int>();
    plan.closed_version = r[0][1].as<int>();
  }
  return plan;
}

}  // namespace

void PgPlanStepStore::ApplyApproved(pqxx::work& tx, const PlanApprovedFact& f,
                                    const domain::EmploymentPolicies& policies,
                                    const std::string& event_id) {
  const domain::FollowedPlan current = LockPlan(tx, f.case_id);
  if (!domain::ReplacesSteps(current, f.version)) return;  // a replay or an older version
  const domain::EmploymentPolicy& policy = policies.InForce(f.approved_on);
  tx.exec_prepared(Name(kUpsertApproved), f.case_id, f.district_code, f.version, f.version_id,
                   time::FormatDate(f.approved_on), policy.version, event_id);
  tx.exec_prepared(Name(kDeleteSteps), f.case_id);
  for (const auto& s :
       domain::FollowSteps(f.steps, policy.plan_step_actions, policy.plan_step_grace_days)) {
    tx.exec_prepared(Name(kInsertStep), f.case_id, s.step.step_id, f.version, s.step.step_code,
                     s.action.has_value() ? std::string(domain::StepActionName(*s.action)) : "",
                     time::FormatDate(s.step.start_date), time::FormatDate(s.step.end_date),
                     s.due_on.has_value() ? time::FormatDate(*s.due_on) : std::string());
  }
}

void PgPlanStepStore::ApplyClosed(pqxx::work& tx, const PlanClosedFact& f,
                                  const std::string& event_id) {
  const domain::FollowedPlan current = LockPlan(tx, f.case_id);
  if (!domain::ClosesSteps(current, f.version)) return;
  tx.exec_prepared(Name(kUpsertClosed), f.case_id, f.district_code, f.version,
                   time::FormatDate(f.closed_on), event_id);
}

absl::StatusOr<std::pair<std::vector<PlanStepItemRecord>, bool>> PgPlanStepStore::List(
    const auth::Principal& principal, const PlanStepFilter& f) {
  std::pair<std::vector<PlanStepItemRecord>, bool> page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kList), f.district_code, scope.all, scope.districts,
                                      f.case_id, f.overdue_only, time::FormatDate(f.as_of),
                                      f.after_case_id, f.after_step_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.first.size()) == f.page_size) {
        page.second = true;
        break;
      }
      page.first.push_back(ItemOf(row));
    }
    db::AppendAudit(tx, principal, "ListPlanStepsDue", f.case_id, std::to_string(page.first.size()),
                    "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

std::vector<db::Query> PgPlanStepStore::Queries() {
  return {kLockPlan, kUpsertApproved, kDeleteSteps, kInsertStep, kUpsertClosed, kList};
}

}  // namespace ccms::employment
