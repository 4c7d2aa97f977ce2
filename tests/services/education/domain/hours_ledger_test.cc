// The monthly hours ledger, the intake and discharge windows and individual education stepped up
// (issue 14 items 6-8) at every edge: part months at the start and end of the term, month ends,
// leap days, waiver expiry, window boundaries, Asia/Shanghai day boundaries; and a randomized
// comparison with a recomputation written apart from the code.
#include "services/education/domain/hours_ledger.h"

#include <random>

#include "gtest/gtest.h"
#include "services/education/domain/education_windows.h"
#include "services/education/domain/individual_education.h"
#include "services/education/domain/plan_rules.h"
#include "tests/services/education/domain/test_policy.h"

namespace ccms::education::domain {
namespace {

using absl::CivilDay;
using absl::CivilMonth;

HoursPolicy Policy() { return testing::DefaultPolicy().hours; }  // 8 h + 8 h

HoursEntry Study(CivilDay on, int minutes, std::string code = "ATTENDED") {
  return {HoursKind::kStudy, "s-" + absl::FormatCivilTime(on), on, minutes, std::move(code)};
}

const LedgerLine* Find(const MonthLedger& l, std::string_view code, HoursKind kind) {
  for (const auto& line : l.lines) {
    if (line.code == code && line.kind == kind) return &line;
  }
  return nullptr;
}

TEST(HoursLedgerTest, AWholeMonthOwesTheFullFigure) {
  LedgerInputs in;
  in.term = {CivilDay(2026, 1, 1), CivilDay(2026, 12, 31)};
  in.entries = {Study(CivilDay(2026, 3, 1), 240),
                Study(CivilDay(2026, 3, 31), 120, "LATE_PART_CREDIT"),
                Study(CivilDay(2026, 2, 28), 60), Study(CivilDay(2026, 4, 1), 60)};
  const MonthLedger l = ComputeMonthLedger(in, CivilMonth(2026, 3), Policy());
  EXPECT_EQ(l.days_in_month, 31);
  EXPECT_EQ(l.term_days, 31);
  EXPECT_EQ(l.study.required_minutes, 480);
  EXPECT_EQ(l.study.credited_minutes, 360);  // the 1st and the 31st count; 02-28 and 04-01 not
  EXPECT_EQ(l.study.shortfall_minutes, 120);
  EXPECT_EQ(l.community_service.required_minutes, 480);
  EXPECT_EQ(l.community_service.shortfall_minutes, 480);
  EXPECT_TRUE(l.Shortfall());
  ASSERT_NE(Find(l, kRequiredFullMonth, HoursKind::kStudy), nullptr);
  ASSERT_NE(Find(l, "LATE_PART_CREDIT", HoursKind::kStudy), nullptr);
  EXPECT_EQ(Find(l, "LATE_PART_CREDIT", HoursKind::kStudy)->minutes, 120);
}

TEST(HoursLedgerTest, PartMonthsAtTheStartAndTheEndOfTheTerm) {
  LedgerInputs in;
  in.term = {CivilDay(2026, 1, 17), CivilDay(2026, 4, 16)};
  // January: the 17th..31st, 15 of 31 days: 480 × 15 / 31 = 232.25 -> 232 minutes.
  MonthLedger jan = ComputeMonthLedger(in, CivilMonth(2026, 1), Policy());
  EXPECT_EQ(jan.term_days, 15);
  EXPECT_EQ(jan.study.required_minutes, 232);
  EXPECT_NE(Find(jan, kRequiredPartStart, HoursKind::kStudy), nullptr);
  // The term's first day is the month's last: 1 of 31 days = 15 minutes.
  in.term.start = CivilDay(2026, 1, 31);
  EXPECT_EQ(ComputeMonthLedger(in, CivilMonth(2026, 1), Policy()).study.required_minutes, 15);
  // April: the 1st..16th, 16 of 30 days = 256 minutes.
  MonthLedger apr = ComputeMonthLedger(in, CivilMonth(2026, 4), Policy());
  EXPECT_EQ(apr.term_days, 16);
  EXPECT_EQ(apr.study.required_minutes, 256);
  EXPECT_NE(Find(apr, kRequiredPartEnd, HoursKind::kStudy), nullptr);
  // A term inside one month: 2026-06-10..06-19, 10 of 30 days = 160.
  in.term = {CivilDay(2026, 6, 10), CivilDay(2026, 6, 19)};
  MonthLedger jun = ComputeMonthLedger(in, CivilMonth(2026, 6), Policy());
  EXPECT_EQ(jun.study.required_minutes, 160);
  EXPECT_NE(Find(jun, kRequiredPartBoth, HoursKind::kStudy), nullptr);
  // Months outside the term owe nothing and say so.
  MonthLedger may = ComputeMonthLedger(in, CivilMonth(2026, 5), Policy());
  EXPECT_EQ(may.term_days, 0);
  EXPECT_EQ(may.study.required_minutes, 0);
  EXPECT_NE(Find(may, kNotInTerm, HoursKind::kStudy), nullptr);
  EXPECT_FALSE(may.Shortfall());
  // A term ending on the month's last day is a whole month.
  in.term = {CivilDay(2026, 1, 1), CivilDay(2026, 6, 30)};
  EXPECT_NE(Find(ComputeMonthLedger(in, CivilMonth(2026, 6), Policy()), kRequiredFullMonth,
                 HoursKind::kStudy),
            nullptr);
}

TEST(HoursLedgerTest, LeapFebruary) {
  LedgerInputs in;
  in.term = {CivilDay(2028, 2, 15), CivilDay(2029, 2, 14)};
  // 2028-02-15..29: 15 of 29 days = 480 × 15 / 29 = 248.27 -> 248.
  const MonthLedger feb = ComputeMonthLedger(in, CivilMonth(2028, 2), Policy());
  EXPECT_EQ(feb.days_in_month, 29);
  EXPECT_EQ(feb.term_days, 15);
  EXPECT_EQ(feb.study.required_minutes, 248);
  // 2029-02-01..14: 14 of 28 = 240.
  const MonthLedger feb29 = ComputeMonthLedger(in, CivilMonth(2029, 2), Policy());
  EXPECT_EQ(feb29.days_in_month, 28);
  EXPECT_EQ(feb29.study.required_minutes, 240);
  // A credit on the leap day counts in February.
  in.entries = {Study(CivilDay(2028, 2, 29), 90)};
  EXPECT_EQ(ComputeMonthLedger(in, CivilMonth(2028, 2), Policy()).study.credited_minutes, 90);
  EXPECT_EQ(ComputeMonthLedger(in, CivilMonth(2028, 3), Policy()).study.credited_minutes, 0);
}

TEST(HoursLedgerTest, WaiversCoverTheirDaysAndExpire) {
  LedgerInputs in;
  in.term = {CivilDay(2026, 1, 1), CivilDay(2026, 12, 31)};
  // Community service waived through 03-15 (inclusive): March owes 16 of 31 days = 247.
  in.waivers = {{"w1", WaiverScope::kCommunityService, "ILLNESS", "office-1", CivilDay(2026, 2, 1),
                 CivilDay(2026, 3, 15)}};
  MonthLedger feb = ComputeMonthLedger(in, CivilMonth(2026, 2), Policy());
  EXPECT_EQ(feb.community_service.required_minutes, 0);
  EXPECT_EQ(feb.community_service.waived_days, 28);
  EXPECT_EQ(feb.study.required_minutes, 480);  // study not waived
  EXPECT_FALSE(feb.community_service.shortfall_minutes > 0);
  const LedgerLine* w = Find(feb, "WAIVED_ILLNESS", HoursKind::kCommunityService);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->ref, "w1");
  EXPECT_EQ(w->days, 28);
  MonthLedger mar = ComputeMonthLedger(in, CivilMonth(2026, 3), Policy());
  EXPECT_EQ(mar.community_service.waived_days, 15);
  EXPECT_EQ(mar.community_service.owed_days, 16);
  EXPECT_EQ(mar.community_service.required_minutes, 480 * 16 / 31);
  // The day after expiry the waiver covers nothing.
  EXPECT_TRUE(WaiverCovers(in.waivers[0], HoursKind::kCommunityService, CivilDay(2026, 3, 15)));
  EXPECT_FALSE(WaiverCovers(in.waivers[0], HoursKind::kCommunityService, CivilDay(2026, 3, 16)));
  EXPECT_FALSE(WaiverCovers(in.waivers[0], HoursKind::kStudy, CivilDay(2026, 3, 1)));
  EXPECT_EQ(ComputeMonthLedger(in, CivilMonth(2026, 4), Policy()).community_service.waived_days, 0);
  // Two overlapping waivers count a day once; BOTH covers both kinds.
  in.waivers.push_back({"w2", WaiverScope::kBoth, "HOSPITAL", "office-1", CivilDay(2026, 3, 10),
                        CivilDay(2026, 3, 20)});
  mar = ComputeMonthLedger(in, CivilMonth(2026, 3), Policy());
  EXPECT_EQ(mar.community_service.waived_days, 20);
  EXPECT_EQ(mar.study.waived_days, 11);
  EXPECT_EQ(mar.study.required_minutes, 480 * 20 / 31);
}

TEST(HoursLedgerTest, WaiverValues) {
  HoursPolicy p = Policy();
  HoursWaiver w{"w",        WaiverScope::kBoth,    "ILLNESS",
                "office-1", CivilDay(2026, 1, 31), CivilDay(2027, 1, 30)};
  EXPECT_TRUE(CheckWaiver(w, p).ok());  // 12 months less a day
  w.until = CivilDay(2027, 1, 31);
  EXPECT_EQ(CheckWaiver(w, p).code(), absl::StatusCode::kInvalidArgument);
  w.until = CivilDay(2026, 1, 30);
  EXPECT_EQ(CheckWaiver(w, p).code(), absl::StatusCode::kInvalidArgument);
  w.until = w.from;
  EXPECT_TRUE(CheckWaiver(w, p).ok());
  w.reason_code = "BORED";
  EXPECT_EQ(CheckWaiver(w, p).code(), absl::StatusCode::kInvalidArgument);
  w.reason_code = "OTHER";
  w.decided_by = "";
  EXPECT_EQ(CheckWaiver(w, p).code(), absl::StatusCode::kInvalidArgument);
}

TEST(HoursLedgerTest, LostContactAndHospitalAreMarked) {
  LedgerInputs in;
  in.term = {CivilDay(2026, 1, 1), CivilDay(2026, 12, 31)};
  in.lost_contact = {{CivilDay(2026, 3, 30), CivilDay(2026, 4, 2)},  // found on 04-03
                     {CivilDay(2026, 6, 20), std::nullopt}};
  in.hospital_days = {CivilDay(2026, 4, 5), CivilDay(2026, 4, 5), CivilDay(2026, 4, 30)};
  MonthLedger mar = ComputeMonthLedger(in, CivilMonth(2026, 3), Policy());
  EXPECT_EQ(mar.lost_contact_days, 2);
  MonthLedger apr = ComputeMonthLedger(in, CivilMonth(2026, 4), Policy());
  EXPECT_EQ(apr.lost_contact_days, 2);
  EXPECT_EQ(apr.hospital_days, 2);
  EXPECT_EQ(apr.study.required_minutes, 480);  // marked, still owed unless waived
  EXPECT_EQ(ComputeMonthLedger(in, CivilMonth(2026, 5), Policy()).lost_contact_days, 0);
  EXPECT_EQ(ComputeMonthLedger(in, CivilMonth(2026, 6), Policy()).lost_contact_days, 11);
  EXPECT_EQ(ComputeMonthLedger(in, CivilMonth(2026, 7), Policy()).lost_contact_days, 31);
  bool marked = false;
  for (const auto& line : mar.lines) marked = marked || (line.code == kLostContact && !line.kind);
  EXPECT_TRUE(marked);
}

TEST(HoursLedgerTest, ReasonCodesOfAttendance) {
  EXPECT_EQ(AttendanceReasonCode("ATTENDED", ""), "ATTENDED");
  EXPECT_EQ(AttendanceReasonCode("LATE", ""), "LATE_PART_CREDIT");
  EXPECT_EQ(AttendanceReasonCode("EXCUSED", "HOSPITAL"), "EXCUSED_HOSPITAL");
  EXPECT_EQ(AttendanceReasonCode("EXCUSED", ""), "EXCUSED_OTHER");
  EXPECT_EQ(AttendanceReasonCode("ABSENT_AFTER_NOTICE", ""), "ABSENT_AFTER_NOTICE");
  EXPECT_EQ(AttendanceReasonCode("ABSENT", ""), "ABSENT");
}

TEST(HoursLedgerTest, ClosingAMonth) {
  const Term term{CivilDay(2026, 1, 17), CivilDay(2026, 4, 16)};
  // Not before the month ended: 01-31 is still January's.
  EXPECT_EQ(CheckCloseMonth(term, CivilMonth(2026, 1), CivilDay(2026, 1, 31)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckCloseMonth(term, CivilMonth(2026, 1), CivilDay(2026, 2, 1)).ok());
  EXPECT_TRUE(CheckCloseMonth(term, CivilMonth(2026, 4), CivilDay(2026, 5, 1)).ok());
  EXPECT_EQ(CheckCloseMonth(term, CivilMonth(2025, 12), CivilDay(2026, 5, 1)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckCloseMonth(term, CivilMonth(2026, 5), CivilDay(2026, 7, 1)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckCloseMonth(Term{}, CivilMonth(2026, 1), CivilDay(2026, 7, 1)).code(),
            absl::StatusCode::kFailedPrecondition);
  const auto months = TermMonths(term, CivilDay(2026, 3, 1));
  ASSERT_EQ(months.size(), 3u);
  EXPECT_EQ(months.front(), CivilMonth(2026, 1));
  EXPECT_EQ(months.back(), CivilMonth(2026, 3));
  EXPECT_EQ(TermMonths(term, CivilDay(2027, 1, 1)).size(), 4u);
}

TEST(HoursLedgerTest, TheTermEndsAtAnEarlyClose) {
  CaseView c;
  c.intake_reported_on = CivilDay(2026, 1, 5);
  EXPECT_EQ(TermOf(c).start, CivilDay(2026, 1, 5));
  c.supervision_start = CivilDay(2026, 1, 3);
  c.supervision_end = CivilDay(2026, 12, 2);
  EXPECT_EQ(TermOf(c).start, CivilDay(2026, 1, 3));
  EXPECT_EQ(TermOf(c).end, CivilDay(2026, 12, 2));
  c.closed_on = CivilDay(2026, 8, 9);
  EXPECT_EQ(TermOf(c).end, CivilDay(2026, 8, 9));
  c.closed_on = CivilDay(2026, 12, 20);
  EXPECT_EQ(TermOf(c).end, CivilDay(2026, 12, 2));
}

// --- Windows ---

CaseView Case(CivilDay reported, CivilDay end) {
  CaseView c;
  c.status = CaseStatus::kActive;
  c.intake_reported_on = reported;
  c.supervision_start = reported;
  c.supervision_end = end;
  return c;
}

TEST(EducationWindowsTest, IntakeWindowBoundaries) {
  const WindowPolicy p = testing::DefaultPolicy().windows;
  const CaseView c = Case(CivilDay(2026, 1, 31), CivilDay(2027, 1, 30));
  // Due 02-28 (clamped); in time on the due day, overdue the day after.
  EducationWindow w = IntakeWindow(c, {}, p, CivilDay(2026, 2, 28));
  EXPECT_EQ(w.opens_on, CivilDay(2026, 1, 31));
  EXPECT_EQ(w.due_on, CivilDay(2026, 2, 28));
  EXPECT_EQ(w.state, WindowState::kDue);
  EXPECT_EQ(IntakeWindow(c, {}, p, CivilDay(2026, 3, 1)).state, WindowState::kOverdue);
  // A leap year: 2028-01-31 -> 02-29.
  EXPECT_EQ(
      IntakeWindow(Case(CivilDay(2028, 1, 31), CivilDay(2029, 1, 1)), {}, p, CivilDay(2028, 2, 1))
          .due_on,
      CivilDay(2028, 2, 29));
  // Completed on the due day, late the day after; a session before the report does not count.
  w = IntakeWindow(c, {CivilDay(2026, 1, 30), CivilDay(2026, 2, 28)}, p, CivilDay(2026, 5, 1));
  EXPECT_EQ(w.state, WindowState::kCompleted);
  EXPECT_EQ(w.completed_on, CivilDay(2026, 2, 28));
  w = IntakeWindow(c, {CivilDay(2026, 1, 30), CivilDay(2026, 3, 1)}, p, CivilDay(2026, 5, 1));
  EXPECT_EQ(w.state, WindowState::kCompletedLate);
  CaseView closed = c;
  closed.status = CaseStatus::kClosed;
  closed.closed_on = CivilDay(2026, 4, 1);
  EXPECT_EQ(IntakeWindow(closed, {}, p, CivilDay(2026, 5, 1)).state, WindowState::kMissed);
  CaseView pending;
  EXPECT_EQ(IntakeWindow(pending, {}, p, CivilDay(2026, 5, 1)).state, WindowState::kNotApplicable);
  WindowPolicy three = p;
  three.intake_within_months = 3;
  EXPECT_EQ(IntakeWindow(c, {}, three, CivilDay(2026, 2, 1)).due_on, CivilDay(2026, 4, 30));
}

TEST(EducationWindowsTest, DischargeWindowIsTheLastCalendarMonth) {
  const WindowPolicy p = testing::DefaultPolicy().windows;
  CaseView c = Case(CivilDay(2026, 1, 1), CivilDay(2027, 3, 31));
  EducationWindow w = DischargeWindow(c, {}, p, CivilDay(2027, 2, 28));
  EXPECT_EQ(w.opens_on, CivilDay(2027, 3, 1));
  EXPECT_EQ(w.due_on, CivilDay(2027, 3, 31));
  EXPECT_EQ(w.state, WindowState::kNotOpen);
  EXPECT_EQ(DischargeWindow(c, {}, p, CivilDay(2027, 3, 1)).state, WindowState::kDue);
  EXPECT_EQ(DischargeWindow(c, {}, p, CivilDay(2027, 3, 31)).state, WindowState::kDue);
  EXPECT_EQ(DischargeWindow(c, {}, p, CivilDay(2027, 4, 1)).state, WindowState::kOverdue);
  // A session the day before the window does not count; on its first day it does.
  EXPECT_EQ(DischargeWindow(c, {CivilDay(2027, 2, 28)}, p, CivilDay(2027, 4, 1)).state,
            WindowState::kOverdue);
  EXPECT_EQ(DischargeWindow(c, {CivilDay(2027, 3, 1)}, p, CivilDay(2027, 4, 1)).state,
            WindowState::kCompleted);
  // Mid-month end: 03-15 -> 02-16..03-15; a leap March end: 2028-03-30 -> 03-01 (02-29 + 1).
  c.supervision_end = CivilDay(2027, 3, 15);
  EXPECT_EQ(DischargeWindow(c, {}, p, CivilDay(2027, 1, 1)).opens_on, CivilDay(2027, 2, 16));
  c.supervision_end = CivilDay(2028, 3, 30);
  EXPECT_EQ(DischargeWindow(c, {}, p, CivilDay(2027, 1, 1)).opens_on, CivilDay(2028, 3, 1));
  c.supervision_end = CivilDay(2028, 3, 29);
  EXPECT_EQ(DischargeWindow(c, {}, p, CivilDay(2027, 1, 1)).opens_on, CivilDay(2028, 3, 1));
  c.supervision_end = CivilDay(2028, 3, 31);
  EXPECT_EQ(DischargeWindow(c, {}, p, CivilDay(2027, 1, 1)).opens_on, CivilDay(2028, 3, 1));
  // Closed before the window opened: nothing owed; closed after it, missed.
  c.supervision_end = CivilDay(2027, 3, 31);
  c.status = CaseStatus::kClosed;
  c.closed_on = CivilDay(2027, 2, 28);
  EXPECT_EQ(DischargeWindow(c, {}, p, CivilDay(2027, 4, 1)).state, WindowState::kNotApplicable);
  c.closed_on = CivilDay(2027, 3, 31);
  EXPECT_EQ(DischargeWindow(c, {}, p, CivilDay(2027, 4, 1)).state, WindowState::kMissed);
  c.supervision_end.reset();
  EXPECT_EQ(DischargeWindow(c, {}, p, CivilDay(2027, 4, 1)).state, WindowState::kNotApplicable);
}

// --- Individual education stepped up ---

TEST(IndividualEducationTest, ATriggerStepsUpForItsMonths) {
  const IndividualPolicy p = testing::DefaultPolicy().individual;  // 1, 2, 3 months
  const Term term{CivilDay(2026, 1, 1), CivilDay(2026, 12, 31)};
  const std::vector<StepUpTrigger> t = {{StepUpReason::kSanction, CivilDay(2026, 1, 31), "e1"}};
  EXPECT_EQ(StepUpUntil(CivilDay(2026, 1, 31), 3), CivilDay(2026, 4, 29));  // 04-30 - 1
  EXPECT_EQ(StepUpUntil(CivilDay(2026, 11, 30), 3), CivilDay(2027, 2, 27));
  EXPECT_EQ(StepUpUntil(CivilDay(2027, 11, 30), 3), CivilDay(2028, 2, 28));    // leap: 02-29 - 1
  EXPECT_EQ(IndividualFor(term, CivilMonth(2025, 12), t, {}, p).required, 0);  // not in term
  EXPECT_EQ(IndividualFor(term, CivilMonth(2026, 1), t, {}, p).required, 2);
  EXPECT_EQ(IndividualFor(term, CivilMonth(2026, 4), t, {}, p).required, 2);
  EXPECT_EQ(IndividualFor(term, CivilMonth(2026, 5), t, {}, p).required, 1);
  const IndividualMonth feb =
      IndividualFor(term, CivilMonth(2026, 2), t, {CivilDay(2026, 2, 1), CivilDay(2026, 3, 1)}, p);
  EXPECT_EQ(feb.held, 1);
  EXPECT_TRUE(feb.Below());
  ASSERT_EQ(feb.in_force.size(), 1u);
  EXPECT_EQ(feb.in_force[0].source_id, "e1");
  EXPECT_FALSE(
      IndividualFor(term, CivilMonth(2026, 2), t, {CivilDay(2026, 2, 1), CivilDay(2026, 2, 28)}, p)
          .Below());
  // A trigger in force only after the term's end does not step a month up.
  const Term short_term{CivilDay(2026, 1, 1), CivilDay(2026, 3, 10)};
  const std::vector<StepUpTrigger> late = {{StepUpReason::kViolation, CivilDay(2026, 3, 11), "e2"}};
  EXPECT_EQ(IndividualFor(short_term, CivilMonth(2026, 3), late, {}, p).required, 1);
  EXPECT_EQ(StepUpReasonOf("HIGH_RISK"), StepUpReason::kHighRisk);
  EXPECT_FALSE(StepUpReasonOf("BORED").has_value());
}

TEST(IndividualEducationTest, AsiaShanghaiDayOfATrigger) {
  const IndividualPolicy p = testing::DefaultPolicy().individual;
  const Term term{CivilDay(2026, 1, 1), CivilDay(2026, 12, 31)};
  // 2026-03-31T15:59:59Z is 23:59:59 on 03-31 in Shanghai; a second later it is 04-01.
  const absl::Time before =
      absl::FromCivil(absl::CivilSecond(2026, 3, 31, 15, 59, 59), absl::UTCTimeZone());
  EXPECT_EQ(RevisionTriggerDay(before), CivilDay(2026, 3, 31));
  EXPECT_EQ(RevisionTriggerDay(before + absl::Seconds(1)), CivilDay(2026, 4, 1));
  const std::vector<StepUpTrigger> a = {
      {StepUpReason::kCrisisFlag, RevisionTriggerDay(before), "a"}};
  const std::vector<StepUpTrigger> b = {
      {StepUpReason::kCrisisFlag, RevisionTriggerDay(before + absl::Seconds(1)), "b"}};
  EXPECT_EQ(IndividualFor(term, CivilMonth(2026, 3), a, {}, p).required, 2);
  EXPECT_EQ(IndividualFor(term, CivilMonth(2026, 3), b, {}, p).required, 1);
  EXPECT_EQ(IndividualFor(term, CivilMonth(2026, 6), a, {}, p).required, 2);  // until 06-29
  EXPECT_EQ(IndividualFor(term, CivilMonth(2026, 7), a, {}, p).required, 1);
}

// --- A randomized year against a recomputation written apart ---

// Recomputes a month's figures day by day from the definitions of docs/education.md.
struct Brute {
  int term_days = 0, study_required = 0, cs_required = 0, study_credited = 0, cs_credited = 0;
};
Brute Recompute(const LedgerInputs& in, CivilMonth m, const HoursPolicy& p) {
  Brute b;
  int days = 0, study_owed = 0, cs_owed = 0;
  for (CivilDay d = CivilDay(m); CivilMonth(d) == m; ++d) {
    ++days;
    const bool in_term =
        in.term.start && *in.term.start <= d && (!in.term.end || d <= *in.term.end);
    if (!in_term) continue;
    ++b.term_days;
    bool ws = false, wc = false;
    for (const auto& w : in.waivers) {
      if (w.from <= d && d <= w.until) {
        ws = ws || w.scope != WaiverScope::kCommunityService;
        wc = wc || w.scope != WaiverScope::kStudy;
      }
    }
    study_owed += ws ? 0 : 1;
    cs_owed += wc ? 0 : 1;
  }
  b.study_required = p.study_minutes_per_month * study_owed / days;
  b.cs_required = p.community_service_minutes_per_month * cs_owed / days;
  for (const auto& e : in.entries) {
    if (CivilMonth(e.on) != m) continue;
    (e.kind == HoursKind::kStudy ? b.study_credited : b.cs_credited) += e.credited_minutes;
  }
  return b;
}

TEST(HoursLedgerTest, RandomizedYearsEqualARecomputation) {
  std::mt19937 rng(20261206);
  const HoursPolicy p = Policy();
  for (int round = 0; round < 300; ++round) {
    LedgerInputs in;
    const CivilDay start = CivilDay(2027, 1, 1) + static_cast<int>(rng() % 800);
    in.term.start = start;
    in.term.end = start + static_cast<int>(rng() % 500);
    for (int i = 0; i < 40; ++i) {
      const CivilDay on = start - 10 + static_cast<int>(rng() % 520);
      in.entries.push_back({rng() % 3 == 0 ? HoursKind::kCommunityService : HoursKind::kStudy, "x",
                            on, static_cast<int>(rng() % 240), "ATTENDED"});
    }
    for (int i = 0; i < static_cast<int>(rng() % 3); ++i) {
      const CivilDay from = start + static_cast<int>(rng() % 400);
      in.waivers.push_back({"w", static_cast<WaiverScope>(rng() % 3), "ILLNESS", "o", from,
                            from + static_cast<int>(rng() % 90)});
    }
    for (CivilMonth m = CivilMonth(start) - 1; m <= CivilMonth(*in.term.end) + 1; ++m) {
      const MonthLedger l = ComputeMonthLedger(in, m, p);
      const Brute b = Recompute(in, m, p);
      ASSERT_EQ(l.term_days, b.term_days) << m;
      ASSERT_EQ(l.study.required_minutes, b.study_required) << m;
      ASSERT_EQ(l.community_service.required_minutes, b.cs_required) << m;
      ASSERT_EQ(l.study.credited_minutes, b.study_credited) << m;
      ASSERT_EQ(l.community_service.credited_minutes, b.cs_credited) << m;
      ASSERT_EQ(l.study.shortfall_minutes, std::max(0, b.study_required - b.study_credited));
      ASSERT_EQ(l.community_service.shortfall_minutes, std::max(0, b.cs_required - b.cs_credited));
    }
  }
}

}  // namespace
}  // namespace ccms::education::domain
