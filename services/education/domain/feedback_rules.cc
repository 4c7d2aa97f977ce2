#include "services/education/domain/feedback_rules.h"

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::education::domain {

absl::Status CheckScores(const std::vector<int>& scores, int question_count, int scale_max) {
  if (static_cast<int>(scores.size()) != question_count) {
    return absl::InvalidArgumentError(absl::StrCat("scores: the questionnaire has ", question_count,
                                                   " questions, not ", scores.size()));
  }
  for (size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] < 1 || scores[i] > scale_max) {
      return absl::InvalidArgumentError(
          absl::StrCat("scores: answer ", i + 1, " must be between 1 and ", scale_max));
    }
  }
  return absl::OkStatus();
}

int MeanCenti(const std::vector<int>& scores) {
  if (scores.empty()) return 0;
  long sum = 0;
  for (int s : scores) sum += s;
  return static_cast<int>(sum * 100 / static_cast<long>(scores.size()));
}

ComplaintDue ComplaintDueOf(absl::CivilDay received_on, const EducationPolicies& policies) {
  const EducationPolicy& p = policies.InForce(received_on);
  return {received_on + p.complaint_handling_days, p.version};
}

absl::Status CheckComplaintTransition(std::string_view from, std::string_view to) {
  const bool ok = (from == "OPEN" && to == "IN_HANDLING") ||
                  (from == "IN_HANDLING" && (to == "RESOLVED" || to == "REJECTED"));
  if (ok) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("a complaint ", std::string(from), " cannot become ", std::string(to),
                   " (OPEN -> IN_HANDLING -> RESOLVED or REJECTED)"));
}

bool ComplaintOverdue(std::string_view status, absl::CivilDay handle_by, absl::CivilDay today) {
  return !ComplaintClosed(status) && today > handle_by;
}

absl::Status CheckFeedbackDay(const CaseView& c, absl::CivilDay day) {
  if (c.status == CaseStatus::kClosed) return absl::FailedPreconditionError("the case is closed");
  if (c.supervision_start.has_value() && day < *c.supervision_start) {
    return absl::InvalidArgumentError(absl::StrCat("the day is before the supervision start (",
                                                   time::FormatDate(*c.supervision_start), ")"));
  }
  return absl::OkStatus();
}

}  // namespace ccms::education::domain
