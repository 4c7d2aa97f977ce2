#include "services/records/domain/sentence_change.h"

#include "gtest/gtest.h"
#include "services/records/domain/discharge_rules.h"

namespace ccms::records::domain {
namespace {

using absl::CivilDay;

RecordsPolicy Policy() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  return LoadRecordsPolicies(*doc)->Latest().rules;
}

// A probation case whose judgment took effect on 2026-03-10, ending 2028-03-09.
SentenceChangeCase OpenCase() {
  return {CaseStatus::kActive, CivilDay(2026, 3, 10), CivilDay(2026, 3, 10), CivilDay(2028, 3, 9)};
}

std::string FieldOf(const absl::Status& st) {
  const std::string msg(st.message());
  return msg.substr(0, msg.find(':'));
}

TEST(SentenceChangeTest, KindNamesRoundTrip) {
  for (auto k : {SentenceChangeKind::kReduction, SentenceChangeKind::kExtension}) {
    EXPECT_EQ(ParseSentenceChangeKind(SentenceChangeKindName(k)), k);
  }
  EXPECT_FALSE(ParseSentenceChangeKind("UNSPECIFIED").has_value());
  EXPECT_FALSE(ParseSentenceChangeKind("reduction").has_value());
}

TEST(SentenceChangeTest, OnlyOpenCases) {
  const SentenceChangeRuling r{SentenceChangeKind::kReduction, CivilDay(2027, 9, 9),
                               CivilDay(2027, 1, 5)};
  for (CaseStatus s : {CaseStatus::kPendingIntake, CaseStatus::kActive}) {
    SentenceChangeCase c = OpenCase();
    c.status = s;
    EXPECT_TRUE(CheckSentenceChange(c, r).ok()) << CaseStatusName(s);
  }
  for (CaseStatus s : {CaseStatus::kDischarged, CaseStatus::kRevoked, CaseStatus::kTransferredOut,
                       CaseStatus::kDeceased}) {
    SentenceChangeCase c = OpenCase();
    c.status = s;
    EXPECT_EQ(CheckSentenceChange(c, r).code(), absl::StatusCode::kFailedPrecondition);
  }
}

TEST(SentenceChangeTest, AReductionEndsEarlierAndAnExtensionLater) {
  const SentenceChangeCase c = OpenCase();
  const CivilDay on(2027, 1, 5);
  // The day before the current end is a reduction; the end itself is neither.
  EXPECT_TRUE(
      CheckSentenceChange(c, {SentenceChangeKind::kReduction, CivilDay(2028, 3, 8), on}).ok());
  absl::Status same = CheckSentenceChange(c, {SentenceChangeKind::kReduction, c.end_date, on});
  EXPECT_EQ(same.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(same), "new_end_date");
  EXPECT_EQ(CheckSentenceChange(c, {SentenceChangeKind::kExtension, c.end_date, on}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      CheckSentenceChange(c, {SentenceChangeKind::kExtension, CivilDay(2028, 3, 10), on}).ok());
  EXPECT_EQ(
      CheckSentenceChange(c, {SentenceChangeKind::kExtension, CivilDay(2027, 3, 10), on}).code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(SentenceChangeTest, NotBeforeTheRulingNorTheJudgment) {
  const SentenceChangeCase c = OpenCase();
  // Nothing left to serve: the term ends on the day the ruling takes effect, not the day before.
  const CivilDay on(2027, 2, 28);
  EXPECT_TRUE(CheckSentenceChange(c, {SentenceChangeKind::kReduction, on, on}).ok());
  absl::Status before = CheckSentenceChange(c, {SentenceChangeKind::kReduction, on - 1, on});
  EXPECT_EQ(before.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(before), "new_end_date");
  // The ruling takes effect on or after the judgment.
  EXPECT_TRUE(CheckSentenceChange(c, {SentenceChangeKind::kReduction, CivilDay(2027, 1, 1),
                                      c.judgment_effective_date})
                  .ok());
  absl::Status early = CheckSentenceChange(
      c, {SentenceChangeKind::kReduction, CivilDay(2027, 1, 1), c.judgment_effective_date - 1});
  EXPECT_EQ(FieldOf(early), "effective_on");
  // After the start of supervision, by at least a day.
  SentenceChangeCase late_start = c;
  late_start.start_date = CivilDay(2026, 4, 1);
  EXPECT_EQ(FieldOf(CheckSentenceChange(late_start, {SentenceChangeKind::kReduction,
                                                     CivilDay(2026, 4, 1), CivilDay(2026, 3, 20)})),
            "new_end_date");
  EXPECT_TRUE(CheckSentenceChange(late_start, {SentenceChangeKind::kReduction, CivilDay(2026, 4, 2),
                                               CivilDay(2026, 3, 20)})
                  .ok());
}

TEST(SentenceChangeTest, ThirtyYearsFromALeapDayStart) {
  SentenceChangeCase c{CaseStatus::kActive, CivilDay(2024, 2, 29), CivilDay(2024, 2, 29),
                       CivilDay(2030, 1, 1)};
  // 2024-02-29 + 30 years clamps to 2054-02-28.
  EXPECT_TRUE(CheckSentenceChange(
                  c, {SentenceChangeKind::kExtension, CivilDay(2054, 2, 28), CivilDay(2025, 1, 1)})
                  .ok());
  EXPECT_EQ(FieldOf(CheckSentenceChange(
                c, {SentenceChangeKind::kExtension, CivilDay(2054, 3, 1), CivilDay(2025, 1, 1)})),
            "new_end_date");
}

TEST(SentenceChangeTest, DischargeDatesMoveWithTheNewEnd) {
  // A reduction from 2028-03-09 to 2027-02-28 (not a leap year): the summary window opens 30 days
  // before the new end, discharge is due on it and not the day before.
  const RecordsPolicy p = Policy();
  const CivilDay new_end(2027, 2, 28);
  EXPECT_EQ(SummaryWindowOpens(new_end, p), CivilDay(2027, 1, 29));
  EXPECT_TRUE(CheckDischarge(CaseStatus::kActive, new_end, new_end).ok());
  EXPECT_FALSE(CheckDischarge(CaseStatus::kActive, new_end, new_end - 1).ok());
  EXPECT_TRUE(IsOnDischargeList(new_end, CivilDay(2027, 1, 29), p));
  EXPECT_FALSE(IsOnDischargeList(new_end, CivilDay(2027, 1, 28), p));
  EXPECT_TRUE(IsDischargeApproaching(new_end, CivilDay(2027, 1, 29), p));
  EXPECT_FALSE(IsDischargeApproaching(new_end, CivilDay(2027, 3, 1), p));
}

TEST(SentenceChangeTest, MonitoringOrdersEndWithTheTerm) {
  const CivilDay new_end(2028, 2, 29);  // a leap day
  const std::vector<MonitoringOrderFacts> orders = {
      {"within", CivilDay(2027, 12, 1), new_end, std::nullopt},             // ends on the new end
      {"past", CivilDay(2028, 1, 15), CivilDay(2028, 3, 1), std::nullopt},  // the day after
      {"ended-early", CivilDay(2027, 12, 1), CivilDay(2028, 3, 31), CivilDay(2028, 3, 1)},
      {"ended-later", CivilDay(2027, 12, 1), CivilDay(2028, 3, 31), CivilDay(2028, 3, 2)},
      {"not-started", CivilDay(2028, 3, 1), CivilDay(2028, 5, 31), std::nullopt},
  };
  const std::vector<MonitoringClamp> clamps = ClampMonitoringOrders(orders, new_end);
  ASSERT_EQ(clamps.size(), 2u);  // orders ended early are decisions of their own
  EXPECT_EQ(clamps[0].order_id, "past");
  EXPECT_EQ(clamps[0].new_ends_on, new_end);
  EXPECT_FALSE(clamps[0].ended_on.has_value());
  EXPECT_EQ(clamps[1].order_id, "not-started");
  EXPECT_EQ(clamps[1].ended_on, CivilDay(2028, 3, 1));
  EXPECT_EQ(clamps[1].new_ends_on, CivilDay(2028, 5, 31));
}

}  // namespace
}  // namespace ccms::records::domain
