// Contracts, evaluations, assistance and volunteers' hours at their edges (domain/support_rules.h):
// periods of one day and one backwards, ten-year contracts from 29 February, amounts at 0, the
// policy's largest and one above, evaluations on the period's last day and the day before, the
// assistance steps tried whole, years at 31 December / 1 January (Asia/Shanghai days), a
// volunteer's day at 24 hours; the shipped policy's codes and a version without the keys.
#include "services/employment/domain/support_rules.h"

#include "absl/time/time.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/services/employment/domain/test_policy.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;
using absl::StatusCode;

constexpr int64_t kMax = 1'000'000;

TEST(ContractRulesTest, PeriodsAndAmountsAtTheirEdges) {
  const CivilDay d(2028, 2, 29);
  EXPECT_TRUE(CheckContract(d, d, 0, kMax).ok());  // one day, no money
  EXPECT_TRUE(CheckContract(d, d, kMax, kMax).ok());
  EXPECT_EQ(CheckContract(d, d, kMax + 1, kMax).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckContract(d, d, -1, kMax).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckContract(d, d - 1, 5, kMax).code(), StatusCode::kInvalidArgument);
  // Ten years from 29 February 2028: 2038 has no 29 February, the limit is 1 March 2038.
  EXPECT_TRUE(CheckContract(d, CivilDay(2038, 2, 28), 5, kMax).ok());
  EXPECT_EQ(CheckContract(d, CivilDay(2038, 3, 1), 5, kMax).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckContract(CivilDay(2027, 1, 1), CivilDay(2036, 12, 31), 5, kMax).ok());
  EXPECT_FALSE(CheckContract(CivilDay(2027, 1, 1), CivilDay(2037, 1, 1), 5, kMax).ok());
}

