// Needs, plans and skills: the plan's version transitions tried whole (every pair), agreement on
// the draft's day, the day before and a future day (a leap day); survey answers against the
// shipped policy's codes; a skills profile's certificates.
#include "services/employment/domain/needs_rules.h"

#include "gtest/gtest.h"
#include "tests/services/employment/domain/test_policy.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;
using C = absl::StatusCode;

const CivilDay kToday(2028, 2, 29);

TEST(NeedsRulesTest, EveryPlanTransitionIsAllowedOrRefusedByTheTable) {
  const PlanStatus all[] = {PlanStatus::kDraft, PlanStatus::kAgreed, PlanStatus::kSuperseded};
  for (PlanStatus from : all) {
    for (PlanStatus to : all) {
      const bool allowed = (from == PlanStatus::kDraft && to == PlanStatus::kAgreed) ||
                           (from == PlanStatus::kDraft && to == PlanStatus::kSuperseded) ||
                           (from == PlanStatus::kAgreed && to == PlanStatus::kSuperseded);
      SCOPED_TRACE(std::string(PlanStatusName(from)) + " -> " + std::string(PlanStatusName(to)));
      EXPECT_EQ(CheckPlanTransition(from, to).code(), allowed ? C::kOk : C::kFailedPrecondition);
    }
  }
  // The ones that must be refused, by hand.
  EXPECT_FALSE(CheckPlanTransition(PlanStatus::kAgreed, PlanStatus::kDraft).ok());
  EXPECT_FALSE(CheckPlanTransition(PlanStatus::kAgreed, PlanStatus::kAgreed).ok());
  EXPECT_FALSE(CheckPlanTransition(PlanStatus::kSuperseded, PlanStatus::kAgreed).ok());
  EXPECT_FALSE(CheckPlanTransition(PlanStatus::kSuperseded, PlanStatus::kDraft).ok());
}

TEST(NeedsRulesTest, AgreementOnTheDraftDayNotBeforeNotInTheFuture) {
  EXPECT_TRUE(CheckPlanAgreement(PlanStatus::kDraft, kToday, kToday, kToday).ok());
  EXPECT_TRUE(CheckPlanAgreement(PlanStatus::kDraft, CivilDay(2028, 2, 28), kToday, kToday).ok());
  EXPECT_EQ(CheckPlanAgreement(PlanStatus::kDraft, kToday, kToday - 1, kToday).code(),
            C::kInvalidArgument);
  EXPECT_EQ(CheckPlanAgreement(PlanStatus::kDraft, kToday, kToday + 1, kToday).code(),
            C::kInvalidArgument);
  EXPECT_EQ(CheckPlanAgreement(PlanStatus::kAgreed, kToday, kToday, kToday).code(),
            C::kFailedPrecondition);
  EXPECT_EQ(CheckPlanAgreement(PlanStatus::kSuperseded, kToday, kToday, kToday).code(),
            C::kFailedPrecondition);
}

SurveyAnswers Answers() {
  SurveyAnswers a;
  a.method = "HOME_VISIT";
  a.wish_to_work = "WANTS_WORK";
  a.ability_code = "FULL";
  a.skill_gap_codes = {"FORKLIFT"};
  a.housing_code = "RENTED";
  a.livelihood_code = "LOW_INCOME";
  a.schooling_code = "NOT_APPLICABLE";
  a.family_code = "SUPPORTIVE";
  return a;
}

TEST(NeedsRulesTest, SurveyAnswersAreCodesOfThePolicy) {
  const EmploymentPolicy p = testing::ShippedPolicy();
  EXPECT_TRUE(CheckSurvey(Answers(), p).ok());
  auto bad = [&](auto change) {
    SurveyAnswers a = Answers();
    change(a);
    return CheckSurvey(a, p).code();
  };
  EXPECT_EQ(bad([](SurveyAnswers& a) { a.method = ""; }), C::kInvalidArgument);
  EXPECT_EQ(bad([](SurveyAnswers& a) { a.wish_to_work = ""; }), C::kInvalidArgument);
  EXPECT_EQ(bad([](SurveyAnswers& a) { a.ability_code = "full"; }), C::kInvalidArgument);
  EXPECT_EQ(bad([](SurveyAnswers& a) { a.housing_code = ""; }), C::kInvalidArgument);
  EXPECT_EQ(bad([](SurveyAnswers& a) { a.livelihood_code = "RICH"; }), C::kInvalidArgument);
  EXPECT_EQ(bad([](SurveyAnswers& a) { a.schooling_code = "X"; }), C::kInvalidArgument);
  EXPECT_EQ(bad([](SurveyAnswers& a) { a.family_code = "X"; }), C::kInvalidArgument);
  EXPECT_EQ(bad([](SurveyAnswers& a) {
              a.skill_gap_codes = {"FORKLIFT", "FORKLIFT"};
            }),
            C::kInvalidArgument);
  EXPECT_EQ(bad([](SurveyAnswers& a) { a.skill_gap_codes = std::vector<std::string>(21, "X"); }),
            C::kInvalidArgument);
  EXPECT_EQ(bad([](SurveyAnswers& a) { a.skill_gap_codes.clear(); }), C::kOk);
}

TEST(NeedsRulesTest, SkillsProfileAndPlanDraft) {
  const EmploymentPolicy p = testing::ShippedPolicy();
  EXPECT_TRUE(
      CheckSkillsProfile({"FORKLIFT"}, {{"FORKLIFT_OPERATOR", "BJ_HRSS", kToday}}, p, kToday).ok());
  EXPECT_EQ(
      CheckSkillsProfile({}, {{"FORKLIFT_OPERATOR", "BJ_HRSS", kToday + 1}}, p, kToday).code(),
      C::kInvalidArgument);
  EXPECT_EQ(CheckSkillsProfile({}, {{"FORKLIFT_OPERATOR", "b", kToday}}, p, kToday).code(),
            C::kInvalidArgument);
  EXPECT_EQ(CheckSkillsProfile({}, {{"NOPE", "BJ_HRSS", kToday}}, p, kToday).code(),
            C::kInvalidArgument);
  EXPECT_EQ(CheckSkillsProfile({}, {{"WELDER", "BJ_HRSS", std::nullopt}}, p, kToday).code(),
            C::kInvalidArgument);
  EXPECT_TRUE(CheckPlanDraft("EMPLOYMENT", {"LOGISTICS"}, {"FORKLIFT"}, p).ok());
  EXPECT_EQ(CheckPlanDraft("", {}, {}, p).code(), C::kInvalidArgument);
  EXPECT_EQ(CheckPlanDraft("EMPLOYMENT", {"LOGISTICS", "LOGISTICS"}, {}, p).code(),
            C::kInvalidArgument);
  EXPECT_EQ(CheckPlanDraft("EMPLOYMENT", {}, {"WELDING", "NOPE"}, p).code(), C::kInvalidArgument);
}

}  // namespace
}  // namespace ccms::employment::domain
