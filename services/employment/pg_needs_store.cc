#include "services/employment/pg_needs_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/employment/pg_case_store.h"
#include "services/employment/topics.h"

namespace ccms::employment {
namespace {

using db::Name;

#define CCMS_SURVEY_COLUMNS                                                            \
  "s.survey_id::text, s.case_id::text, s.method, s.surveyed_on::text, s.wish_to_work," \
  " s.ability_code, array_to_string(s.skill_gap_codes, ','), s.housing_code,"          \
  " s.livelihood_code, s.schooling_code, s.family_code, s.policy_version, s.recorded_by"

#define CCMS_PLAN_COLUMNS                                                              \
  "p.plan_id::text, p.case_id::text, p.version, p.status, p.goal_code,"                \
  " array_to_string(p.sector_codes, ','), array_to_string(p.target_skill_codes, ',')," \
  " p.drafted_on::text, p.agreed_on::text, p.drafted_by, p.agreed_by"

// The case, in the caller's districts, locked: every write of a case's needs starts here.
constexpr db::Query kLockCase = {
    "employment_lock_case_for_needs",
    "SELECT 1 FROM cases c WHERE c.case_id = $1::uuid"
    " AND ($2::boolean OR c.district_code = ANY($3::text[])) FOR UPDATE"};
constexpr db::Query kCaseInReach = {"employment_case_in_reach_for_needs",
                                    "SELECT 1 FROM cases c WHERE c.case_id = $1::uuid"
                                    " AND ($2::boolean OR c.district_code = ANY($3::text[]))"};
constexpr db::Query kInsertSurvey = {
    "employment_insert_survey",
    "INSERT INTO needs_surveys (survey_id, case_id, method, surveyed_on, wish_to_work,"
    " ability_code, skill_gap_codes, housing_code, livelihood_code, schooling_code, family_code,"
    " policy_version, recorded_by) VALUES ($1::uuid, $2::uuid, $3, $4::date, $5, $6, $7::text[],"
    " $8, $9, $10, $11, $12, $13)"};
constexpr db::Query kListSurveys = {"employment_list_surveys",
                                    "SELECT " CCMS_SURVEY_COLUMNS
                                    " FROM needs_surveys s WHERE s.case_id = $1::uuid"
                                    " ORDER BY s.surveyed_on DESC, s.created_at DESC LIMIT 20"};
constexpr db::Query kNextPlanVersion = {
    "employment_next_plan_version",
    "SELECT coalesce(max(version), 0) + 1 FROM career_plans WHERE case_id = $1::uuid"};
constexpr db::Query kSupersedeDraft = {
    "employment_supersede_draft",
    "UPDATE career_plans SET status = 'SUPERSEDED' WHERE case_id = $1::uuid AND status = 'DRAFT'"};
constexpr db::Query kInsertPlan = {
    "employment_insert_plan",
    "INSERT INTO career_plans (plan_id, case_id, version, status, goal_code, sector_codes,"
    " target_skill_codes, drafted_on, drafted_by) VALUES ($1::uuid, $2::uuid, $3, $4, $5,"
    " $6::text[], $7::text[], $8::date, $9)"};
// The plan's case, in the caller's districts (the plan is reached through it).
constexpr db::Query kPlanCase = {
    "employment_plan_case",
    "SELECT p.case_id::text FROM career_plans p JOIN cases c ON c.case_id = p.case_id"
    " WHERE p.plan_id = $1::uuid AND ($2::boolean OR c.district_code = ANY($3::text[]))"};
constexpr db::Query kReadPlan = {"employment_read_plan",
                                 "SELECT " CCMS_PLAN_COLUMNS
                                 " FROM career_plans p WHERE p.plan_id = $1::uuid"};
constexpr db::Query kAgreedPlan = {"employment_agreed_plan",
                                   "SELECT " CCMS_PLAN_COLUMNS
                                   " FROM career_plans p WHERE p.case_id = $1::uuid"
                                   " AND p.status = 'AGREED'"};
constexpr db::Query kSupersedePlan = {
    "employment_supersede_plan",
    "UPDATE career_plans SET status = 'SUPERSEDED' WHERE plan_id = $1::uuid"};
constexpr db::Query kAgreePlan = {
    "employment_agree_plan",
    "UPDATE career_plans SET status = 'AGREED', agreed_on = $2::date, agreed_by = $3"
    " WHERE plan_id = $1::uuid"};
constexpr db::Query kListPlans = {"employment_list_plans",
                                  "SELECT " CCMS_PLAN_COLUMNS
                                  " FROM career_plans p WHERE p.case_id = $1::uuid"
                                  " ORDER BY p.version"};
constexpr db::Query kUpsertProfile = {
    "employment_upsert_profile",
    "INSERT INTO skills_profiles (case_id, skill_codes, updated_on, recorded_by)"
    " VALUES ($1::uuid, $2::text[], $3::date, $4) ON CONFLICT (case_id) DO UPDATE SET"
    " skill_codes = excluded.skill_codes, updated_on = excluded.updated_on,"
    " recorded_by = excluded.recorded_by, updated_at = now()"};
constexpr db::Query kDeleteCertificates = {
    "employment_delete_certificates", "DELETE FROM skill_certificates WHERE case_id = $1::uuid"};
constexpr db::Query kInsertCertificate = {
    "employment_insert_certificate",
    "INSERT INTO skill_certificates (case_id, seq, certificate_code, issuer_code, obtained_on)"
    " VALUES ($1::uuid, $2, $3, $4, $5::date)"};
constexpr db::Query kReadProfile = {
    "employment_read_profile",
    "SELECT array_to_string(skill_codes, ','), updated_on::text, recorded_by"
    " FROM skills_profiles WHERE case_id = $1::uuid"};
constexpr db::Query kReadCertificates = {
    "employment_read_certificates",
    "SELECT certificate_code, issuer_code, obtained_on::text FROM skill_certificates"
    " WHERE case_id = $1::uuid ORDER BY seq"};

std::vector<std::string> Split(const pqxx::field& f) {
  const std::string s = f.is_null() ? std::string() : f.as<std::string>();
  if (s.empty()) return {};
  return absl::StrSplit(s, ',');
}

std::optional<absl::CivilDay> DayOf(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return std::nullopt;
  return time::ParseDate(f.c_str());
}

SurveyRecord SurveyOf(const pqxx::row& r) {
  SurveyRecord s;
  s.survey_id = r[0].as<std::string>();
  s.case_id = r[1].as<std::string>();
  s.answers.method = r[2].as<std::string>();
  s.surveyed_on = DayOf(r[3]).value_or(absl::CivilDay());
  s.answers.wish_to_work = r[4].as<std::string>();
  s.answers.ability_code = r[5].as<std::string>();
  s.answers.skill_gap_codes = Split(r[6]);
  s.answers.housing_code = r[7].as<std::string>();
  s.answers.livelihood_code = r[8].as<std::string>();
  s.answers.schooling_code = r[9].as<std::string>();
  s.answers.family_code = r[10].as<std::string>();
  s.policy_version = r[11].as<std::string>();
  s.recorded_by = r[12].as<std::string>();
  return s;
}

PlanRecord PlanOf(const pqxx::row& r) {
  PlanRecord p;
  p.plan_id = r[0].as<std::string>();
  p.case_id = r[1].as<std::string>();
  p.version = r[2].as<int>();
  p.status = domain::PlanStatusOf(r[3].as<std::string>());
  p.goal_code = r[4].as<std::string>();
  p.sector_codes = Split(r[5]);
  p.target_skill_codes = Split(r[6]);
  p.drafted_on = DayOf(r[7]).value_or(absl::CivilDay());
  p.agreed_on = DayOf(r[8]);
  p.drafted_by = r[9].as<std::string>();
  p.agreed_by = r[10].as<std::string>();
  return p;
}

std::optional<ProfileRecord> ReadProfile(pqxx::transaction_base& tx, const std::string& case_id) {
  pqxx::result r = tx.exec_prepared(Name(kReadProfile), case_id);
  if (r.empty()) return std::nullopt;
  ProfileRecord p;
  p.case_id = case_id;
  p.skill_codes = Split(r[0][0]);
  p.updated_on = DayOf(r[0][1]).value_or(absl::CivilDay());
  p.recorded_by = r[0][2].as<std::string>();
  for (const auto& row : tx.exec_prepared(Name(kReadCertificates), case_id)) {
    p.certificates.push_back({row[0].as<std::string>(), row[1].as<std::string>(), DayOf(row[2])});
  }
  return p;
}

// The audit row of a call refused because its case or plan is out of reach.
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

// Locks the case (in the caller's districts) and loads it.
absl::StatusOr<domain::CaseView> LockCase(pqxx::work& tx, const auth::Principal& principal,
                                          const std::string& case_id) {
  const db::DistrictScope scope = db::ScopeOf(principal);
  if (tx.exec_prepared(Name(kLockCase), case_id, scope.all, scope.districts).empty()) {
    return absl::NotFoundError("case not found");
  }
  return PgCaseStore::Load(tx, case_id);
}

}  // namespace

std::optional<std::vector<std::string>> PgNeedsStore::ProfileSkills(pqxx::transaction_base& tx,
                                                                    const std::string& case_id) {
  pqxx::result r = tx.exec_prepared(Name(kReadProfile), case_id);
  if (r.empty()) return std::nullopt;
  return Split(r[0][0]);
}

absl::StatusOr<SurveyRecord> PgNeedsStore::RecordSurvey(const auth::Principal& principal,
                                                        const std::string& case_id,
                                                        const std::string& request_id,
                                                        const SurveyDecision& decide) {
  SurveyRecord out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto c = LockCase(tx, principal, case_id);
    if (!c.ok()) return c.status();
    auto w = decide(*c);
    if (!w.ok()) return w.status();
    const SurveyRecord& s = w->survey;
    const domain::SurveyAnswers& a = s.answers;
    tx.exec_prepared(Name(kInsertSurvey), s.survey_id, s.case_id, a.method,
                     time::FormatDate(s.surveyed_on), a.wish_to_work, a.ability_code,
                     db::TextArrayLiteral(a.skill_gap_codes), a.housing_code, a.livelihood_code,
                     a.schooling_code, a.family_code, s.policy_version, s.recorded_by);
    for (const auto& ev : w->events) kafka::AppendToOutbox(tx, kEmploymentTopic, ev);
    wrote_events = !w->events.empty();
    db::AppendAudit(tx, principal, "RecordNeedsSurvey", case_id, "OK", request_id);
    out = s;
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "RecordNeedsSurvey", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<PlanRecord> PgNeedsStore::DraftPlan(const auth::Principal& principal,
                                                   const std::string& case_id,
                                                   const std::string& request_id,
                                                   const DraftDecision& decide) {
  PlanRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto c = LockCase(tx, principal, case_id);
    if (!c.ok()) return c.status();
    const int next = tx.exec_prepared(Name(kNextPlanVersion), case_id)[0][0].as<int>();
    auto w = decide(*c, next);
    if (!w.ok()) return w.status();
    const PlanRecord& p = w->plan;
    tx.exec_prepared(Name(kSupersedeDraft), case_id);
    tx.exec_prepared(Name(kInsertPlan), p.plan_id, p.case_id, p.version,
                     std::string(domain::PlanStatusName(p.status)), p.goal_code,
                     db::TextArrayLiteral(p.sector_codes),
                     db::TextArrayLiteral(p.target_skill_codes), time::FormatDate(p.drafted_on),
                     p.drafted_by);
    for (const auto& ev : w->events) kafka::AppendToOutbox(tx, kEmploymentTopic, ev);
    db::AppendAudit(tx, principal, "DraftCareerPlan", case_id, "OK", request_id);
    out = p;
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "DraftCareerPlan", case_id, st, request_id);
    return st;
  }
  return out;
}

