// Instrument files and scoring: validation, every cut-off boundary of the shipped instruments,
// crisis answers, policy weights.
#include "services/assessment/domain/instrument.h"

#include <map>

#include "common/policy/policy.h"
#include "gtest/gtest.h"
#include "services/assessment/domain/assessment_policy.h"
#include "services/assessment/instrument_catalog.h"
#include "tests/services/assessment/domain/test_policy.h"

namespace ccms::assessment::domain {
namespace {

const InstrumentCatalog& Catalog() {
  static const InstrumentCatalog* catalog = [] {
    auto c = InstrumentCatalog::Load(EmbeddedInstruments());
    EXPECT_TRUE(c.ok()) << c.status();
    return new InstrumentCatalog(*std::move(c));
  }();
  return *catalog;
}

const Instrument& Get(const std::string& id) {
  const CatalogEntry* e = Catalog().Find(id, 0);
  EXPECT_NE(e, nullptr) << id;
  return e->instrument;
}

// Answers every item: the given option where listed, the first (score 0) option elsewhere.
std::vector<AnswerInput> Answers(const Instrument& in,
                                 const std::map<std::string, std::string>& chosen) {
  std::vector<AnswerInput> out;
  for (const auto& item : in.items) {
    auto it = chosen.find(item.id);
    out.push_back({item.id, it != chosen.end() ? it->second : item.options[0].id});
  }
  return out;
}

ScoredAssessment ScoreOk(const Instrument& in, const std::map<std::string, std::string>& chosen) {
  ScoredAssessment s;
  const auto violations = Score(in, Answers(in, chosen), &s);
  EXPECT_TRUE(violations.empty()) << violations[0].field << ": " << violations[0].description;
  return s;
}

TEST(InstrumentCatalogTest, ShipsTwoValidInstruments) {
  const auto current = Catalog().Current();
  ASSERT_EQ(current.size(), 2u);
  EXPECT_EQ(Get("social_risk").kind, InstrumentKind::kSocialRisk);
  EXPECT_EQ(Get("social_risk").items.size(), 8u);
  EXPECT_EQ(Get("psych_screening").kind, InstrumentKind::kPsychScreening);
  EXPECT_EQ(Get("psych_screening").subscales.size(), 4u);
  for (const auto& f : Catalog().Fingerprints()) EXPECT_EQ(f.sha256.size(), 64u);
  EXPECT_EQ(Catalog().Find("social_risk", 99), nullptr);
  EXPECT_EQ(Catalog().Find("nope", 0), nullptr);
}

TEST(InstrumentCatalogTest, RejectsMisnamedOrDuplicatedFiles) {
  const std::string text(EmbeddedInstruments()[0].text);
  EXPECT_FALSE(InstrumentCatalog::Load({{"wrong_name.yaml", text}}).ok());
  const std::string name(EmbeddedInstruments()[0].name);
  EXPECT_FALSE(InstrumentCatalog::Load({{name, text}, {name, text}}).ok());
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(InstrumentParseTest, NamesEveryProblem) {
  const char* bad = R"(
id: Bad-Id
version: 0
kind: NOPE
title: t
cutoffs: {medium_from: 10, high_from: 5}
subscales:
  - {id: a, title: A}
  - {id: a, title: A again}
items:
  - id: x
    subscale: missing
    text: x
    options: [{id: o, text: o, score: 0}]
  - id: x
    subscale: a
    text: x
    weight: 11
    options: [{id: o, text: o, score: 0}, {id: o, text: p, score: -1, crisis: MAYBE}]
)";
  auto st = ParseInstrument(bad, "bad.yaml").status();
  ASSERT_FALSE(st.ok());
  const std::string msg(st.message());
  for (const char* want :
       {"bad.yaml", "id:", "version:", "kind:", "cutoffs:", "subscales[1].id", "items[0].subscale",
        "items[0].options", "items[1].id", "items[1].weight", "items[1].options[1].id",
        "items[1].options[1].score", "items[1].options[1].crisis"}) {
    EXPECT_NE(msg.find(want), std::string::npos) << want << " in " << msg;
  }
  EXPECT_FALSE(ParseInstrument("[1, 2", "x").ok());
  EXPECT_FALSE(ParseInstrument("- a", "x").ok());
}

// Found by tests/fuzz/instrument_fuzzer: a scalar where a mapping belongs made yaml-cpp throw
// out of ParseInstrument, and NaN passed the range checks.
TEST(InstrumentParseTest, ScalarsWhereMappingsBelongAndNaNAreProblems) {
  const char* bad = R"(
id: x
version: 1
kind: SOCIAL_RISK
title: t
cutoffs: 5
subscales: [s, {id: a, title: A, abnormal_from: .nan}]
items:
  - i
  - {id: y, subscale: a, text: y, weight: .nan, options: [o, {id: p, text: p, score: 1}]}
)";
  auto st = ParseInstrument(bad, "bad.yaml").status();
  ASSERT_FALSE(st.ok());
  const std::string msg(st.message());
  for (const char* want : {"cutoffs: must be a mapping", "subscales[0]: must be a mapping",
                           "subscales[1].abnormal_from", "items[0]: must be a mapping",
                           "items[1].weight", "items[1].options[0]: must be a mapping"}) {
    EXPECT_NE(msg.find(want), std::string::npos) << want << " in " << msg;
  }
  const char* nan_cutoff = R"(
id: x
version: 1
kind: SOCIAL_RISK
title: t
cutoffs: {medium_from: .nan, high_from: 2}
subscales: [{id: a, title: A}]
items: [{id: y, subscale: a, text: y, options: [{id: o, text: o, score: 0}, {id: p, text: p, score: 1}]}]
)";
  EXPECT_FALSE(ParseInstrument(nan_cutoff, "x").ok());
}

