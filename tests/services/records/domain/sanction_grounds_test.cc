#include "services/records/domain/sanction_grounds.h"

#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

using absl::CivilDay;

RecordsPolicy Policy() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  return LoadRecordsPolicies(*doc)->Latest().rules;
}

LadderFacts Probation() { return LadderFacts{.sentence_kind = SentenceKind::kProbation}; }

SanctionGround Find(const std::vector<SanctionGround>& grounds, const std::string& rule) {
  for (const auto& g : grounds) {
    if (g.rule == rule) return g;
  }
  ADD_FAILURE() << "no ground " << rule;
  return {};
}

TEST(SanctionGroundsTest, EveryGroundIsListedWithItsRuleAndPolicyVersion) {
  const RecordsPolicy policy = Policy();
  const auto grounds = EvaluateGrounds(Probation(), policy, CivilDay(2025, 6, 30));
  ASSERT_EQ(grounds.size(), 8u);
  for (const auto& g : grounds) {
    EXPECT_FALSE(g.met) << g.rule;
    EXPECT_EQ(g.policy_version, policy.version);
    EXPECT_EQ(g.explanation.rfind(g.rule + ": not met — ", 0), 0u) << g.explanation;
    EXPECT_NE(g.explanation.find("Measures 2020"), std::string::npos) << g.explanation;
    EXPECT_NE(g.explanation.find(policy.version), std::string::npos) << g.explanation;
  }
  // Admonition grounds first, then warning grounds.
  EXPECT_EQ(grounds.front().ground_for, SanctionKind::kAdmonition);
  EXPECT_EQ(grounds.back().ground_for, SanctionKind::kWarning);
  EXPECT_EQ(Find(grounds, "ADMONITION_EDUCATION_ABSENT_AFTER_NOTICE").ground_for,
            SanctionKind::kAdmonition);
  EXPECT_EQ(Find(grounds, "WARNING_MINOR_PROHIBITION_ORDER_BREACH").ground_for,
            SanctionKind::kWarning);
  EXPECT_EQ(Find(grounds, "WARNING_MEDICAL_REVIEW_MISSED").ground_for, SanctionKind::kWarning);
}

TEST(SanctionGroundsTest, AnEducationAbsenceAfterNoticeIsAnAdmonitionGroundNotASanction) {
  LadderFacts f = Probation();
  f.education_absences = {CivilDay(2025, 5, 9), CivilDay(2025, 6, 13)};
  f.violations.push_back(ViolationKind::kEducationMissed);
  const CivilDay today(2025, 6, 30);
  const auto g = EducationAbsentAfterNoticeGround(f, Policy());
  EXPECT_TRUE(g.met);
  EXPECT_EQ(g.count, 3);
  EXPECT_EQ(g.ground_for, SanctionKind::kAdmonition);
  EXPECT_NE(g.explanation.find("the latest absence on 2025-06-13"), std::string::npos)
      << g.explanation;
  const LadderStatus s = EvaluateLadder(f, Policy(), today);
  EXPECT_EQ(s.uncorrected_admonitions, 0);
  EXPECT_EQ(s.next_step, "grounds for an admonition are present");
  EXPECT_FALSE(EducationAbsentAfterNoticeGround(Probation(), Policy()).met);
}

TEST(SanctionGroundsTest, LostContactTenDaysIsAdmonitionElevenIsWarning) {
  const RecordsPolicy policy = Policy();  // admonition_max_days 10
  LadderFacts f = Probation();
  f.lost_contact.push_back({CivilDay(2025, 2, 18), CivilDay(2025, 2, 28)});  // 10 days
  EXPECT_TRUE(LostContactUpToLimitGround(f, policy, CivilDay(2025, 6, 30)).met);
  EXPECT_FALSE(LostContactOverLimitGround(f, policy, CivilDay(2025, 6, 30)).met);
  f.lost_contact[0].ended_on = CivilDay(2025, 3, 1);  // 11 days across the month end
  EXPECT_FALSE(LostContactUpToLimitGround(f, policy, CivilDay(2025, 6, 30)).met);
  EXPECT_TRUE(LostContactOverLimitGround(f, policy, CivilDay(2025, 6, 30)).met);
  // Still lost: counted up to today. Lost today (0 days) is no ground yet.
  LadderFacts open = Probation();
  open.lost_contact.push_back({CivilDay(2024, 2, 19), std::nullopt});
  EXPECT_FALSE(LostContactUpToLimitGround(open, policy, CivilDay(2024, 2, 19)).met);
  EXPECT_TRUE(LostContactUpToLimitGround(open, policy, CivilDay(2024, 2, 20)).met);
  EXPECT_TRUE(LostContactUpToLimitGround(open, policy, CivilDay(2024, 2, 29)).met);  // 10, leap
  EXPECT_TRUE(LostContactOverLimitGround(open, policy, CivilDay(2024, 3, 1)).met);   // 11
}