absl::StatusOr<PlanRecord> PgNeedsStore::AgreePlan(const auth::Principal& principal,
                                                   const std::string& plan_id,
                                                   const std::string& request_id,
                                                   const AgreeDecision& decide) {
  PlanRecord out;
  bool wrote_events = false;
  std::string case_id;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result pc = tx.exec_prepared(Name(kPlanCase), plan_id, scope.all, scope.districts);
    if (pc.empty()) return absl::NotFoundError("career plan not found");
    case_id = pc[0][0].as<std::string>();
    auto c = LockCase(tx, principal, case_id);
    if (!c.ok()) return c.status();
    // Read again under the case's lock: another command of the case may have moved it.
    pqxx::result pr = tx.exec_prepared(Name(kReadPlan), plan_id);
    if (pr.empty()) return absl::InternalError("career plan row missing");
    const PlanRecord plan = PlanOf(pr[0]);
    std::optional<PlanRecord> agreed;
    pqxx::result ar = tx.exec_prepared(Name(kAgreedPlan), case_id);
    if (!ar.empty()) agreed = PlanOf(ar[0]);
    auto w = decide(*c, plan, agreed);
    if (!w.ok()) return w.status();
    if (agreed.has_value()) tx.exec_prepared(Name(kSupersedePlan), agreed->plan_id);
    tx.exec_prepared(Name(kAgreePlan), plan_id, time::FormatDate(*w->plan.agreed_on),
                     w->plan.agreed_by);
    for (const auto& ev : w->events) kafka::AppendToOutbox(tx, kEmploymentTopic, ev);
    wrote_events = !w->events.empty();
    db::AppendAudit(tx, principal, "AgreeCareerPlan", case_id, "OK", request_id);
    pqxx::result after = tx.exec_prepared(Name(kReadPlan), plan_id);
    if (after.empty()) return absl::InternalError("career plan row missing");
    out = PlanOf(after[0]);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "AgreeCareerPlan", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<ProfileRecord> PgNeedsStore::RecordProfile(const auth::Principal& principal,
                                                          const std::string& case_id,
                                                          const std::string& request_id,
                                                          const ProfileDecision& decide) {
  ProfileRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto c = LockCase(tx, principal, case_id);
    if (!c.ok()) return c.status();
    auto p = decide(*c);
    if (!p.ok()) return p.status();
    tx.exec_prepared(Name(kUpsertProfile), case_id, db::TextArrayLiteral(p->skill_codes),
                     time::FormatDate(p->updated_on), p->recorded_by);
    tx.exec_prepared(Name(kDeleteCertificates), case_id);
    int seq = 0;
    for (const auto& cert : p->certificates) {
      tx.exec_prepared(Name(kInsertCertificate), case_id, ++seq, cert.certificate_code,
                       cert.issuer_code,
                       time::FormatDate(cert.obtained_on.value_or(p->updated_on)));
    }
    db::AppendAudit(tx, principal, "RecordSkillsProfile", case_id, "OK", request_id);
    auto after = ReadProfile(tx, case_id);
    if (!after.has_value()) return absl::InternalError("skills profile row missing");
    out = *std::move(after);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "RecordSkillsProfile", case_id, st, request_id);
    return st;
  }
  return out;
}

