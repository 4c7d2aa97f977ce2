// Surveys and complaints: scores in the scale, the complaint's statuses and its deadline's edge.
#include "services/education/domain/feedback_rules.h"

#include "gtest/gtest.h"
#include "tests/services/education/domain/test_policy.h"

namespace ccms::education::domain {
namespace {

TEST(FeedbackRulesTest, Scores) {
  EXPECT_TRUE(CheckScores({1, 5, 3}, 3, 5).ok());
  EXPECT_EQ(CheckScores({1, 6, 3}, 3, 5).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckScores({0, 5, 3}, 3, 5).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckScores({1, 5}, 3, 5).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MeanCenti({4, 5}), 450);
  EXPECT_EQ(MeanCenti({1, 1, 2}), 133);
}

TEST(FeedbackRulesTest, ComplaintStatusesAndDeadline) {
  EXPECT_TRUE(CheckComplaintTransition("OPEN", "IN_HANDLING").ok());
  EXPECT_TRUE(CheckComplaintTransition("IN_HANDLING", "RESOLVED").ok());
  EXPECT_TRUE(CheckComplaintTransition("IN_HANDLING", "REJECTED").ok());
  for (auto [from, to] :
       std::vector<std::pair<const char*, const char*>>{{"OPEN", "RESOLVED"},
                                                        {"OPEN", "REJECTED"},
                                                        {"RESOLVED", "IN_HANDLING"},
                                                        {"REJECTED", "RESOLVED"},
                                                        {"IN_HANDLING", "OPEN"}}) {
    EXPECT_EQ(CheckComplaintTransition(from, to).code(), absl::StatusCode::kFailedPrecondition)
        << from << " -> " << to;
  }
  const EducationPolicies policies = testing::DefaultPolicies();  // 15 days
  const ComplaintDue due = ComplaintDueOf(absl::CivilDay(2028, 2, 20), policies);
  EXPECT_EQ(due.handle_by, absl::CivilDay(2028, 3, 6));  // across a leap day
  EXPECT_FALSE(ComplaintOverdue("OPEN", due.handle_by, absl::CivilDay(2028, 3, 6)));
  EXPECT_TRUE(ComplaintOverdue("OPEN", due.handle_by, absl::CivilDay(2028, 3, 7)));
  EXPECT_TRUE(ComplaintOverdue("IN_HANDLING", due.handle_by, absl::CivilDay(2028, 3, 7)));
  EXPECT_FALSE(ComplaintOverdue("RESOLVED", due.handle_by, absl::CivilDay(2028, 4, 1)));
}

}  // namespace
}  // namespace ccms::education::domain
