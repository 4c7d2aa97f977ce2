#include "services/records/domain/leave_rules.h"

#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

using absl::CivilDay;
using auth::Role;

RecordsPolicy Policy() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  return LoadRecordsPolicies(*doc)->Latest().rules;
}

LeaveFact Fact(const std::string& id, LeaveStatus status, CivilDay start, CivilDay end,
               std::optional<CivilDay> returned_on = std::nullopt) {
  return {id, status, start, end, returned_on};
}

TEST(LeaveRulesTest, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(LeaveStatus::kReturned); ++i) {
    const auto s = static_cast<LeaveStatus>(i);
    EXPECT_EQ(ParseLeaveStatus(LeaveStatusName(s)), s);
  }
  for (int i = 0; i <= static_cast<int>(ApprovalLevel::kStanding); ++i) {
    const auto l = static_cast<ApprovalLevel>(i);
    EXPECT_EQ(ParseApprovalLevel(ApprovalLevelName(l)), l);
  }
  EXPECT_FALSE(ParseLeaveStatus("approved").has_value());
  EXPECT_FALSE(ParseApprovalLevel("").has_value());
}

TEST(LeaveRulesTest, DaysAreCalendarDaysInclusive) {
  EXPECT_EQ(LeaveDays(CivilDay(2025, 3, 1), CivilDay(2025, 3, 1)), 1);
  EXPECT_EQ(LeaveDays(CivilDay(2025, 2, 26), CivilDay(2025, 3, 4)), 7);   // over a short February
  EXPECT_EQ(LeaveDays(CivilDay(2024, 2, 26), CivilDay(2024, 3, 4)), 8);   // leap day counted
  EXPECT_EQ(LeaveDays(CivilDay(2024, 12, 29), CivilDay(2025, 1, 4)), 7);  // over the new year
}

TEST(LeaveRulesTest, DatesAtTheEdges) {
  const RecordsPolicy p = Policy();
  EXPECT_TRUE(CheckLeaveDates(CivilDay(2025, 1, 1), CivilDay(2025, 1, 1), p).empty());
  EXPECT_TRUE(CheckLeaveDates(CivilDay(2025, 1, 1), CivilDay(2025, 1, 30), p).empty());  // 30
  auto over = CheckLeaveDates(CivilDay(2025, 1, 1), CivilDay(2025, 1, 31), p);           // 31
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0].field, "end_date");
  EXPECT_NE(over[0].what.find("at most 30 days"), std::string::npos) << over[0].what;
  auto backwards = CheckLeaveDates(CivilDay(2025, 1, 2), CivilDay(2025, 1, 1), p);
  ASSERT_EQ(backwards.size(), 1u);
  EXPECT_EQ(backwards[0].what, "is before start_date");
  // Feb 2024 (leap): Feb 1 .. Mar 1 is 30 days; Feb 2025: Feb 1 .. Mar 3 is 31.
  EXPECT_TRUE(CheckLeaveDates(CivilDay(2024, 2, 1), CivilDay(2024, 3, 1), p).empty());
  EXPECT_FALSE(CheckLeaveDates(CivilDay(2025, 2, 1), CivilDay(2025, 3, 3), p).empty());
}