absl::StatusOr<CaseNeeds> PgNeedsStore::Get(const auth::Principal& principal,
                                            const std::string& case_id) {
  CaseNeeds out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    if (tx.exec_prepared(Name(kCaseInReach), case_id, scope.all, scope.districts).empty()) {
      return absl::NotFoundError("case not found");
    }
    for (const auto& row : tx.exec_prepared(Name(kListSurveys), case_id)) {
      out.surveys.push_back(SurveyOf(row));
    }
    for (const auto& row : tx.exec_prepared(Name(kListPlans), case_id)) {
      out.plans.push_back(PlanOf(row));
    }
    out.profile = ReadProfile(tx, case_id);
    db::AppendAudit(tx, principal, "GetCaseNeeds", case_id, "OK", "");
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "GetCaseNeeds", case_id, st, "");
    return st;
  }
  return out;
}

std::vector<db::Query> PgNeedsStore::Queries() {
  return {kLockCase,          kCaseInReach, kInsertSurvey,    kListSurveys,   kNextPlanVersion,
          kSupersedeDraft,    kInsertPlan,  kPlanCase,        kReadPlan,      kAgreedPlan,
          kSupersedePlan,     kAgreePlan,   kListPlans,       kUpsertProfile, kDeleteCertificates,
          kInsertCertificate, kReadProfile, kReadCertificates};
}

}  // namespace ccms::employment
