#include "services/assessment/pg_assessment_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "nlohmann/json.hpp"

namespace ccms::assessment {
namespace {

using domain::CaseState;

#define CCMS_MICROS(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

// District scope as SQL: $2 = all districts, $3 = the principal's district codes.
#define CCMS_SCOPE "($2::boolean OR c.district_code = ANY($3::text[]))"

// The columns of a case state, in the order RowToState reads them.
#define CCMS_CASE_COLUMNS                                                                        \
  "c.case_id::text, c.district_code, c.office_id, c.status, c.minor, c.supervision_start::text," \
  " c.supervision_end::text, c.intake_reported_on::text, c.level, c.level_rule,"                 \
  " c.level_effective_on::text, c.level_reasons::text, c.level_policy_version,"                  \
  " c.non_strict_since::text, c.review_on::text, c.override_level, c.override_on::text,"         \
  " c.last_warning_on::text, c.commendation_streak, c.social_risk, c.social_risk_on::text,"      \
  " c.psych_abnormal, c.psych_on::text, c.key_attention, c.version"

#define CCMS_ASSESSMENT_COLUMNS                                                                 \
  "a.assessment_id::text, a.case_id::text, c.district_code, a.instrument_id,"                   \
  " a.instrument_version, a.instrument_sha256, a.instrument_kind, a.kind, a.assessed_on::text," \
  " a.assessor_id, a.answers::text, a.total_score::float8, a.sub_scores::text, a.risk_level,"   \
  " a.abnormal, a.crisis_kinds::text, a.notes, a.policy_version, a.created_by, " CCMS_MICROS(   \
      "a.created_at")

#define CCMS_FLAG_COLUMNS \
  "f.flag_id::text, f.case_id::text, c.district_code, f.kind, f.source,"                   \
  " COALESCE(f.assessment_id::text, ''), " CCMS_MICROS("f.raised_at") ", f.raised_by, "    \
      CCMS_MICROS("f.acknowledge_by") ", " CCMS_MICROS("f.acknowledged_at")                 \
  ", COALESCE(f.acknowledged_by, ''), f.note, f.ack_note"

constexpr db::Query kInstrumentGet = {
    "assessment_instrument_get",
    "SELECT v.sha256, EXISTS (SELECT 1 FROM assessments a WHERE a.instrument_id = $1"
    " AND a.instrument_version = $2) FROM instrument_versions v"
    " WHERE v.instrument_id = $1 AND v.version = $2 FOR UPDATE"};
constexpr db::Query kInstrumentInsert = {
    "assessment_instrument_insert",
    "INSERT INTO instrument_versions (instrument_id, version, sha256) VALUES ($1, $2, $3)"};
constexpr db::Query kInstrumentUpdate = {
    "assessment_instrument_update",
    "UPDATE instrument_versions SET sha256 = $3, registered_at = now()"
    " WHERE instrument_id = $1 AND version = $2"};

constexpr db::Query kGetCase = {"assessment_get_case",
                                "SELECT " CCMS_CASE_COLUMNS
                                " FROM cases c WHERE c.case_id = $1 AND " CCMS_SCOPE};
constexpr db::Query kGetCaseForUpdate = {
    "assessment_get_case_for_update",
    "SELECT " CCMS_CASE_COLUMNS " FROM cases c WHERE c.case_id = $1 AND " CCMS_SCOPE " FOR UPDATE"};
constexpr db::Query kCaseKnown = {"assessment_case_known",
                                  "SELECT 1 FROM cases WHERE case_id = $1::uuid"};
constexpr db::Query kInsertMinimalCase = {
    "assessment_insert_minimal_case",
    "INSERT INTO cases (case_id, district_code, status) VALUES ($1, $2, 'PENDING_INTAKE')"
    " ON CONFLICT (case_id) DO NOTHING"};
// The case's open dues carry its district (V003: ListDueAssessments reads them alone): a
// transfer moves them in the same statement.
constexpr db::Query kUpdateCase = {
    "assessment_update_case",
    "WITH moved AS (UPDATE assessment_dues SET district_code = $2 WHERE case_id = $1"
    " AND completed_at IS NULL AND cancelled_at IS NULL AND district_code <> $2)"
    " UPDATE cases SET district_code = $2, office_id = $3, status = $4, minor = $5,"
    " supervision_start = NULLIF($6, '')::date, supervision_end = NULLIF($7, '')::date,"
    " intake_reported_on = NULLIF($8, '')::date, level = NULLIF($9, ''), level_rule = $10,"
    " level_effective_on = NULLIF($11, '')::date, level_reasons = $12::jsonb,"
    " level_policy_version = $13, non_strict_since = NULLIF($14, '')::date,"
    " review_on = NULLIF($15, '')::date, override_level = NULLIF($16, ''),"
    " override_on = NULLIF($17, '')::date, last_warning_on = NULLIF($18, '')::date,"
    " commendation_streak = $19, social_risk = NULLIF($20, ''),"
    " social_risk_on = NULLIF($21, '')::date, psych_abnormal = $22,"
    " psych_on = NULLIF($23, '')::date, key_attention = $24, version = version + 1,"
    " updated_at = now() WHERE case_id = $1 RETURNING version"};
constexpr db::Query kClosedMonths = {
    "assessment_closed_months",
    "SELECT month::text, total FROM points_months WHERE case_id = $1 AND status = 'CLOSED'"
    " ORDER BY month DESC LIMIT 3"};

constexpr db::Query kInsertAssessment = {
    "assessment_insert_assessment",
    "INSERT INTO assessments (assessment_id, case_id, instrument_id, instrument_version,"
    " instrument_sha256, instrument_kind, kind, assessed_on, assessor_id, answers, total_score,"
    " sub_scores, risk_level, abnormal, crisis_kinds, notes, policy_version, created_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9, $10::jsonb, $11::numeric, $12::jsonb,"
    " $13, $14, $15::jsonb, $16, $17, $18) RETURNING " CCMS_MICROS("created_at")};
constexpr db::Query kGetAssessment = {"assessment_get_assessment",
                                      "SELECT " CCMS_ASSESSMENT_COLUMNS
                                      " FROM assessments a JOIN cases c USING (case_id)"
                                      " WHERE a.assessment_id = $1 AND " CCMS_SCOPE};
constexpr db::Query kListAssessments = {
    "assessment_list_assessments",
    "SELECT " CCMS_ASSESSMENT_COLUMNS
    " FROM assessments a JOIN cases c USING (case_id) WHERE a.case_id = $1 AND " CCMS_SCOPE
    " AND a.assessment_id < COALESCE(NULLIF($4, '')::uuid,"
    " 'ffffffff-ffff-ffff-ffff-ffffffffffff') ORDER BY a.assessment_id DESC LIMIT $5"};

constexpr db::Query kUpsertDue = {
    "assessment_upsert_due",
    "INSERT INTO assessment_dues (due_id, case_id, instrument_kind, kind, window_opens_on,"
    " due_on, district_code) VALUES ($1, $2, $3, $4, $5::date, $6::date, $7)"
    " ON CONFLICT (case_id, instrument_kind, kind) WHERE completed_at IS NULL"
    " AND cancelled_at IS NULL DO UPDATE SET window_opens_on = EXCLUDED.window_opens_on,"
    " due_on = EXCLUDED.due_on, district_code = EXCLUDED.district_code"};
constexpr db::Query kCompleteDue = {
    "assessment_complete_due",
    "UPDATE assessment_dues SET completed_by = NULLIF($4, '')::uuid, completed_at = now()"
    " WHERE case_id = $1 AND instrument_kind = $2 AND kind = $3 AND completed_at IS NULL"
    " AND cancelled_at IS NULL"};
constexpr db::Query kCancelDues = {
    "assessment_cancel_dues",
    "UPDATE assessment_dues SET cancelled_at = now() WHERE case_id = $1"
    " AND completed_at IS NULL AND cancelled_at IS NULL"};
// The open dues alone, by due date: each carries its case's district (V003), and an open due's
// case is never closed (WriteCase), so no join to the cases. Three branches, each behind a
// one-time filter: a case's open dues (assessment_dues_one_open), a district's
// (assessment_dues_open_by_district, V003), or every district in scope
// (assessment_dues_open_by_date); each reads the page in order. Joined to the cases, the first
// page of the city sorted all the open dues up to the horizon (15,000 at a million cases, 60,000
// buffers), and a district's read its open cases' dues (2,600 buffers; docs/benchmarks.md, "City
// scale").
#define CCMS_DUE_BRANCH                                                              \
  " (SELECT d.due_id, d.case_id, d.district_code, d.instrument_kind, d.kind,"        \
  " d.window_opens_on, d.due_on FROM assessment_dues d"                              \
  " WHERE d.completed_at IS NULL AND d.cancelled_at IS NULL"                         \
  " AND ($2::boolean OR d.district_code = ANY($3::text[])) AND d.due_on <= $6::date" \
  " AND d.due_on < COALESCE(NULLIF($7, '')::date, 'infinity'::date)"                 \
  " AND (d.due_on, d.due_id) > (COALESCE(NULLIF($8, '')::date, '0001-01-01'::date)," \
  " COALESCE(NULLIF($9, '')::uuid, '00000000-0000-0000-0000-000000000000'::uuid)) AND "
constexpr db::Query kListDue = {
    "assessment_list_due",
    "SELECT u.due_id::text, u.case_id::text, u.district_code, u.instrument_kind, u.kind,"
    " u.window_opens_on::text, u.due_on::text FROM (" CCMS_DUE_BRANCH
    "$5 <> '' AND d.case_id = NULLIF($5, '')::uuid AND ($4 = '' OR d.district_code = $4)"
    " ORDER BY d.due_on, d.due_id LIMIT $1)"
    " UNION ALL" CCMS_DUE_BRANCH
    "$5 = '' AND $4 <> '' AND d.district_code = $4 ORDER BY d.due_on, d.due_id LIMIT $1)"
    " UNION ALL" CCMS_DUE_BRANCH
    "$5 = '' AND $4 = '' ORDER BY d.due_on, d.due_id LIMIT $1)"
    ") u ORDER BY u.due_on, u.due_id LIMIT $1"};
#undef CCMS_DUE_BRANCH

constexpr db::Query kMonthStatus = {
    "assessment_month_status",
    "SELECT status FROM points_months WHERE case_id = $1 AND month = $2::date"};
constexpr db::Query kLockMonth = {
    "assessment_lock_month",
    "SELECT status FROM points_months WHERE case_id = $1 AND month = $2::date FOR UPDATE"};
constexpr db::Query kOpenMonth = {
    "assessment_open_month",
    "INSERT INTO points_months (case_id, month, status, policy_version)"
    " VALUES ($1, $2::date, 'OPEN', $3) ON CONFLICT (case_id, month) DO NOTHING"};
constexpr db::Query kInsertEntry = {
    "assessment_insert_entry",
    "INSERT INTO points_entries (entry_id, case_id, month, amount, reason, source, occurred_on,"
    " note, policy_version, actor) VALUES ($1, $2, $3::date, $4, $5, $6, $7::date, $8, $9, $10)"
    " ON CONFLICT (case_id, source, reason) DO NOTHING"};
constexpr db::Query kGetMonth = {
    "assessment_get_month",
    "SELECT pm.status, COALESCE(pm.total, 0), pm.policy_version FROM points_months pm"
    " JOIN cases c USING (case_id) WHERE pm.case_id = $1 AND " CCMS_SCOPE
    " AND pm.month = $4::date"};
constexpr db::Query kMonthEntries = {
    "assessment_month_entries",
    "SELECT entry_id::text, month::text, amount, reason, source, occurred_on::text, note, "
    CCMS_MICROS("recorded_at") " FROM points_entries WHERE case_id = $1 AND month = $2::date"
    " ORDER BY recorded_at, entry_id"};
constexpr db::Query kSumMonth = {
    "assessment_sum_month",
    "SELECT COALESCE(sum(amount), 0)::int FROM points_entries WHERE case_id = $1"
    " AND month = $2::date"};
constexpr db::Query kCloseMonthRow = {
    "assessment_close_month_row",
    "UPDATE points_months SET status = 'CLOSED', total = $3, closed_at = now()"
    " WHERE case_id = $1 AND month = $2::date AND status = 'OPEN'"};

constexpr db::Query kInsertLevelChange = {
    "assessment_insert_level_change",
    "INSERT INTO level_changes (change_id, case_id, level, previous_level, effective_on, rule,"
    " reasons, policy_version, override, override_reason, actor) VALUES ($1, $2, $3,"
    " NULLIF($4, ''), $5::date, $6, $7::jsonb, $8, $9, $10, $11)"};
constexpr db::Query kLevelHistory = {
    "assessment_level_history",
    "SELECT l.change_id::text, l.level, COALESCE(l.previous_level, ''), l.effective_on::text,"
    " l.rule, l.reasons::text, l.policy_version, l.override, l.override_reason, l.actor, "
    CCMS_MICROS("l.recorded_at") " FROM level_changes l JOIN cases c USING (case_id)"
    " WHERE l.case_id = $1 AND " CCMS_SCOPE
    " ORDER BY l.recorded_at DESC, l.change_id DESC LIMIT $4"};

constexpr db::Query kInsertFlag = {
    "assessment_insert_flag",
    "INSERT INTO crisis_flags (flag_id, case_id, kind, source, assessment_id, raised_at,"
    " raised_by, acknowledge_by, note) VALUES ($1, $2, $3, $4, NULLIF($5, '')::uuid,"
    " to_timestamp($6::float8 / 1000000), $7, to_timestamp($8::float8 / 1000000), $9)"};
constexpr db::Query kAckFlag = {
    "assessment_ack_flag",
    "UPDATE crisis_flags SET acknowledged_at = to_timestamp($3::float8 / 1000000),"
    " acknowledged_by = $4, ack_note = $5 WHERE flag_id = $1 AND case_id = $2"
    " AND acknowledged_at IS NULL"};
constexpr db::Query kGetFlag = {"assessment_get_flag",
                                "SELECT " CCMS_FLAG_COLUMNS
                                " FROM crisis_flags f JOIN cases c USING (case_id)"
                                " WHERE f.flag_id = $1 AND " CCMS_SCOPE};
constexpr db::Query kFlagsOfAssessment = {"assessment_flags_of_assessment",
                                          "SELECT " CCMS_FLAG_COLUMNS
                                          " FROM crisis_flags f JOIN cases c USING (case_id)"
                                          " WHERE f.assessment_id = $1 ORDER BY f.flag_id"};
constexpr db::Query kListFlags = {
    "assessment_list_flags",
    "SELECT " CCMS_FLAG_COLUMNS
    " FROM crisis_flags f JOIN cases c USING (case_id) WHERE " CCMS_SCOPE
    " AND ($4 = '' OR c.district_code = $4) AND ($5 = '' OR f.case_id::text = $5)"
    " AND (NOT $6::boolean OR f.acknowledged_at IS NULL)"
    " AND (f.raised_at, f.flag_id) > (to_timestamp($7::float8 / 1000000),"
    " COALESCE(NULLIF($8, '')::uuid, '00000000-0000-0000-0000-000000000000'::uuid))"
    " ORDER BY f.raised_at, f.flag_id LIMIT $1"};
constexpr db::Query kCountFlags = {
    "assessment_count_flags",
    "SELECT c.district_code, count(*),"
    " count(*) FILTER (WHERE f.acknowledge_by < to_timestamp($1::float8 / 1000000))"
    " FROM crisis_flags f JOIN cases c USING (case_id) WHERE f.acknowledged_at IS NULL"
    " GROUP BY c.district_code"};

constexpr db::Query kOpenMonthForActive = {
    "assessment_open_month_for_active",
    "INSERT INTO points_months (case_id, month, status, policy_version)"
    " SELECT case_id, $1::date, 'OPEN', $2 FROM cases WHERE status = 'ACTIVE'"
    " AND intake_reported_on < ($1::date + interval '1 month')"
    " ON CONFLICT (case_id, month) DO NOTHING"};
constexpr db::Query kBaseForMonth = {
    "assessment_base_for_month",
    "INSERT INTO points_entries (entry_id, case_id, month, amount, reason, source, occurred_on,"
    " policy_version, actor) SELECT gen_random_uuid(), pm.case_id, pm.month, $2, 'BASE',"
    " 'base:' || to_char(pm.month, 'YYYY-MM'), pm.month, pm.policy_version, 'ccms-assessment'"
    " FROM points_months pm WHERE pm.month = $1::date AND pm.status = 'OPEN'"
    " ON CONFLICT (case_id, source, reason) DO NOTHING"};
constexpr db::Query kMonthsToClose = {
    "assessment_months_to_close",
    "SELECT case_id::text, month::text FROM points_months WHERE status = 'OPEN'"
    " AND month < $1::date ORDER BY month, case_id LIMIT $2"};
constexpr db::Query kCasesToReview = {
    "assessment_cases_to_review",
    "SELECT case_id::text FROM cases WHERE status = 'ACTIVE' AND review_on <= $1::date"
    " ORDER BY review_on, case_id LIMIT $2"};

using db::Name;

std::string DateText(const std::optional<absl::CivilDay>& d) {
  return d.has_value() ? time::FormatDate(*d) : "";
}

std::optional<absl::CivilDay> OptDate(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return time::ParseDate(f.as<std::string>());
}

absl::CivilDay DateOf(const pqxx::field& f) { return OptDate(f).value_or(absl::CivilDay()); }

std::string MonthKey(absl::CivilDay month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

std::string JsonStrings(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

std::vector<std::string> ParseStrings(const std::string& text) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

std::string StrOr(const pqxx::field& f) { return f.is_null() ? "" : f.as<std::string>(); }

CaseState RowToState(const pqxx::row& r) {
  CaseState s;
  s.case_id = r[0].as<std::string>();
  s.district_code = r[1].as<std::string>();
  s.office_id = r[2].as<std::string>();
  s.status =
      domain::ParseCaseStatus(r[3].as<std::string>()).value_or(domain::CaseStatus::kPendingIntake);
  s.minor = r[4].as<bool>();
  s.supervision_start = OptDate(r[5]);
  s.supervision_end = OptDate(r[6]);
  s.intake_reported_on = OptDate(r[7]);
  s.level = domain::ParseLevel(StrOr(r[8])).value_or(domain::Level::kUnspecified);
  s.level_rule = r[9].as<std::string>();
  s.level_effective_on = OptDate(r[10]);
  s.level_reasons = ParseStrings(r[11].as<std::string>());
  s.level_policy_version = r[12].as<std::string>();
  s.non_strict_since = OptDate(r[13]);
  s.review_on = OptDate(r[14]);
  if (!r[15].is_null()) {
    s.override_level = domain::LevelOverride{
        domain::ParseLevel(r[15].as<std::string>()).value_or(domain::Level::kUnspecified),
        DateOf(r[16])};
  }
  s.last_warning_on = OptDate(r[17]);
  s.commendation_streak = r[18].as<int>();
  s.social_risk = domain::ParseRiskLevel(StrOr(r[19])).value_or(domain::RiskLevel::kUnspecified);
  s.social_risk_on = OptDate(r[20]);
  s.psych_abnormal = r[21].as<bool>();
  s.psych_on = OptDate(r[22]);
  s.key_attention = r[23].as<bool>();
  s.version = r[24].as<int64_t>();
  return s;
}

AssessmentRecord RowToAssessment(const pqxx::row& r) {
  AssessmentRecord a;
  a.assessment_id = r[0].as<std::string>();
  a.case_id = r[1].as<std::string>();
  a.district_code = r[2].as<std::string>();
  a.instrument_id = r[3].as<std::string>();
  a.instrument_version = r[4].as<int>();
  a.instrument_sha256 = r[5].as<std::string>();
  a.instrument_kind = domain::ParseInstrumentKind(r[6].as<std::string>())
                          .value_or(domain::InstrumentKind::kUnspecified);
  a.kind = domain::ParseAssessmentKind(r[7].as<std::string>())
               .value_or(domain::AssessmentKind::kUnspecified);
  a.assessed_on = DateOf(r[8]);
  a.assessor_id = r[9].as<std::string>();
  auto answers = nlohmann::json::parse(r[10].as<std::string>(), nullptr, false);
  if (answers.is_array()) {
    for (const auto& e : answers) {
      a.answers.push_back({e.value("item_id", ""), e.value("option_id", "")});
    }
  }
  a.scores.total = r[11].as<double>();
  auto subs = nlohmann::json::parse(r[12].as<std::string>(), nullptr, false);
  if (subs.is_array()) {
    for (const auto& e : subs) {
      a.scores.sub_scores.push_back(
          {e.value("subscale_id", ""), e.value("score", 0.0), e.value("abnormal", false)});
    }
  }
  a.scores.risk =
      domain::ParseRiskLevel(r[13].as<std::string>()).value_or(domain::RiskLevel::kUnspecified);
  a.scores.abnormal = r[14].as<bool>();
  for (const auto& k : ParseStrings(r[15].as<std::string>())) {
    a.scores.crisis.push_back(domain::ParseCrisisKind(k).value_or(domain::CrisisKind::kOther));
  }
  a.notes = r[16].as<std::string>();
  a.policy_version = r[17].as<std::string>();
  a.created_by = r[18].as<std::string>();
  a.created_at = absl::FromUnixMicros(r[19].as<int64_t>());
  return a;
}

CrisisFlagRecord RowToFlag(const pqxx::row& r) {
  CrisisFlagRecord f;
  f.flag_id = r[0].as<std::string>();
  f.case_id = r[1].as<std::string>();
  f.district_code = r[2].as<std::string>();
  f.kind = domain::ParseCrisisKind(r[3].as<std::string>()).value_or(domain::CrisisKind::kOther);
  f.from_assessment = r[4].as<std::string>() == "ASSESSMENT";
  f.assessment_id = r[5].as<std::string>();
  f.raised_at = absl::FromUnixMicros(r[6].as<int64_t>());
  f.raised_by = r[7].as<std::string>();
  f.acknowledge_by = absl::FromUnixMicros(r[8].as<int64_t>());
  if (!r[9].is_null()) f.acknowledged_at = absl::FromUnixMicros(r[9].as<int64_t>());
  f.acknowledged_by = r[10].as<std::string>();
  f.note = r[11].as<std::string>();
  f.ack_note = r[12].as<std::string>();
  return f;
}

using Scope = db::DistrictScope;
using db::ScopeOf;

auth::Principal SystemPrincipal(const std::string& actor) {
  auth::Principal p;
  p.subject = actor.empty() ? "ccms-assessment" : actor;
  p.role = auth::Role::kService;
  p.all_districts = true;
  return p;
}

absl::Status NotFound() { return absl::NotFoundError("case not found"); }

absl::StatusOr<CaseState> LoadState(pqxx::work& tx, const auth::Principal& principal,
                                    const std::string& case_id, bool for_update) {
  const Scope scope = ScopeOf(principal);
  pqxx::result r = tx.exec_prepared(Name(for_update ? kGetCaseForUpdate : kGetCase), case_id,
                                    scope.all, scope.districts);
  if (r.empty()) return NotFound();
  CaseState s = RowToState(r[0]);
  for (const auto& row : tx.exec_prepared(Name(kClosedMonths), case_id)) {
    s.closed_months.push_back({DateOf(row[0]), row[1].as<int>()});
  }
  return s;
}

void EnsureMonth(pqxx::work& tx, const std::string& case_id, absl::CivilDay month, int base,
                 const std::string& policy_version, const std::string& actor) {
  tx.exec_prepared(Name(kOpenMonth), case_id, time::FormatDate(month), policy_version);
  tx.exec_prepared(Name(kInsertEntry), ids::NewUuid(), case_id, time::FormatDate(month), base,
                   "BASE", "base:" + MonthKey(month), time::FormatDate(month), "", policy_version,
                   actor);
}

std::string AnswersJson(const std::vector<domain::AnswerInput>& answers) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& a : answers) j.push_back({{"item_id", a.item_id}, {"option_id", a.option_id}});
  return j.dump();
}

std::string SubScoresJson(const std::vector<domain::SubScoreResult>& subs) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& s : subs) {
    j.push_back({{"subscale_id", s.subscale}, {"score", s.score}, {"abnormal", s.abnormal}});
  }
  return j.dump();
}