TEST(LeaveRulesTest, OverlapsNameTheOtherLeave) {
  const std::vector<LeaveFact> others = {
      Fact("a", LeaveStatus::kApproved, CivilDay(2025, 3, 10), CivilDay(2025, 3, 12)),
      Fact("r", LeaveStatus::kRejected, CivilDay(2025, 4, 1), CivilDay(2025, 4, 30)),
      Fact("c", LeaveStatus::kCancelled, CivilDay(2025, 5, 1), CivilDay(2025, 5, 30)),
      Fact("q", LeaveStatus::kRequested, CivilDay(2025, 6, 1), CivilDay(2025, 6, 2)),
      Fact("e", LeaveStatus::kReturned, CivilDay(2025, 7, 1), CivilDay(2025, 7, 10),
           CivilDay(2025, 7, 3)),
      Fact("l", LeaveStatus::kReturned, CivilDay(2025, 8, 1), CivilDay(2025, 8, 5),
           CivilDay(2025, 8, 9)),
  };
  // Touching the first or last day overlaps; the day after does not.
  EXPECT_EQ(FindOverlap(CivilDay(2025, 3, 1), CivilDay(2025, 3, 10), others, "")->leave_id, "a");
  EXPECT_EQ(FindOverlap(CivilDay(2025, 3, 12), CivilDay(2025, 3, 14), others, "")->leave_id, "a");
  EXPECT_FALSE(FindOverlap(CivilDay(2025, 3, 13), CivilDay(2025, 3, 20), others, ""));
  EXPECT_FALSE(FindOverlap(CivilDay(2025, 3, 1), CivilDay(2025, 3, 9), others, ""));
  // Rejected and cancelled leave hold nothing; a requested one does.
  EXPECT_FALSE(FindOverlap(CivilDay(2025, 4, 5), CivilDay(2025, 5, 5), others, ""));
  EXPECT_EQ(FindOverlap(CivilDay(2025, 6, 2), CivilDay(2025, 6, 2), others, "")->leave_id, "q");
  // An early return frees the rest; a late one does not extend the leave.
  EXPECT_EQ(FindOverlap(CivilDay(2025, 7, 3), CivilDay(2025, 7, 3), others, "")->leave_id, "e");
  EXPECT_FALSE(FindOverlap(CivilDay(2025, 7, 4), CivilDay(2025, 7, 9), others, ""));
  EXPECT_FALSE(FindOverlap(CivilDay(2025, 8, 6), CivilDay(2025, 8, 7), others, ""));
  // A leave never overlaps itself.
  EXPECT_FALSE(FindOverlap(CivilDay(2025, 3, 10), CivilDay(2025, 3, 12), others, "a"));
}

TEST(LeaveRulesTest, LevelByLength) {
  const RecordsPolicy p = Policy();
  auto seven = RequiredApprovalLevel(CivilDay(2025, 1, 1), CivilDay(2025, 1, 7), {}, "", p);
  EXPECT_EQ(seven.level, ApprovalLevel::kOffice);
  EXPECT_EQ(seven.days, 7);
  auto eight = RequiredApprovalLevel(CivilDay(2025, 1, 1), CivilDay(2025, 1, 8), {}, "", p);
  EXPECT_EQ(eight.level, ApprovalLevel::kBureau);
  EXPECT_NE(eight.rule.find("8 days is over the judicial office's 7 days"), std::string::npos)
      << eight.rule;
  EXPECT_NE(eight.rule.find(p.version), std::string::npos);
  // 30 days alone is within the two-month limit.
  auto thirty = RequiredApprovalLevel(CivilDay(2025, 1, 1), CivilDay(2025, 1, 30), {}, "", p);
  EXPECT_EQ(thirty.level, ApprovalLevel::kBureau);
  EXPECT_EQ(thirty.days_in_two_months, 30);
}

TEST(LeaveRulesTest, TwoMonthWindowGoesOneLevelUp) {
  const RecordsPolicy p = Policy();
  // 25 approved days in January; 5 more in late February make 30 within [Jan 1, Mar 1)...
  std::vector<LeaveFact> others = {
      Fact("a", LeaveStatus::kApproved, CivilDay(2025, 1, 1), CivilDay(2025, 1, 25))};
  auto five = RequiredApprovalLevel(CivilDay(2025, 2, 20), CivilDay(2025, 2, 24), others, "", p);
  EXPECT_EQ(five.days_in_two_months, 30);
  EXPECT_EQ(five.level, ApprovalLevel::kOffice);
  // ... but a sixth day makes 31 within two months: the bureau.
  auto six = RequiredApprovalLevel(CivilDay(2025, 2, 20), CivilDay(2025, 2, 25), others, "", p);
  EXPECT_EQ(six.days_in_two_months, 31);
  EXPECT_EQ(six.level, ApprovalLevel::kBureau);
  EXPECT_NE(six.rule.find("31 leave days fall within two months"), std::string::npos) << six.rule;
  // A window is [d, d + 2 months): [Jan 25, Mar 25) holds Jan 25 and Mar 24 but not Mar 25.
  EXPECT_EQ(MaxDaysInTwoMonths(CivilDay(2025, 3, 25), CivilDay(2025, 3, 25), others, ""), 1);
  EXPECT_EQ(MaxDaysInTwoMonths(CivilDay(2025, 3, 24), CivilDay(2025, 3, 24), others, ""), 2);
  // A long leave over the window: beyond the district bureau, the city bureau.
  auto long_leave =
      RequiredApprovalLevel(CivilDay(2025, 2, 1), CivilDay(2025, 2, 10), others, "", p);
  EXPECT_EQ(long_leave.level, ApprovalLevel::kCity);
  EXPECT_NE(long_leave.rule.find("city bureau"), std::string::npos);
  // Requested, rejected and cancelled leave do not count; an early return counts its held days.
  std::vector<LeaveFact> mixed = {
      Fact("q", LeaveStatus::kRequested, CivilDay(2025, 1, 1), CivilDay(2025, 1, 25)),
      Fact("r", LeaveStatus::kRejected, CivilDay(2025, 1, 1), CivilDay(2025, 1, 25)),
      Fact("e", LeaveStatus::kReturned, CivilDay(2025, 1, 1), CivilDay(2025, 1, 25),
           CivilDay(2025, 1, 5)),
  };
  EXPECT_EQ(MaxDaysInTwoMonths(CivilDay(2025, 2, 1), CivilDay(2025, 2, 7), mixed, ""), 12);
  // The leave being decided is not counted twice.
  std::vector<LeaveFact> self = {
      Fact("s", LeaveStatus::kApproved, CivilDay(2025, 2, 1), CivilDay(2025, 2, 7))};
  EXPECT_EQ(MaxDaysInTwoMonths(CivilDay(2025, 2, 1), CivilDay(2025, 2, 7), self, "s"), 7);
}

