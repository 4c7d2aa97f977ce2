#include "services/education/pg_community_service_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/education/pg_case_command.h"
#include "services/education/pg_case_store.h"

namespace ccms::education {
namespace {

using db::Name;

#define CCMS_CS_PROJECT_COLUMNS                                                  \
  "p.project_id::text, p.district_code, p.title, p.organiser, p.mode,"           \
  " array_to_string(p.age_bands, ','), array_to_string(p.sexes, ','), p.effort," \
  " array_to_string(p.skills, ','), p.capacity,"                                 \
  " (SELECT count(*) FROM cs_members m WHERE m.project_id = p.project_id)::int," \
  " p.starts_on::text, p.ends_on::text, p.created_by,"                           \
  " (extract(epoch FROM p.created_at) * 1000000)::bigint"

constexpr db::Query kInsertProject = {
    "education_cs_insert_project",
    "INSERT INTO cs_projects (project_id, district_code, title, organiser, mode, age_bands, sexes,"
    " effort, skills, capacity, starts_on, ends_on, created_by, created_at)"
    " SELECT $1::uuid, $2, $3, $4, $5,"
    " COALESCE(string_to_array(NULLIF($6, ''), ','), '{}')::text[],"
    " COALESCE(string_to_array(NULLIF($7, ''), ','), '{}')::text[], $8,"
    " COALESCE(string_to_array(NULLIF($9, ''), ','), '{}')::text[], $10, $11::date, $12::date,"
    " $13, to_timestamp($14::bigint / 1000000.0)"
    " WHERE $15::boolean OR $2 = ANY($16::text[])"};
// A project of the case's district, locked: places are taken one at a time. The places taken
// are counted by kProject, a later statement, so that the count sees every join committed
// before the lock was granted (READ COMMITTED takes a snapshot per statement).
constexpr db::Query kLockProject = {
    "education_cs_lock_project",
    "SELECT 1 FROM cs_projects p WHERE p.project_id = $1::uuid AND p.district_code = $2"
    " FOR UPDATE"};
constexpr db::Query kProject = {"education_cs_project", "SELECT " CCMS_CS_PROJECT_COLUMNS
                                                        " FROM cs_projects p"
                                                        " WHERE p.project_id = $1::uuid"};
constexpr db::Query kListProjects = {
    "education_cs_list_projects",
    "SELECT " CCMS_CS_PROJECT_COLUMNS
    " FROM cs_projects p WHERE ($1::boolean OR p.district_code = ANY($2::text[]))"
    " AND ($3 = '' OR p.district_code = $3)"
    " AND ($4 = '' OR (p.starts_on <= $4::date AND p.ends_on >= $4::date"
    " AND (SELECT count(*) FROM cs_members m WHERE m.project_id = p.project_id) < p.capacity))"
    " AND ($5 = '' OR p.project_id > NULLIF($5, '')::uuid)"
    " ORDER BY p.project_id LIMIT $6"};
constexpr db::Query kJoinedProjects = {
    "education_cs_joined_projects",
    "SELECT " CCMS_CS_PROJECT_COLUMNS
    " FROM cs_projects p JOIN cs_members j ON j.project_id = p.project_id"
    " WHERE j.case_id = $1::uuid ORDER BY j.joined_at, p.project_id"};
constexpr db::Query kProfile = {"education_cs_profile",
                                "SELECT max_effort, array_to_string(skills, ','), updated_by,"
                                " (extract(epoch FROM updated_at) * 1000000)::bigint FROM "
                                "cs_profiles WHERE case_id = $1::uuid"};
constexpr db::Query kActivities = {
    "education_cs_activities",
    "SELECT activity_id::text, COALESCE(project_id::text, ''), self_initiated, organiser,"
    " served_on::text, minutes, status, recorded_by, verified_by, verified_on::text,"
    " (extract(epoch FROM created_at) * 1000000)::bigint"
    " FROM cs_activities WHERE case_id = $1::uuid ORDER BY served_on, created_at, activity_id"};
constexpr db::Query kWaivers = {
    "education_cs_waivers",
    "SELECT waiver_id::text, reason, from_day::text, until_day::text, decided_by,"
    " (extract(epoch FROM created_at) * 1000000)::bigint"
    " FROM cs_waivers WHERE case_id = $1::uuid ORDER BY from_day, created_at, waiver_id"};
constexpr db::Query kUpsertProfile = {
    "education_cs_upsert_profile",
    "INSERT INTO cs_profiles (case_id, max_effort, skills, updated_by, updated_at)"
    " VALUES ($1::uuid, $2, COALESCE(string_to_array(NULLIF($3, ''), ','), '{}')::text[], $4,"
    " to_timestamp($5::bigint / 1000000.0)) ON CONFLICT (case_id) DO UPDATE SET"
    " max_effort = EXCLUDED.max_effort, skills = EXCLUDED.skills,"
    " updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at"};
constexpr db::Query kJoin = {
    "education_cs_join",
    "INSERT INTO cs_members (project_id, case_id, joined_by, joined_at)"
    " VALUES ($1::uuid, $2::uuid, $3, to_timestamp($4::bigint / 1000000.0))"};
constexpr db::Query kInsertActivity = {
    "education_cs_insert_activity",
    "INSERT INTO cs_activities (activity_id, case_id, project_id, self_initiated, organiser,"
    " served_on, minutes, status, recorded_by, created_at) VALUES ($1::uuid, $2::uuid,"
    " NULLIF($3, '')::uuid, $4, $5, $6::date, $7, $8, $9, to_timestamp($10::bigint / 1000000.0))"};
constexpr db::Query kVerifyActivity = {
    "education_cs_verify_activity",
    "UPDATE cs_activities SET status = $3, verified_by = $4, verified_on = $5::date"
    " WHERE activity_id = $1::uuid AND case_id = $2::uuid AND status = 'PENDING_VERIFICATION'"};
constexpr db::Query kInsertWaiver = {
    "education_cs_insert_waiver",
    "INSERT INTO cs_waivers (waiver_id, case_id, reason, from_day, until_day, decided_by,"
    " created_at) VALUES ($1::uuid, $2::uuid, $3, $4::date, $5::date, $6,"
    " to_timestamp($7::bigint / 1000000.0))"};
// $2 the month's first day, $3 the next month's first day.
constexpr db::Query kMonthTotals = {
    "education_cs_month_totals",
    "SELECT"
    " COALESCE((SELECT sum(minutes) FROM cs_activities WHERE case_id = $1::uuid"
    " AND status = 'CREDITED' AND served_on >= $2::date AND served_on < $3::date), 0)::int,"
    " COALESCE((SELECT sum(minutes) FROM cs_activities WHERE case_id = $1::uuid"
    " AND status = 'PENDING_VERIFICATION' AND served_on >= $2::date AND served_on < $3::date),"
    " 0)::int,"
    " (SELECT count(*) FROM generate_series($2::date, $3::date - 1, interval '1 day') d"
    " WHERE EXISTS (SELECT 1 FROM cs_waivers w WHERE w.case_id = $1::uuid"
    " AND w.from_day <= d::date AND w.until_day >= d::date))::int"};

std::vector<std::string> List(const std::string& joined) {
  if (joined.empty()) return {};
  return absl::StrSplit(joined, ',');
}

absl::CivilDay Day(const pqxx::field& f) { return DayOf(f.c_str()).value_or(absl::CivilDay()); }

ServiceProjectRecord RowToProject(const pqxx::row& r) {
  ServiceProjectRecord p;
  p.project_id = r[0].as<std::string>();
  p.district_code = r[1].as<std::string>();
  p.title = r[2].as<std::string>();
  p.organiser = r[3].as<std::string>();
  p.mode = r[4].as<std::string>();
  p.fit.age_bands = List(r[5].as<std::string>());
  p.fit.sexes = List(r[6].as<std::string>());
  p.fit.effort = domain::EffortOf(r[7].as<std::string>()).value_or(domain::Effort::kFull);
  p.fit.skills = List(r[8].as<std::string>());
  p.fit.capacity = r[9].as<int>();
  p.fit.joined = r[10].as<int>();
  p.fit.starts_on = Day(r[11]);
  p.fit.ends_on = Day(r[12]);
  p.created_by = r[13].as<std::string>();
  p.created_at = absl::FromUnixMicros(r[14].as<int64_t>());
  return p;
}

// The case's state; the case locked first when `for_update`. NOT_FOUND outside the scope.
absl::StatusOr<CommunityServiceState> LoadState(pqxx::transaction_base& tx,
                                                const auth::Principal& principal,
                                                const std::string& case_id, bool for_update) {
  auto row = LoadCaseInScope(tx, principal, case_id, for_update);
  if (!row.ok()) return row.status();
  CommunityServiceState s;
  s.case_row = *std::move(row);
  for (const auto& r : tx.exec_prepared(Name(kProfile), case_id)) {
    ServiceProfileRecord p;
    p.facts.max_effort = domain::EffortOf(r[0].as<std::string>()).value_or(domain::Effort::kLight);
    p.facts.skills = List(r[1].as<std::string>());
    p.updated_by = r[2].as<std::string>();
    p.updated_at = absl::FromUnixMicros(r[3].as<int64_t>());
    s.profile = std::move(p);
  }
  for (const auto& r : tx.exec_prepared(Name(kJoinedProjects), case_id)) {
    s.projects.push_back(RowToProject(r));
  }
  for (const auto& r : tx.exec_prepared(Name(kActivities), case_id)) {
    ServiceActivityRecord a;
    a.activity_id = r[0].as<std::string>();
    a.case_id = case_id;
    a.project_id = r[1].as<std::string>();
    a.self_initiated = r[2].as<bool>();
    a.organiser = r[3].as<std::string>();
    a.served_on = Day(r[4]);
    a.minutes = r[5].as<int>();
    a.status = r[6].as<std::string>();
    a.recorded_by = r[7].as<std::string>();
    a.verified_by = r[8].as<std::string>();
    a.verified_on = DayOf(r[9].c_str());
    a.created_at = absl::FromUnixMicros(r[10].as<int64_t>());
    s.activities.push_back(std::move(a));
  }
  for (const auto& r : tx.exec_prepared(Name(kWaivers), case_id)) {
    ServiceWaiverRecord w;
    w.waiver_id = r[0].as<std::string>();
    w.case_id = case_id;
    w.reason = r[1].as<std::string>();
    w.from_day = Day(r[2]);
    w.until_day = Day(r[3]);
    w.decided_by = r[4].as<std::string>();
    w.created_at = absl::FromUnixMicros(r[5].as<int64_t>());
    s.waivers.push_back(std::move(w));
  }
  return s;
}

void WriteDecision(pqxx::work& tx, const std::string& case_id, const std::string& project_id,
                   const auth::Principal& principal, const CommunityServiceWrite& w) {
  if (w.profile.has_value()) {
    const ServiceProfileRecord& p = *w.profile;
    tx.exec_prepared(
        Name(kUpsertProfile), case_id, std::string(domain::EffortName(p.facts.max_effort)),
        absl::StrJoin(p.facts.skills, ","), p.updated_by, absl::ToUnixMicros(p.updated_at));
  }
  if (w.join) {
    tx.exec_prepared(Name(kJoin), project_id, case_id, principal.subject,
                     absl::ToUnixMicros(absl::Now()));
  }
  if (w.new_activity.has_value()) {
    const ServiceActivityRecord& a = *w.new_activity;
    tx.exec_prepared(Name(kInsertActivity), a.activity_id, case_id, a.project_id, a.self_initiated,
                     a.organiser, time::FormatDate(a.served_on), a.minutes, a.status, a.recorded_by,
                     absl::ToUnixMicros(a.created_at));
  }
  if (w.verified.has_value()) {
    const ServiceActivityRecord& a = *w.verified;
    tx.exec_prepared(Name(kVerifyActivity), a.activity_id, case_id, a.status, a.verified_by,
                     DayText(a.verified_on));
  }
  if (w.waiver.has_value()) {
    const ServiceWaiverRecord& x = *w.waiver;
    tx.exec_prepared(Name(kInsertWaiver), x.waiver_id, case_id, x.reason,
                     time::FormatDate(x.from_day), time::FormatDate(x.until_day), x.decided_by,
                     absl::ToUnixMicros(x.created_at));
  }
}

}  // namespace

absl::StatusOr<ServiceProjectRecord> PgCommunityServiceStore::AddProject(
    const auth::Principal& principal, const std::string& request_id,
    const ServiceProjectRecord& p) {
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(
        Name(kInsertProject), p.project_id, p.district_code, p.title, p.organiser, p.mode,
        absl::StrJoin(p.fit.age_bands, ","), absl::StrJoin(p.fit.sexes, ","),
        std::string(domain::EffortName(p.fit.effort)), absl::StrJoin(p.fit.skills, ","),
        p.fit.capacity, time::FormatDate(p.fit.starts_on), time::FormatDate(p.fit.ends_on),
        p.created_by, absl::ToUnixMicros(p.created_at), scope.all, scope.districts);
    if (r.affected_rows() == 0) {
      return absl::PermissionDeniedError("the district is outside the caller's districts");
    }
    db::AppendAudit(tx, principal, "AddServiceProject", "", "OK", request_id);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return p;
}

absl::StatusOr<ServiceProjectPage> PgCommunityServiceStore::ListProjects(
    const auth::Principal& principal, std::string_view method, const ServiceProjectFilter& f) {
  ServiceProjectPage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kListProjects), scope.all, scope.districts, f.district_code,
                         DayText(f.open_on), f.after_project_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.next_project_id = page.items.back().project_id;
        break;
      }
      page.items.push_back(RowToProject(row));
    }
    db::AppendAudit(tx, principal, method, "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<CommunityServiceState> PgCommunityServiceStore::Mutate(
    const auth::Principal& principal, const std::string& case_id, std::string_view method,
    const std::string& request_id, const std::string& project_id,
    const CommunityServiceDecision& decide) {
  CommunityServiceState out;
  absl::Status st = RunCaseCommand(
      pool_, signal_, {principal, method, case_id, request_id},
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<events::v1::Envelope>> {
        auto state = LoadState(tx, principal, case_id, /*for_update=*/true);
        if (!state.ok()) return state.status();
        std::optional<ServiceProjectRecord> project;
        if (!project_id.empty()) {
          // Always after the case: one order of locks for every command.
          pqxx::result r =
              tx.exec_prepared(Name(kLockProject), project_id, state->case_row.view.district_code);
          if (r.empty()) return absl::NotFoundError("project not found");
          project = RowToProject(tx.exec_prepared1(Name(kProject), project_id));
        }
        auto write = decide(*state, project);
        if (!write.ok()) return write.status();
        WriteDecision(tx, case_id, project_id, principal, *write);
        return std::move(write->events);
      },
      [&](pqxx::work& tx) {
        return MoveInto(LoadState(tx, principal, case_id, /*for_update=*/false), out);
      });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<CommunityServiceState> PgCommunityServiceStore::Get(
    const auth::Principal& principal, const std::string& case_id, std::string_view method,
    std::optional<absl::CivilMonth> month, ServiceMonthTotals* totals) {
  CommunityServiceState out;
  absl::Status st = ReadCase(pool_, {principal, method, case_id, ""}, [&](pqxx::work& tx) {
    if (auto loaded = MoveInto(LoadState(tx, principal, case_id, /*for_update=*/false), out);
        !loaded.ok()) {
      return loaded;
    }
    if (month.has_value() && totals != nullptr) *totals = MonthTotals(tx, case_id, *month);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

ServiceMonthTotals PgCommunityServiceStore::MonthTotals(pqxx::transaction_base& tx,
                                                        const std::string& case_id,
                                                        absl::CivilMonth month) {
  pqxx::row r =
      tx.exec_prepared1(Name(kMonthTotals), case_id, time::FormatDate(absl::CivilDay(month)),
                        time::FormatDate(absl::CivilDay(month + 1)));
  ServiceMonthTotals t;
  t.credited_minutes = r[0].as<int>();
  t.pending_minutes = r[1].as<int>();
  t.waived_days = r[2].as<int>();
  return t;
}

std::vector<db::Query> PgCommunityServiceStore::Queries() {
  return {kInsertProject,  kLockProject,    kProject,      kListProjects,  kJoinedProjects,
          kProfile,        kActivities,     kWaivers,      kUpsertProfile, kJoin,
          kInsertActivity, kVerifyActivity, kInsertWaiver, kMonthTotals};
}

}  // namespace ccms::education
