#include "services/records/domain/follow_through_rules.h"

#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/services/records/two_versions.h"

namespace ccms::records::domain {
namespace {

using absl::CivilDay;

RecordsPolicy Policy() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  return LoadRecordsPolicies(*doc)->Latest().rules;
}

// An instant in Asia/Shanghai.
absl::Time At(int y, int mo, int d, int h, int mi = 0) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), time::ShanghaiTimeZone());
}

// ---- Lost-contact liability ----

TEST(LostContactLiabilityTest, ReasonsRoundTripAndStaffReasonsAreTheStaffOnes) {
  for (LostContactReason r :
       {LostContactReason::kStaffContactsNotMade, LostContactReason::kStaffLeaveNotFollowedUp,
        LostContactReason::kStaffMonitoringNotActedOn, LostContactReason::kStaffOther,
        LostContactReason::kPersonAbsconded, LostContactReason::kPersonHeldElsewhere,
        LostContactReason::kPersonIllnessOrAccident, LostContactReason::kOther}) {
    EXPECT_EQ(ParseLostContactReason(LostContactReasonName(r)), r);
    EXPECT_EQ(IsStaffReason(r), LostContactReasonName(r).substr(0, 6) == "STAFF_")
        << LostContactReasonName(r);
  }
  EXPECT_FALSE(ParseLostContactReason("UNSPECIFIED").has_value());
}

TEST(LostContactLiabilityTest, StaffResponsibleMustAgreeWithTheReason) {
  EXPECT_TRUE(CheckLiabilityCoding({true, LostContactReason::kStaffContactsNotMade}, "l").ok());
  EXPECT_TRUE(CheckLiabilityCoding({false, LostContactReason::kPersonAbsconded}, "l").ok());
  EXPECT_TRUE(CheckLiabilityCoding({false, LostContactReason::kOther}, "l").ok());
  auto st = CheckLiabilityCoding({false, LostContactReason::kStaffOther}, "liability");
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message().substr(0, 10), "liability:");
  EXPECT_EQ(CheckLiabilityCoding({true, LostContactReason::kPersonAbsconded}, "l").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LostContactLiabilityTest, ClosingNeedsItExactlyWhenAPeriodIsOpen) {
  const LostContactLiability l{false, LostContactReason::kPersonAbsconded};
  EXPECT_TRUE(CheckLiabilityAtClose(true, l).ok());
  EXPECT_TRUE(CheckLiabilityAtClose(false, std::nullopt).ok());
  EXPECT_EQ(CheckLiabilityAtClose(true, std::nullopt).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckLiabilityAtClose(false, l).code(), absl::StatusCode::kFailedPrecondition);
}

// ---- Device outages ----

TEST(OutageTest, CountedOnlyWhenLongerThanTheMaximumAndThePersonsDoing) {
  const RecordsPolicy p = Policy();  // outage_max_hours 3
  ASSERT_EQ(p.monitoring_outage_max_hours, 3);
  const absl::Time start = At(2026, 11, 30, 22);
  OutageFact exactly{start, start + absl::Hours(3), OutageCause::kSwitchedOff};
  EXPECT_FALSE(IsCountedOutage(exactly, p));
  EXPECT_EQ(OutageMinutes(exactly), 180);
  OutageFact one_minute_more{start, start + absl::Hours(3) + absl::Minutes(1),
                             OutageCause::kSwitchedOff};
  EXPECT_TRUE(IsCountedOutage(one_minute_more, p));
  for (OutageCause c : {OutageCause::kBatteryFlat, OutageCause::kDeviceLeft, OutageCause::kOther}) {
    EXPECT_TRUE(IsCountedOutage({start, start + absl::Hours(4), c}, p)) << OutageCauseName(c);
  }
  for (OutageCause c : {OutageCause::kDeviceFault, OutageCause::kNetworkFault}) {
    EXPECT_FALSE(IsCountedOutage({start, start + absl::Hours(30), c}, p)) << OutageCauseName(c);
  }
  for (OutageCause c :
       {OutageCause::kSwitchedOff, OutageCause::kBatteryFlat, OutageCause::kDeviceLeft,
        OutageCause::kDeviceFault, OutageCause::kNetworkFault, OutageCause::kOther}) {
    EXPECT_EQ(ParseOutageCause(OutageCauseName(c)), c);
  }
}