// Writes a decided change: the state, the records, the effects, the events.
absl::Status WriteCase(pqxx::work& tx, const std::string& actor, const CaseWrite& w) {
  const CaseState& s = w.state;
  tx.exec_prepared1(
      Name(kUpdateCase), s.case_id, s.district_code, s.office_id,
      std::string(domain::CaseStatusName(s.status)), s.minor, DateText(s.supervision_start),
      DateText(s.supervision_end), DateText(s.intake_reported_on),
      s.level == domain::Level::kUnspecified ? "" : std::string(domain::LevelName(s.level)),
      s.level_rule, DateText(s.level_effective_on), JsonStrings(s.level_reasons),
      s.level_policy_version, DateText(s.non_strict_since), DateText(s.review_on),
      s.override_level ? std::string(domain::LevelName(s.override_level->level)) : "",
      s.override_level ? time::FormatDate(s.override_level->on) : "", DateText(s.last_warning_on),
      s.commendation_streak,
      s.social_risk == domain::RiskLevel::kUnspecified
          ? ""
          : std::string(domain::RiskLevelName(s.social_risk)),
      DateText(s.social_risk_on), s.psych_abnormal, DateText(s.psych_on), s.key_attention);

  std::string assessment_id;
  if (w.assessment.has_value()) {
    const AssessmentRecord& a = *w.assessment;
    assessment_id = a.assessment_id;
    std::vector<std::string> crisis;
    for (auto k : a.scores.crisis) crisis.push_back(std::string(domain::CrisisKindName(k)));
    tx.exec_prepared(
        Name(kInsertAssessment), a.assessment_id, s.case_id, a.instrument_id, a.instrument_version,
        a.instrument_sha256, std::string(domain::InstrumentKindName(a.instrument_kind)),
        std::string(domain::AssessmentKindName(a.kind)), time::FormatDate(a.assessed_on),
        a.assessor_id, AnswersJson(a.answers), absl::StrFormat("%.2f", a.scores.total),
        SubScoresJson(a.scores.sub_scores), std::string(domain::RiskLevelName(a.scores.risk)),
        a.scores.abnormal, JsonStrings(crisis), a.notes, a.policy_version, a.created_by);
  }

  const domain::Effects& e = w.effects;
  for (const auto& [instrument, kind] : e.completed_dues) {
    tx.exec_prepared(Name(kCompleteDue), s.case_id,
                     std::string(domain::InstrumentKindName(instrument)),
                     std::string(domain::AssessmentKindName(kind)), assessment_id);
  }
  if (e.cancel_open_dues) tx.exec_prepared(Name(kCancelDues), s.case_id);
  // A closed case has no open due (ListDueAssessments relies on it, V003): the close cancels
  // them, and none is added after.
  for (const auto& d : e.dues) {
    if (s.status == domain::CaseStatus::kClosed) break;
    tx.exec_prepared(Name(kUpsertDue), ids::NewUuid(), s.case_id,
                     std::string(domain::InstrumentKindName(d.instrument)),
                     std::string(domain::AssessmentKindName(d.kind)),
                     time::FormatDate(d.window_opens_on), time::FormatDate(d.due_on),
                     s.district_code);
  }

  for (absl::CivilDay m : e.open_months) {
    EnsureMonth(tx, s.case_id, m, w.points_base, w.policy_version, actor);
  }
  for (size_t i = 0; i < e.ledger.size(); ++i) {
    const domain::LedgerPlan& l = e.ledger[i];
    pqxx::result st = tx.exec_prepared(Name(kMonthStatus), s.case_id,
                                       time::FormatDate(domain::MonthOf(l.occurred_on)));
    const bool closed = !st.empty() && st[0][0].as<std::string>() == "CLOSED";
    const absl::CivilDay month = domain::LedgerMonthFor(l.occurred_on, w.today, closed);
    EnsureMonth(tx, s.case_id, month, w.points_base, w.policy_version, actor);
    std::string source = w.ledger_source.empty() ? ids::NewUuid() : w.ledger_source;
    if (i > 0) source += absl::StrCat("#", i);
    tx.exec_prepared(Name(kInsertEntry), ids::NewUuid(), s.case_id, time::FormatDate(month),
                     l.amount, l.reason, source, time::FormatDate(l.occurred_on), w.ledger_note,
                     w.policy_version, actor);
  }

  if (e.level_change.has_value()) {
    const domain::LevelChangePlan& c = *e.level_change;
    tx.exec_prepared(
        Name(kInsertLevelChange), w.level_change_id, s.case_id,
        std::string(domain::LevelName(c.to)),
        c.from == domain::Level::kUnspecified ? "" : std::string(domain::LevelName(c.from)),
        time::FormatDate(c.effective_on), c.rule, JsonStrings(c.reasons), w.policy_version,
        c.override, w.override_reason, actor);
  }

  for (const auto& f : w.new_flags) {
    tx.exec_prepared(
        Name(kInsertFlag), f.flag_id, s.case_id, std::string(domain::CrisisKindName(f.kind)),
        f.from_assessment ? "ASSESSMENT" : "STAFF", f.assessment_id,
        absl::ToUnixMicros(f.raised_at), f.raised_by, absl::ToUnixMicros(f.acknowledge_by), f.note);
  }
  if (w.ack.has_value()) {
    pqxx::result r = tx.exec_prepared(Name(kAckFlag), w.ack->flag_id, s.case_id,
                                      absl::ToUnixMicros(w.ack->at), w.ack->by, w.ack->note);
    if (r.affected_rows() == 0) {
      return absl::FailedPreconditionError("the crisis flag is already acknowledged");
    }
  }
  for (const auto& event : w.events) kafka::AppendToOutbox(tx, kAssessmentTopic, event);
  return absl::OkStatus();
}

