// Resettlement due as the term ends (issue 15 item 12) at its edges: the due day the policy's
// days before the end date across 1 March of a leap and a common year and a year end, never
// before the day the item opened (an end date nearer than the days), a later end date moving an
// open item but not a satisfied or declined one, the same end date again changing nothing, a
// closed case opening nothing; satisfied by a referral sent (not before it opened), declined with
// a policy code only (repeated: unchanged), overdue from the day after the due day.
#include "services/employment/domain/resettlement_rules.h"

#include "gtest/gtest.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;

CaseView Active() {
  CaseView c;
  c.case_id = "c";
  c.district_code = "110101";
  c.status = CaseStatus::kActive;
  return c;
}

const std::vector<std::string> kReasons = {"ALREADY_EMPLOYED", "PERSON_DECLINED", "OTHER"};

ResettlementItem OpenItem(CivilDay raised, CivilDay end, int days) {
  auto r = OnDischargeApproaching(Active(), std::nullopt, end, raised, days);
  ResettlementItem i = r.item;
  i.item_id = "item";
  return i;
}

TEST(ResettlementRulesTest, DueTheDaysBeforeTheEndAcrossFebruary) {
  // 2028 is a leap year: 7 days before 2028-03-05 is 2028-02-27; in 2027, 2027-02-26.
  EXPECT_EQ(ResettlementDueOn(CivilDay(2028, 3, 5), CivilDay(2028, 2, 4), 7),
            CivilDay(2028, 2, 27));
  EXPECT_EQ(ResettlementDueOn(CivilDay(2027, 3, 5), CivilDay(2027, 2, 4), 7),
            CivilDay(2027, 2, 26));
  // 2028-03-07 minus 7 is 29 February.
  EXPECT_EQ(ResettlementDueOn(CivilDay(2028, 3, 7), CivilDay(2028, 2, 6), 7),
            CivilDay(2028, 2, 29));
  // Across a year end.
  EXPECT_EQ(ResettlementDueOn(CivilDay(2029, 1, 3), CivilDay(2028, 12, 4), 7),
            CivilDay(2028, 12, 27));
  // 0 days: due on the end date itself.
  EXPECT_EQ(ResettlementDueOn(CivilDay(2029, 1, 3), CivilDay(2028, 12, 4), 0),
            CivilDay(2029, 1, 3));
}

TEST(ResettlementRulesTest, NeverDueBeforeTheDayItOpened) {
  // The end 5 days away with 7 days before the end: due the day it opened, not two days earlier.
  EXPECT_EQ(ResettlementDueOn(CivilDay(2028, 3, 1), CivilDay(2028, 2, 25), 7),
            CivilDay(2028, 2, 25));
  // Exactly the days away: due that day.
  EXPECT_EQ(ResettlementDueOn(CivilDay(2028, 3, 3), CivilDay(2028, 2, 25), 7),
            CivilDay(2028, 2, 25));
  // An end date already past (a late event): due the day it opened.
  EXPECT_EQ(ResettlementDueOn(CivilDay(2028, 2, 20), CivilDay(2028, 2, 25), 7),
            CivilDay(2028, 2, 25));
}

TEST(ResettlementRulesTest, DischargeApproachingOpensOneItem) {
  const auto r = OnDischargeApproaching(Active(), std::nullopt, CivilDay(2028, 3, 30),
                                        CivilDay(2028, 2, 29), 7);
  ASSERT_EQ(r.action, ResettlementRaise::Action::kOpened);
  EXPECT_EQ(r.item.status, ResettlementStatus::kOpen);
  EXPECT_EQ(r.item.end_date, CivilDay(2028, 3, 30));
  EXPECT_EQ(r.item.raised_on, CivilDay(2028, 2, 29));
  EXPECT_EQ(r.item.due_on, CivilDay(2028, 3, 23));
  EXPECT_FALSE(r.item.closed_on.has_value());
}

TEST(ResettlementRulesTest, AClosedCaseOpensNothing) {
  CaseView c = Active();
  c.status = CaseStatus::kClosed;
  EXPECT_EQ(OnDischargeApproaching(c, std::nullopt, CivilDay(2028, 3, 30), CivilDay(2028, 3, 1), 7)
                .action,
            ResettlementRaise::Action::kNone);
}

