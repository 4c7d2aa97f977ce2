// Legal-knowledge tests: answers normalized, the score computed by the service, the pass mark at
// its edge, the retake's due day and its overdue edge, the pass mark of the day sat.
#include "services/education/domain/legal_test_rules.h"

#include "gtest/gtest.h"
#include "tests/services/education/domain/test_policy.h"

namespace ccms::education::domain {
namespace {

TEST(LegalTestRulesTest, AnswersAreLettersInAnyOrder) {
  EXPECT_EQ(NormalizeAnswer("DB"), "BD");
  EXPECT_EQ(NormalizeAnswer("BDB"), "BD");
  EXPECT_EQ(NormalizeAnswer(""), "");
  EXPECT_FALSE(NormalizeAnswer("b").has_value());
  EXPECT_FALSE(NormalizeAnswer("A,B").has_value());
  EXPECT_FALSE(NormalizeAnswer("ABCDEFGHI").has_value());
  EXPECT_TRUE(CheckAnswerKey({"A", "BD"}).empty());
  EXPECT_FALSE(CheckAnswerKey({}).empty());
  EXPECT_FALSE(CheckAnswerKey({"A", ""}).empty());
}

TEST(LegalTestRulesTest, ScoreAtThePassMark) {
  const EducationPolicies policies = testing::DefaultPolicies();  // pass 60, retake 30 days
  const std::vector<std::string> key = {"A", "B", "C", "D", "AB"};
  const absl::CivilDay sat(2026, 1, 31);
  std::vector<std::string> n;
  ASSERT_TRUE(CheckSittingAnswers({"A", "B", "C", "", "X"}, key.size(), &n).ok());
  TestScore s = ScoreSitting(key, n, sat, policies);  // 3 of 5 = 60%: passes
  EXPECT_EQ(s.correct, 3);
  EXPECT_EQ(s.percent, 60);
  EXPECT_TRUE(s.passed);
  EXPECT_FALSE(s.retake_due_on.has_value());
  ASSERT_TRUE(CheckSittingAnswers({"A", "B", "D", "", "BA"}, key.size(), &n).ok());
  s = ScoreSitting(key, n, sat, policies);  // "BA" equals "AB": 3 of 5 again
  EXPECT_TRUE(s.passed);
  ASSERT_TRUE(CheckSittingAnswers({"A", "B", "", "", ""}, key.size(), &n).ok());
  s = ScoreSitting(key, n, sat, policies);  // 40%: fails, retake 30 days later (a month end)
  EXPECT_FALSE(s.passed);
  EXPECT_EQ(s.retake_due_on, absl::CivilDay(2026, 3, 2));
  EXPECT_FALSE(RetakeOverdue(*s.retake_due_on, absl::CivilDay(2026, 3, 2)));
  EXPECT_TRUE(RetakeOverdue(*s.retake_due_on, absl::CivilDay(2026, 3, 3)));
  // 2 of 3 is 66% (rounded down), 1 of 3 is 33%.
  ASSERT_TRUE(CheckSittingAnswers({"A", "B", ""}, 3, &n).ok());
  EXPECT_EQ(ScoreSitting({"A", "B", "C"}, n, sat, policies).percent, 66);
  EXPECT_EQ(CheckSittingAnswers({"A"}, 3, &n).code(), absl::StatusCode::kInvalidArgument);
}

TEST(LegalTestRulesTest, ThePassMarkOfTheDaySat) {
  EducationPolicy strict = testing::DefaultPolicy("strict");
  strict.legal_test_pass_mark_percent = 80;
  const EducationPolicies policies =
      *EducationPolicies::Make({{"old", absl::CivilDay(2020, 1, 1), testing::DefaultPolicy("old")},
                                {"strict", absl::CivilDay(2026, 6, 1), strict}},
                               "test policy");
  const std::vector<std::string> key = {"A", "B", "C", "D", "E"};
  const std::vector<std::string> four = {"A", "B", "C", "D", ""};  // 80%
  const std::vector<std::string> three = {"A", "B", "C", "", ""};  // 60%
  EXPECT_TRUE(ScoreSitting(key, three, absl::CivilDay(2026, 5, 31), policies).passed);
  const TestScore s = ScoreSitting(key, three, absl::CivilDay(2026, 6, 1), policies);
  EXPECT_FALSE(s.passed);
  EXPECT_EQ(s.pass_mark, 80);
  EXPECT_EQ(s.policy_version, "strict");
  EXPECT_TRUE(ScoreSitting(key, four, absl::CivilDay(2026, 6, 1), policies).passed);
}

TEST(LegalTestRulesTest, SittingDay) {
  CaseView c;
  c.status = CaseStatus::kActive;
  c.supervision_start = absl::CivilDay(2026, 2, 1);
  EXPECT_TRUE(CheckSitting(c, absl::CivilDay(2026, 2, 1)).ok());
  EXPECT_EQ(CheckSitting(c, absl::CivilDay(2026, 1, 31)).code(),
            absl::StatusCode::kInvalidArgument);
  c.status = CaseStatus::kClosed;
  EXPECT_EQ(CheckSitting(c, absl::CivilDay(2026, 2, 2)).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ccms::education::domain
