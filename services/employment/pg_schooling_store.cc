#include "services/employment/pg_schooling_store.h"

#include <pqxx/pqxx>

#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/employment/pg_case_store.h"
#include "services/employment/topics.h"

namespace ccms::employment {
namespace {

using db::Name;

#define CCMS_SCHOOLING_COLUMNS                                                                \
  "s.item_id::text, s.case_id::text, c.district_code, s.kind, s.status, s.opened_on::text,"   \
  " s.due_on::text, s.closed_on::text, s.liaison_count, s.last_step_on::text, s.school_code," \
  " s.policy_version, s.recorded_by"

constexpr db::Query kLockCase = {
    "employment_lock_case_for_schooling",
    "SELECT 1 FROM cases c WHERE c.case_id = $1::uuid"
    " AND ($2::boolean OR c.district_code = ANY($3::text[])) FOR UPDATE"};
// Under the case's lock; the items locked too, so a step under way is seen once it commits.
constexpr db::Query kItemsOfCase = {
    "employment_schooling_items_of_case",
    "SELECT " CCMS_SCHOOLING_COLUMNS
    " FROM schooling_items s JOIN cases c ON c.case_id = s.case_id WHERE s.case_id = $1::uuid"
    " ORDER BY s.opened_on, s.item_id FOR UPDATE OF s"};
constexpr db::Query kLockItem = {
    "employment_lock_schooling_item",
    "SELECT " CCMS_SCHOOLING_COLUMNS
    " FROM schooling_items s JOIN cases c ON c.case_id = s.case_id WHERE s.item_id = $1::uuid"
    " AND ($2::boolean OR c.district_code = ANY($3::text[])) FOR UPDATE OF s"};
constexpr db::Query kReadItem = {
    "employment_read_schooling_item",
    "SELECT " CCMS_SCHOOLING_COLUMNS
    " FROM schooling_items s JOIN cases c ON c.case_id = s.case_id WHERE s.item_id = $1::uuid"};
constexpr db::Query kInsertItem = {
    "employment_insert_schooling_item",
    "INSERT INTO schooling_items (item_id, case_id, kind, status, opened_on, due_on, closed_on,"
    " liaison_count, last_step_on, school_code, policy_version, recorded_by) VALUES ($1::uuid,"
    " $2::uuid, $3, $4, $5::date, NULLIF($6, '')::date, NULLIF($7, '')::date, $8,"
    " NULLIF($9, '')::date, $10, $11, $12)"};
constexpr db::Query kUpdateItem = {
    "employment_update_schooling_item",
    "UPDATE schooling_items SET status = $2, closed_on = NULLIF($3, '')::date,"
    " liaison_count = $4, last_step_on = NULLIF($5, '')::date, school_code = $6"
    " WHERE item_id = $1::uuid"};
constexpr db::Query kCancelOpen = {
    "employment_cancel_schooling_items",
    "UPDATE schooling_items SET status = 'CANCELLED', closed_on = greatest($2::date, opened_on)"
    " WHERE case_id = $1::uuid AND status = 'OPEN' RETURNING item_id::text"};
// Open items (or every item of one case, $5), in the caller's districts, by id for paging.
constexpr db::Query kList = {
    "employment_list_schooling_items",
    "SELECT " CCMS_SCHOOLING_COLUMNS
    " FROM schooling_items s JOIN cases c ON c.case_id = s.case_id"
    " WHERE ($2::boolean OR c.district_code = ANY($3::text[]))"
    " AND ($1 = '' OR c.district_code = $1)"
    " AND (($4 = '' AND s.status = 'OPEN') OR s.case_id = NULLIF($4, '')::uuid)"
    " AND (NOT $5::boolean OR (s.status = 'OPEN' AND s.kind = 'COMPULSORY_EDUCATION'"
    "  AND s.due_on < $6::date))"
    " AND ($7 = '' OR s.item_id > NULLIF($7, '')::uuid) ORDER BY s.item_id LIMIT $8"};

std::optional<absl::CivilDay> DayOf(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return std::nullopt;
  return time::ParseDate(f.c_str());
}

std::string DayText(const std::optional<absl::CivilDay>& d) {
  return d.has_value() ? time::FormatDate(*d) : std::string();
}

SchoolingItemRecord ItemOf(const pqxx::row& r) {
  SchoolingItemRecord x;
  x.item.item_id = r[0].as<std::string>();
  x.case_id = r[1].as<std::string>();
  x.district_code = r[2].as<std::string>();
  x.item.kind = domain::SchoolingKindOf(r[3].as<std::string>())
                    .value_or(domain::SchoolingKind::kCompulsoryEducation);
  x.item.status =
      domain::SchoolingStatusOf(r[4].as<std::string>()).value_or(domain::SchoolingStatus::kOpen);
  x.item.opened_on = DayOf(r[5]).value_or(absl::CivilDay());
  x.item.due_on = DayOf(r[6]);
  x.item.closed_on = DayOf(r[7]);
  x.item.liaison_count = r[8].as<int>();
  x.item.last_step_on = DayOf(r[9]);
  x.item.school_code = r[10].as<std::string>();
  x.policy_version = r[11].as<std::string>();
  x.recorded_by = r[12].as<std::string>();
  return x;
}

void Write(pqxx::work& tx, const SchoolingWrite& w) {
  for (const auto& x : w.inserts) {
    tx.exec_prepared(Name(kInsertItem), x.item.item_id, x.case_id,
                     std::string(domain::SchoolingKindName(x.item.kind)),
                     std::string(domain::SchoolingStatusName(x.item.status)),
                     time::FormatDate(x.item.opened_on), DayText(x.item.due_on),
                     DayText(x.item.closed_on), x.item.liaison_count, DayText(x.item.last_step_on),
                     x.item.school_code, x.policy_version, x.recorded_by);
  }
  for (const auto& x : w.updates) {
    tx.exec_prepared(Name(kUpdateItem), x.item.item_id,
                     std::string(domain::SchoolingStatusName(x.item.status)),
                     DayText(x.item.closed_on), x.item.liaison_count, DayText(x.item.last_step_on),
                     x.item.school_code);
  }
  for (const auto& ev : w.events) kafka::AppendToOutbox(tx, kEmploymentTopic, ev);
}

// The audit row of a command refused because its case or item is out of reach.
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

}  // namespace

absl::StatusOr<std::vector<SchoolingItemRecord>> PgSchoolingStore::RecordSituation(
    const auth::Principal& principal, const std::string& case_id, const std::string& request_id,
    const SituationDecision& decide) {
  std::vector<SchoolingItemRecord> out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    if (tx.exec_prepared(Name(kLockCase), case_id, scope.all, scope.districts).empty()) {
      return absl::NotFoundError("case not found");
    }
    auto c = PgCaseStore::Load(tx, case_id);
    if (!c.ok()) return c.status();
    std::vector<SchoolingItemRecord> items;
    for (const auto& row : tx.exec_prepared(Name(kItemsOfCase), case_id)) {
      items.push_back(ItemOf(row));
    }
    auto write = decide(*c, items);
    if (!write.ok()) return write.status();
    Write(tx, *write);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "RecordSchoolingSituation", case_id, "OK", request_id);
    for (const auto& row : tx.exec_prepared(Name(kItemsOfCase), case_id)) {
      out.push_back(ItemOf(row));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "RecordSchoolingSituation", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<SchoolingItemRecord> PgSchoolingStore::RecordStep(const auth::Principal& principal,
                                                                 const std::string& item_id,
                                                                 const std::string& request_id,
                                                                 const StepDecision& decide) {
  SchoolingItemRecord out;
  bool wrote_events = false;
  std::string case_id;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kLockItem), item_id, scope.all, scope.districts);
    if (r.empty()) return absl::NotFoundError("schooling item not found");
    const SchoolingItemRecord current = ItemOf(r[0]);
    case_id = current.case_id;
    auto c = PgCaseStore::Load(tx, case_id);
    if (!c.ok()) return c.status();
    auto write = decide(*c, current);
    if (!write.ok()) return write.status();
    Write(tx, *write);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "RecordSchoolingSupport", case_id, "OK", request_id);
    pqxx::result after = tx.exec_prepared(Name(kReadItem), item_id);
    if (after.empty()) return absl::InternalError("schooling item row missing");
    out = ItemOf(after[0]);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "RecordSchoolingSupport", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<std::pair<std::vector<SchoolingItemRecord>, std::string>> PgSchoolingStore::List(
    const auth::Principal& principal, const SchoolingFilter& f) {
  std::pair<std::vector<SchoolingItemRecord>, std::string> page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kList), f.district_code, scope.all, scope.districts, f.case_id,
                         f.overdue_only, time::FormatDate(f.as_of), f.after_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.first.size()) == f.page_size) {
        page.second = page.first.back().item.item_id;
        break;
      }
      page.first.push_back(ItemOf(row));
    }
    db::AppendAudit(tx, principal, "ListSchoolingItems", f.case_id,
                    std::to_string(page.first.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

std::vector<SchoolingItemRecord> PgSchoolingStore::CancelOnCaseClosed(pqxx::transaction_base& tx,
                                                                      const std::string& case_id,
                                                                      absl::CivilDay on) {
  std::vector<SchoolingItemRecord> cancelled;
  for (const auto& row : tx.exec_prepared(Name(kCancelOpen), case_id, time::FormatDate(on))) {
    pqxx::result r = tx.exec_prepared(Name(kReadItem), row[0].as<std::string>());
    if (!r.empty()) cancelled.push_back(ItemOf(r[0]));
  }
  return cancelled;
}

std::vector<db::Query> PgSchoolingStore::Queries() {
  return {kLockCase,   kItemsOfCase, kLockItem,   kReadItem,
          kInsertItem, kUpdateItem,  kCancelOpen, kList};
}

}  // namespace ccms::employment
