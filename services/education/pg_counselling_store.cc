#include "services/education/pg_counselling_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/education/pg_case_command.h"
#include "services/education/pg_case_store.h"
#include "services/education/pg_service_file_store.h"

namespace ccms::education {
namespace {

using db::Name;

// Times go in as RFC 3339 text and come out as exact microseconds (extract returns numeric).
#define CCMS_CARE_MICROS(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

constexpr db::Query kExpert = {
    "education_care_expert",
    "SELECT expert_id::text, district_code, kind, agency_id, display_name, qualification_code,"
    " therapy_qualified, created_by, " CCMS_CARE_MICROS(
        "created_at") " FROM counselling_experts WHERE expert_id = $1::uuid"};
constexpr db::Query kInsertExpert = {
    "education_care_insert_expert",
    "INSERT INTO counselling_experts (expert_id, district_code, kind, agency_id, display_name,"
    " qualification_code, therapy_qualified, created_by, created_at)"
    " SELECT $1::uuid, $2, $3, $4, $5, $6, $7, $8, $9::timestamptz"
    " WHERE $10::boolean OR $2 = ANY($11::text[])"};
constexpr db::Query kListExperts = {
    "education_care_list_experts",
    "SELECT expert_id::text, district_code, kind, agency_id, display_name, qualification_code,"
    " therapy_qualified, created_by, " CCMS_CARE_MICROS(
        "created_at") " FROM counselling_experts"
                      " WHERE ($1::boolean OR district_code = ANY($2::text[]))"
                      " AND ($3 = '' OR district_code = $3)"
                      " AND ($4 = '' OR expert_id > NULLIF($4, '')::uuid)"
                      " ORDER BY expert_id LIMIT $5"};
constexpr db::Query kFile = {"education_care_psych_file",
                             "SELECT text_blob, version, updated_by, " CCMS_CARE_MICROS(
                                 "updated_at") " FROM psych_files WHERE case_id = $1::uuid"};
constexpr db::Query kSessions = {
    "education_care_sessions",
    "SELECT s.session_id::text, s.expert_id::text, s.kind, " CCMS_CARE_MICROS(
        "s.held_at") ", s.duration_minutes, s.recorded_by,"
                     " COALESCE((SELECT string_agg(u.flag_id, ',' ORDER BY u.flag_id)"
                     " FROM urgent_contacts u WHERE u.met_by_session_id = s.session_id), '')"
                     " FROM counselling_sessions s WHERE s.case_id = $1::uuid"
                     " ORDER BY s.held_at, s.session_id"};
constexpr db::Query kReferrals = {
    "education_care_referrals",
    "SELECT referral_id::text, institution_agency_id, reason, referred_on::text, outcome,"
    " outcome_on::text, referred_by FROM counselling_referrals WHERE case_id = $1::uuid"
    " ORDER BY referred_on, created_at, referral_id"};
#define CCMS_URGENT_COLUMNS \
  "flag_id, case_id::text, district_code, crisis_kind, " CCMS_CARE_MICROS(                     \
      "raised_at") ", " CCMS_CARE_MICROS("due_at") ", policy_version, " CCMS_CARE_MICROS( \
      "met_at") ", COALESCE(met_by_session_id::text, '')"
constexpr db::Query kUrgentOfCase = {"education_care_urgent_of_case",
                                     "SELECT " CCMS_URGENT_COLUMNS
                                     " FROM urgent_contacts WHERE case_id = $1::uuid"
                                     " ORDER BY raised_at, flag_id"};
constexpr db::Query kListUrgent = {
    "education_care_list_urgent",
    "SELECT " CCMS_URGENT_COLUMNS
    " FROM urgent_contacts WHERE met_at IS NULL"
    " AND ($1::boolean OR district_code = ANY($2::text[])) AND ($3 = '' OR district_code = $3)"
    " AND (NOT $4::boolean OR due_at < $5::timestamptz)"
    " AND (NOT $6::boolean OR due_at > $7::timestamptz OR (due_at = $7::timestamptz AND flag_id > "
    "$8))"
    " ORDER BY due_at, flag_id LIMIT $9"};
constexpr db::Query kInsertSession = {
    "education_care_insert_session",
    "INSERT INTO counselling_sessions (session_id, case_id, expert_id, kind, held_at,"
    " duration_minutes, recorded_by) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::timestamptz,"
    " $6, $7)"};
constexpr db::Query kMeetUrgent = {
    "education_care_meet_urgent",
    "UPDATE urgent_contacts SET met_at = $2::timestamptz, met_by_session_id = $3::uuid"
    " WHERE case_id = $4::uuid AND flag_id = ANY($1::text[]) AND met_at IS NULL"};
constexpr db::Query kUpsertFile = {
    "education_care_upsert_psych_file",
    "INSERT INTO psych_files (case_id, text_blob, version, updated_by, updated_at)"
    " VALUES ($1::uuid, $2, $3, $4, $5::timestamptz) ON CONFLICT (case_id) DO UPDATE SET"
    " text_blob = EXCLUDED.text_blob, version = EXCLUDED.version,"
    " updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at"
    " WHERE psych_files.version = EXCLUDED.version - 1"};
constexpr db::Query kInsertReferral = {
    "education_care_insert_referral",
    "INSERT INTO counselling_referrals (referral_id, case_id, institution_agency_id, reason,"
    " referred_on, outcome, referred_by) VALUES ($1::uuid, $2::uuid, $3, $4, $5::date, $6, $7)"};
constexpr db::Query kReferralOutcome = {
    "education_care_referral_outcome",
    "UPDATE counselling_referrals SET outcome = $3, outcome_on = $4::date"
    " WHERE referral_id = $1::uuid AND case_id = $2::uuid"};
constexpr db::Query kInsertCrisis = {
    "education_care_insert_crisis",
    "INSERT INTO urgent_contacts (flag_id, case_id, district_code, crisis_kind, raised_at,"
    " due_at, policy_version) VALUES ($1, $2::uuid, $3, $4, $5::timestamptz, $6::timestamptz,"
    " $7) ON CONFLICT (flag_id) DO NOTHING"};
constexpr db::Query kMeetCrisisLate = {
    "education_care_meet_crisis_late",
    "UPDATE urgent_contacts u SET (met_at, met_by_session_id) = (SELECT s.held_at, s.session_id"
    " FROM counselling_sessions s WHERE s.case_id = u.case_id AND s.held_at >= u.raised_at"
    " ORDER BY s.held_at, s.session_id LIMIT 1)"
    " WHERE u.flag_id = $1 AND u.met_at IS NULL AND EXISTS (SELECT 1 FROM counselling_sessions s"
    " WHERE s.case_id = u.case_id AND s.held_at >= u.raised_at)"};

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6S+00:00", t, absl::UTCTimeZone());
}

ExpertRecord RowToExpert(const pqxx::row& r) {
  ExpertRecord e;
  e.expert_id = r[0].as<std::string>();
  e.district_code = r[1].as<std::string>();
  e.kind = r[2].as<std::string>();
  e.agency_id = r[3].as<std::string>();
  e.display_name = r[4].as<std::string>();
  e.qualification_code = r[5].as<std::string>();
  e.therapy_qualified = r[6].as<bool>();
  e.created_by = r[7].as<std::string>();
  e.created_at = absl::FromUnixMicros(r[8].as<int64_t>());
  return e;
}

UrgentContactRecord RowToUrgent(const pqxx::row& r) {
  UrgentContactRecord u;
  u.flag_id = r[0].as<std::string>();
  u.case_id = r[1].as<std::string>();
  u.district_code = r[2].as<std::string>();
  u.crisis_kind = r[3].as<std::string>();
  u.raised_at = absl::FromUnixMicros(r[4].as<int64_t>());
  u.due_at = absl::FromUnixMicros(r[5].as<int64_t>());
  u.policy_version = r[6].as<std::string>();
  if (!r[7].is_null()) u.met_at = absl::FromUnixMicros(r[7].as<int64_t>());
  u.met_by_session_id = r[8].as<std::string>();
  return u;
}

absl::StatusOr<CareState> LoadState(pqxx::transaction_base& tx, const auth::Principal& principal,
                                    const std::string& case_id, bool for_update) {
  auto row = LoadCaseInScope(tx, principal, case_id, for_update);
  if (!row.ok()) return row.status();
  CareState s;
  s.case_row = *std::move(row);
  for (const auto& r : tx.exec_prepared(Name(kFile), case_id)) {
    PsychFileRecord f;
    f.case_id = case_id;
    f.text_blob = pqxx::binarystring(r[0]).str();
    f.version = r[1].as<int>();
    f.updated_by = r[2].as<std::string>();
    f.updated_at = absl::FromUnixMicros(r[3].as<int64_t>());
    s.file = std::move(f);
  }
  for (const auto& r : tx.exec_prepared(Name(kSessions), case_id)) {
    CounsellingSessionRecord x;
    x.session_id = r[0].as<std::string>();
    x.case_id = case_id;
    x.expert_id = r[1].as<std::string>();
    x.kind = r[2].as<std::string>();
    x.held_at = absl::FromUnixMicros(r[3].as<int64_t>());
    x.duration_minutes = r[4].as<int>();
    x.recorded_by = r[5].as<std::string>();
    const std::string flags = r[6].as<std::string>();
    if (!flags.empty()) x.urgent_flag_ids = absl::StrSplit(flags, ',');
    s.sessions.push_back(std::move(x));
  }
  for (const auto& r : tx.exec_prepared(Name(kReferrals), case_id)) {
    ReferralRecord x;
    x.referral_id = r[0].as<std::string>();
    x.case_id = case_id;
    x.institution_agency_id = r[1].as<std::string>();
    x.reason = r[2].as<std::string>();
    x.referred_on = DayOf(r[3].c_str()).value_or(absl::CivilDay());
    x.outcome = r[4].as<std::string>();
    x.outcome_on = DayOf(r[5].c_str());
    x.referred_by = r[6].as<std::string>();
    s.referrals.push_back(std::move(x));
  }
  for (const auto& r : tx.exec_prepared(Name(kUrgentOfCase), case_id)) {
    s.urgent.push_back(RowToUrgent(r));
  }
  return s;
}

}  // namespace