TEST(EvaluationRulesTest, PeriodsScoresAndCodes) {
  const EmploymentPolicy p = testing::ShippedPolicy();
  const CivilDay today(2027, 1, 1);
  const std::vector<Score> scores = {{"SERVICE_QUALITY", 100}, {"OUTCOMES", 0}};
  auto check = [&](CivilDay from, CivilDay to, CivilDay on, const std::vector<Score>& s,
                   const std::string& result = "PASS") {
    return CheckEvaluation(from, to, on, today, s, p.evaluation_criteria, result,
                           p.evaluation_results)
        .code();
  };
  // The year 2026 evaluated on its last day, or on the next (today).
  EXPECT_EQ(check(CivilDay(2026, 1, 1), CivilDay(2026, 12, 31), CivilDay(2026, 12, 31), scores),
            StatusCode::kOk);
  EXPECT_EQ(check(CivilDay(2026, 1, 1), CivilDay(2026, 12, 31), today, scores), StatusCode::kOk);
  // A period not yet over, a backwards one, an evaluation in the future.
  EXPECT_EQ(check(CivilDay(2026, 1, 1), today, CivilDay(2026, 12, 31), scores),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(check(CivilDay(2026, 6, 2), CivilDay(2026, 6, 1), today, scores),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(check(CivilDay(2026, 1, 1), CivilDay(2026, 12, 31), today + 1, scores),
            StatusCode::kInvalidArgument);
  const CivilDay f(2026, 1, 1), t(2026, 12, 31);
  EXPECT_EQ(check(f, t, today, {}), StatusCode::kInvalidArgument);
  EXPECT_EQ(check(f, t, today, {{"SERVICE_QUALITY", 101}}), StatusCode::kInvalidArgument);
  EXPECT_EQ(check(f, t, today, {{"SERVICE_QUALITY", -1}}), StatusCode::kInvalidArgument);
  EXPECT_EQ(check(f, t, today, {{"SERVICE_QUALITY", 5}, {"SERVICE_QUALITY", 6}}),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(check(f, t, today, {{"NOT_A_CRITERION", 5}}), StatusCode::kInvalidArgument);
  EXPECT_EQ(check(f, t, today, scores, "SO_SO"), StatusCode::kInvalidArgument);
  std::vector<Score> many;
  for (int i = 0; i < kMaxCriteria + 1; ++i) many.push_back({"X" + std::to_string(i), 1});
  EXPECT_EQ(CheckEvaluation(f, t, today, today, many, {}, "PASS", p.evaluation_results).code(),
            StatusCode::kInvalidArgument);
}

TEST(EvaluationRulesTest, TotalIsTheMeanRoundedHalfUp) {
  EXPECT_EQ(TotalScore({}), 0);
  EXPECT_EQ(TotalScore({{"A", 100}, {"B", 0}}), 50);
  EXPECT_EQ(TotalScore({{"A", 1}, {"B", 0}}), 1);                   // 0.5 -> 1
  EXPECT_EQ(TotalScore({{"A", 1}, {"B", 0}, {"C", 0}}), 0);         // 0.33 -> 0
  EXPECT_EQ(TotalScore({{"A", 2}, {"B", 0}, {"C", 0}}), 1);         // 0.67 -> 1
  EXPECT_EQ(TotalScore({{"A", 100}, {"B", 100}, {"C", 99}}), 100);  // 99.67 -> 100
}

TEST(AssistanceRulesTest, AmountsNeverNegativeAndAHardshipPaymentHasOne) {
  EXPECT_TRUE(CheckAssistanceAmount("FESTIVAL_CARE", 0, kMax, true).ok());
  EXPECT_TRUE(CheckAssistanceAmount("HARDSHIP_PAYMENT", 0, kMax, false).ok());  // applied
  EXPECT_EQ(CheckAssistanceAmount("HARDSHIP_PAYMENT", 0, kMax, true).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckAssistanceAmount("HARDSHIP_PAYMENT", 1, kMax, true).ok());
  EXPECT_TRUE(CheckAssistanceAmount("MINIMUM_LIVING", kMax, kMax, true).ok());
  EXPECT_EQ(CheckAssistanceAmount("MINIMUM_LIVING", kMax + 1, kMax, true).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckAssistanceAmount("MINIMUM_LIVING", -1, kMax, false).code(),
            StatusCode::kInvalidArgument);
}

TEST(AssistanceRulesTest, NewRecordsNeedAnOpenCaseAndOrderedDays) {
  CaseView c;
  c.status = CaseStatus::kPendingIntake;
  const CivilDay today(2028, 1, 1);
  EXPECT_TRUE(CheckNewAssistance(c, today, std::nullopt, today).ok());
  EXPECT_TRUE(CheckNewAssistance(c, today - 1, today, today).ok());
  EXPECT_EQ(CheckNewAssistance(c, today + 1, std::nullopt, today).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckNewAssistance(c, today, today - 1, today).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckNewAssistance(c, today, today + 1, today).code(), StatusCode::kInvalidArgument);
  c.status = CaseStatus::kClosed;
  EXPECT_EQ(CheckNewAssistance(c, today, std::nullopt, today).code(),
            StatusCode::kFailedPrecondition);
}

TEST(AssistanceRulesTest, EveryStepTriedAllowedOrRefused) {
  using S = AssistanceStatus;
  const std::vector<S> all = {S::kApplied, S::kGranted, S::kRefused, S::kEnded};
  const CivilDay today(2028, 3, 1);
  const CivilDay applied(2028, 2, 28);
  for (S from : all) {
    for (S to : all) {
      const bool allowed = (from == S::kApplied && (to == S::kGranted || to == S::kRefused)) ||
                           (from == S::kGranted && to == S::kEnded);
      const std::optional<CivilDay> granted =
          from == S::kGranted ? std::optional<CivilDay>(applied) : std::nullopt;
      const absl::Status st = CheckAssistanceStep(from, to, today, applied, granted, false, today);
      EXPECT_EQ(st.ok(), allowed) << static_cast<int>(from) << " -> " << static_cast<int>(to);
      if (!allowed) {
        EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
      }
    }
  }
  // Days: a decision on the application's day (29 February between) and the day before; an end
  // on the grant's day and the day before; nothing in the future.
  EXPECT_TRUE(
      CheckAssistanceStep(S::kApplied, S::kGranted, applied, applied, {}, false, today).ok());
  EXPECT_EQ(
      CheckAssistanceStep(S::kApplied, S::kRefused, applied - 1, applied, {}, false, today).code(),
      StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      CheckAssistanceStep(S::kGranted, S::kEnded, today, applied, today, false, today).ok());
  EXPECT_EQ(
      CheckAssistanceStep(S::kGranted, S::kEnded, today - 1, applied, today, false, today).code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(
      CheckAssistanceStep(S::kApplied, S::kGranted, today + 1, applied, {}, false, today).code(),
      StatusCode::kInvalidArgument);
  // A closed case is granted nothing; a refusal or an end is still recorded.
  EXPECT_EQ(CheckAssistanceStep(S::kApplied, S::kGranted, today, applied, {}, true, today).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckAssistanceStep(S::kApplied, S::kRefused, today, applied, {}, true, today).ok());
}

TEST(AssistanceRulesTest, YearsRunFromTheFirstOfJanuaryToTheLastOfDecemberInShanghai) {
  const DayRange y = YearDays(2028);
  EXPECT_EQ(y.first, CivilDay(2028, 1, 1));
  EXPECT_EQ(y.last, CivilDay(2028, 12, 31));
  EXPECT_TRUE(InYear(CivilDay(2028, 12, 31), 2028));
  EXPECT_FALSE(InYear(CivilDay(2029, 1, 1), 2028));
  EXPECT_FALSE(InYear(CivilDay(2027, 12, 31), 2028));
  // A grant recorded at 16:30 UTC on 31 December 2027 is made on 1 January 2028 in Shanghai
  // (UTC+8): its default day counts in 2028, not 2027.
  const absl::Time late =
      absl::FromCivil(absl::CivilSecond(2027, 12, 31, 16, 30, 0), absl::UTCTimeZone());
  EXPECT_TRUE(InYear(time::ShanghaiDay(late), 2028));
  const absl::Time before =
      absl::FromCivil(absl::CivilSecond(2027, 12, 31, 15, 59, 59), absl::UTCTimeZone());
  EXPECT_TRUE(InYear(time::ShanghaiDay(before), 2027));
}

TEST(VolunteerRulesTest, HoursNeverNegativeAndADayHoldsAtMost24) {
  EXPECT_TRUE(CheckVolunteerHours(1, 0).ok());
  EXPECT_TRUE(CheckVolunteerHours(24, 0).ok());
  EXPECT_TRUE(CheckVolunteerHours(4, 20).ok());
  EXPECT_EQ(CheckVolunteerHours(5, 20).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckVolunteerHours(0, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckVolunteerHours(-3, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckVolunteerHours(25, 0).code(), StatusCode::kInvalidArgument);
}

TEST(SupportPolicyTest, ShippedCodesAndAVersionWithoutTheKeys) {
  const EmploymentPolicy p = testing::ShippedPolicy();
  EXPECT_TRUE(HasCode(p.contract_scopes, "JOB_PLACEMENT"));
  EXPECT_EQ(p.max_contract_fen, kDefaultMaxContractFen);
  EXPECT_EQ(p.max_assistance_fen, kDefaultMaxAssistanceFen);
  EXPECT_TRUE(HasCode(p.assistance_end_reasons, "CASE_CLOSED"));
  EXPECT_TRUE(AllCodesKnown({"LEGAL", "IT"}, p.volunteer_skill_codes));
  EXPECT_FALSE(AllCodesKnown({"LEGAL", "LEGAL"}, p.volunteer_skill_codes));
  EXPECT_FALSE(AllCodesKnown({"JUGGLING"}, p.volunteer_skill_codes));
  EXPECT_TRUE(AllCodesKnown({}, p.volunteer_skill_codes));
  // A version without the new keys gets the marked defaults.
  auto doc = policy::PolicyDocument::Parse(R"(employment:
  versions:
    - version: "old"
      effective_from: 2020-01-01
      referral:
        answer_within_days: 5
        minimum_age_years: 16
        age_rule_kinds: [JOB_PLACEMENT]
        decline_reasons: [OTHER]
        not_hired_reasons: [OTHER]
        end_reasons: [OTHER]
        withdraw_reasons: [CASE_CLOSED]
      partner:
        suspension_reasons: [OTHER]
)",
                                           "test");
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto loaded = LoadEmploymentPolicies(*doc);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const EmploymentPolicy& old = loaded->Latest().rules;
  EXPECT_EQ(old.contract_scopes, kDefaultContractScopes);
  EXPECT_EQ(old.evaluation_results, kDefaultEvaluationResults);
  EXPECT_EQ(old.volunteer_commendation_codes, kDefaultVolunteerCommendationCodes);
  EXPECT_EQ(old.max_assistance_fen, kDefaultMaxAssistanceFen);
}

TEST(VolunteerTeamsTest, JoinAddsLastOnceAndAtMostFifty) {
  auto joined = JoinTeam({"t1"}, "t2");
  ASSERT_TRUE(joined.ok());
  EXPECT_EQ(*joined, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(JoinTeam({"t1", "t2"}, "t2").status().code(), absl::StatusCode::kAlreadyExists);
  std::vector<std::string> teams;
  for (int i = 0; i < kMaxVolunteerTeams - 1; ++i) teams.push_back("t" + std::to_string(i));
  auto fiftieth = JoinTeam(teams, "last");
  ASSERT_TRUE(fiftieth.ok());
  EXPECT_EQ(fiftieth->size(), 50u);
  EXPECT_EQ(JoinTeam(*fiftieth, "one-more").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(VolunteerTeamsTest, LeaveKeepsTheOrderOfTheOthers) {
  auto left = LeaveTeam({"t1", "t2", "t3"}, "t2");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, (std::vector<std::string>{"t1", "t3"}));
  EXPECT_EQ(LeaveTeam({"t1"}, "t2").status().code(), absl::StatusCode::kFailedPrecondition);
  auto none = LeaveTeam({"t1"}, "t1");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace ccms::employment::domain