TEST(LeaveRulesTest, WindowClampsAtMonthEndsAndLeapDays) {
  const RecordsPolicy p = Policy();
  // From Dec 31, two months run through Feb 27 (Feb 28 clamps, exclusive) in 2025 and through
  // Feb 28 in 2024 (Feb 29 clamps, exclusive).
  std::vector<LeaveFact> y2025 = {
      Fact("a", LeaveStatus::kApproved, CivilDay(2024, 12, 31), CivilDay(2025, 1, 29))};  // 30
  EXPECT_EQ(MaxDaysInTwoMonths(CivilDay(2025, 2, 28), CivilDay(2025, 2, 28), y2025, ""), 30);
  EXPECT_EQ(MaxDaysInTwoMonths(CivilDay(2025, 2, 27), CivilDay(2025, 2, 27), y2025, ""), 31);
  std::vector<LeaveFact> y2024 = {
      Fact("a", LeaveStatus::kApproved, CivilDay(2023, 12, 31), CivilDay(2024, 1, 29))};
  EXPECT_EQ(MaxDaysInTwoMonths(CivilDay(2024, 2, 29), CivilDay(2024, 2, 29), y2024, ""), 30);
  EXPECT_EQ(MaxDaysInTwoMonths(CivilDay(2024, 2, 28), CivilDay(2024, 2, 28), y2024, ""), 31);
  EXPECT_EQ(RequiredApprovalLevel(CivilDay(2024, 2, 28), CivilDay(2024, 2, 28), y2024, "", p).level,
            ApprovalLevel::kBureau);
}

