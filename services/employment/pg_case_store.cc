#include "services/employment/pg_case_store.h"

#include <pqxx/pqxx>

#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/employment/halfway_house_service.h"
#include "services/employment/pg_assistance_store.h"
#include "services/employment/pg_halfway_house_store.h"
#include "services/employment/pg_referral_store.h"
#include "services/employment/pg_resettlement_store.h"
#include "services/employment/pg_retention_store.h"
#include "services/employment/pg_schooling_store.h"
#include "services/employment/pg_training_store.h"
#include "services/employment/referral_events.h"
#include "services/employment/schooling_service.h"
#include "services/employment/topics.h"
#include "services/employment/training_service.h"

namespace ccms::employment {
namespace {

using db::Name;

#define CCMS_EMPLOYMENT_CASE_COLUMNS                                                     \
  "c.case_id::text, c.district_code, c.office_id, c.status, c.minor, c.age_at_judgment," \
  " c.judgment_date::text, c.lost_contact, c.closed_on::text, c.offence_category,"       \
  " c.standing_approval_id, c.standing_approval_from::text, c.standing_approval_until::text"

constexpr db::Query kInsertMinimalCase = {
    "employment_insert_minimal_case",
    "INSERT INTO cases (case_id, district_code, status) VALUES ($1::uuid, $2, 'PENDING_INTAKE')"
    " ON CONFLICT (case_id) DO NOTHING"};
constexpr db::Query kLockCase = {"employment_lock_case", "SELECT " CCMS_EMPLOYMENT_CASE_COLUMNS
                                                         " FROM cases c WHERE c.case_id = $1::uuid"
                                                         " FOR UPDATE"};
constexpr db::Query kReadCase = {"employment_read_case",
                                 "SELECT " CCMS_EMPLOYMENT_CASE_COLUMNS
                                 " FROM cases c WHERE c.case_id = $1::uuid"};
constexpr db::Query kUpdateCase = {
    "employment_update_case",
    "UPDATE cases SET district_code = $2, office_id = $3, status = $4, minor = $5,"
    " age_at_judgment = NULLIF($6, '')::integer, judgment_date = NULLIF($7, '')::date,"
    " lost_contact = $8, closed_on = NULLIF($9, '')::date, offence_category = $10,"
    " standing_approval_id = $11, standing_approval_from = NULLIF($12, '')::date,"
    " standing_approval_until = NULLIF($13, '')::date, updated_at = now()"
    " WHERE case_id = $1::uuid"};

std::optional<absl::CivilDay> DayOf(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return std::nullopt;
  return time::ParseDate(f.c_str());
}

std::string DayText(const std::optional<absl::CivilDay>& d) {
  return d.has_value() ? time::FormatDate(*d) : std::string();
}

domain::CaseView RowToCase(const pqxx::row& r) {
  domain::CaseView v;
  v.case_id = r[0].as<std::string>();
  v.district_code = r[1].as<std::string>();
  v.office_id = r[2].as<std::string>();
  v.status = domain::CaseStatusOf(r[3].as<std::string>());
  v.minor = r[4].as<bool>();
  if (!r[5].is_null()) v.age.age_at_judgment = r[5].as<int>();
  v.age.judgment_date = DayOf(r[6]);
  v.lost_contact = r[7].as<bool>();
  v.closed_on = DayOf(r[8]);
  v.offence_category = r[9].as<std::string>();
  v.standing_approval_id = r[10].as<std::string>();
  v.standing_approval_from = DayOf(r[11]);
  v.standing_approval_until = DayOf(r[12]);
  return v;
}

}  // namespace

absl::StatusOr<domain::CaseView> PgCaseStore::Load(pqxx::transaction_base& tx,
                                                   const std::string& case_id) {
  pqxx::result r = tx.exec_prepared(Name(kReadCase), case_id);
  if (r.empty()) return absl::NotFoundError("case not found");
  return RowToCase(r[0]);
}

absl::Status PgCaseStore::Apply(pqxx::work& tx, const std::string& case_id,
                                const std::string& district_code,
                                const domain::RecordsFact& fact) const {
  tx.exec_prepared(Name(kInsertMinimalCase), case_id, district_code);
  pqxx::result r = tx.exec_prepared(Name(kLockCase), case_id);
  if (r.empty()) return absl::InternalError("case row missing after insert");
  const domain::CaseView before = RowToCase(r[0]);
  const domain::CaseView v = domain::Apply(before, fact);
  tx.exec_prepared(
      Name(kUpdateCase), case_id, v.district_code, v.office_id,
      std::string(domain::CaseStatusName(v.status)), v.minor,
      v.age.age_at_judgment.has_value() ? std::to_string(*v.age.age_at_judgment) : std::string(),
      DayText(v.age.judgment_date), v.lost_contact, DayText(v.closed_on), v.offence_category,
      v.standing_approval_id, DayText(v.standing_approval_from),
      DayText(v.standing_approval_until));
  if (v.district_code != before.district_code) {
    PgReferralStore::MoveReferrals(tx, case_id, v.district_code);
    PgRetentionStore::MoveSpells(tx, case_id, v.district_code);
  }
  if (const auto* discharge = std::get_if<domain::DischargeApproachingFact>(&fact)) {
    const absl::Time now = clock_.Now();
    const absl::CivilDay today = time::ShanghaiDay(now);
    PgResettlementStore::OnDischargeApproaching(tx, v, discharge->end_date, today,
                                                policies_.InForce(today), now);
  }
  if (v.status == domain::CaseStatus::kClosed && before.status != domain::CaseStatus::kClosed) {
    const absl::Time now = clock_.Now();
    const absl::CivilDay on = v.closed_on.value_or(time::ShanghaiDay(now));
    for (ReferralRecord x : PgReferralStore::LockOpenReferrals(tx, case_id)) {
      const domain::ReferralStatus from = x.status;
      x.status = domain::ReferralStatus::kWithdrawn;
      x.reason_code = "CASE_CLOSED";
      x.policy_version = policies_.InForce(on).version;
      ReferralStepRecord step{from, x.status, x.reason_code, on, "ccms-employment", now};
      PgReferralStore::WriteStep(tx, x, step);
      kafka::AppendToOutbox(tx, kEmploymentTopic,
                            ReferralEvent(ReferralEventType(x.status), x, from, "SYSTEM", on, now,
                                          "ccms-employment"));
    }
    PgRetentionStore::CancelChecksOnCaseClosed(tx, case_id, on);
    // Training not completed is withdrawn (the places free for others).
    for (const auto& [enrolment, programme] :
         PgTrainingStore::WithdrawOnCaseClosed(tx, case_id, on)) {
      kafka::AppendToOutbox(tx, kEmploymentTopic,
                            TrainingEvent("ccms.employment.training_withdrawn", enrolment,
                                          programme, on, "SYSTEM", now, "ccms-employment"));
    }
    // Schooling support ends with the case (its open items cancelled, each with its event).
    for (const auto& item : PgSchoolingStore::CancelOnCaseClosed(tx, case_id, on)) {
      kafka::AppendToOutbox(tx, kEmploymentTopic,
                            SchoolingEvent(item, "CASE_CLOSED", on, now, "ccms-employment"));
    }
    // Welfare and relief still open ends with the case (code CASE_CLOSED).
    PgAssistanceStore::CloseOnCaseClosed(tx, case_id, on);
    // A resettlement referral still due is no longer needed.
    PgResettlementStore::CancelOnCaseClosed(tx, case_id, on, now);
    // A placement in a halfway house ends with the case (policy: CASE_CLOSED).
    if (auto ended = PgHalfwayHouseStore::EndOnCaseClosed(tx, case_id, on); ended.has_value()) {
      kafka::AppendToOutbox(
          tx, kEmploymentTopic,
          PlacementEvent("ccms.employment.halfway_house_left", ended->first, ended->second,
                         *ended->first.left_on, now, "ccms-employment"));
    }
  }
  return absl::OkStatus();
}

std::vector<db::Query> PgCaseStore::Queries() {
  return {kInsertMinimalCase, kLockCase, kReadCase, kUpdateCase};
}

}  // namespace ccms::employment
