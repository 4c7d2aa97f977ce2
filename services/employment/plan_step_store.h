#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/principal.h"
#include "services/employment/domain/plan_step_rules.h"

namespace ccms::employment {

// A help item of a plan step (tables case_plan_steps and case_plans, V009) as listed: the step,
// its action and due day, the version it came with, whether it is met (the first matching work
// on or after the approval, not after as_of) and whether the plan or the case closed.
struct PlanStepItemRecord {
  std::string case_id;
  std::string district_code;  // the case's now (else the event's)
  int plan_version = 0;
  absl::CivilDay approved_on;
  domain::FollowedStep step;
  std::optional<absl::CivilDay> met_on;
  bool closed = false;
};

struct PlanStepFilter {
  std::string district_code;  // "" = every district the caller sees
  std::string case_id;        // "" = open items of every case; else every item of this case
  bool overdue_only = false;  // open items due before as_of
  absl::CivilDay as_of;
  int page_size = 50;
  std::string after_case_id;  // paging: after (case, step)
  std::string after_step_id;
};

// The plan steps' help items for staff. Reach is the case's district, in SQL; every call writes
// an audit row with the count.
class PlanStepStore {
 public:
  virtual ~PlanStepStore() = default;

  // One page by (case id, step id), and whether more follow.
  virtual absl::StatusOr<std::pair<std::vector<PlanStepItemRecord>, bool>> List(
      const auth::Principal& principal, const PlanStepFilter& filter) = 0;
};

}  // namespace ccms::employment