TEST(OutageTest, WithinTheOrdersDaysInShanghaiTimeAndNotOverlapping) {
  // The order runs 2028-02-01 through 2028-02-29 (a leap day).
  const MonitoringOrderFacts order{"o", CivilDay(2028, 2, 1), CivilDay(2028, 2, 29), std::nullopt};
  const absl::Time now = At(2028, 3, 10, 12);
  // Ends at 23:59 Shanghai on the leap day: within.
  EXPECT_TRUE(CheckOutage({At(2028, 2, 29, 20), At(2028, 2, 29, 23, 59), OutageCause::kOther},
                          order, {}, now)
                  .ok());
  // Runs past midnight into March 1st: outside.
  EXPECT_EQ(
      CheckOutage({At(2028, 2, 29, 22), At(2028, 3, 1, 1), OutageCause::kOther}, order, {}, now)
          .code(),
      absl::StatusCode::kInvalidArgument);
  // Starts at 00:00 Shanghai on the first day (16:00 UTC the day before): within.
  EXPECT_TRUE(
      CheckOutage({At(2028, 2, 1, 0), At(2028, 2, 1, 5), OutageCause::kOther}, order, {}, now)
          .ok());
  EXPECT_EQ(
      CheckOutage({At(2028, 1, 31, 23, 59), At(2028, 2, 1, 5), OutageCause::kOther}, order, {}, now)
          .code(),
      absl::StatusCode::kInvalidArgument);
  // Ended early on the 10th: the last monitored day is the 9th.
  MonitoringOrderFacts ended = order;
  ended.ended_on = CivilDay(2028, 2, 10);
  EXPECT_TRUE(
      CheckOutage({At(2028, 2, 9, 1), At(2028, 2, 9, 5), OutageCause::kOther}, ended, {}, now)
          .ok());
  EXPECT_FALSE(
      CheckOutage({At(2028, 2, 10, 1), At(2028, 2, 10, 5), OutageCause::kOther}, ended, {}, now)
          .ok());
  // Empty, reversed, future.
  EXPECT_EQ(CheckOutage({At(2028, 2, 9, 5), At(2028, 2, 9, 5), OutageCause::kOther}, order, {}, now)
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckOutage({At(2028, 2, 9, 5), At(2028, 2, 9, 6), OutageCause::kOther}, order, {},
                        At(2028, 2, 9, 5, 30))
                .code(),
            absl::StatusCode::kInvalidArgument);
  // Overlap with one already recorded; touching is not overlapping.
  const std::vector<OutageFact> others = {
      {At(2028, 2, 5, 10), At(2028, 2, 5, 14), OutageCause::kSwitchedOff}};
  EXPECT_EQ(
      CheckOutage({At(2028, 2, 5, 13), At(2028, 2, 5, 18), OutageCause::kOther}, order, others, now)
          .code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      CheckOutage({At(2028, 2, 5, 14), At(2028, 2, 5, 18), OutageCause::kOther}, order, others, now)
          .ok());
}

TEST(OutageTest, TheWarningGroundAtThePolicysCount) {
  const RecordsPolicies policies = testing::TwoVersions();
  const CivilDay today(2026, 12, 1);
  std::vector<OutageFact> outages = {
      {At(2026, 11, 2, 8), At(2026, 11, 2, 12), OutageCause::kSwitchedOff},   // counted
      {At(2026, 11, 3, 8), At(2026, 11, 3, 20), OutageCause::kDeviceFault},   // not the person's
      {At(2026, 11, 4, 8), At(2026, 11, 4, 11), OutageCause::kBatteryFlat}};  // exactly 3 h
  OutageStatus s = EvaluateOutages(outages, policies, today);
  EXPECT_EQ(s.counted, 1);
  EXPECT_EQ(s.for_warning, 2);
  EXPECT_FALSE(s.warning_ground);
  outages.push_back({At(2026, 11, 30, 23), At(2026, 12, 1, 3), OutageCause::kDeviceLeft});
  s = EvaluateOutages(outages, policies, today);
  EXPECT_EQ(s.counted, 2);
  EXPECT_TRUE(s.warning_ground);
  EXPECT_NE(s.explanation.find("2026.2"), std::string::npos) << s.explanation;
}

// ---- Revocation: the court's decision and detention ----

