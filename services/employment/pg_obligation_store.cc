#include "services/employment/pg_obligation_store.h"

#include <pqxx/pqxx>

namespace ccms::employment {
namespace {

using db::Name;

#define CCMS_AT(n) "('epoch'::timestamptz + (" n ")::bigint * interval '1 microsecond')"
#define CCMS_US(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

constexpr db::Query kUpsertSession = {
    "employment_upsert_education_session",
    "INSERT INTO case_education_sessions (case_id, session_id, district_code,"
    " session_district_code, kind, start_at, end_at, status, superseded_by, source_event_id)"
    " VALUES ($1::uuid, $2::uuid, $3, $4, $5, " CCMS_AT("$6") ", " CCMS_AT(
        "$7") ", $8, NULLIF($9, '')::uuid, $10) ON CONFLICT (case_id, session_id) DO UPDATE SET"
              " district_code = EXCLUDED.district_code, start_at = EXCLUDED.start_at,"
              " end_at = EXCLUDED.end_at, status = EXCLUDED.status,"
              " superseded_by = EXCLUDED.superseded_by,"
              " source_event_id = EXCLUDED.source_event_id, updated_at = now()"};
constexpr db::Query kEnrolledBetween = {
    "employment_education_sessions_between",
    "SELECT s.session_id::text, " CCMS_US("s.start_at") ", " CCMS_US(
        "s.end_at") " FROM case_education_sessions s JOIN cases c ON c.case_id = s.case_id"
                    " WHERE s.case_id = $1::uuid AND s.status = 'ENROLLED'"
                    " AND ($2::boolean OR c.district_code = ANY($3::text[]))"
                    " AND s.start_at < " CCMS_AT("$5") " AND s.end_at > " CCMS_AT(
                        "$4") " ORDER BY s.start_at, s.session_id LIMIT 500"};

}  // namespace

void PgObligationStore::Apply(pqxx::work& tx, const EnrolmentFact& f, const std::string& event_id) {
  tx.exec_prepared(Name(kUpsertSession), f.case_id, f.session_id, f.district_code,
                   f.session_district_code, f.kind, absl::ToUnixMicros(f.start),
                   absl::ToUnixMicros(f.end), f.status, f.superseded_by, event_id);
}

std::vector<domain::EducationSession> PgObligationStore::EnrolledBetween(
    pqxx::transaction_base& tx, const db::DistrictScope& scope, const std::string& case_id,
    absl::Time from, absl::Time to) {
  std::vector<domain::EducationSession> out;
  for (const auto& r : tx.exec_prepared(Name(kEnrolledBetween), case_id, scope.all, scope.districts,
                                        absl::ToUnixMicros(from), absl::ToUnixMicros(to))) {
    out.push_back({r[0].as<std::string>(), absl::FromUnixMicros(r[1].as<int64_t>()),
                   absl::FromUnixMicros(r[2].as<int64_t>())});
  }
  return out;
}

std::vector<db::Query> PgObligationStore::Queries() { return {kUpsertSession, kEnrolledBetween}; }

}  // namespace ccms::employment