absl::StatusOr<ExpertRecord> PgCounsellingStore::RegisterExpert(const auth::Principal& principal,
                                                                const std::string& request_id,
                                                                const ExpertRecord& e) {
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kInsertExpert), e.expert_id, e.district_code, e.kind, e.agency_id,
                         e.display_name, e.qualification_code, e.therapy_qualified, e.created_by,
                         TimeText(e.created_at), scope.all, scope.districts);
    if (r.affected_rows() == 0) {
      return absl::PermissionDeniedError("the district is outside the caller's districts");
    }
    db::AppendAudit(tx, principal, "RegisterExpert", "", "OK", request_id);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return e;
}

absl::StatusOr<ExpertPage> PgCounsellingStore::ListExperts(const auth::Principal& principal,
                                                           const std::string& district_code,
                                                           int page_size,
                                                           const std::string& after_expert_id) {
  ExpertPage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    for (const auto& row : tx.exec_prepared(Name(kListExperts), scope.all, scope.districts,
                                            district_code, after_expert_id, page_size + 1)) {
      if (static_cast<int>(page.items.size()) == page_size) {
        page.next_expert_id = page.items.back().expert_id;
        break;
      }
      page.items.push_back(RowToExpert(row));
    }
    db::AppendAudit(tx, principal, "ListExperts", "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<CareState> PgCounsellingStore::Mutate(
    const auth::Principal& principal, const std::string& case_id, std::string_view method,
    const std::string& request_id, const std::string& expert_id, const CareDecision& decide) {
  CareState out;
  absl::Status st = RunCaseCommand(
      pool_, signal_, {principal, method, case_id, request_id},
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<events::v1::Envelope>> {
        auto state = LoadState(tx, principal, case_id, /*for_update=*/true);
        if (!state.ok()) return state.status();
        std::optional<ExpertRecord> expert;
        if (!expert_id.empty()) {
          pqxx::result r = tx.exec_prepared(Name(kExpert), expert_id);
          if (r.empty()) return absl::NotFoundError("expert not found");
          expert = RowToExpert(r[0]);
        }
        auto write = decide(*state, expert);
        if (!write.ok()) return write.status();
        if (write->session.has_value()) {
          const CounsellingSessionRecord& s = *write->session;
          tx.exec_prepared(Name(kInsertSession), s.session_id, case_id, s.expert_id, s.kind,
                           TimeText(s.held_at), s.duration_minutes, s.recorded_by);
          if (!s.urgent_flag_ids.empty()) {
            tx.exec_prepared(Name(kMeetUrgent), "{" + absl::StrJoin(s.urgent_flag_ids, ",") + "}",
                             TimeText(s.held_at), s.session_id, case_id);
          }
        }
        if (write->file.has_value()) {
          const PsychFileRecord& f = *write->file;
          pqxx::result r =
              tx.exec_prepared(Name(kUpsertFile), case_id, pqxx::binarystring(f.text_blob),
                               f.version, f.updated_by, TimeText(f.updated_at));
          if (r.affected_rows() == 0) {
            return absl::AbortedError("the psychological file changed; read it again");
          }
        }
        if (write->new_referral.has_value()) {
          const ReferralRecord& x = *write->new_referral;
          tx.exec_prepared(Name(kInsertReferral), x.referral_id, case_id, x.institution_agency_id,
                           x.reason, time::FormatDate(x.referred_on), x.outcome, x.referred_by);
        }
        if (write->referral_outcome.has_value()) {
          const ReferralRecord& x = *write->referral_outcome;
          tx.exec_prepared(Name(kReferralOutcome), x.referral_id, case_id, x.outcome,
                           DayText(x.outcome_on));
        }
        return std::move(write->events);
      },
      [&](pqxx::work& tx) {
        return MoveInto(LoadState(tx, principal, case_id, /*for_update=*/false), out);
      });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<CareState> PgCounsellingStore::Get(const auth::Principal& principal,
                                                  const std::string& case_id) {
  CareState out;
  absl::Status st = ReadCase(pool_, {principal, "GetPsychFile", case_id, ""}, [&](pqxx::work& tx) {
    return MoveInto(LoadState(tx, principal, case_id, /*for_update=*/false), out);
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<UrgentPage> PgCounsellingStore::ListUrgent(const auth::Principal& principal,
                                                          const UrgentFilter& f) {
  UrgentPage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    const bool after = f.after_due_at.has_value();
    pqxx::result r = tx.exec_prepared(Name(kListUrgent), scope.all, scope.districts,
                                      f.district_code, f.overdue_only, TimeText(f.now), after,
                                      TimeText(after ? *f.after_due_at : absl::UnixEpoch()),
                                      f.after_flag_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        const UrgentContactRecord& last = page.items.back();
        page.next_token = std::to_string(absl::ToUnixMicros(last.due_at)) + "/" + last.flag_id;
        break;
      }
      page.items.push_back(RowToUrgent(row));
    }
    db::AppendAudit(tx, principal, "ListUrgentContacts", "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::Status PgCounsellingStore::ApplyCrisisFlag(pqxx::work& tx, const CrisisFlagFact& flag,
                                                 const domain::EducationPolicies& policies) {
  const domain::UrgentDue due = domain::UrgentContactDue(flag.raised_at, policies);
  tx.exec_prepared(Name(kInsertCrisis), flag.flag_id, flag.case_id, flag.district_code,
                   flag.crisis_kind, TimeText(flag.raised_at), TimeText(due.due_at),
                   due.policy_version);
  tx.exec_prepared(Name(kMeetCrisisLate), flag.flag_id);
  return absl::OkStatus();
}

std::vector<db::Query> PgCounsellingStore::Queries() {
  return {kExpert,     kInsertExpert,   kListExperts,     kFile,          kSessions,
          kReferrals,  kUrgentOfCase,   kListUrgent,      kInsertSession, kMeetUrgent,
          kUpsertFile, kInsertReferral, kReferralOutcome, kInsertCrisis,  kMeetCrisisLate};
}

}  // namespace ccms::education
