#include "services/records/domain/investigation_rules.h"

#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

using D = absl::CivilDay;

TEST(InvestigationRulesTest, NamesRoundTrip) {
  for (auto k : {CommissioningBodyKind::kCourt, CommissioningBodyKind::kProcuratorate,
                 CommissioningBodyKind::kPublicSecurity, CommissioningBodyKind::kPrison}) {
    EXPECT_EQ(ParseCommissioningBodyKind(CommissioningBodyKindName(k)), k);
  }
  for (auto s : {InvestigationStatus::kCommissioned, InvestigationStatus::kConcluded,
                 InvestigationStatus::kWithdrawn}) {
    EXPECT_EQ(ParseInvestigationStatus(InvestigationStatusName(s)), s);
  }
  for (auto c : {InvestigationConclusion::kSuitable, InvestigationConclusion::kNotSuitable}) {
    EXPECT_EQ(ParseInvestigationConclusion(InvestigationConclusionName(c)), c);
  }
  EXPECT_FALSE(ParseCommissioningBodyKind("court").has_value());
  EXPECT_FALSE(ParseInvestigationStatus("").has_value());
  EXPECT_FALSE(ParseInvestigationConclusion("UNSPECIFIED").has_value());
}

TEST(InvestigationRulesTest, DueInTenOrFiveWorkingDays) {
  InvestigationRules rules;
  EXPECT_EQ(InvestigationDueOn(D(2026, 11, 20), false, rules), D(2026, 12, 4));
  EXPECT_EQ(InvestigationDueOn(D(2026, 11, 20), true, rules), D(2026, 11, 27));
  // Commissioned on a Saturday: the count starts on Monday.
  EXPECT_EQ(InvestigationDueOn(D(2026, 11, 21), true, rules), D(2026, 11, 27));
  // Across a month end and a leap day.
  EXPECT_EQ(InvestigationDueOn(D(2028, 2, 22), true, rules), D(2028, 2, 29));
  EXPECT_EQ(InvestigationDueOn(D(2028, 2, 23), true, rules), D(2028, 3, 1));
  // Across National Day with its make-up Saturday.
  for (int d = 1; d <= 7; ++d) rules.calendar.holidays.insert(D(2026, 10, d));
  rules.calendar.extra_working_days.insert(D(2026, 10, 10));
  EXPECT_EQ(InvestigationDueOn(D(2026, 9, 25), false, rules), D(2026, 10, 15));
  EXPECT_EQ(InvestigationDueOn(D(2026, 9, 29), true, rules), D(2026, 10, 12));
  // The policy's numbers are used.
  rules.working_days = 15;
  EXPECT_EQ(InvestigationDueOn(D(2026, 11, 20), false, rules), D(2026, 12, 11));
}

TEST(InvestigationRulesTest, RuleInWords) {
  const std::string rule = InvestigationRule(true, InvestigationRules(), "v1");
  EXPECT_NE(rule.find("5 working days"), std::string::npos) << rule;
  EXPECT_NE(rule.find("fast-track"), std::string::npos) << rule;
  EXPECT_NE(rule.find("policy v1"), std::string::npos) << rule;
  EXPECT_NE(InvestigationRule(false, InvestigationRules(), "v1").find("10 working days"),
            std::string::npos);
}

TEST(InvestigationRulesTest, OnlyCommissionedCanBeClosed) {
  const D on(2026, 11, 20);
  EXPECT_TRUE(CheckInvestigationClosing(InvestigationStatus::kCommissioned, on, on).ok());
  EXPECT_TRUE(CheckInvestigationClosing(InvestigationStatus::kCommissioned, on, on + 30).ok());
  EXPECT_EQ(CheckInvestigationClosing(InvestigationStatus::kCommissioned, on, on - 1).code(),
            absl::StatusCode::kInvalidArgument);
  for (auto s : {InvestigationStatus::kConcluded, InvestigationStatus::kWithdrawn}) {
    const absl::Status st = CheckInvestigationClosing(s, on, on + 1);
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(std::string(st.message()).find(InvestigationStatusName(s)), std::string::npos);
  }
}

