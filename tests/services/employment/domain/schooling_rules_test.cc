// Schooling support at its edges (seeds 7.11.1-7.11.2): the required item opens for a minor
// without compulsory education and is due support_due_days later (across 29 February and a year
// end), a second record does not move its deadline, completed education makes it needless, the
// optional item only with the wish to continue, adults and closed cases refused, steps (liaison,
// enrolled with a school code, declined only for the optional item), overdue from the day after
// the due day.
#include "services/employment/domain/schooling_rules.h"

#include "gtest/gtest.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;

CaseView Minor() {
  CaseView c;
  c.case_id = "c";
  c.district_code = "110101";
  c.status = CaseStatus::kActive;
  c.minor = true;
  return c;
}

SchoolingSituation Situation(CivilDay on, bool completed, bool wishes) {
  SchoolingSituation s;
  s.on = on;
  s.compulsory_education_completed = completed;
  s.wishes_to_continue = wishes;
  return s;
}

SchoolingItem Open(SchoolingKind kind, CivilDay opened, std::optional<CivilDay> due) {
  SchoolingItem i;
  i.item_id = kind == SchoolingKind::kCompulsoryEducation ? "required" : "optional";
  i.kind = kind;
  i.opened_on = opened;
  i.due_on = due;
  return i;
}

const CivilDay kToday(2028, 12, 31);

TEST(SchoolingRulesTest, NotCompletedOpensTheRequiredItemDueAfterThePolicysDays) {
  // 2028 is a leap year: 30 days after 2028-02-10 is 2028-03-11 (29 February counted).
  auto change =
      ApplySituation(Minor(), {}, Situation(CivilDay(2028, 2, 10), false, false), 30, kToday);
  ASSERT_TRUE(change.ok()) << change.status();
  ASSERT_EQ(change->opened.size(), 1u);
  EXPECT_TRUE(change->closed.empty());
  const SchoolingItem& i = change->opened[0];
  EXPECT_EQ(i.kind, SchoolingKind::kCompulsoryEducation);
  EXPECT_EQ(i.status, SchoolingStatus::kOpen);
  EXPECT_EQ(i.opened_on, CivilDay(2028, 2, 10));
  EXPECT_EQ(i.due_on, CivilDay(2028, 3, 11));
  // In a common year the same record is due a day later in March.
  auto common =
      ApplySituation(Minor(), {}, Situation(CivilDay(2027, 2, 10), false, false), 30, kToday);
  ASSERT_TRUE(common.ok());
  EXPECT_EQ(common->opened[0].due_on, CivilDay(2027, 3, 12));
  // Across a year end.
  auto year_end =
      ApplySituation(Minor(), {}, Situation(CivilDay(2027, 12, 15), false, true), 30, kToday);
  ASSERT_TRUE(year_end.ok());
  ASSERT_EQ(year_end->opened.size(), 1u) << "the wish to continue is the required item itself";
  EXPECT_EQ(year_end->opened[0].due_on, CivilDay(2028, 1, 14));
}

TEST(SchoolingRulesTest, ASecondRecordDoesNotMoveTheDeadline) {
  const SchoolingItem required =
      Open(SchoolingKind::kCompulsoryEducation, CivilDay(2028, 1, 1), CivilDay(2028, 1, 31));
  auto change = ApplySituation(Minor(), {required}, Situation(CivilDay(2028, 3, 1), false, false),
                               30, kToday);
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->opened.empty());
  EXPECT_TRUE(change->closed.empty());
}

TEST(SchoolingRulesTest, CompletedMakesTheRequiredItemNeedlessAndOpensTheOptionalOnWish) {
  const SchoolingItem required =
      Open(SchoolingKind::kCompulsoryEducation, CivilDay(2028, 1, 1), CivilDay(2028, 1, 31));
  auto no_wish = ApplySituation(Minor(), {required}, Situation(CivilDay(2028, 2, 29), true, false),
                                30, kToday);
  ASSERT_TRUE(no_wish.ok());
  EXPECT_TRUE(no_wish->opened.empty());
  ASSERT_EQ(no_wish->closed.size(), 1u);
  EXPECT_EQ(no_wish->closed[0].item_id, "required");
  EXPECT_EQ(no_wish->closed[0].status, SchoolingStatus::kNotNeeded);
  EXPECT_EQ(no_wish->closed[0].closed_on, CivilDay(2028, 2, 29));

  auto wish =
      ApplySituation(Minor(), {required}, Situation(CivilDay(2028, 2, 29), true, true), 30, kToday);
  ASSERT_TRUE(wish.ok());
  ASSERT_EQ(wish->opened.size(), 1u);
  EXPECT_EQ(wish->opened[0].kind, SchoolingKind::kContinuedSchooling);
  EXPECT_FALSE(wish->opened[0].due_on.has_value()) << "the optional item has no due day";

  // An optional item open already: no second one.
  const SchoolingItem optional =
      Open(SchoolingKind::kContinuedSchooling, CivilDay(2028, 3, 1), std::nullopt);
  auto again =
      ApplySituation(Minor(), {optional}, Situation(CivilDay(2028, 4, 1), true, true), 30, kToday);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->opened.empty());
  EXPECT_TRUE(again->closed.empty());
}