TEST(RevocationCourtTest, DecisionDueThirtyDaysAfterTheRequestOverdueTheDayAfter) {
  const RecordsPolicy p = Policy();
  ASSERT_EQ(p.revocation_court_decision_days, 30);
  // Requested on January 31st 2028: due March 1st (February has 29 days in 2028).
  RevocationRequestFacts r{"s", CivilDay(2028, 1, 31), std::nullopt, std::nullopt, std::nullopt};
  EXPECT_EQ(RevocationDecisionDue(r.requested_on, p), CivilDay(2028, 3, 1));
  EXPECT_FALSE(RevocationDecisionDaysOverdue(r, CivilDay(2028, 3, 1), p).has_value());
  EXPECT_EQ(RevocationDecisionDaysOverdue(r, CivilDay(2028, 3, 2), p), 1);
  // In 2027 (not a leap year): due March 2nd.
  EXPECT_EQ(RevocationDecisionDue(CivilDay(2027, 1, 31), p), CivilDay(2027, 3, 2));
  // Decided on the due day: never overdue after; decided later: overdue until then.
  r.decision = RevocationDecision::kRefused;
  r.decided_on = CivilDay(2028, 3, 5);
  EXPECT_EQ(RevocationDecisionDaysOverdue(r, CivilDay(2028, 3, 4), p), 3);
  EXPECT_FALSE(RevocationDecisionDaysOverdue(r, CivilDay(2028, 3, 5), p).has_value());
  // Before the request: nothing.
  EXPECT_FALSE(RevocationDecisionDaysOverdue(r, CivilDay(2028, 1, 30), p).has_value());
}

TEST(RevocationCourtTest, DetentionLimitAndItsEdges) {
  const RecordsPolicy p = Policy();
  RevocationRequestFacts r{"s", CivilDay(2026, 12, 1), std::nullopt, std::nullopt, std::nullopt};
  EXPECT_FALSE(DetentionDaysOverdue(r, CivilDay(2027, 6, 1), p).has_value());  // not detained
  r.detained_on = CivilDay(2026, 12, 2);
  EXPECT_EQ(DetentionEnds(*r.detained_on, p), CivilDay(2027, 1, 1));  // across the year's end
  EXPECT_FALSE(DetentionDaysOverdue(r, CivilDay(2027, 1, 1), p).has_value());
  EXPECT_EQ(DetentionDaysOverdue(r, CivilDay(2027, 1, 2), p), 1);
  EXPECT_FALSE(DetentionDaysOverdue(r, CivilDay(2026, 12, 1), p).has_value());  // before it
  r.decision = RevocationDecision::kGranted;
  r.decided_on = CivilDay(2027, 1, 2);
  EXPECT_FALSE(DetentionDaysOverdue(r, CivilDay(2027, 1, 2), p).has_value());
}

