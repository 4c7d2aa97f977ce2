#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/reporting/domain/period.h"
#include "services/reporting/domain/timeline.h"

namespace ccms::reporting {

// One case as a report needs it: its spans covering the period's as-of day and its flows in the
// period (a partial time line; opened is set).
struct CaseSlice {
  std::string case_id;
  domain::Timeline timeline;
};

// What the report handlers read.
class ReportStore {
 public:
  virtual ~ReportStore() = default;
  // Every case with a span on period.AsOf() or a flow in the period, of those spans and flows
  // whose district is in `districts` (empty: every district) and whose office is `office` ("":
  // every office): the caller's scope, in the SQL.
  virtual absl::StatusOr<std::vector<CaseSlice>> LoadSlices(domain::Period period,
                                                            const std::set<std::string>& districts,
                                                            const std::string& office) = 0;
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