TEST(ScoreTest, EveryItemExactlyOnceWithAKnownOption) {
  const Instrument& in = Get("social_risk");
  ScoredAssessment s;
  auto answers = Answers(in, {});
  answers.pop_back();                           // compliance missing
  answers.push_back({"no_such_item", "x"});     // unknown item
  answers.push_back({"peers", "bogus"});        // unknown option
  answers.push_back({"employment", "stable"});  // answered twice
  const auto v = Score(in, answers, &s);
  std::vector<std::string> fields;
  for (const auto& x : v) fields.push_back(x.field + " " + x.description);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].field, "answers[7].item_id");
  EXPECT_EQ(v[1].field, "answers[8].option_id");
  EXPECT_EQ(v[2].field, "answers[9].item_id");
  EXPECT_EQ(v[3].field, "answers");
  EXPECT_NE(v[3].description.find("compliance"), std::string::npos);
  EXPECT_FALSE(Score(in, {}, &s).empty());
}

TEST(ScoreTest, SocialRiskCutOffBoundaries) {
  const Instrument& in = Get("social_risk");  // LOW < 8 <= MEDIUM < 16 <= HIGH
  struct Case {
    std::map<std::string, std::string> answers;
    double total;
    RiskLevel risk;
  };
  const Case cases[] = {
      {{}, 0, RiskLevel::kLow},
      {{{"offence_history", "two_or_more"}, {"substance_use", "current"}}, 7, RiskLevel::kLow},
      {{{"offence_history", "two_or_more"},
        {"substance_use", "current"},
        {"employment", "unstable"}},
       8,
       RiskLevel::kMedium},
      {{{"offence_history", "two_or_more"},
        {"age_first_offence", "under_18"},
        {"employment", "none"},
        {"family_support", "none_or_conflict"},
        {"substance_use", "current"},
        {"peers", "mixed"},
        {"attitude", "ambivalent"}},
       15,
       RiskLevel::kMedium},
      {{{"offence_history", "two_or_more"},
        {"age_first_offence", "under_18"},
        {"employment", "none"},
        {"family_support", "none_or_conflict"},
        {"substance_use", "current"},
        {"peers", "criminal"}},
       16,
       RiskLevel::kHigh},
  };
  for (const auto& c : cases) {
    const ScoredAssessment s = ScoreOk(in, c.answers);
    EXPECT_DOUBLE_EQ(s.total, c.total);
    EXPECT_EQ(s.risk, c.risk) << c.total;
    EXPECT_EQ(s.abnormal, c.risk == RiskLevel::kHigh) << c.total;
    EXPECT_TRUE(s.crisis.empty());
  }
  EXPECT_EQ(RiskFor(in, 7.999), RiskLevel::kMedium);  // rounded to 2 decimals: 8.00
  EXPECT_EQ(RiskFor(in, 7.99), RiskLevel::kLow);
  EXPECT_EQ(RiskFor(in, 15.99), RiskLevel::kMedium);
}