TEST(LeaveRulesTest, DecidersByLevel) {
  const ApprovalNeed office{ApprovalLevel::kOffice, 7, 7, "r"};
  const ApprovalNeed bureau{ApprovalLevel::kBureau, 8, 8, "needs the district bureau"};
  const ApprovalNeed city{ApprovalLevel::kCity, 20, 40, "r"};
  const ApprovalNeed standing{ApprovalLevel::kStanding, 3, 3, "r"};
  for (Role r : {Role::kOfficeStaff, Role::kDistrictBureau, Role::kCityAdmin}) {
    EXPECT_TRUE(CheckDecider(r, office).ok());
  }
  for (Role r : {Role::kSocialWorker, Role::kAuditor, Role::kPartner, Role::kOps, Role::kService}) {
    EXPECT_EQ(CheckDecider(r, office).code(), absl::StatusCode::kPermissionDenied);
  }
  auto denied = CheckDecider(Role::kOfficeStaff, bureau);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("needs the district bureau"), std::string::npos);
  EXPECT_TRUE(CheckDecider(Role::kDistrictBureau, bureau).ok());
  EXPECT_TRUE(CheckDecider(Role::kCityAdmin, bureau).ok());
  EXPECT_EQ(CheckDecider(Role::kDistrictBureau, city).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckDecider(Role::kCityAdmin, city).ok());
  EXPECT_EQ(CheckDecider(Role::kCityAdmin, standing).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(LeaveRulesTest, EveryTransition) {
  const LeaveStatus all[] = {LeaveStatus::kRequested, LeaveStatus::kApproved,
                             LeaveStatus::kRejected, LeaveStatus::kCancelled,
                             LeaveStatus::kReturned};
  const LeaveStep steps[] = {LeaveStep::kApprove, LeaveStep::kReject, LeaveStep::kCancel,
                             LeaveStep::kReturn};
  const CivilDay start(2025, 5, 10);
  for (LeaveStatus from : all) {
    for (LeaveStep step : steps) {
      std::optional<LeaveStatus> want;
      if (from == LeaveStatus::kRequested && step == LeaveStep::kApprove)
        want = LeaveStatus::kApproved;
      if (from == LeaveStatus::kRequested && step == LeaveStep::kReject)
        want = LeaveStatus::kRejected;
      if ((from == LeaveStatus::kRequested || from == LeaveStatus::kApproved) &&
          step == LeaveStep::kCancel)
        want = LeaveStatus::kCancelled;
      if (from == LeaveStatus::kApproved && step == LeaveStep::kReturn)
        want = LeaveStatus::kReturned;
      auto next = NextLeaveStatus(from, step, start, CivilDay(2025, 5, 9));
      if (want.has_value()) {
        ASSERT_TRUE(next.ok()) << LeaveStatusName(from) << " " << LeaveStepName(step);
        EXPECT_EQ(*next, *want);
      } else {
        EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition)
            << LeaveStatusName(from) << " " << LeaveStepName(step);
      }
    }
  }
  // An approved leave can be cancelled only before its first day.
  EXPECT_FALSE(NextLeaveStatus(LeaveStatus::kApproved, LeaveStep::kCancel, start, start).ok());
  EXPECT_TRUE(NextLeaveStatus(LeaveStatus::kRequested, LeaveStep::kCancel, start, start).ok());
  EXPECT_NE(NextLeaveStatus(LeaveStatus::kRequested, LeaveStep::kReturn, start, start)
                .status()
                .message()
                .find("not been approved"),
            std::string::npos);
}

TEST(LeaveRulesTest, ReturnOnTimeLateAndTooEarly) {
  const CivilDay start(2025, 2, 26), end(2025, 3, 1);
  EXPECT_FALSE(CheckReturn(start, end, CivilDay(2025, 2, 26))->late);
  EXPECT_FALSE(CheckReturn(start, end, end)->late);
  auto late = CheckReturn(start, end, CivilDay(2025, 3, 2));
  EXPECT_TRUE(late->late);
  EXPECT_EQ(late->days_late, 1);
  EXPECT_EQ(
      CheckReturn(CivilDay(2024, 2, 27), CivilDay(2024, 2, 28), CivilDay(2024, 3, 1))->days_late,
      2);  // over the leap day
  auto early = CheckReturn(start, end, CivilDay(2025, 2, 25));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(early.status().message().find("2025-02-26"), std::string::npos);
}

TEST(LeaveRulesTest, DecisionDue) {
  const RecordsPolicy p = Policy();
  EXPECT_EQ(DecisionDue(CivilDay(2025, 2, 27), p), CivilDay(2025, 3, 2));
  EXPECT_EQ(DecisionDue(CivilDay(2024, 2, 27), p), CivilDay(2024, 3, 1));
  EXPECT_EQ(DecisionDue(CivilDay(2025, 12, 30), p), CivilDay(2026, 1, 2));
}