TEST(SchoolingRulesTest, AdultsClosedCasesAndBadDaysAreRefused) {
  CaseView adult = Minor();
  adult.minor = false;
  EXPECT_EQ(ApplySituation(adult, {}, Situation(kToday, false, false), 30, kToday).status().code(),
            absl::StatusCode::kFailedPrecondition);
  CaseView closed = Minor();
  closed.status = CaseStatus::kClosed;
  EXPECT_EQ(ApplySituation(closed, {}, Situation(kToday, false, false), 30, kToday).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      ApplySituation(Minor(), {}, Situation(kToday + 1, false, false), 30, kToday).status().code(),
      absl::StatusCode::kInvalidArgument);
  CaseView judged = Minor();
  judged.age.judgment_date = CivilDay(2028, 6, 1);
  EXPECT_EQ(ApplySituation(judged, {}, Situation(CivilDay(2028, 5, 31), false, false), 30, kToday)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      ApplySituation(judged, {}, Situation(CivilDay(2028, 6, 1), false, false), 30, kToday).ok());
}

TEST(SchoolingRulesTest, StepsLiaisonEnrolledAndDeclined) {
  const SchoolingItem required =
      Open(SchoolingKind::kCompulsoryEducation, CivilDay(2028, 2, 29), CivilDay(2028, 3, 30));
  auto liaison =
      ApplyStep(Minor(), required, SchoolingStep::kLiaison, CivilDay(2028, 2, 29), "", kToday);
  ASSERT_TRUE(liaison.ok()) << liaison.status();
  EXPECT_EQ(liaison->status, SchoolingStatus::kOpen);
  EXPECT_EQ(liaison->liaison_count, 1);
  EXPECT_EQ(liaison->last_step_on, CivilDay(2028, 2, 29));

  // The day before the item opened, a day in the future, a bad school code.
  EXPECT_EQ(ApplyStep(Minor(), required, SchoolingStep::kLiaison, CivilDay(2028, 2, 28), "", kToday)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ApplyStep(Minor(), required, SchoolingStep::kLiaison, kToday + 1, "", kToday).status().code(),
      absl::StatusCode::kInvalidArgument);
  for (const char* bad :
       {"", "a", "lower-case", "X", "SCHOOL CODE", "123456789012345678901234567890123"}) {
    EXPECT_EQ(
        ApplyStep(Minor(), required, SchoolingStep::kEnrolled, kToday, bad, kToday).status().code(),
        absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(ApplyStep(Minor(), required, SchoolingStep::kLiaison, kToday, "SCH-01", kToday)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument)
      << "a school code only with ENROLLED";

  auto met = ApplyStep(Minor(), *liaison, SchoolingStep::kEnrolled, CivilDay(2028, 3, 30),
                       "SCH-320102-07", kToday);
  ASSERT_TRUE(met.ok()) << met.status();
  EXPECT_EQ(met->status, SchoolingStatus::kMet);
  EXPECT_EQ(met->closed_on, CivilDay(2028, 3, 30));
  EXPECT_EQ(met->school_code, "SCH-320102-07");
  EXPECT_EQ(met->liaison_count, 1);
  // A met item takes no more steps.
  EXPECT_EQ(ApplyStep(Minor(), *met, SchoolingStep::kLiaison, kToday, "", kToday).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // The required item cannot be declined; the optional one can.
  EXPECT_EQ(
      ApplyStep(Minor(), required, SchoolingStep::kDeclined, kToday, "", kToday).status().code(),
      absl::StatusCode::kFailedPrecondition);
  const SchoolingItem optional =
      Open(SchoolingKind::kContinuedSchooling, CivilDay(2028, 3, 1), std::nullopt);
  auto declined = ApplyStep(Minor(), optional, SchoolingStep::kDeclined, kToday, "", kToday);
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(declined->status, SchoolingStatus::kDeclined);

  CaseView closed = Minor();
  closed.status = CaseStatus::kClosed;
  EXPECT_EQ(
      ApplyStep(closed, optional, SchoolingStep::kLiaison, kToday, "", kToday).status().code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST(SchoolingRulesTest, OverdueFromTheDayAfterTheDueDay) {
  SchoolingItem required =
      Open(SchoolingKind::kCompulsoryEducation, CivilDay(2028, 1, 30), CivilDay(2028, 2, 29));
  EXPECT_FALSE(IsOverdue(required, CivilDay(2028, 2, 29))) << "not on the due day";
  EXPECT_TRUE(IsOverdue(required, CivilDay(2028, 3, 1))) << "the day after";
  required.status = SchoolingStatus::kMet;
  EXPECT_FALSE(IsOverdue(required, CivilDay(2028, 3, 1)));
  const SchoolingItem optional =
      Open(SchoolingKind::kContinuedSchooling, CivilDay(2020, 1, 1), std::nullopt);
  EXPECT_FALSE(IsOverdue(optional, kToday)) << "the optional item is never overdue";
}

TEST(SchoolingRulesTest, NamesRoundTrip) {
  for (auto s : {SchoolingStatus::kOpen, SchoolingStatus::kMet, SchoolingStatus::kNotNeeded,
                 SchoolingStatus::kDeclined, SchoolingStatus::kCancelled}) {
    EXPECT_EQ(SchoolingStatusOf(SchoolingStatusName(s)), s);
  }
  for (auto k : {SchoolingKind::kCompulsoryEducation, SchoolingKind::kContinuedSchooling}) {
    EXPECT_EQ(SchoolingKindOf(SchoolingKindName(k)), k);
  }
  EXPECT_FALSE(SchoolingStatusOf("open").has_value());
  EXPECT_FALSE(SchoolingKindOf("").has_value());
}

}  // namespace
}  // namespace ccms::employment::domain