// Loads (or creates) the case, runs the mutator and writes its decision.
absl::StatusOr<MutationResult> Apply(pqxx::work& tx, const auth::Principal& principal,
                                     const Mutation& m, const CaseMutator& mutate,
                                     bool* wrote_events) {
  if (!m.create_in_district.empty()) {
    tx.exec_prepared(Name(kInsertMinimalCase), m.case_id, m.create_in_district);
  }
  auto current = LoadState(tx, principal, m.case_id, /*for_update=*/true);
  if (!current.ok()) return current.status();
  if (m.expected_version.has_value() && *m.expected_version != current->version) {
    return absl::AbortedError("the case's assessment state changed since it was read; reload");
  }
  auto write = mutate(*current);
  if (!write.ok()) return write.status();
  const std::string actor = m.actor.empty() ? principal.subject : m.actor;
  if (auto st = WriteCase(tx, actor, *write); !st.ok()) return st;
  *wrote_events = !write->events.empty();
  MutationResult out;
  out.resource_id = write->resource_id;
  out.state = write->state;
  out.state.version = current->version + 1;
  return out;
}

}  // namespace

std::vector<db::Query> PgAssessmentStore::Queries() {
  return {kInstrumentGet,     kInstrumentInsert, kInstrumentUpdate,
          kGetCase,           kGetCaseForUpdate, kCaseKnown,
          kInsertMinimalCase, kUpdateCase,       kClosedMonths,
          kInsertAssessment,  kGetAssessment,    kListAssessments,
          kUpsertDue,         kCompleteDue,      kCancelDues,
          kListDue,           kMonthStatus,      kLockMonth,
          kOpenMonth,         kInsertEntry,      kGetMonth,
          kMonthEntries,      kSumMonth,         kCloseMonthRow,
          kInsertLevelChange, kLevelHistory,     kInsertFlag,
          kAckFlag,           kGetFlag,          kFlagsOfAssessment,
          kListFlags,         kCountFlags,       kOpenMonthForActive,
          kBaseForMonth,      kMonthsToClose,    kCasesToReview};
}

