#pragma once

#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "services/education/catalogue_store.h"

namespace ccms::education {

// CatalogueStore on PostgreSQL (tables catalogue_items and monthly_themes, migrations/V002).
class PgCatalogueStore final : public CatalogueStore {
 public:
  explicit PgCatalogueStore(db::ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<CatalogueItemRecord> AddItem(const auth::Principal& principal,
                                              const CatalogueItemRecord& item,
                                              const std::string& request_id) override;
  absl::StatusOr<CataloguePage> ListItems(const auth::Principal& principal,
                                          const CatalogueFilter& filter) override;
  absl::StatusOr<MonthlyThemeRecord> SetTheme(const auth::Principal& principal,
                                              absl::CivilMonth month, const std::string& item_id,
                                              const std::string& request_id) override;
  absl::StatusOr<MonthlyThemeRecord> GetTheme(absl::CivilMonth month) override;

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
};

}  // namespace ccms::education