TEST(SanctionGroundsTest, LateReportingAndTravelBreachesAreAdmonitionGrounds) {
  LadderFacts f = Probation();
  f.violations = {ViolationKind::kLateReporting, ViolationKind::kUnapprovedTravel,
                  ViolationKind::kLeaveNotReturned, ViolationKind::kOther};
  EXPECT_EQ(LateReportingGround(f, Policy()).count, 1);
  EXPECT_EQ(MinorRuleBreachGround(f, Policy()).count, 2);
  EXPECT_FALSE(LateReportingGround(Probation(), Policy()).met);
}

TEST(SanctionGroundsTest, TwoUncorrectedAdmonitionsAreAWarningGround) {
  LadderFacts f = Probation();
  f.sanctions.push_back({SanctionKind::kAdmonition, CivilDay(2025, 3, 1)});
  EXPECT_FALSE(RepeatedAdmonitionsGround(f, Policy()).met);
  f.sanctions.push_back({SanctionKind::kAdmonition, CivilDay(2025, 4, 1)});
  EXPECT_TRUE(RepeatedAdmonitionsGround(f, Policy()).met);
  f.sanctions[0].corrected = true;
  EXPECT_FALSE(RepeatedAdmonitionsGround(f, Policy()).met);
}

TEST(SanctionGroundsTest, MinorBreachIsAWarningGroundSeriousTheRevocationGround) {
  const CivilDay today(2025, 6, 30);
  LadderFacts f = Probation();
  f.violations.push_back(ViolationKind::kProhibitionOrderBreach);
  f.prohibition_breaches.push_back(BreachSeverity::kMinor);
  EXPECT_TRUE(MinorProhibitionBreachGround(f, Policy()).met);
  LadderStatus s = EvaluateLadder(f, Policy(), today);
  EXPECT_TRUE(s.grounds_met.empty());
  EXPECT_EQ(s.next_step, "grounds for a warning are present");
  EXPECT_EQ(CheckSanction(SanctionKind::kRevocationRequest,
                          {RevocationGround::kSeriousProhibitionOrderBreach}, f, Policy(), today)
                .code(),
            absl::StatusCode::kFailedPrecondition);
  // A breach recorded before severity was kept counts as minor.
  f.prohibition_breaches = {BreachSeverity::kUnstated};
  EXPECT_TRUE(MinorProhibitionBreachGround(f, Policy()).met);
  EXPECT_NE(MinorProhibitionBreachGround(f, Policy()).explanation.find("without a stated severity"),
            std::string::npos);
  f.prohibition_breaches = {BreachSeverity::kSerious};
  EXPECT_FALSE(MinorProhibitionBreachGround(f, Policy()).met);
  s = EvaluateLadder(f, Policy(), today);
  ASSERT_EQ(s.grounds_met.size(), 1u);
  EXPECT_EQ(s.grounds_met[0], RevocationGround::kSeriousProhibitionOrderBreach);
}

TEST(SanctionGroundsTest, MedicalReviewMissedFromTheDayAfterItFallsDue) {
  const RecordsPolicy policy = Policy();  // every 3 months
  LadderFacts f = LadderFacts{.sentence_kind = SentenceKind::kTemporaryOutsidePrison};
  EXPECT_FALSE(MedicalReviewMissedGround(f, policy, CivilDay(2030, 1, 1)).met);  // no intake
  // Intake on Nov 30 2023: due Feb 29 2024 (leap year, month end clamped).
  f.medical_review = LadderFacts::MedicalReview{CivilDay(2023, 11, 30), std::nullopt};
  EXPECT_FALSE(MedicalReviewMissedGround(f, policy, CivilDay(2024, 2, 29)).met);
  const auto g = MedicalReviewMissedGround(f, policy, CivilDay(2024, 3, 1));
  EXPECT_TRUE(g.met);
  EXPECT_EQ(g.ground_for, SanctionKind::kWarning);
  EXPECT_NE(g.explanation.find("2024-02-29"), std::string::npos) << g.explanation;
  // A review on Feb 20 moves the next one to May 20.
  f.medical_review->last_review = CivilDay(2024, 2, 20);
  EXPECT_FALSE(MedicalReviewMissedGround(f, policy, CivilDay(2024, 5, 20)).met);
  EXPECT_TRUE(MedicalReviewMissedGround(f, policy, CivilDay(2024, 5, 21)).met);
  EXPECT_EQ(EvaluateLadder(f, policy, CivilDay(2024, 5, 21)).next_step,
            "grounds for a warning are present");
}

}  // namespace
}  // namespace ccms::records::domain
