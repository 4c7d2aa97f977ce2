#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"

namespace ccms::education {

// An item of the education catalogue: a course or a theme (codes as the proto's enum names
// without their prefix: COURSE, LEGAL_POLICY, INTAKE_NOTICE, ...).
struct CatalogueItemRecord {
  std::string item_id;
  std::string kind;          // COURSE, THEME
  std::string content_kind;  // LEGAL_POLICY, MORAL, CULTURE, BEHAVIOUR, VOCATIONAL, MENTAL_HEALTH
  std::string module;        // "" or INTAKE_* / DISCHARGE_*
  std::string title;
  std::string description;
  double hours = 0;
  std::string district_code;  // "" = city-wide
  std::string created_by;
  absl::Time created_at;
};

struct CatalogueFilter {
  std::string content_kind;   // "" = every kind
  std::string module;         // "" = every module
  std::string district_code;  // "" = every district of the caller
  int page_size = 50;
  std::string after_item_id;  // exclusive; "" from the start
};

struct CataloguePage {
  std::vector<CatalogueItemRecord> items;
  std::string next_item_id;  // "" on the last page
};

// The city-wide theme of a month.
struct MonthlyThemeRecord {
  absl::CivilMonth month;
  CatalogueItemRecord item;
  std::string set_by;
};

// Storage of the catalogue. Items are city-wide or a district's own: lists show the city-wide
// ones and those of the caller's districts (in SQL). Writes are audited.
class CatalogueStore {
 public:
  virtual ~CatalogueStore() = default;

  // Adds `item` (its id and time set by the caller); audited as `AddCatalogueItem`.
  virtual absl::StatusOr<CatalogueItemRecord> AddItem(const auth::Principal& principal,
                                                      const CatalogueItemRecord& item,
                                                      const std::string& request_id) = 0;
  virtual absl::StatusOr<CataloguePage> ListItems(const auth::Principal& principal,
                                                  const CatalogueFilter& filter) = 0;
  // Sets the theme of `month` to item `item_id`: NOT_FOUND for an unknown item,
  // FAILED_PRECONDITION for one that is not a city-wide THEME. Audited as `SetMonthlyTheme`.
  virtual absl::StatusOr<MonthlyThemeRecord> SetTheme(const auth::Principal& principal,
                                                      absl::CivilMonth month,
                                                      const std::string& item_id,
                                                      const std::string& request_id) = 0;
  // NOT_FOUND when no theme is set for `month`.
  virtual absl::StatusOr<MonthlyThemeRecord> GetTheme(absl::CivilMonth month) = 0;
};

}  // namespace ccms::education