TEST(RevocationCourtTest, DecisionAndDetentionChecks) {
  RevocationRequestFacts r{"s", CivilDay(2026, 11, 30), std::nullopt, std::nullopt, std::nullopt};
  EXPECT_TRUE(CheckRevocationDecision(r, CivilDay(2026, 11, 30)).ok());
  EXPECT_EQ(CheckRevocationDecision(r, CivilDay(2026, 11, 29)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckRevocationDetention(r, CivilDay(2026, 11, 30)).ok());
  EXPECT_EQ(CheckRevocationDetention(r, CivilDay(2026, 11, 29)).code(),
            absl::StatusCode::kInvalidArgument);
  r.detained_on = CivilDay(2026, 12, 1);
  EXPECT_EQ(CheckRevocationDetention(r, CivilDay(2026, 12, 2)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckRevocationDecision(r, CivilDay(2026, 12, 3)).ok());
  r.decision = RevocationDecision::kGranted;
  r.decided_on = CivilDay(2026, 12, 3);
  EXPECT_EQ(CheckRevocationDecision(r, CivilDay(2026, 12, 4)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ParseRevocationDecision("GRANTED"), RevocationDecision::kGranted);
  EXPECT_EQ(ParseRevocationDecision("REFUSED"), RevocationDecision::kRefused);
  EXPECT_FALSE(ParseRevocationDecision("").has_value());
}

// ---- The paper file's hand-over ----

TEST(FileHandoverTest, ThreeWorkingDaysAfterTheAcceptanceSkippingWeekendsAndHolidays) {
  RecordsPolicy p = Policy();
  ASSERT_EQ(p.transfer_file_handover_working_days, 3);
  // Accepted on Thursday 2026-12-03: Fri 4, Mon 7, Tue 8 → due Tuesday the 8th.
  EXPECT_EQ(FileHandoverDue(CivilDay(2026, 12, 3), p), CivilDay(2026, 12, 8));
  // Accepted on a Saturday: the Saturday does not count; Mon 7, Tue 8, Wed 9.
  EXPECT_EQ(FileHandoverDue(CivilDay(2026, 12, 5), p), CivilDay(2026, 12, 9));
  // Month end: accepted Friday 2026-01-30 → Mon Feb 2, Tue 3, Wed 4.
  EXPECT_EQ(FileHandoverDue(CivilDay(2026, 1, 30), p), CivilDay(2026, 2, 4));
  // Leap day: accepted Monday 2028-02-28 → Tue 29, Wed Mar 1, Thu Mar 2.
  EXPECT_EQ(FileHandoverDue(CivilDay(2028, 2, 28), p), CivilDay(2028, 3, 2));
  // New Year holidays (Jan 1-3 2027) and a make-up working Sunday (Jan 10).
  p.investigation.calendar.holidays = {CivilDay(2026, 12, 31), CivilDay(2027, 1, 1)};
  // Accepted Wed 2026-12-30: Thu 31 holiday, Fri 1 holiday, Mon 4, Tue 5, Wed 6.
  EXPECT_EQ(FileHandoverDue(CivilDay(2026, 12, 30), p), CivilDay(2027, 1, 6));
  p.investigation.calendar.extra_working_days = {CivilDay(2027, 1, 3)};  // a Sunday worked
  EXPECT_EQ(FileHandoverDue(CivilDay(2026, 12, 30), p), CivilDay(2027, 1, 5));
}

TEST(FileHandoverTest, LateAndOverdueFromTheDayAfterTheLastDay) {
  const RecordsPolicy p = Policy();
  const CivilDay accepted(2026, 12, 3);  // due Tuesday the 8th
  EXPECT_EQ(FileHandoverWorkingDaysLate(accepted, CivilDay(2026, 12, 8), p), 0);
  EXPECT_EQ(FileHandoverWorkingDaysLate(accepted, CivilDay(2026, 12, 9), p), 1);
  EXPECT_EQ(FileHandoverWorkingDaysLate(accepted, CivilDay(2026, 12, 14), p), 4);  // Mon 14th
  EXPECT_EQ(FileHandoverWorkingDaysLate(accepted, CivilDay(2026, 12, 4), p), 0);
  EXPECT_FALSE(FileHandoverDaysOverdue(accepted, std::nullopt, CivilDay(2026, 12, 8), p));
  EXPECT_EQ(FileHandoverDaysOverdue(accepted, std::nullopt, CivilDay(2026, 12, 9), p), 1);
  EXPECT_EQ(FileHandoverDaysOverdue(accepted, std::nullopt, CivilDay(2026, 12, 13), p), 5);
  // Handed over on the 10th: overdue on the 9th as of then, not from the 10th.
  EXPECT_EQ(FileHandoverDaysOverdue(accepted, CivilDay(2026, 12, 10), CivilDay(2026, 12, 9), p), 1);
  EXPECT_FALSE(
      FileHandoverDaysOverdue(accepted, CivilDay(2026, 12, 10), CivilDay(2026, 12, 10), p));
  EXPECT_FALSE(FileHandoverDaysOverdue(accepted, std::nullopt, CivilDay(2026, 12, 2), p));
}

TEST(FileHandoverTest, OnlyAfterAcceptanceOnceAndNotBeforeIt) {
  const CivilDay accepted(2026, 12, 3);
  EXPECT_TRUE(CheckFileHandover(TransferStatus::kAccepted, accepted, std::nullopt, accepted).ok());
  EXPECT_TRUE(
      CheckFileHandover(TransferStatus::kCompleted, accepted, std::nullopt, CivilDay(2026, 12, 20))
          .ok());
  EXPECT_EQ(
      CheckFileHandover(TransferStatus::kConsented, std::nullopt, std::nullopt, accepted).code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      CheckFileHandover(TransferStatus::kCompleted, std::nullopt, std::nullopt, accepted).code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckFileHandover(TransferStatus::kAccepted, accepted, accepted, accepted).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      CheckFileHandover(TransferStatus::kAccepted, accepted, std::nullopt, CivilDay(2026, 12, 2))
          .code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ccms::records::domain
