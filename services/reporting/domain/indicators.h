#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/reporting/domain/period.h"
#include "services/reporting/domain/timeline.h"

namespace ccms::reporting::domain {

// One indicator of the definitions file (services/reporting/indicators.yaml; docs/reporting.md).
struct IndicatorDef {
  enum class Kind { kStock, kFlow };  // a count on a day / a count of changes in a period
  enum class Count { kPeople, kPersonTimes };

  std::string id;
  std::string title;  // Chinese heading
  Kind kind = Kind::kStock;
  Count count = Count::kPeople;
  // Flow only: the occurrence kinds counted (case_opened, closed, sanction, violation, contact,
  // lost_contact, intake_reported, level_changed, service; one or a list) and, when not empty,
  // the codes they must have.
  std::set<std::string> events;
  std::set<std::string> codes;
  // Conditions on the case's state (dimension -> accepted values), all of which must hold.
  std::map<std::string, std::set<std::string>> where;
  std::vector<std::string> breakdowns;
  std::string formula;

  // Whether the indicator counts only minors (where minor: [true]).
  bool OnlyMinors() const;
};

struct IndicatorDefs {
  std::string version;
  std::vector<IndicatorDef> indicators;

  const IndicatorDef* Find(std::string_view id) const;
};

// Parses and validates the definitions file: a version, unique ids, known kinds, counts, events
// and dimensions; a stock indicator has no event, a flow indicator has one. Errors name the
// indicator and the field.
absl::StatusOr<IndicatorDefs> ParseIndicatorDefs(std::string_view yaml);

// Cases counted by their state on one day: `cases` cases were on the register in `state`, of
// which only some dimensions are kept (StockDimensions; the others empty or false), so that cases
// alike in those fall in one group. What the projections' GROUP BY gives a report instead of one
// span per case (docs/reporting.md, "Reading the projections").
struct StateCount {
  CaseState state;
  int64_t cases = 0;
};

// What a report counts: the spans and flows of the cases it may see.
struct ReportInput {
  std::vector<std::string> case_ids;  // one per timeline, same order
  std::vector<const Timeline*> timelines;
  // When set, the stock indicators count these states on period.AsOf() (each group as its number
  // of people) and not the timelines' spans; the timelines are then read for their flows only.
  const std::vector<StateCount>* stock = nullptr;
};

// The dimensions of a case's state that stock `indicators` broken down by `breakdown` read: the
// district and the office (the scope), the breakdown and every condition of a stock indicator.
// A report computed from StateCounts keeping these equals the one computed from the spans.
std::set<std::string> StockDimensions(const std::vector<const IndicatorDef*>& indicators,
                                      std::string_view breakdown);

// The states of `timelines` on `day` grouped by the `dimensions` of `StockDimensions` (the others
// cleared), in the order of their first case: the projections' GROUP BY, in memory (the tests
// compare the two paths). Pure.
std::vector<StateCount> GroupStates(const std::vector<const Timeline*>& timelines,
                                    absl::CivilDay day, const std::set<std::string>& dimensions);
// The state with only `dimensions` kept.
CaseState KeepDimensions(const CaseState& state, const std::set<std::string>& dimensions);

// A computed table: one row per breakdown value (sorted), the counts per indicator in the order
// asked, and the total over every case counted (people counted once in the total).
struct ReportTable {
  std::vector<std::string> keys;
  std::vector<std::vector<int64_t>> rows;  // rows[key][indicator]
  std::vector<int64_t> total;
};

// Computes `indicators` over `period` broken down by `breakdown` ("" for the total only): a
// stock indicator counts cases whose state on period.AsOf() meets its conditions (from
// input.stock when set, which must keep StockDimensions(indicators, breakdown)); a flow
// indicator counts its changes with a day in the period whose state meets them (people: distinct
// cases; person-times: changes). `visible` selects the districts counted (by the district of the
// state counted; empty set = all), `office` the office (the state's; "" = all). Pure.
ReportTable ComputeReport(const std::vector<const IndicatorDef*>& indicators, Period period,
                          std::string_view breakdown, const ReportInput& input,
                          const std::set<std::string>& visible, std::string_view office = "");

// Whether the breakdown lies below the district (an office): where minors' small counts are
// withheld.
bool BelowDistrict(std::string_view breakdown);

// A cell as reports show it: the count, or "<threshold" when it concerns minors (the indicator
// counts only minors, or the row is minor=true), the breakdown lies below the district, and
// 0 < count < threshold.
std::string CellText(const IndicatorDef& def, std::string_view breakdown, std::string_view key,
                     int64_t count, int threshold);

}  // namespace ccms::reporting::domain
