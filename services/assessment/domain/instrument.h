#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/assessment/domain/types.h"

namespace ccms::assessment::domain {

struct AnswerOption {
  std::string id;
  std::string text;
  int score = 0;
  // Choosing this option raises a crisis flag of this kind (kUnspecified: no crisis).
  CrisisKind crisis = CrisisKind::kUnspecified;
};

struct Item {
  std::string id;
  std::string subscale;
  std::string text;
  double weight = 1.0;  // the file's default; the policy may set it (assessment.weights)
  std::vector<AnswerOption> options;
};

struct Subscale {
  std::string id;
  std::string title;
  double abnormal_from = 0;  // sub-score >= this is abnormal; 0 = no sub-scale cut-off
};

// A versioned assessment instrument, as shipped in services/assessment/instruments/*.yaml.
// total = sum(option score x item weight); LOW below medium_from, MEDIUM below high_from, else
// HIGH. A sub-score at or above its abnormal_from is abnormal.
struct Instrument {
  std::string id;
  int version = 0;
  InstrumentKind kind = InstrumentKind::kUnspecified;
  std::string title;
  std::vector<Subscale> subscales;
  std::vector<Item> items;
  double medium_from = 0;
  double high_from = 0;

  const Item* FindItem(std::string_view item_id) const;
};

// Parses and validates an instrument file; `origin` names it in messages. Checks: id (lowercase
// letters, digits, '_'), version >= 1, a known kind, unique sub-scale, item and option ids,
// every item in a declared sub-scale with at least two options, scores >= 0, weights in 0..10,
// 0 < medium_from < high_from.
absl::StatusOr<Instrument> ParseInstrument(std::string_view yaml, std::string_view origin);

// Applies policy weights (item id -> weight) to a copy of `instrument`.
Instrument WithWeights(const Instrument& instrument, const std::map<std::string, double>& weights);

struct AnswerInput {
  std::string item_id;
  std::string option_id;
};

struct SubScoreResult {
  std::string subscale;
  double score = 0;
  bool abnormal = false;
};

struct ScoredAssessment {
  double total = 0;
  std::vector<SubScoreResult> sub_scores;  // in the instrument's sub-scale order
  RiskLevel risk = RiskLevel::kUnspecified;
  // Any sub-scale abnormal, or the total HIGH.
  bool abnormal = false;
  std::vector<CrisisKind> crisis;  // distinct kinds, in item order
};

struct AnswerViolation {
  std::string field;
  std::string description;
};

// The risk level of a total (rounded to 2 decimals) against the instrument's cut-offs.
RiskLevel RiskFor(const Instrument& instrument, double total);

// Scores `answers`: every item answered exactly once with one of its options. Returns the
// problems (field names like "answers[2].option_id"); empty when `*out` was filled.
std::vector<AnswerViolation> Score(const Instrument& instrument,
                                   const std::vector<AnswerInput>& answers, ScoredAssessment* out);

}  // namespace ccms::assessment::domain