TEST(ScoreTest, PsychSubscaleBoundaries) {
  const Instrument& in = Get("psych_screening");
  struct Case {
    std::string subscale;
    std::map<std::string, std::string> below, at;
  };
  const Case cases[] = {
      {"anxiety",
       {{"worry", "often"}, {"restless", "often"}, {"panic", "sometimes"}},
       {{"worry", "often"}, {"restless", "often"}, {"panic", "often"}}},
      {"depression",
       {{"low_mood", "often"}, {"no_interest", "often"}, {"sleep", "sometimes"}},
       {{"low_mood", "often"}, {"no_interest", "often"}, {"sleep", "often"}}},
      {"hostility",
       {{"irritable", "always"}},
       {{"irritable", "always"}, {"urge_to_harm_others", "sometimes"}}},
      {"suicidal_ideation",
       {{"thoughts_of_death", "sometimes"}},
       {{"thoughts_of_death", "sometimes"}, {"self_harm", "sometimes"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.subscale);
    const ScoredAssessment below = ScoreOk(in, c.below);
    const ScoredAssessment at = ScoreOk(in, c.at);
    for (const auto& sub : below.sub_scores) EXPECT_FALSE(sub.abnormal) << sub.subscale;
    EXPECT_FALSE(below.abnormal);
    bool found = false;
    for (const auto& sub : at.sub_scores) {
      if (sub.subscale == c.subscale) {
        found = true;
        EXPECT_TRUE(sub.abnormal);
      } else {
        EXPECT_FALSE(sub.abnormal) << sub.subscale;
      }
    }
    EXPECT_TRUE(found);
    EXPECT_TRUE(at.abnormal);
  }
}

TEST(ScoreTest, PsychTotalBoundaries) {
  const Instrument& in = Get("psych_screening");  // LOW < 10 <= MEDIUM < 20 <= HIGH
  const std::map<std::string, std::string> nine = {{"worry", "often"},
                                                   {"restless", "often"},
                                                   {"panic", "sometimes"},
                                                   {"low_mood", "often"},
                                                   {"no_interest", "often"}};
  ScoredAssessment s = ScoreOk(in, nine);
  EXPECT_DOUBLE_EQ(s.total, 9);
  EXPECT_EQ(s.risk, RiskLevel::kLow);
  auto ten = nine;
  ten["sleep"] = "sometimes";
  s = ScoreOk(in, ten);
  EXPECT_DOUBLE_EQ(s.total, 10);
  EXPECT_EQ(s.risk, RiskLevel::kMedium);
  EXPECT_FALSE(s.abnormal);  // no sub-scale at its cut-off
  std::map<std::string, std::string> nineteen = {{"worry", "always"},       {"restless", "always"},
                                                 {"panic", "always"},       {"low_mood", "always"},
                                                 {"no_interest", "always"}, {"sleep", "always"},
                                                 {"irritable", "sometimes"}};
  s = ScoreOk(in, nineteen);
  EXPECT_DOUBLE_EQ(s.total, 19);
  EXPECT_EQ(s.risk, RiskLevel::kMedium);
  nineteen["irritable"] = "often";
  s = ScoreOk(in, nineteen);
  EXPECT_DOUBLE_EQ(s.total, 20);
  EXPECT_EQ(s.risk, RiskLevel::kHigh);
}

TEST(ScoreTest, CrisisAnswersAreFound) {
  const Instrument& psych = Get("psych_screening");
  ScoredAssessment s = ScoreOk(psych, {{"thoughts_of_death", "sometimes"}});
  EXPECT_EQ(s.crisis, std::vector<CrisisKind>{CrisisKind::kSuicide});
  s = ScoreOk(
      psych,
      {{"self_harm", "often"}, {"urge_to_harm_others", "always"}, {"thoughts_of_death", "always"}});
  EXPECT_EQ(s.crisis, (std::vector<CrisisKind>{CrisisKind::kViolence, CrisisKind::kSuicide,
                                               CrisisKind::kSelfHarm}));
  EXPECT_TRUE(ScoreOk(psych, {{"urge_to_harm_others", "sometimes"}}).crisis.empty());
  s = ScoreOk(Get("social_risk"), {{"attitude", "threatens_others"}});
  EXPECT_EQ(s.crisis, std::vector<CrisisKind>{CrisisKind::kViolence});
}

TEST(ScoreTest, PolicyWeightsApply) {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "built-in");
  ASSERT_TRUE(doc.ok());
  auto policies = LoadAssessmentPolicies(*doc, Catalog().WeightKeys());
  ASSERT_TRUE(policies.ok()) << policies.status();
  AssessmentPolicy p = policies->Latest().rules;
  p.weights["social_risk"]["offence_history"] = 1.5;
  InstrumentCatalog weighted = Catalog();
  weighted.ApplyPolicy(p);
  const Instrument& in = weighted.Find("social_risk", 0)->instrument;
  const ScoredAssessment s =
      ScoreOk(in, {{"offence_history", "two_or_more"}, {"employment", "unstable"}});
  EXPECT_DOUBLE_EQ(s.total, 7);  // 4 x 1.5 + 1
  EXPECT_EQ(s.risk, RiskLevel::kLow);
}

TEST(AssessmentPolicyTest, ShippedDefaultsMatchAndBadKeysAreNamed) {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "built-in");
  ASSERT_TRUE(doc.ok());
  auto policies = LoadAssessmentPolicies(*doc, Catalog().WeightKeys());
  ASSERT_TRUE(policies.ok()) << policies.status();
  ASSERT_EQ(policies->versions().size(), 1u);
  const AssessmentPolicy* p = &policies->Latest().rules;
  const AssessmentPolicy want = testing::DefaultPolicy();
  EXPECT_EQ(p->version, "2026.11-default");
  EXPECT_EQ(p->intake_screen_within_months, want.intake_screen_within_months);
  EXPECT_EQ(p->initial_strict_months, 3);
  EXPECT_EQ(p->warning_strict_months, want.warning_strict_months);
  EXPECT_EQ(p->strict_below_month_total, want.strict_below_month_total);
  EXPECT_EQ(p->relaxed_standard_months, want.relaxed_standard_months);
  EXPECT_EQ(p->relaxed_quarterly_average_min, want.relaxed_quarterly_average_min);
  EXPECT_EQ(p->relaxed_consecutive_commendations, want.relaxed_consecutive_commendations);
  EXPECT_EQ(p->relaxed_low_risk, want.relaxed_low_risk);
  EXPECT_EQ(p->ReassessMonths(Level::kStrict), 3);
  EXPECT_EQ(p->ReassessMonths(Level::kStandard), 6);
  EXPECT_EQ(p->ReassessMonths(Level::kRelaxed), 12);
  EXPECT_EQ(p->triggered_within_days, want.triggered_within_days);
  EXPECT_EQ(p->crisis_ack_hours, 2);
  EXPECT_EQ(p->points_base, 100);
  EXPECT_EQ(p->deductions, want.deductions);
  EXPECT_EQ(p->additions, want.additions);
  EXPECT_EQ(p->weights.at("psych_screening").size(), 10u);

  // Only its own section is read: records' keys are neither needed nor checked.
  auto bad = policy::PolicyDocument::Parse(
      "records: {versions: [{version: r1, effective_from: 2026-01-01, intake: {}}]}\n"
      "assessment: {versions: [{version: a1, effective_from: 2026-01-01,"
      " crisis: {ack_hours: 0}}]}\n",
      "bad.yaml");
  ASSERT_TRUE(bad.ok());
  const auto st = LoadAssessmentPolicies(*bad, {}).status();
  ASSERT_FALSE(st.ok());
  const std::string msg(st.message());
  EXPECT_NE(msg.find("assessment.crisis.ack_hours"), std::string::npos) << msg;
  EXPECT_NE(msg.find("assessment.points.base"), std::string::npos) << msg;
  EXPECT_NE(msg.find("assessment version a1"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("records."), std::string::npos) << msg;
}

}  // namespace
}  // namespace ccms::assessment::domain
