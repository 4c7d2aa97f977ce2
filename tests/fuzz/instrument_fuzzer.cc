// Fuzzes the instrument file parser and the scoring of what it accepts
// (services/assessment/domain/instrument.h). Instrument files are shipped with the service and
// may be edited by a deployment, so whatever passes ParseInstrument must keep the rules its
// header promises and score without surprises.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "services/assessment/domain/instrument.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using ccms::assessment::domain::AnswerInput;
using ccms::assessment::domain::Instrument;
using ccms::assessment::domain::RiskLevel;
using ccms::assessment::domain::ScoredAssessment;

void CheckAccepted(const Instrument& in) {
  CCMS_FUZZ_CHECK(!in.id.empty() && in.version >= 1);
  CCMS_FUZZ_CHECK(in.medium_from > 0 && in.medium_from < in.high_from);
  CCMS_FUZZ_CHECK(!in.subscales.empty() && !in.items.empty());
  for (const auto& s : in.subscales) CCMS_FUZZ_CHECK(s.abnormal_from >= 0);
  for (const auto& item : in.items) {
    CCMS_FUZZ_CHECK(item.weight >= 0 && item.weight <= 10);
    CCMS_FUZZ_CHECK(item.options.size() >= 2);
    for (const auto& o : item.options) CCMS_FUZZ_CHECK(o.score >= 0);
  }
}

// Answers every item with its option number `pick` (clamped), in the file's order.
std::vector<AnswerInput> Answers(const Instrument& in, size_t pick) {
  std::vector<AnswerInput> answers;
  for (const auto& item : in.items) {
    answers.push_back({item.id, item.options[std::min(pick, item.options.size() - 1)].id});
  }
  return answers;
}

void CheckScore(const Instrument& in, const std::vector<AnswerInput>& answers) {
  ScoredAssessment scored;
  const auto violations = ccms::assessment::domain::Score(in, answers, &scored);
  CCMS_FUZZ_CHECK(violations.empty());
  CCMS_FUZZ_CHECK(std::isfinite(scored.total) && scored.total >= 0);
  CCMS_FUZZ_CHECK(scored.risk != RiskLevel::kUnspecified);
  CCMS_FUZZ_CHECK(scored.sub_scores.size() == in.subscales.size());
  if (scored.risk == RiskLevel::kHigh) CCMS_FUZZ_CHECK(scored.abnormal);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = ccms::assessment::domain::ParseInstrument(ccms::fuzz::AsText(data, size), "fuzz");
  if (!parsed.ok()) {
    CCMS_FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  const Instrument& in = *parsed;
  CheckAccepted(in);
  CheckScore(in, Answers(in, 0));
  CheckScore(in, Answers(in, 1000));

  // Policy weights (assessment.weights, 0..10) applied to every item.
  std::map<std::string, double> weights;
  for (size_t i = 0; i < in.items.size(); ++i) weights[in.items[i].id] = i % 2 == 0 ? 10 : 0;
  const Instrument weighted = ccms::assessment::domain::WithWeights(in, weights);
  CheckScore(weighted, Answers(weighted, 1000));

  // An answer set with a problem is refused, never scored.
  std::vector<AnswerInput> answers = Answers(in, 0);
  answers.push_back(answers.front());
  ScoredAssessment scored;
  CCMS_FUZZ_CHECK(!ccms::assessment::domain::Score(in, answers, &scored).empty());
  return 0;
}
