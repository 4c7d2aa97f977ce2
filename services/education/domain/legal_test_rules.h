#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/education/domain/case_view.h"
#include "services/education/domain/education_policy.h"
#include "services/education/domain/service_file_rules.h"

namespace ccms::education::domain {

// Legal-knowledge tests (法制知识考核; docs/education.md, "Legal-knowledge tests").

// An answer as the service compares it: its letters A-Z sorted, each once ("DB" -> "BD"); ""
// for a blank. nullopt when it holds anything else or more than 8 letters.
std::optional<std::string> NormalizeAnswer(const std::string& answer);

// The violations of a paper's answer key (field "answer_key"): 1-200 answers, none blank.
std::vector<Violation> CheckAnswerKey(const std::vector<std::string>& key);

// A sitting's score, computed by the service: the answers equal to the key's (after
// NormalizeAnswer), as a percentage of the questions rounded down; passed at or above the pass
// mark of the policy in force on the day sat; after a fail a retake is due
// education.legal_test.retake_within_days later.
struct TestScore {
  int correct = 0;
  int questions = 0;
  int percent = 0;
  int pass_mark = 0;
  bool passed = false;
  std::optional<absl::CivilDay> retake_due_on;
  std::string policy_version;
};
// `answers` must already be normalized and as many as `key` (CheckSittingAnswers).
TestScore ScoreSitting(const std::vector<std::string>& key, const std::vector<std::string>& answers,
                       absl::CivilDay sat_on, const EducationPolicies& policies);

// Normalizes `answers` into *normalized; INVALID_ARGUMENT (field "answers") when their number is
// not the paper's or one is not an answer.
absl::Status CheckSittingAnswers(const std::vector<std::string>& answers, size_t question_count,
                                 std::vector<std::string>* normalized);

// Whether a sitting may be recorded for the case on `sat_on`: the case is not closed
// (FAILED_PRECONDITION), the day not before the supervision start (INVALID_ARGUMENT).
absl::Status CheckSitting(const CaseView& c, absl::CivilDay sat_on);

// A retake is overdue when today is after its due day (the due day itself is in time).
bool RetakeOverdue(absl::CivilDay retake_due_on, absl::CivilDay today);

}  // namespace ccms::education::domain
