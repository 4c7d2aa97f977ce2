#include "services/education/pg_case_store.h"

#include <pqxx/pqxx>

#include "common/time/calendar.h"
#include "services/education/domain/service_file_rules.h"

namespace ccms::education {
namespace {

using db::Name;

constexpr db::Query kInsertMinimalCase = {
    "education_insert_minimal_case",
    "INSERT INTO cases (case_id, district_code, status) VALUES ($1::uuid, $2, 'PENDING_INTAKE')"
    " ON CONFLICT (case_id) DO NOTHING"};
constexpr db::Query kLockCase = {"education_lock_case",
                                 "SELECT " CCMS_EDUCATION_CASE_COLUMNS
                                 " FROM cases c WHERE c.case_id = $1::uuid FOR UPDATE"};
constexpr db::Query kReadCase = {"education_read_case", "SELECT " CCMS_EDUCATION_CASE_COLUMNS
                                                        " FROM cases c WHERE c.case_id = $1::uuid"};
constexpr db::Query kUpdateCase = {
    "education_update_case",
    "UPDATE cases SET district_code = $2, office_id = $3, status = $4, minor = $5, sex = $6,"
    " age_band = $7, offence_category = $8, supervision_start = NULLIF($9, '')::date,"
    " supervision_end = NULLIF($10, '')::date, intake_reported_on = NULLIF($11, '')::date,"
    " intake_announced_on = NULLIF($12, '')::date, closed_on = NULLIF($13, '')::date,"
    " first_contact_due_on = NULLIF($14, '')::date, service_file_due_on = NULLIF($15, '')::date,"
    " due_policy_version = $16, updated_at = now() WHERE case_id = $1::uuid"};
constexpr db::Query kLockLeave = {
    "education_lock_leave",
    "SELECT case_id::text, status, start_date::text, end_date::text, returned_on::text"
    " FROM case_leaves WHERE leave_id = $1 FOR UPDATE"};
constexpr db::Query kUpsertLeave = {
    "education_upsert_leave",
    "INSERT INTO case_leaves (leave_id, case_id, status, start_date, end_date, returned_on)"
    " VALUES ($1, $2::uuid, $3, $4::date, $5::date, NULLIF($6, '')::date)"
    " ON CONFLICT (leave_id) DO UPDATE SET status = EXCLUDED.status,"
    " start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date,"
    " returned_on = EXCLUDED.returned_on, updated_at = now()"};

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

}  // namespace

std::string DayText(const std::optional<absl::CivilDay>& d) {
  return d.has_value() ? time::FormatDate(*d) : std::string();
}

std::optional<absl::CivilDay> DayOf(const char* text_or_null) {
  if (text_or_null == nullptr || *text_or_null == '\0') return std::nullopt;
  return time::ParseDate(text_or_null);
}

domain::CaseStatus CaseStatusOf(const std::string& name) {
  if (name == "ACTIVE") return domain::CaseStatus::kActive;
  if (name == "CLOSED") return domain::CaseStatus::kClosed;
  return domain::CaseStatus::kPendingIntake;
}

absl::StatusOr<CaseRow> PgCaseStore::Load(pqxx::transaction_base& tx, const std::string& case_id) {
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
  CaseRow row = RowToCase(r[0]);
  if (const auto* leave = std::get_if<domain::LeaveFact>(&fact)) {
    std::optional<domain::LeavePeriod> current;
    pqxx::result l = tx.exec_prepared(Name(kLockLeave), leave->leave_id);
    if (!l.empty()) {
      if (l[0][0].as<std::string>() != case_id) {
        return absl::InvalidArgumentError("leave id belongs to another case");
      }
      auto start = DayOf(l[0][2].c_str());
      auto end = DayOf(l[0][3].c_str());
      if (start && end) {
        current = domain::LeavePeriod{leave->leave_id, l[0][1].as<std::string>(), *start, *end,
                                      DayOf(l[0][4].c_str())};
      }
    }
    const domain::LeavePeriod next = domain::ApplyLeave(current, *leave);
    tx.exec_prepared(Name(kUpsertLeave), next.leave_id, case_id, next.status,
                     time::FormatDate(next.start_date), time::FormatDate(next.end_date),
                     DayText(next.returned_on));
    return absl::OkStatus();
  }
  const domain::CaseView v = domain::Apply(row.view, fact);
  const domain::ServiceFileDues dues = domain::DuesOf(v, policies_);
  tx.exec_prepared(Name(kUpdateCase), case_id, v.district_code, v.office_id,
                   std::string(domain::CaseStatusName(v.status)), v.minor, v.sex, v.age_band,
                   v.offence_category, DayText(v.supervision_start), DayText(v.supervision_end),
                   DayText(v.intake_reported_on), DayText(v.intake_announced_on),
                   DayText(v.closed_on), DayText(dues.first_contact_due_on),
                   DayText(dues.service_file_due_on), dues.policy_version);
  return absl::OkStatus();
}

CaseRow PgCaseStore::FromRow(const pqxx::row& row) { return RowToCase(row); }

std::vector<db::Query> PgCaseStore::Queries() {
  return {kInsertMinimalCase, kLockCase, kReadCase, kUpdateCase, kLockLeave, kUpsertLeave};
}

}  // namespace ccms::education
