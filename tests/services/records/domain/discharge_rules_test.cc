#include "services/records/domain/discharge_rules.h"

#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

using absl::CivilDay;

RecordsPolicy Policy() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  return LoadRecordsPolicies(*doc)->Latest().rules;
}

TEST(DischargeRulesTest, NotBeforeTheEndDate) {
  EXPECT_TRUE(
      CheckDischarge(CaseStatus::kActive, CivilDay(2027, 2, 28), CivilDay(2027, 2, 28)).ok());
  absl::Status early =
      CheckDischarge(CaseStatus::kActive, CivilDay(2027, 2, 28), CivilDay(2027, 2, 27));
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(early.message().find("2027-02-28"), absl::string_view::npos);
  for (CaseStatus s : {CaseStatus::kPendingIntake, CaseStatus::kDischarged, CaseStatus::kRevoked,
                       CaseStatus::kTransferredOut, CaseStatus::kDeceased}) {
    EXPECT_EQ(CheckDischarge(s, CivilDay(2027, 1, 1), CivilDay(2027, 6, 1)).code(),
              absl::StatusCode::kFailedPrecondition);
  }
}

TEST(DischargeRulesTest, FollowUpsClampAtMonthEnds) {
  EXPECT_EQ(
      FollowUpsDue(CivilDay(2027, 1, 31), Policy()),
      (std::vector<CivilDay>{CivilDay(2027, 2, 28), CivilDay(2027, 4, 30), CivilDay(2027, 7, 31)}));
  EXPECT_EQ(FollowUpsDue(CivilDay(2027, 11, 30), Policy())[0], CivilDay(2027, 12, 30));
  EXPECT_EQ(FollowUpsDue(CivilDay(2027, 11, 30), Policy())[1], CivilDay(2028, 2, 29));
}

TEST(DischargeRulesTest, ApproachingWindow) {
  const RecordsPolicy p = Policy();  // 30 days
  const CivilDay end(2027, 3, 1);
  EXPECT_FALSE(IsDischargeApproaching(end, CivilDay(2027, 1, 29), p));
  EXPECT_TRUE(IsDischargeApproaching(end, CivilDay(2027, 1, 30), p));  // 30 days before
  EXPECT_TRUE(IsDischargeApproaching(end, end, p));
  EXPECT_FALSE(IsDischargeApproaching(end, end + 1, p));
}

