#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
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
  // Every case with a span on period.AsOf() or a flow in the period.
  virtual absl::StatusOr<std::vector<CaseSlice>> LoadSlices(domain::Period period) = 0;
};

}  // namespace ccms::reporting
