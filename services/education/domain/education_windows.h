#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/policy/policy.h"
#include "services/education/domain/case_view.h"

namespace ccms::education::domain {

// Intake and discharge education windows (issue 14 item 7; seed standard 7.1.1, 7.10.1;
// RULES.md: the first and the last month of the term), from the case's dates.

// `education.windows.*` of one policy version.
struct WindowPolicy {
  int intake_within_months = 1;   // RULES.md: the first 1 month (some places 3)
  int discharge_last_months = 1;  // RULES.md: the last 1 month
};
WindowPolicy ReadWindowPolicy(policy::PolicyReader& r);

enum class WindowKind { kIntake, kDischarge };
std::string_view WindowKindName(WindowKind k);  // INTAKE, DISCHARGE

// Where a window stands on a day.
enum class WindowState {
  kNotApplicable,  // no date to count from (no intake report / no end date), or closed early
  kNotOpen,        // before the window
  kDue,            // open, not completed, the due day not passed
  kOverdue,        // the due day passed, not completed, the case active
  kMissed,         // the due day passed, not completed, the case closed
  kCompleted,      // completed in the window
  kCompletedLate,  // completed after the due day
};
std::string_view WindowStateName(WindowState s);

struct EducationWindow {
  WindowKind kind = WindowKind::kIntake;
  std::optional<absl::CivilDay> opens_on;
  std::optional<absl::CivilDay> due_on;  // the last day in time
  std::optional<absl::CivilDay> completed_on;
  WindowState state = WindowState::kNotApplicable;
};

// The days a session of the kind counted (ATTENDED or LATE at an INTAKE or DISCHARGE session).
//
// Intake: opens on the intake report, due `intake_within_months` calendar months later (a day the
// month lacks becomes its last day: 01-31 -> 02-28/29); completed by the first such day on or
// after the report.
// Discharge: the last `discharge_last_months` calendar months of the term: opens the day after
// end − months (clamped), due on the end date (03-31 -> 03-01..03-31; 03-15 -> 02-16..03-15);
// completed by the first such day on or after the opening. A case closed before the window
// opened owes nothing (kNotApplicable).
EducationWindow IntakeWindow(const CaseView& c, const std::vector<absl::CivilDay>& attended_days,
                             const WindowPolicy& policy, absl::CivilDay today);
EducationWindow DischargeWindow(const CaseView& c, const std::vector<absl::CivilDay>& attended_days,
                                const WindowPolicy& policy, absl::CivilDay today);

}  // namespace ccms::education::domain
