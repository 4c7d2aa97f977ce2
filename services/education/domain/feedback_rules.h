#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/education/domain/case_view.h"
#include "services/education/domain/education_policy.h"

namespace ccms::education::domain {

// Satisfaction surveys and complaints (seed 9.2-9.3; docs/education.md, "Satisfaction and
// complaints").

// INVALID_ARGUMENT (field "scores") unless there is one score per question, each 1..scale_max.
absl::Status CheckScores(const std::vector<int>& scores, int question_count, int scale_max);

// The mean of `scores` x 100, rounded down (0 for none).
int MeanCenti(const std::vector<int>& scores);

// When a complaint received on `received_on` must be handled: received_on plus
// education.feedback.complaint_handling_days of the policy in force that day.
struct ComplaintDue {
  absl::CivilDay handle_by;
  std::string policy_version;
};
ComplaintDue ComplaintDueOf(absl::CivilDay received_on, const EducationPolicies& policies);

// Complaint status: OPEN -> IN_HANDLING -> RESOLVED | REJECTED; nothing leaves RESOLVED or
// REJECTED. FAILED_PRECONDITION otherwise, naming both.
absl::Status CheckComplaintTransition(std::string_view from, std::string_view to);

inline bool ComplaintClosed(std::string_view status) {
  return status == "RESOLVED" || status == "REJECTED";
}

// Overdue: still OPEN or IN_HANDLING and today is after handle_by (handle_by itself is in time).
bool ComplaintOverdue(std::string_view status, absl::CivilDay handle_by, absl::CivilDay today);

// Whether feedback may be recorded for the case on `day`: not a closed case (FAILED_PRECONDITION),
// not before the supervision start (INVALID_ARGUMENT).
absl::Status CheckFeedbackDay(const CaseView& c, absl::CivilDay day);

}  // namespace ccms::education::domain