TEST(InvestigationRulesTest, OverdueFromTheDayAfterTheDueDate) {
  const WorkingDayCalendar none;
  const D commissioned(2026, 11, 20), due(2026, 12, 4);  // due Friday
  EXPECT_FALSE(InvestigationOverdueOn(commissioned, due, std::nullopt, due, none).overdue);
  auto sat = InvestigationOverdueOn(commissioned, due, std::nullopt, due + 1, none);
  EXPECT_TRUE(sat.overdue);
  EXPECT_EQ(sat.calendar_days, 1);
  EXPECT_EQ(sat.working_days, 0);  // the weekend is not a working day late
  auto mon = InvestigationOverdueOn(commissioned, due, std::nullopt, due + 3, none);
  EXPECT_EQ(mon.calendar_days, 3);
  EXPECT_EQ(mon.working_days, 1);
  // Closed on or before as_of: not open, not overdue; closed after as_of: it was open then.
  EXPECT_FALSE(InvestigationOverdueOn(commissioned, due, due + 3, due + 3, none).overdue);
  EXPECT_TRUE(InvestigationOverdueOn(commissioned, due, due + 4, due + 3, none).overdue);
  // Before the commission nothing is open.
  EXPECT_FALSE(
      InvestigationOverdueOn(commissioned, due, std::nullopt, commissioned - 1, none).overdue);
}

TEST(HandoverRulesTest, NoticeInFiveDaysDocumentsInTen) {
  const HandoverRules rules;
  const D effective(2026, 1, 27);
  auto on_time = AssessHandover(effective, D(2026, 2, 1), D(2026, 2, 6), rules);
  EXPECT_EQ(on_time.notice_due, D(2026, 2, 1));
  EXPECT_EQ(on_time.documents_due, D(2026, 2, 6));
  EXPECT_FALSE(on_time.notice_late);
  EXPECT_FALSE(on_time.documents_late);
  auto late = AssessHandover(effective, D(2026, 2, 2), D(2026, 2, 7), rules);
  EXPECT_TRUE(late.notice_late);
  EXPECT_TRUE(late.documents_late);
  // Documents not yet received are not late (yet).
  EXPECT_FALSE(AssessHandover(effective, D(2026, 2, 1), std::nullopt, rules).documents_late);
  // Leap year month end: 2028-02-24 + 5 = 02-29; + 10 = 03-05.
  auto leap = AssessHandover(D(2028, 2, 24), D(2028, 2, 29), D(2028, 3, 5), rules);
  EXPECT_EQ(leap.notice_due, D(2028, 2, 29));
  EXPECT_EQ(leap.documents_due, D(2028, 3, 5));
  EXPECT_FALSE(leap.notice_late);
  EXPECT_TRUE(AssessHandover(D(2028, 2, 24), D(2028, 3, 1), std::nullopt, rules).notice_late);
  // Calendar days: weekends count.
  EXPECT_EQ(AssessHandover(D(2026, 11, 20), D(2026, 11, 25), std::nullopt, rules).notice_due,
            D(2026, 11, 25));
}

TEST(HandoverRulesTest, Dates) {
  const D effective(2026, 11, 1), today(2026, 11, 22);
  EXPECT_TRUE(CheckHandoverDates(effective, effective, today, today).empty());
  auto v = CheckHandoverDates(effective, effective - 1, today + 1, today);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].field, "notified_on");
  EXPECT_EQ(v[1].field, "documents_received_on");
  v = CheckHandoverDates(effective, today + 1, effective - 1, today);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].description, "must not be in the future");
  EXPECT_EQ(v[1].description, "is before the judgment took effect");
}

TEST(IntakeAnnouncementTest, AfterTheIntakeCheckIn) {
  const D reported(2026, 2, 28), today(2026, 3, 2);
  EXPECT_EQ(CheckAnnouncementDate(today, std::nullopt, today).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckAnnouncementDate(reported, reported, today).ok());
  EXPECT_TRUE(CheckAnnouncementDate(today, reported, today).ok());
  EXPECT_EQ(CheckAnnouncementDate(reported - 1, reported, today).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckAnnouncementDate(today + 1, reported, today).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ccms::records::domain
