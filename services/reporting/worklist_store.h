#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/reporting/domain/worklist.h"

namespace ccms::reporting {

// A page of a worklist: the rows shown on `today`, in the given districts (empty: all), of one
// kind (nullopt: all) and office ("": all), after the cursor (due day, kind, case id, item id;
// empty: the first page), at most `limit`.
struct WorklistQuery {
  absl::CivilDay today;
  std::optional<domain::WorklistKind> kind;
  std::vector<std::string> districts;
  std::string office;
  std::string cursor;
  int limit = 100;
};

// A row as listed: the item with the case's district and office as they stand now.
struct WorklistRow {
  domain::WorklistItem item;
  std::string office;
};

struct WorklistPage {
  std::vector<WorklistRow> rows;
  std::string next_cursor;  // "" on the last page
};

// What the ListWorklist handler reads.
class WorklistStore {
 public:
  virtual ~WorklistStore() = default;
  virtual absl::StatusOr<WorklistPage> ListWorklist(const WorklistQuery& query) = 0;
};

// What the gauges read, per district: cases by status on `today` (ACTIVE, LOST_CONTACT,
// NEVER_REPORTED on the register; CLOSED), and the KPI people: on the register today and, among
// them, those with a service file (ever), a contact, an education, a help and any of the last
// three (served) in the month up to today.
struct KpiCounts {
  int64_t on_register = 0;
  int64_t filed = 0;
  int64_t contacted = 0;
  int64_t educated = 0;
  int64_t helped = 0;
  int64_t served = 0;  // a contact, an education or an assistance (服务人数, served_people)
};
class GaugeStore {
 public:
  virtual ~GaugeStore() = default;
  // (district, status) -> count: of the cases on the register on `today` (ACTIVE, LOST_CONTACT,
  // NEVER_REPORTED), or of those closed by then (CLOSED).
  virtual absl::StatusOr<std::map<std::pair<std::string, std::string>, int64_t>> CountCases(
      absl::CivilDay today, bool closed) = 0;
  virtual absl::StatusOr<std::map<std::string, KpiCounts>> CountKpis(absl::CivilDay today) = 0;
};

}  // namespace ccms::reporting
