// PgRecordsStore: the facts of the admonition and warning grounds (domain/sanction_grounds.h):
// prohibition-order breaches with their severity, absences from education after notice (from
// the education service's events), the medical review of temporary execution outside prison.
#include <pqxx/pqxx>

#include "common/time/calendar.h"
#include "services/records/pg_records_internal.h"
#include "services/records/pg_records_store.h"

namespace ccms::records {
namespace {

using namespace pg_internal;  // NOLINT: the store's own helpers

// Each query names the case's district next to its id: a fact of another district's case is
// never read, even by a caller that got the id wrong.
constexpr db::Query kGroundBreaches = {
    "records_ground_breaches",
    "SELECT v.severity FROM violations v JOIN cases c ON c.case_id = v.case_id"
    " WHERE v.case_id = $1 AND c.district_code = $2 AND v.kind = 'PROHIBITION_ORDER_BREACH'"};
constexpr db::Query kGroundEducationAbsences = {
    "records_ground_education_absences",
    "SELECT a.session_day::text FROM education_absences a JOIN cases c ON c.case_id = a.case_id"
    " WHERE a.case_id = $1 AND c.district_code = $2 ORDER BY a.session_day"};
constexpr db::Query kGroundLastMedicalReview = {
    "records_ground_last_medical_review",
    "SELECT max(m.reviewed_on)::text FROM medical_reviews m JOIN cases c ON c.case_id = m.case_id"
    " WHERE m.case_id = $1 AND c.district_code = $2"};
// From the inbox: the case's district comes from the case row, never from the event.
constexpr db::Query kUpsertEducationAbsence = {
    "records_upsert_education_absence",
    "INSERT INTO education_absences (case_id, session_id, session_day, event_id, policy_version)"
    " SELECT c.case_id, $2, $3::date, $4, $5 FROM cases c WHERE c.case_id = $1::uuid"
    " ON CONFLICT (case_id, session_id) DO UPDATE SET session_day = EXCLUDED.session_day,"
    " event_id = EXCLUDED.event_id, policy_version = EXCLUDED.policy_version"};
constexpr db::Query kDeleteEducationAbsence = {
    "records_delete_education_absence",
    "DELETE FROM education_absences WHERE case_id = $1::uuid AND session_id = $2"};

}  // namespace

std::vector<db::Query> PgRecordsStore::GroundQueries() {
  return {kGroundBreaches, kGroundEducationAbsences, kGroundLastMedicalReview,
          kUpsertEducationAbsence, kDeleteEducationAbsence};
}

absl::Status PgRecordsStore::LoadGroundFacts(pqxx::work& tx, const CaseRecord& c,
                                             domain::LadderFacts* facts) {
  for (const auto& row : tx.exec_prepared(Name(kGroundBreaches), c.case_id, c.district_code)) {
    facts->prohibition_breaches.push_back(domain::ParseBreachSeverity(row[0].as<std::string>())
                                              .value_or(domain::BreachSeverity::kUnstated));
  }
  for (const auto& row :
       tx.exec_prepared(Name(kGroundEducationAbsences), c.case_id, c.district_code)) {
    facts->education_absences.push_back(DateOf(row[0]));
  }
  if (c.sentence_kind == domain::SentenceKind::kTemporaryOutsidePrison &&
      c.intake_reported_on.has_value()) {
    domain::LadderFacts::MedicalReview review{*c.intake_reported_on, std::nullopt};
    const pqxx::row r =
        tx.exec_prepared1(Name(kGroundLastMedicalReview), c.case_id, c.district_code);
    if (!r[0].is_null()) review.last_review = DateOf(r[0]);
    facts->medical_review = review;
  }
  return absl::OkStatus();
}

void PgRecordsStore::ApplyEducationAttendance(pqxx::work& tx, const std::string& case_id,
                                              const std::string& session_id,
                                              absl::CivilDay session_day, bool absent_after_notice,
                                              const std::string& event_id,
                                              const std::string& policy_version) {
  if (absent_after_notice) {
    tx.exec_prepared(Name(kUpsertEducationAbsence), case_id, session_id,
                     time::FormatDate(session_day), event_id, policy_version);
  } else {
    tx.exec_prepared(Name(kDeleteEducationAbsence), case_id, session_id);
  }
}

}  // namespace ccms::records