TEST(DischargeRulesTest, ClosingNeedsItsGround) {
  LadderFacts ladder;
  EXPECT_EQ(CheckClose(CloseReason::kRevoked, CaseStatus::kActive, ladder).code(),
            absl::StatusCode::kFailedPrecondition);
  // A request alone, or one the court refused, is not a revocation: the GRANTED decision is.
  ladder.sanctions.push_back({SanctionKind::kRevocationRequest, CivilDay(2026, 1, 1)});
  EXPECT_EQ(CheckClose(CloseReason::kRevoked, CaseStatus::kActive, ladder).code(),
            absl::StatusCode::kFailedPrecondition);
  ladder.sanctions.back().court_decision = RevocationDecision::kRefused;
  EXPECT_EQ(CheckClose(CloseReason::kRevoked, CaseStatus::kActive, ladder).code(),
            absl::StatusCode::kFailedPrecondition);
  ladder.sanctions.push_back(
      {SanctionKind::kRevocationRequest, CivilDay(2026, 2, 1), false, RevocationDecision::kGranted});
  EXPECT_TRUE(CheckClose(CloseReason::kRevoked, CaseStatus::kActive, ladder).ok());
  EXPECT_TRUE(CheckClose(CloseReason::kDeceased, CaseStatus::kPendingIntake, {}).ok());
  EXPECT_EQ(CheckClose(CloseReason::kDeceased, CaseStatus::kDischarged, {}).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(DischargeRulesTest, SummaryWindowOpensThirtyDaysBeforeTheEnd) {
  const RecordsPolicy p = Policy();  // 30 days
  // Across a leap day: 2028-03-01 - 30 days = 2028-01-31.
  EXPECT_EQ(SummaryWindowOpens(CivilDay(2028, 3, 1), p), CivilDay(2028, 1, 31));
  EXPECT_EQ(SummaryWindowOpens(CivilDay(2027, 3, 1), p), CivilDay(2027, 1, 30));
  EXPECT_TRUE(
      CheckDischargeSummary(CaseStatus::kActive, CivilDay(2028, 3, 1), CivilDay(2028, 1, 31), p)
          .ok());
  absl::Status early =
      CheckDischargeSummary(CaseStatus::kActive, CivilDay(2028, 3, 1), CivilDay(2028, 1, 30), p);
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(early.message().find("2028-01-31"), absl::string_view::npos);
  // Late summaries (after the end date, case not yet discharged) are still taken.
  EXPECT_TRUE(
      CheckDischargeSummary(CaseStatus::kActive, CivilDay(2028, 3, 1), CivilDay(2028, 3, 9), p)
          .ok());
  for (CaseStatus s : {CaseStatus::kPendingIntake, CaseStatus::kDischarged, CaseStatus::kRevoked,
                       CaseStatus::kTransferredOut, CaseStatus::kDeceased}) {
    EXPECT_EQ(CheckDischargeSummary(s, CivilDay(2028, 3, 1), CivilDay(2028, 2, 1), p).code(),
              absl::StatusCode::kFailedPrecondition);
  }
}

// The daily-performance report (日常表现综合评估报告, item 12) is due with the summary: the same
// window, the day it opens and the day before, across a leap day and a short month's end.
TEST(DischargeRulesTest, PerformanceReportDueWithTheSummary) {
  const RecordsPolicy p = Policy();     // 30 days
  const CivilDay leap_end(2028, 3, 1);  // window opens 2028-01-31
  EXPECT_TRUE(CheckPerformanceReport(CaseStatus::kActive, leap_end, CivilDay(2028, 1, 31), p).ok());
  absl::Status early =
      CheckPerformanceReport(CaseStatus::kActive, leap_end, CivilDay(2028, 1, 30), p);
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(early.message().find("2028-01-31"), absl::string_view::npos);
  EXPECT_NE(early.message().find("daily-performance report"), absl::string_view::npos);
  const CivilDay short_end(2027, 3, 30);  // window opens 2027-02-28
  EXPECT_TRUE(
      CheckPerformanceReport(CaseStatus::kActive, short_end, CivilDay(2027, 2, 28), p).ok());
  EXPECT_EQ(CheckPerformanceReport(CaseStatus::kActive, short_end, CivilDay(2027, 2, 27), p).code(),
            absl::StatusCode::kFailedPrecondition);
  // The end date itself and after it (not yet discharged): still taken.
  EXPECT_TRUE(CheckPerformanceReport(CaseStatus::kActive, leap_end, leap_end, p).ok());
  EXPECT_TRUE(CheckPerformanceReport(CaseStatus::kActive, leap_end, leap_end + 1, p).ok());
  for (CaseStatus s : {CaseStatus::kPendingIntake, CaseStatus::kDischarged, CaseStatus::kRevoked,
                       CaseStatus::kTransferredOut, CaseStatus::kDeceased}) {
    EXPECT_EQ(CheckPerformanceReport(s, leap_end, CivilDay(2028, 2, 1), p).code(),
              absl::StatusCode::kFailedPrecondition);
  }
}

TEST(DischargeRulesTest, FollowUpVisitsAfterTheDischargeOnly) {
  const CivilDay discharged(2027, 12, 31);
  EXPECT_TRUE(CheckFollowUpVisit(CaseStatus::kDischarged, discharged, discharged).ok());
  EXPECT_TRUE(CheckFollowUpVisit(CaseStatus::kDischarged, discharged, CivilDay(2028, 1, 1)).ok());
  EXPECT_EQ(CheckFollowUpVisit(CaseStatus::kDischarged, discharged, CivilDay(2027, 12, 30)).code(),
            absl::StatusCode::kFailedPrecondition);
  for (CaseStatus s : {CaseStatus::kPendingIntake, CaseStatus::kActive, CaseStatus::kRevoked,
                       CaseStatus::kTransferredOut, CaseStatus::kDeceased}) {
    EXPECT_EQ(CheckFollowUpVisit(s, discharged, CivilDay(2028, 2, 1)).code(),
              absl::StatusCode::kFailedPrecondition);
  }
}

TEST(DischargeRulesTest, DischargeListFromTheWindowOnAndAfterTheEnd) {
  const RecordsPolicy p = Policy();
  const CivilDay end(2027, 2, 28);
  EXPECT_FALSE(IsOnDischargeList(end, CivilDay(2027, 1, 28), p));
  EXPECT_TRUE(IsOnDischargeList(end, CivilDay(2027, 1, 29), p));  // 30 days before
  EXPECT_TRUE(IsOnDischargeList(end, end, p));
  EXPECT_TRUE(IsOnDischargeList(end, CivilDay(2027, 4, 1), p));  // ended, not discharged
}

}  // namespace
}  // namespace ccms::records::domain
