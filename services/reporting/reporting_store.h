#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/reporting/domain/indicators.h"
#include "services/reporting/domain/period.h"
#include "services/reporting/domain/timeline.h"

namespace ccms::reporting {

// One case as a report needs it: a partial time line (opened is set): its flows in the period
// (LoadCounted), or its whole time line as known at an instant (LoadKnownAt).
struct CaseSlice {
  std::string case_id;
  domain::Timeline timeline;
};

// What a report counts from the projections as they stand: the states on the period's as-of
// day, grouped (domain::StateCount; ReportInput::stock), and the cases with a flow in the period
// (their flows only; no spans).
struct CountedInput {
  std::vector<domain::StateCount> states;
  std::vector<CaseSlice> flows;
};

// What the report handlers read.
class ReportStore {
 public:
  virtual ~ReportStore() = default;
  // The spans on period.AsOf() counted by state, keeping `dimensions` of it
  // (domain::StockDimensions), and every case with a flow in the period with those flows; of
  // the spans and flows whose district is in `districts` (empty: every district) and whose
  // office is `office` ("": every office): the caller's scope, in the SQL.
  virtual absl::StatusOr<CountedInput> LoadCounted(domain::Period period,
                                                   const std::set<std::string>& districts,
                                                   const std::string& office,
                                                   const std::set<std::string>& dimensions) = 0;
  // The cases as known at `known_at`: each case's time line built from only its occurrences
  // recorded (the event's recorded_at) at or before it, for the cases with an occurrence in
  // `districts` (empty: every district) and, when set, of `office` (the caller's scope, in the
  // SQL; the report then counts only the states in it).
  virtual absl::StatusOr<std::vector<CaseSlice>> LoadKnownAt(absl::Time known_at,
                                                             const std::set<std::string>& districts,
                                                             const std::string& office) = 0;
  // Whether the projections are catching up (docs/reporting.md "Catch-up"): the time lines are
  // behind the occurrences kept, so no report may be computed from them yet.
  virtual absl::StatusOr<bool> CatchingUp() = 0;
};

}  // namespace ccms::reporting