TEST(ResettlementRulesTest, ALaterEndDateMovesTheOpenItemOnly) {
  const ResettlementItem open = OpenItem(CivilDay(2028, 3, 1), CivilDay(2028, 3, 30), 7);
  // The same end date again (a repeated announcement): nothing.
  EXPECT_EQ(
      OnDischargeApproaching(Active(), open, CivilDay(2028, 3, 30), CivilDay(2028, 3, 2), 7).action,
      ResettlementRaise::Action::kNone);
  // A reduction brings the end nearer: the due day moves, not before the day it opened.
  auto moved =
      OnDischargeApproaching(Active(), open, CivilDay(2028, 3, 5), CivilDay(2028, 3, 2), 7);
  ASSERT_EQ(moved.action, ResettlementRaise::Action::kMoved);
  EXPECT_EQ(moved.item.item_id, "item");
  EXPECT_EQ(moved.item.end_date, CivilDay(2028, 3, 5));
  EXPECT_EQ(moved.item.raised_on, CivilDay(2028, 3, 1));
  EXPECT_EQ(moved.item.due_on, CivilDay(2028, 3, 1));
  // An extension: due 7 days before the new end.
  auto later =
      OnDischargeApproaching(Active(), open, CivilDay(2028, 6, 30), CivilDay(2028, 3, 2), 7);
  ASSERT_EQ(later.action, ResettlementRaise::Action::kMoved);
  EXPECT_EQ(later.item.due_on, CivilDay(2028, 6, 23));
  // A satisfied or declined item stays as it is.
  auto satisfied = SatisfyOnReferralSent(open, "ref", CivilDay(2028, 3, 10));
  ASSERT_TRUE(satisfied.has_value());
  EXPECT_EQ(
      OnDischargeApproaching(Active(), *satisfied, CivilDay(2028, 6, 30), CivilDay(2028, 3, 12), 7)
          .action,
      ResettlementRaise::Action::kNone);
  auto declined =
      Decline(Active(), open, "OTHER", CivilDay(2028, 3, 10), kReasons, CivilDay(2028, 3, 10));
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(
      OnDischargeApproaching(Active(), *declined, CivilDay(2028, 6, 30), CivilDay(2028, 3, 12), 7)
          .action,
      ResettlementRaise::Action::kNone);
}

TEST(ResettlementRulesTest, AReferralSentSatisfiesTheOpenItem) {
  const ResettlementItem open = OpenItem(CivilDay(2028, 3, 1), CivilDay(2028, 3, 30), 7);
  auto s = SatisfyOnReferralSent(open, "ref-1", CivilDay(2028, 3, 24));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->status, ResettlementStatus::kSatisfied);
  EXPECT_EQ(s->closed_on, CivilDay(2028, 3, 24));
  EXPECT_EQ(s->referral_id, "ref-1");
  // Sent (back-dated) before the item opened: closed the day it opened.
  auto early = SatisfyOnReferralSent(open, "ref-2", CivilDay(2028, 2, 20));
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->closed_on, CivilDay(2028, 3, 1));
  // A second referral changes nothing.
  EXPECT_FALSE(SatisfyOnReferralSent(*s, "ref-3", CivilDay(2028, 3, 25)).has_value());
}

TEST(ResettlementRulesTest, DeclineTakesAPolicyCodeOnAnOpenItem) {
  const ResettlementItem open = OpenItem(CivilDay(2028, 3, 1), CivilDay(2028, 3, 30), 7);
  const CivilDay today(2028, 3, 10);
  EXPECT_EQ(Decline(Active(), open, "NOT_A_CODE", today, kReasons, today).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Decline(Active(), open, "", today, kReasons, today).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Decline(Active(), open, "OTHER", today + 1, kReasons, today).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Decline(Active(), open, "OTHER", CivilDay(2028, 2, 29), kReasons, today).status().code(),
      absl::StatusCode::kInvalidArgument);
  // The day it opened is allowed.
  EXPECT_TRUE(Decline(Active(), open, "OTHER", CivilDay(2028, 3, 1), kReasons, today).ok());
  CaseView closed = Active();
  closed.status = CaseStatus::kClosed;
  EXPECT_EQ(Decline(closed, open, "OTHER", today, kReasons, today).status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto d = Decline(Active(), open, "ALREADY_EMPLOYED", today, kReasons, today);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->status, ResettlementStatus::kDeclined);
  EXPECT_EQ(d->closed_on, today);
  EXPECT_EQ(d->reason_code, "ALREADY_EMPLOYED");
  // Repeated with the same code: the item as it is; with another code: not open.
  auto again = Decline(Active(), *d, "ALREADY_EMPLOYED", today, kReasons, today);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->closed_on, today);
  EXPECT_EQ(Decline(Active(), *d, "OTHER", today, kReasons, today).status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto s = SatisfyOnReferralSent(open, "ref", today);
  EXPECT_EQ(Decline(Active(), *s, "OTHER", today, kReasons, today).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ResettlementRulesTest, OverdueFromTheDayAfterTheDueDay) {
  const ResettlementItem open = OpenItem(CivilDay(2028, 2, 1), CivilDay(2028, 3, 7), 7);
  ASSERT_EQ(open.due_on, CivilDay(2028, 2, 29));
  EXPECT_FALSE(IsOverdue(open, CivilDay(2028, 2, 29)));
  EXPECT_TRUE(IsOverdue(open, CivilDay(2028, 3, 1)));
  auto s = SatisfyOnReferralSent(open, "ref", CivilDay(2028, 3, 2));
  EXPECT_FALSE(IsOverdue(*s, CivilDay(2028, 3, 5)));
}

TEST(ResettlementRulesTest, StatusNamesRoundTrip) {
  for (auto s : {ResettlementStatus::kOpen, ResettlementStatus::kSatisfied,
                 ResettlementStatus::kDeclined, ResettlementStatus::kCancelled}) {
    EXPECT_EQ(ResettlementStatusOf(ResettlementStatusName(s)), s);
  }
  EXPECT_FALSE(ResettlementStatusOf("open").has_value());
}

}  // namespace
}  // namespace ccms::employment::domain