TEST(LeaveRulesTest, StandingValidityAtMonthEnds) {
  const RecordsPolicy p = Policy();
  EXPECT_TRUE(CheckStandingValidity(CivilDay(2025, 1, 1), CivilDay(2025, 7, 1), p).empty());
  EXPECT_FALSE(CheckStandingValidity(CivilDay(2025, 1, 1), CivilDay(2025, 7, 2), p).empty());
  // Aug 31 + 6 months clamps to the end of February, leap year or not.
  EXPECT_TRUE(CheckStandingValidity(CivilDay(2023, 8, 31), CivilDay(2024, 2, 29), p).empty());
  EXPECT_FALSE(CheckStandingValidity(CivilDay(2023, 8, 31), CivilDay(2024, 3, 1), p).empty());
  EXPECT_TRUE(CheckStandingValidity(CivilDay(2024, 8, 31), CivilDay(2025, 2, 28), p).empty());
  auto over = CheckStandingValidity(CivilDay(2024, 8, 31), CivilDay(2025, 3, 1), p);
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0].field, "valid_until");
  EXPECT_NE(over[0].what.find("latest 2025-02-28"), std::string::npos) << over[0].what;
  EXPECT_TRUE(CheckStandingValidity(CivilDay(2025, 1, 1), CivilDay(2025, 1, 1), p).empty());
  EXPECT_EQ(CheckStandingValidity(CivilDay(2025, 1, 2), CivilDay(2025, 1, 1), p)[0].what,
            "is before valid_from");
}

TEST(LeaveRulesTest, TripsUnderStanding) {
  const StandingFact s{"Suzhou", CivilDay(2025, 1, 1), CivilDay(2025, 6, 30), std::nullopt};
  EXPECT_TRUE(
      CheckTripUnderStanding(CivilDay(2025, 1, 1), CivilDay(2025, 1, 3), "Suzhou", s).empty());
  EXPECT_TRUE(
      CheckTripUnderStanding(CivilDay(2025, 6, 30), CivilDay(2025, 6, 30), " Suzhou", s).empty());
  EXPECT_EQ(
      CheckTripUnderStanding(CivilDay(2025, 6, 30), CivilDay(2025, 7, 1), "Suzhou", s)[0].field,
      "standing_approval_id");
  EXPECT_EQ(
      CheckTripUnderStanding(CivilDay(2024, 12, 31), CivilDay(2025, 1, 1), "Suzhou", s).size(), 1u);
  EXPECT_EQ(CheckTripUnderStanding(CivilDay(2025, 2, 1), CivilDay(2025, 2, 2), "Wuxi", s)[0].field,
            "destination");
  StandingFact revoked = s;
  revoked.revoked_on = CivilDay(2025, 3, 1);
  EXPECT_TRUE(
      CheckTripUnderStanding(CivilDay(2025, 2, 27), CivilDay(2025, 2, 28), "Suzhou", revoked)
          .empty());
  EXPECT_FALSE(
      CheckTripUnderStanding(CivilDay(2025, 2, 28), CivilDay(2025, 3, 1), "Suzhou", revoked)
          .empty());
  revoked.revoked_on = CivilDay(2025, 1, 1);
  EXPECT_NE(CheckTripUnderStanding(CivilDay(2025, 2, 1), CivilDay(2025, 2, 1), "Suzhou", revoked)[0]
                .what.find("revoked"),
            std::string::npos);
}

TEST(LeaveRulesTest, NotReturnedAsOf) {
  const CivilDay end(2025, 3, 31);
  const CivilDay decided(2025, 3, 1);
  // The day after the last day is the first day it is overdue.
  EXPECT_FALSE(NotReturnedAsOf(LeaveStatus::kApproved, end, decided, std::nullopt, end));
  EXPECT_TRUE(
      NotReturnedAsOf(LeaveStatus::kApproved, end, decided, std::nullopt, CivilDay(2025, 4, 1)));
  // Returned late on Apr 3: listed on Apr 1 and 2, not from Apr 3.
  const CivilDay ret(2025, 4, 3);
  EXPECT_TRUE(NotReturnedAsOf(LeaveStatus::kReturned, end, decided, ret, CivilDay(2025, 4, 2)));
  EXPECT_FALSE(NotReturnedAsOf(LeaveStatus::kReturned, end, decided, ret, ret));
  // Not approved yet on the day, or never approved.
  EXPECT_FALSE(NotReturnedAsOf(LeaveStatus::kApproved, end, CivilDay(2025, 4, 5), std::nullopt,
                               CivilDay(2025, 4, 4)));
  for (LeaveStatus s : {LeaveStatus::kRequested, LeaveStatus::kRejected, LeaveStatus::kCancelled}) {
    EXPECT_FALSE(NotReturnedAsOf(s, end, decided, std::nullopt, CivilDay(2025, 5, 1)));
  }
}

}  // namespace
}  // namespace ccms::records::domain
