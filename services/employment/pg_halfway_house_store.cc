#include "services/employment/pg_halfway_house_store.h"

#include <pqxx/pqxx>

#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/employment/pg_case_store.h"
#include "services/employment/topics.h"

namespace ccms::employment {
namespace {

using db::Name;

#define CCMS_HOUSE_COLUMNS                                           \
  "h.house_id::text, h.name, h.district_code, h.places,"             \
  " (SELECT count(*) FROM halfway_house_placements o"                \
  "  WHERE o.house_id = h.house_id AND o.left_on IS NULL)::integer," \
  " h.registered_by, (extract(epoch FROM h.created_at) * 1000000)::bigint"

#define CCMS_IN_SCOPE(col) " ($2::boolean OR " col " = ANY($3::text[]))"

constexpr db::Query kInsertHouse = {
    "employment_insert_halfway_house",
    "INSERT INTO halfway_houses (house_id, name, district_code, places, registered_by, created_at)"
    " VALUES ($1::uuid, $2, $3, $4, $5, to_timestamp($6::bigint / 1000000.0))"};
constexpr db::Query kGetHouse = {
    "employment_get_halfway_house",
    "SELECT " CCMS_HOUSE_COLUMNS
    " FROM halfway_houses h WHERE h.house_id = $1::uuid AND" CCMS_IN_SCOPE("h.district_code")};
// The admission's lock: the house row, so no other admission counts its open placements until
// this one commits. (The count itself is read by a later statement, kGetHouse.)
constexpr db::Query kLockHouse = {
    "employment_lock_halfway_house",
    "SELECT h.house_id FROM halfway_houses h WHERE h.house_id = $1::uuid AND" CCMS_IN_SCOPE(
        "h.district_code") " FOR UPDATE"};
constexpr db::Query kLockCaseInScope = {
    "employment_lock_case_for_placement",
    "SELECT 1 FROM cases c WHERE c.case_id = $1::uuid AND" CCMS_IN_SCOPE(
        "c.district_code") " FOR UPDATE"};
constexpr db::Query kOpenPlacementOfCase = {
    "employment_open_placement_of_case",
    "SELECT placement_id::text, house_id::text, case_id::text, district_code, admitted_on::text,"
    " left_on::text, leave_reason FROM halfway_house_placements"
    " WHERE case_id = $1::uuid AND left_on IS NULL FOR UPDATE"};
constexpr db::Query kLockPlacement = {
    "employment_lock_placement",
    "SELECT placement_id::text, house_id::text, case_id::text, district_code, admitted_on::text,"
    " left_on::text, leave_reason FROM halfway_house_placements p"
    " WHERE p.placement_id = $1::uuid AND" CCMS_IN_SCOPE("p.district_code") " FOR UPDATE"};
constexpr db::Query kInsertPlacement = {
    "employment_insert_placement",
    "INSERT INTO halfway_house_placements (placement_id, house_id, case_id, district_code,"
    " admitted_on, recorded_by) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::date, $6)"};
constexpr db::Query kEndPlacement = {
    "employment_end_placement",
    "UPDATE halfway_house_placements SET left_on = $2::date, leave_reason = $3"
    " WHERE placement_id = $1::uuid AND left_on IS NULL"};
constexpr db::Query kListHouses = {
    "employment_list_halfway_houses",
    "SELECT " CCMS_HOUSE_COLUMNS " FROM halfway_houses h WHERE" CCMS_IN_SCOPE("h.district_code")
    " AND ($1 = '' OR h.district_code = $1)"
    " AND ($4 = '' OR h.house_id > NULLIF($4, '')::uuid) ORDER BY h.house_id LIMIT $5"};

HalfwayHouseRecord HouseOf(const pqxx::row& r) {
  HalfwayHouseRecord h;
  h.house_id = r[0].as<std::string>();
  h.name = r[1].as<std::string>();
  h.district_code = r[2].as<std::string>();
  h.places = r[3].as<int>();
  h.occupied = r[4].as<int>();
  h.registered_by = r[5].as<std::string>();
  h.created_at = absl::FromUnixMicros(r[6].as<int64_t>());
  return h;
}

PlacementRecord PlacementOf(const pqxx::row& r) {
  PlacementRecord p;
  p.placement_id = r[0].as<std::string>();
  p.house_id = r[1].as<std::string>();
  p.case_id = r[2].as<std::string>();
  p.district_code = r[3].as<std::string>();
  p.admitted_on = time::ParseDate(r[4].c_str()).value_or(absl::CivilDay());
  if (!r[5].is_null()) p.left_on = time::ParseDate(r[5].c_str());
  p.leave_reason = r[6].as<std::string>();
  return p;
}

// The audit row of a call refused because its house, case or placement is out of reach.
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

// The house after a change, read in the same transaction (unscoped: the caller reached it).
absl::StatusOr<HalfwayHouseRecord> HouseAfter(pqxx::transaction_base& tx,
                                              const std::string& house_id) {
  pqxx::result r = tx.exec_prepared(Name(kGetHouse), house_id, true, "{}");
  if (r.empty()) return absl::InternalError("halfway house row missing");
  return HouseOf(r[0]);
}

}  // namespace

absl::StatusOr<HalfwayHouseRecord> PgHalfwayHouseStore::Register(const auth::Principal& principal,
                                                                 const HalfwayHouseRecord& house,
                                                                 const std::string& request_id) {
  HalfwayHouseRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared(Name(kInsertHouse), house.house_id, house.name, house.district_code,
                     house.places, house.registered_by, absl::ToUnixMicros(house.created_at));
    db::AppendAudit(tx, principal, "RegisterHalfwayHouse", "", "OK", request_id);
    auto after = HouseAfter(tx, house.house_id);
    if (!after.ok()) return after.status();
    out = *std::move(after);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::pair<PlacementRecord, HalfwayHouseRecord>> PgHalfwayHouseStore::Admit(
    const auth::Principal& principal, const std::string& house_id, const std::string& case_id,
    const std::string& request_id, const AdmissionDecision& decide) {
  std::pair<PlacementRecord, HalfwayHouseRecord> out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    // Case first, then house: every admission locks in this order (no deadlock between two).
    if (tx.exec_prepared(Name(kLockCaseInScope), case_id, scope.all, scope.districts).empty()) {
      return absl::NotFoundError("case not found");
    }
    AdmissionView view;
    auto c = PgCaseStore::Load(tx, case_id);
    if (!c.ok()) return c.status();
    view.case_view = *std::move(c);
    pqxx::result h = tx.exec_prepared(Name(kLockHouse), house_id, scope.all, scope.districts);
    if (h.empty()) return absl::NotFoundError("halfway house not found");
    // Occupancy is counted by a statement after the lock: under READ COMMITTED a statement that
    // waited for the row lock still counts with the snapshot it started with, so the locking
    // statement's own count can miss the admission that held the lock (seen: 8 admitted for 5).
    auto house = HouseAfter(tx, house_id);
    if (!house.ok()) return house.status();
    view.house = *std::move(house);
    view.already_placed = !tx.exec_prepared(Name(kOpenPlacementOfCase), case_id).empty();
    auto write = decide(view);
    if (!write.ok()) return write.status();
    const PlacementRecord& p = write->placement;
    tx.exec_prepared(Name(kInsertPlacement), p.placement_id, p.house_id, p.case_id, p.district_code,
                     time::FormatDate(p.admitted_on), principal.subject);
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "AdmitToHalfwayHouse", case_id, "OK", request_id);
    auto after = HouseAfter(tx, house_id);
    if (!after.ok()) return after.status();
    out = {p, *std::move(after)};
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "AdmitToHalfwayHouse", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<std::pair<PlacementRecord, HalfwayHouseRecord>> PgHalfwayHouseStore::Leave(
    const auth::Principal& principal, const std::string& placement_id,
    const std::string& request_id, const LeaveDecision& decide) {
  std::pair<PlacementRecord, HalfwayHouseRecord> out;
  bool wrote_events = false;
  std::string case_id;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kLockPlacement), placement_id, scope.all, scope.districts);
    if (r.empty()) return absl::NotFoundError("placement not found");
    const PlacementRecord current = PlacementOf(r[0]);
    case_id = current.case_id;
    auto house = HouseAfter(tx, current.house_id);
    if (!house.ok()) return house.status();
    auto write = decide(current, *house);
    if (!write.ok()) return write.status();
    const PlacementRecord& p = write->placement;
    tx.exec_prepared(Name(kEndPlacement), p.placement_id,
                     time::FormatDate(p.left_on.value_or(p.admitted_on)), p.leave_reason);
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "LeaveHalfwayHouse", case_id, "OK", request_id);
    auto after = HouseAfter(tx, current.house_id);
    if (!after.ok()) return after.status();
    out = {p, *std::move(after)};
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "LeaveHalfwayHouse", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<HalfwayHousePage> PgHalfwayHouseStore::List(const auth::Principal& principal,
                                                           const HalfwayHouseFilter& f) {
  HalfwayHousePage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kListHouses), f.district_code, scope.all,
                                      scope.districts, f.after_house_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.next_house_id = page.items.back().house_id;
        break;
      }
      page.items.push_back(HouseOf(row));
    }
    db::AppendAudit(tx, principal, "ListHalfwayHouses", "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

std::optional<std::pair<PlacementRecord, HalfwayHouseRecord>> PgHalfwayHouseStore::EndOnCaseClosed(
    pqxx::work& tx, const std::string& case_id, absl::CivilDay on) {
  pqxx::result r = tx.exec_prepared(Name(kOpenPlacementOfCase), case_id);
  if (r.empty()) return std::nullopt;
  PlacementRecord p = PlacementOf(r[0]);
  p.left_on = std::max(on, p.admitted_on);
  p.leave_reason = "CASE_CLOSED";
  tx.exec_prepared(Name(kEndPlacement), p.placement_id, time::FormatDate(*p.left_on),
                   p.leave_reason);
  auto house = HouseAfter(tx, p.house_id);
  if (!house.ok()) return std::nullopt;
  return std::make_pair(p, *std::move(house));
}

std::vector<db::Query> PgHalfwayHouseStore::Queries() {
  return {kInsertHouse,   kGetHouse,        kLockHouse,    kLockCaseInScope, kOpenPlacementOfCase,
          kLockPlacement, kInsertPlacement, kEndPlacement, kListHouses};
}

}  // namespace ccms::employment
