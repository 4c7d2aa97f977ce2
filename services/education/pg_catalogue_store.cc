#include "services/education/pg_catalogue_store.h"

#include <pqxx/pqxx>

#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"

namespace ccms::education {
namespace {

using db::Name;

#define CCMS_ITEM_COLUMNS                                                      \
  "i.item_id::text, i.kind, i.content_kind, i.module, i.title, i.description," \
  " i.hours::float8, i.district_code, i.created_by,"                           \
  " (extract(epoch FROM i.created_at) * 1000000)::bigint"

constexpr db::Query kInsertItem = {
    "education_catalogue_insert",
    "INSERT INTO catalogue_items (item_id, kind, content_kind, module, title, description, hours,"
    " district_code, created_by, created_at) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::numeric,"
    " $8, $9, to_timestamp($10::bigint / 1000000.0))"};
constexpr db::Query kListItems = {
    "education_catalogue_list",
    "SELECT " CCMS_ITEM_COLUMNS
    " FROM catalogue_items i WHERE NOT i.retired"
    " AND (i.district_code = '' OR $1::boolean OR i.district_code = ANY($2::text[]))"
    " AND ($3 = '' OR i.district_code IN ('', $3)) AND ($4 = '' OR i.content_kind = $4)"
    " AND ($5 = '' OR i.module = $5) AND ($6 = '' OR i.item_id > NULLIF($6, '')::uuid)"
    " ORDER BY i.item_id LIMIT $7"};
constexpr db::Query kGetItem = {"education_catalogue_get",
                                "SELECT " CCMS_ITEM_COLUMNS
                                " FROM catalogue_items i WHERE i.item_id = $1::uuid"};
constexpr db::Query kUpsertTheme = {
    "education_catalogue_set_theme",
    "INSERT INTO monthly_themes (month, item_id, set_by) VALUES ($1::date, $2::uuid, $3)"
    " ON CONFLICT (month) DO UPDATE SET item_id = EXCLUDED.item_id, set_by = EXCLUDED.set_by,"
    " updated_at = now()"};
constexpr db::Query kGetTheme = {
    "education_catalogue_get_theme",
    "SELECT " CCMS_ITEM_COLUMNS
    ", t.set_by FROM monthly_themes t JOIN catalogue_items i ON i.item_id = t.item_id"
    " WHERE t.month = $1::date"};

CatalogueItemRecord RowToItem(const pqxx::row& r) {
  CatalogueItemRecord i;
  i.item_id = r[0].as<std::string>();
  i.kind = r[1].as<std::string>();
  i.content_kind = r[2].as<std::string>();
  i.module = r[3].as<std::string>();
  i.title = r[4].as<std::string>();
  i.description = r[5].as<std::string>();
  i.hours = r[6].as<double>();
  i.district_code = r[7].as<std::string>();
  i.created_by = r[8].as<std::string>();
  i.created_at = absl::FromUnixMicros(r[9].as<int64_t>());
  return i;
}

std::string MonthDay(absl::CivilMonth m) { return time::FormatDate(absl::CivilDay(m)); }

}  // namespace

absl::StatusOr<CatalogueItemRecord> PgCatalogueStore::AddItem(const auth::Principal& principal,
                                                              const CatalogueItemRecord& item,
                                                              const std::string& request_id) {
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared(Name(kInsertItem), item.item_id, item.kind, item.content_kind, item.module,
                     item.title, item.description, item.hours, item.district_code, item.created_by,
                     absl::ToUnixMicros(item.created_at));
    db::AppendAudit(tx, principal, "AddCatalogueItem", "", "OK", request_id);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return item;
}

absl::StatusOr<CataloguePage> PgCatalogueStore::ListItems(const auth::Principal& principal,
                                                          const CatalogueFilter& f) {
  CataloguePage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kListItems), scope.all, scope.districts, f.district_code,
                                      f.content_kind, f.module, f.after_item_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.next_item_id = page.items.back().item_id;
        break;
      }
      page.items.push_back(RowToItem(row));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<MonthlyThemeRecord> PgCatalogueStore::SetTheme(const auth::Principal& principal,
                                                              absl::CivilMonth month,
                                                              const std::string& item_id,
                                                              const std::string& request_id) {
  MonthlyThemeRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    pqxx::result r = tx.exec_prepared(Name(kGetItem), item_id);
    if (r.empty()) return absl::NotFoundError("no catalogue item with this id");
    CatalogueItemRecord item = RowToItem(r[0]);
    if (item.kind != "THEME" || !item.district_code.empty()) {
      return absl::FailedPreconditionError("the monthly theme must be a city-wide THEME item");
    }
    tx.exec_prepared(Name(kUpsertTheme), MonthDay(month), item_id, principal.subject);
    db::AppendAudit(tx, principal, "SetMonthlyTheme", "", "OK", request_id);
    out.month = month;
    out.item = std::move(item);
    out.set_by = principal.subject;
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<MonthlyThemeRecord> PgCatalogueStore::GetTheme(absl::CivilMonth month) {
  MonthlyThemeRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    pqxx::result r = tx.exec_prepared(Name(kGetTheme), MonthDay(month));
    if (r.empty()) return absl::NotFoundError("no theme is set for this month");
    out.month = month;
    out.item = RowToItem(r[0]);
    out.set_by = r[0][10].as<std::string>();
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

std::vector<db::Query> PgCatalogueStore::Queries() {
  return {kInsertItem, kListItems, kGetItem, kUpsertTheme, kGetTheme};
}

}  // namespace ccms::education
