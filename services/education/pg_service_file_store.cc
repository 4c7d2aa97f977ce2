#include "services/education/pg_service_file_store.h"

#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/education/domain/case_view.h"
#include "services/education/pg_case_command.h"

namespace ccms::education {
namespace {

using db::Name;

#define CCMS_MICROS(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

// The case, its file and its first contact, in the order RowToState reads them.
#define CCMS_STATE_SELECT \
  "SELECT " CCMS_EDUCATION_CASE_COLUMNS                                                      \
  ", f.file_id::text, f.opened_on::text, array_to_string(f.cause_codes, ','),"               \
  " array_to_string(f.need_codes, ','), f.analysis, f.opened_by, f.late, " CCMS_MICROS(      \
      "f.created_at") ", fc.contact_id::text, fc.contacted_on::text, fc.form, fc.reason,"    \
                      " fc.worker_id, fc.late, fc.recorded_by, " CCMS_MICROS(                \
                          "fc.created_at") " FROM cases c"                                   \
                                           " LEFT JOIN service_files f ON f.case_id = c.case_id" \
                                           " LEFT JOIN first_contacts fc ON fc.case_id = c.case_id"

constexpr db::Query kGetState = {
    "education_service_file_state", CCMS_STATE_SELECT
    " WHERE c.case_id = $1::uuid AND ($2::boolean OR c.district_code = ANY($3::text[]))"};
constexpr db::Query kLockState = {
    "education_service_file_state_lock", CCMS_STATE_SELECT
    " WHERE c.case_id = $1::uuid AND ($2::boolean OR c.district_code = ANY($3::text[]))"
    " FOR UPDATE OF c"};
constexpr db::Query kListStates = {
    "education_service_file_list", CCMS_STATE_SELECT
    " WHERE ($1::boolean OR c.district_code = ANY($2::text[])) AND ($3 = '' OR c.district_code = "
    "$3)"
    " AND ($4 = '' OR c.case_id > NULLIF($4, '')::uuid)"
    " AND (NOT $5::boolean OR (c.status = 'ACTIVE' AND ("
    "   (fc.case_id IS NULL AND c.first_contact_due_on < $6::date)"
    "   OR (f.case_id IS NULL AND c.service_file_due_on < $6::date))))"
    " ORDER BY c.case_id LIMIT $7"};
constexpr db::Query kLeavesOn = {
    "education_leaves_on",
    "SELECT case_id::text, leave_id, status, start_date::text, end_date::text, returned_on::text"
    " FROM case_leaves WHERE case_id = ANY($1::uuid[]) AND start_date <= $2::date"
    " AND end_date >= $2::date"};
constexpr db::Query kInsertFile = {
    "education_insert_service_file",
    "INSERT INTO service_files (case_id, file_id, opened_on, cause_codes, need_codes, analysis,"
    " opened_by, late, created_at) VALUES ($1::uuid, $2::uuid, $3::date, string_to_array($4, ','),"
    " string_to_array($5, ','), $6, $7, $8, to_timestamp($9::bigint / 1000000.0))"};
constexpr db::Query kInsertContact = {
    "education_insert_first_contact",
    "INSERT INTO first_contacts (case_id, contact_id, contacted_on, form, reason, worker_id, late,"
    " recorded_by, created_at) VALUES ($1::uuid, $2::uuid, $3::date, $4, $5, $6, $7, $8,"
    " to_timestamp($9::bigint / 1000000.0))"};

std::vector<std::string> SplitCodes(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return {};
  return absl::StrSplit(f.c_str(), ',');
}

ServiceFileState RowToState(const pqxx::row& r) {
  ServiceFileState s;
  s.case_row.view.case_id = r[0].as<std::string>();
  s.case_row.view.district_code = r[1].as<std::string>();
  s.case_row.view.office_id = r[2].as<std::string>();
  s.case_row.view.status = CaseStatusOf(r[3].as<std::string>());
  s.case_row.view.minor = r[4].as<bool>();
  s.case_row.view.sex = r[5].as<std::string>();
  s.case_row.view.age_band = r[6].as<std::string>();
  s.case_row.view.offence_category = r[7].as<std::string>();
  s.case_row.view.supervision_start = DayOf(r[8].c_str());
  s.case_row.view.supervision_end = DayOf(r[9].c_str());
  s.case_row.view.intake_reported_on = DayOf(r[10].c_str());
  s.case_row.view.intake_announced_on = DayOf(r[11].c_str());
  s.case_row.view.closed_on = DayOf(r[12].c_str());
  s.case_row.first_contact_due_on = DayOf(r[13].c_str());
  s.case_row.service_file_due_on = DayOf(r[14].c_str());
  s.case_row.due_policy_version = r[15].as<std::string>();
  int i = kCaseColumnCount;
  if (!r[i].is_null()) {
    ServiceFileRecord f;
    f.case_id = s.case_row.view.case_id;
    f.file_id = r[i].as<std::string>();
    f.opened_on = DayOf(r[i + 1].c_str()).value_or(absl::CivilDay());
    f.cause_codes = SplitCodes(r[i + 2]);
    f.need_codes = SplitCodes(r[i + 3]);
    f.analysis = r[i + 4].as<std::string>();
    f.opened_by = r[i + 5].as<std::string>();
    f.late = r[i + 6].as<bool>();
    f.created_at = absl::FromUnixMicros(r[i + 7].as<int64_t>());
    s.file = std::move(f);
  }
  i += 8;
  if (!r[i].is_null()) {
    FirstContactRecord c;
    c.case_id = s.case_row.view.case_id;
    c.contact_id = r[i].as<std::string>();
    c.contacted_on = DayOf(r[i + 1].c_str()).value_or(absl::CivilDay());
    c.form = r[i + 2].as<std::string>();
    c.reason = r[i + 3].as<std::string>();
    c.worker_id = r[i + 4].as<std::string>();
    c.late = r[i + 5].as<bool>();
    c.recorded_by = r[i + 6].as<std::string>();
    c.created_at = absl::FromUnixMicros(r[i + 7].as<int64_t>());
    s.contact = std::move(c);
  }
  return s;
}

// Sets on_leave_today of each state from the leaves covering `today`.
void MarkLeaves(pqxx::transaction_base& tx, absl::CivilDay today,
                std::vector<ServiceFileState*> states) {
  if (states.empty()) return;
  std::vector<std::string> ids;
  std::map<std::string, ServiceFileState*> by_id;
  for (ServiceFileState* s : states) {
    ids.push_back(s->case_row.view.case_id);
    by_id[s->case_row.view.case_id] = s;
  }
  std::map<std::string, std::vector<domain::LeavePeriod>> leaves;
  for (const auto& row : tx.exec_prepared(Name(kLeavesOn), "{" + absl::StrJoin(ids, ",") + "}",
                                          time::FormatDate(today))) {
    auto start = DayOf(row[3].c_str());
    auto end = DayOf(row[4].c_str());
    if (!start || !end) continue;
    leaves[row[0].as<std::string>()].push_back(domain::LeavePeriod{
        row[1].as<std::string>(), row[2].as<std::string>(), *start, *end, DayOf(row[5].c_str())});
  }
  for (auto& [id, list] : leaves) {
    if (auto it = by_id.find(id); it != by_id.end()) {
      it->second->on_leave_today = domain::OnLeave(list, today);
    }
  }
}

absl::StatusOr<ServiceFileState> LoadState(pqxx::transaction_base& tx,
                                           const auth::Principal& principal,
                                           const std::string& case_id, bool for_update,
                                           absl::CivilDay today) {
  const db::DistrictScope scope = db::ScopeOf(principal);
  pqxx::result r = tx.exec_prepared(Name(for_update ? kLockState : kGetState), case_id, scope.all,
                                    scope.districts);
  if (r.empty()) return absl::NotFoundError("case not found");
  ServiceFileState s = RowToState(r[0]);
  MarkLeaves(tx, today, {&s});
  return s;
}

}  // namespace

absl::StatusOr<ServiceFileState> PgServiceFileStore::Mutate(
    const auth::Principal& principal, const std::string& case_id, std::string_view method,
    const std::string& request_id, absl::CivilDay today, const ServiceFileDecision& decide) {
  ServiceFileState out;
  absl::Status st = RunCaseCommand(
      pool_, signal_, {principal, method, case_id, request_id},
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<events::v1::Envelope>> {
        auto state = LoadState(tx, principal, case_id, /*for_update=*/true, today);
        if (!state.ok()) return state.status();
        auto write = decide(*state);
        if (!write.ok()) return write.status();
        if (write->file.has_value()) {
          const ServiceFileRecord& f = *write->file;
          tx.exec_prepared(Name(kInsertFile), case_id, f.file_id, time::FormatDate(f.opened_on),
                           absl::StrJoin(f.cause_codes, ","), absl::StrJoin(f.need_codes, ","),
                           f.analysis, f.opened_by, f.late, absl::ToUnixMicros(f.created_at));
        }
        if (write->contact.has_value()) {
          const FirstContactRecord& c = *write->contact;
          tx.exec_prepared(Name(kInsertContact), case_id, c.contact_id,
                           time::FormatDate(c.contacted_on), c.form, c.reason, c.worker_id, c.late,
                           c.recorded_by, absl::ToUnixMicros(c.created_at));
        }
        return std::move(write->events);
      },
      [&](pqxx::work& tx) {
        return MoveInto(LoadState(tx, principal, case_id, /*for_update=*/false, today), out);
      });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<ServiceFileState> PgServiceFileStore::Get(const auth::Principal& principal,
                                                         const std::string& case_id,
                                                         absl::CivilDay today) {
  ServiceFileState out;
  absl::Status st =
      ReadCase(pool_, {principal, "GetServiceFile", case_id, ""}, [&](pqxx::work& tx) {
        return MoveInto(LoadState(tx, principal, case_id, /*for_update=*/false, today), out);
      });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<ServiceFilePage> PgServiceFileStore::List(const auth::Principal& principal,
                                                         const ServiceFileFilter& f) {
  ServiceFilePage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kListStates), scope.all, scope.districts,
                                      f.district_code, f.after_case_id, f.overdue_only,
                                      time::FormatDate(f.today), f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.next_case_id = page.items.back().case_row.view.case_id;
        break;
      }
      page.items.push_back(RowToState(row));
    }
    std::vector<ServiceFileState*> states;
    for (auto& s : page.items) states.push_back(&s);
    MarkLeaves(tx, f.today, states);
    db::AppendAudit(tx, principal, "ListServiceFiles", "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

std::vector<db::Query> PgServiceFileStore::Queries() {
  return {kGetState, kLockState, kListStates, kLeavesOn, kInsertFile, kInsertContact};
}

}  // namespace ccms::education
