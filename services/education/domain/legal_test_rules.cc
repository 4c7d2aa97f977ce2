#include "services/education/domain/legal_test_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::education::domain {

std::optional<std::string> NormalizeAnswer(const std::string& answer) {
  if (answer.size() > 8) return std::nullopt;
  std::string letters;
  for (char c : answer) {
    if (c < 'A' || c > 'Z') return std::nullopt;
    if (letters.find(c) == std::string::npos) letters.push_back(c);
  }
  std::sort(letters.begin(), letters.end());
  return letters;
}

std::vector<Violation> CheckAnswerKey(const std::vector<std::string>& key) {
  if (key.empty() || key.size() > 200) return {{"answer_key", "must hold 1-200 answers"}};
  for (size_t i = 0; i < key.size(); ++i) {
    auto a = NormalizeAnswer(key[i]);
    if (!a.has_value() || a->empty()) {
      return {{"answer_key", absl::StrCat("answer ", i + 1, " must be 1-8 letters A-Z")}};
    }
  }
  return {};
}

absl::Status CheckSittingAnswers(const std::vector<std::string>& answers, size_t question_count,
                                 std::vector<std::string>* normalized) {
  if (answers.size() != question_count) {
    return absl::InvalidArgumentError(absl::StrCat("answers: the paper has ", question_count,
                                                   " questions, not ", answers.size()));
  }
  normalized->clear();
  for (size_t i = 0; i < answers.size(); ++i) {
    auto a = NormalizeAnswer(answers[i]);
    if (!a.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("answers: answer ", i + 1, " must be at most 8 letters A-Z, or blank"));
    }
    normalized->push_back(*a);
  }
  return absl::OkStatus();
}

TestScore ScoreSitting(const std::vector<std::string>& key, const std::vector<std::string>& answers,
                       absl::CivilDay sat_on, const EducationPolicies& policies) {
  const EducationPolicy& p = policies.InForce(sat_on);
  TestScore s;
  s.questions = static_cast<int>(key.size());
  for (size_t i = 0; i < key.size() && i < answers.size(); ++i) {
    if (NormalizeAnswer(key[i]) == answers[i]) ++s.correct;
  }
  s.percent = s.questions == 0 ? 0 : s.correct * 100 / s.questions;
  s.pass_mark = p.legal_test_pass_mark_percent;
  s.passed = s.percent >= s.pass_mark;
  if (!s.passed) s.retake_due_on = sat_on + p.legal_test_retake_within_days;
  s.policy_version = p.version;
  return s;
}

absl::Status CheckSitting(const CaseView& c, absl::CivilDay sat_on) {
  if (c.status == CaseStatus::kClosed) return absl::FailedPreconditionError("the case is closed");
  if (c.supervision_start.has_value() && sat_on < *c.supervision_start) {
    return absl::InvalidArgumentError(absl::StrCat("sat_on is before the supervision start (",
                                                   time::FormatDate(*c.supervision_start), ")"));
  }
  return absl::OkStatus();
}

bool RetakeOverdue(absl::CivilDay retake_due_on, absl::CivilDay today) {
  return today > retake_due_on;
}

}  // namespace ccms::education::domain