absl::Status PgAssessmentStore::RegisterInstruments(
    const std::vector<InstrumentFingerprint>& shipped) {
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    for (const auto& f : shipped) {
      pqxx::result r = tx.exec_prepared(Name(kInstrumentGet), f.instrument_id, f.version);
      if (r.empty()) {
        tx.exec_prepared(Name(kInstrumentInsert), f.instrument_id, f.version, f.sha256);
        continue;
      }
      if (r[0][0].as<std::string>() == f.sha256) continue;
      if (r[0][1].as<bool>()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "instrument ", f.instrument_id, " version ", f.version,
            " has been used and its file changed since; ship the change as a new version"));
      }
      tx.exec_prepared(Name(kInstrumentUpdate), f.instrument_id, f.version, f.sha256);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<CaseState> PgAssessmentStore::GetCaseState(const auth::Principal& principal,
                                                          const std::string& case_id) {
  CaseState out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto s = LoadState(tx, principal, case_id, /*for_update=*/false);
    if (!s.ok()) return s.status();
    out = *std::move(s);
    db::AppendAudit(tx, principal, "GetSupervisionLevel", case_id, "OK", "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<bool> PgAssessmentStore::CaseKnown(const std::string& case_id) {
  bool known = false;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    known = !tx.exec_prepared(Name(kCaseKnown), case_id).empty();
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return known;
}

absl::Status PgAssessmentStore::MutateInTransaction(pqxx::work& tx, const Mutation& mutation,
                                                    const CaseMutator& mutate) {
  bool wrote_events = false;
  auto result = Apply(tx, SystemPrincipal(mutation.actor), mutation, mutate, &wrote_events);
  if (!result.ok()) return result.status();
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return absl::OkStatus();
}

absl::StatusOr<MutationResult> PgAssessmentStore::MutateCase(const auth::Principal& principal,
                                                             const Mutation& m,
                                                             const CaseMutator& mutate) {
  MutationResult out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto result = Apply(tx, principal, m, mutate, &wrote_events);
    if (!result.ok()) return result.status();
    out = *std::move(result);
    if (!m.request_id.empty())
      db::AppendAudit(tx, principal, m.method, m.case_id, "OK", m.request_id);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<AssessmentRecord> PgAssessmentStore::GetAssessment(const auth::Principal& principal,
                                                                  const std::string& assessment_id,
                                                                  bool audit) {
  AssessmentRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kGetAssessment), assessment_id, scope.all, scope.districts);
    if (r.empty()) return absl::NotFoundError("assessment not found");
    out = RowToAssessment(r[0]);
    if (audit) db::AppendAudit(tx, principal, "GetAssessment", out.case_id, "OK", "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<Page<AssessmentRecord>> PgAssessmentStore::ListAssessments(
    const auth::Principal& principal, const std::string& case_id, int page_size,
    const std::string& after) {
  Page<AssessmentRecord> page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto state = LoadState(tx, principal, case_id, /*for_update=*/false);
    if (!state.ok()) return state.status();
    const Scope scope = ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kListAssessments), case_id, scope.all, scope.districts,
                                      after, page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == page_size) {
        page.next = page.items.back().assessment_id;
        break;
      }
      page.items.push_back(RowToAssessment(row));
    }
    db::AppendAudit(tx, principal, "ListAssessments", case_id, "OK", "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<Page<DueRecord>> PgAssessmentStore::ListDue(const auth::Principal& principal,
                                                           const DueFilter& f) {
  Page<DueRecord> page;
  std::string after_day, after_id;
  if (!f.after.empty()) {
    std::vector<std::string> parts = absl::StrSplit(f.after, '/');
    if (parts.size() == 2) {
      after_day = parts[0];
      after_id = parts[1];
    }
  }
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kListDue), f.page_size + 1, scope.all, scope.districts,
                                      f.district_code, f.case_id, time::FormatDate(f.due_before),
                                      DateText(f.overdue_before), after_day, after_id);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        const DueRecord& last = page.items.back();
        page.next = absl::StrCat(time::FormatDate(last.due_on), "/", last.due_id);
        break;
      }
      DueRecord d;
      d.due_id = row[0].as<std::string>();
      d.case_id = row[1].as<std::string>();
      d.district_code = row[2].as<std::string>();
      d.instrument_kind = domain::ParseInstrumentKind(row[3].as<std::string>())
                              .value_or(domain::InstrumentKind::kUnspecified);
      d.kind = domain::ParseAssessmentKind(row[4].as<std::string>())
                   .value_or(domain::AssessmentKind::kUnspecified);
      d.window_opens_on = DateOf(row[5]);
      d.due_on = DateOf(row[6]);
      page.items.push_back(std::move(d));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<std::vector<LevelChangeRecord>> PgAssessmentStore::LevelHistory(
    const auth::Principal& principal, const std::string& case_id, int limit) {
  std::vector<LevelChangeRecord> out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    for (const auto& row :
         tx.exec_prepared(Name(kLevelHistory), case_id, scope.all, scope.districts, limit)) {
      LevelChangeRecord c;
      c.change_id = row[0].as<std::string>();
      c.level = domain::ParseLevel(row[1].as<std::string>()).value_or(domain::Level::kUnspecified);
      c.previous_level =
          domain::ParseLevel(row[2].as<std::string>()).value_or(domain::Level::kUnspecified);
      c.effective_on = DateOf(row[3]);
      c.rule = row[4].as<std::string>();
      c.reasons = ParseStrings(row[5].as<std::string>());
      c.policy_version = row[6].as<std::string>();
      c.override = row[7].as<bool>();
      c.override_reason = row[8].as<std::string>();
      c.actor = row[9].as<std::string>();
      c.recorded_at = absl::FromUnixMicros(row[10].as<int64_t>());
      out.push_back(std::move(c));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<CrisisFlagRecord> PgAssessmentStore::GetCrisisFlag(const auth::Principal& principal,
                                                                  const std::string& flag_id) {
  CrisisFlagRecord out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kGetFlag), flag_id, scope.all, scope.districts);
    if (r.empty()) return absl::NotFoundError("crisis flag not found");
    out = RowToFlag(r[0]);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::vector<CrisisFlagRecord>> PgAssessmentStore::CrisisFlagsOfAssessment(
    const std::string& assessment_id) {
  std::vector<CrisisFlagRecord> out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec_prepared(Name(kFlagsOfAssessment), assessment_id)) {
      out.push_back(RowToFlag(row));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<Page<CrisisFlagRecord>> PgAssessmentStore::ListCrisisFlags(
    const auth::Principal& principal, const CrisisFilter& f) {
  Page<CrisisFlagRecord> page;
  int64_t after_us = 0;
  std::string after_id;
  if (!f.after.empty()) {
    std::vector<std::string> parts = absl::StrSplit(f.after, '/');
    if (parts.size() == 2 && absl::SimpleAtoi(parts[0], &after_us)) after_id = parts[1];
  }
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kListFlags), f.page_size + 1, scope.all, scope.districts,
                         f.district_code, f.case_id, f.unacknowledged_only, after_us, after_id);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        const CrisisFlagRecord& last = page.items.back();
        page.next = absl::StrCat(absl::ToUnixMicros(last.raised_at), "/", last.flag_id);
        break;
      }
      page.items.push_back(RowToFlag(row));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<LedgerMonth> PgAssessmentStore::GetLedgerMonth(const auth::Principal& principal,
                                                              const std::string& case_id,
                                                              absl::CivilDay month) {
  LedgerMonth out;
  out.case_id = case_id;
  out.month = month;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto state = LoadState(tx, principal, case_id, /*for_update=*/false);
    if (!state.ok()) return state.status();
    const Scope scope = ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kGetMonth), case_id, scope.all, scope.districts,
                                      time::FormatDate(month));
    if (!r.empty()) {
      out.exists = true;
      out.closed = r[0][0].as<std::string>() == "CLOSED";
      out.total = r[0][1].as<int>();
      out.policy_version = r[0][2].as<std::string>();
    }
    int sum = 0;
    for (const auto& row :
         tx.exec_prepared(Name(kMonthEntries), case_id, time::FormatDate(month))) {
      LedgerEntryRecord e;
      e.entry_id = row[0].as<std::string>();
      e.month = DateOf(row[1]);
      e.amount = row[2].as<int>();
      e.reason = row[3].as<std::string>();
      e.source = row[4].as<std::string>();
      e.occurred_on = DateOf(row[5]);
      e.note = row[6].as<std::string>();
      e.recorded_at = absl::FromUnixMicros(row[7].as<int64_t>());
      sum += e.amount;
      out.entries.push_back(std::move(e));
    }
    if (!out.closed) out.total = sum;
    db::AppendAudit(tx, principal, "GetPointsLedger", case_id, "OK", "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::vector<CrisisCount>> PgAssessmentStore::CountCrisisFlags(absl::Time now) {
  std::vector<CrisisCount> out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec_prepared(Name(kCountFlags), absl::ToUnixMicros(now))) {
      out.push_back({row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<int64_t>()});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::Status PgAssessmentStore::OpenMonthForActiveCases(absl::CivilDay month, int base,
                                                        const std::string& policy_version) {
  return pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared(Name(kOpenMonthForActive), time::FormatDate(month), policy_version);
    tx.exec_prepared(Name(kBaseForMonth), time::FormatDate(month), base);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<MonthToClose>> PgAssessmentStore::MonthsToClose(
    absl::CivilDay before_month, int limit) {
  std::vector<MonthToClose> out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row :
         tx.exec_prepared(Name(kMonthsToClose), time::FormatDate(before_month), limit)) {
      out.push_back({row[0].as<std::string>(), DateOf(row[1])});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::vector<std::string>> PgAssessmentStore::CasesToReview(absl::CivilDay today,
                                                                          int limit) {
  std::vector<std::string> out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec_prepared(Name(kCasesToReview), time::FormatDate(today), limit)) {
      out.push_back(row[0].as<std::string>());
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::Status PgAssessmentStore::CloseMonth(const MonthToClose& month, int base,
                                           const std::string& policy_version,
                                           const std::string& actor, const CaseMutator& mutate) {
  bool wrote_events = false;
  const auth::Principal system = SystemPrincipal(actor);
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    // Lock the case first (every writer does), then the month.
    auto locked = LoadState(tx, system, month.case_id, /*for_update=*/true);
    if (!locked.ok()) return locked.status();
    pqxx::result status =
        tx.exec_prepared(Name(kLockMonth), month.case_id, time::FormatDate(month.month));
    if (status.empty() || status[0][0].as<std::string>() != "OPEN") return absl::OkStatus();
    EnsureMonth(tx, month.case_id, month.month, base, policy_version, system.subject);
    const int total =
        tx.exec_prepared1(Name(kSumMonth), month.case_id, time::FormatDate(month.month))[0]
            .as<int>();
    tx.exec_prepared(Name(kCloseMonthRow), month.case_id, time::FormatDate(month.month), total);
    Mutation m;
    m.case_id = month.case_id;
    m.actor = system.subject;
    auto result = Apply(tx, system, m, mutate, &wrote_events);
    return result.status();
  });
  if (!st.ok()) return st;
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return absl::OkStatus();
}

}  // namespace ccms::assessment
