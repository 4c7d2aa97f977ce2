#include "services/records/domain/contact_schedule.h"

#include "gtest/gtest.h"
#include "tests/services/records/two_versions.h"

namespace ccms::records::domain {
namespace {

RecordsPolicy Policy() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  return LoadRecordsPolicies(*doc)->Latest().rules;
}

using absl::CivilDay;

TEST(ContactScheduleTest, StrongerContactsSatisfyWeakerRequirements) {
  EXPECT_TRUE(Satisfies(ContactKind::kCheckInInPerson, ContactRequirement::kReport));
  EXPECT_TRUE(Satisfies(ContactKind::kCheckInInPerson, ContactRequirement::kInPerson));
  EXPECT_TRUE(Satisfies(ContactKind::kCheckInPhone, ContactRequirement::kReport));
  EXPECT_FALSE(Satisfies(ContactKind::kCheckInPhone, ContactRequirement::kInPerson));
  EXPECT_FALSE(Satisfies(ContactKind::kCheckInVideo, ContactRequirement::kInPerson));
  EXPECT_TRUE(Satisfies(ContactKind::kHomeVisit, ContactRequirement::kVisit));
  EXPECT_TRUE(Satisfies(ContactKind::kWorkplaceVisit, ContactRequirement::kReport));
  EXPECT_FALSE(Satisfies(ContactKind::kHomeVisit, ContactRequirement::kSelfReport));
  EXPECT_TRUE(Satisfies(ContactKind::kSelfReport, ContactRequirement::kSelfReport));
  EXPECT_FALSE(Satisfies(ContactKind::kSelfReport, ContactRequirement::kReport));
  for (int i = 0; i <= static_cast<int>(ContactKind::kSelfReport); ++i) {
    const auto k = static_cast<ContactKind>(i);
    EXPECT_EQ(ParseContactKind(ContactKindName(k)), k);
  }
  EXPECT_FALSE(ParseContactKind("TELEPATHY").has_value());
}

TEST(ContactScheduleTest, InitialStrictPeriodThenStandardAcrossMonthEnds) {
  const RecordsPolicy p = Policy();  // 3 months strict
  LevelFacts f{.intake_reported_on = CivilDay(2024, 11, 30)};
  EXPECT_EQ(LevelOn(f, CivilDay(2024, 11, 30), p), SupervisionLevel::kStrict);
  // 2024-11-30 + 3 months = 2025-02-28 (clamped): strict until the day before.
  EXPECT_EQ(LevelOn(f, CivilDay(2025, 2, 27), p), SupervisionLevel::kStrict);
  EXPECT_EQ(LevelOn(f, CivilDay(2025, 2, 28), p), SupervisionLevel::kStandard);
  LevelFacts leap{.intake_reported_on = CivilDay(2023, 11, 30)};
  EXPECT_EQ(LevelOn(leap, CivilDay(2024, 2, 28), p), SupervisionLevel::kStrict);
  EXPECT_EQ(LevelOn(leap, CivilDay(2024, 2, 29), p), SupervisionLevel::kStandard);
  // Not yet reported: strict.
  EXPECT_EQ(LevelOn(LevelFacts{}, CivilDay(2025, 1, 1), p), SupervisionLevel::kStrict);
}

TEST(ContactScheduleTest, AssessedLevelAppliesFromItsEffectiveDate) {
  const RecordsPolicy p = Policy();
  LevelFacts f{.intake_reported_on = CivilDay(2025, 1, 10),
               .assessed_level = SupervisionLevel::kRelaxed,
               .assessed_effective_on = CivilDay(2025, 2, 1)};
  EXPECT_EQ(LevelOn(f, CivilDay(2025, 1, 31), p), SupervisionLevel::kStrict);
  EXPECT_EQ(LevelOn(f, CivilDay(2025, 2, 1), p), SupervisionLevel::kRelaxed);
}

TEST(ContactScheduleTest, NextDueFromLastContactOrStart) {
  const RecordsPolicy p = Policy();
  ContactFacts f;
  f.supervision_start = CivilDay(2025, 1, 31);
  f.level.intake_reported_on = CivilDay(2025, 1, 31);
  auto due = NextDue(f, p, CivilDay(2025, 2, 1));
  ASSERT_EQ(due.size(), 4u);  // STRICT asks for all four
  EXPECT_EQ(due[0].requirement, ContactRequirement::kReport);
  EXPECT_EQ(due[0].due, CivilDay(2025, 2, 7));
  EXPECT_EQ(due[1].due, CivilDay(2025, 2, 15));
  EXPECT_EQ(due[2].due, CivilDay(2025, 2, 28));  // 1m from Jan 31
  EXPECT_EQ(due[3].due, CivilDay(2025, 2, 28));
  EXPECT_NE(due[1].rule.find("STRICT: in-person check-in every 15d"), std::string::npos);
  EXPECT_NE(due[1].rule.find(p.version), std::string::npos);
  for (const auto& d : due) EXPECT_EQ(d.days_overdue, 0);

  f.last[static_cast<int>(ContactRequirement::kInPerson)] = CivilDay(2025, 2, 10);
  due = NextDue(f, p, CivilDay(2025, 2, 26));
  EXPECT_EQ(due[1].due, CivilDay(2025, 2, 25));
  EXPECT_EQ(due[1].days_overdue, 1);
  EXPECT_EQ(due[0].days_overdue, 19);  // report due 2025-02-07
}

TEST(ContactScheduleTest, StandardLevelDropsTheWeeklyReport) {
  const RecordsPolicy p = Policy();
  ContactFacts f;
  f.supervision_start = CivilDay(2024, 1, 1);
  f.level.intake_reported_on = CivilDay(2024, 1, 1);
  auto due = NextDue(f, p, CivilDay(2024, 6, 1));
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].requirement, ContactRequirement::kInPerson);
  EXPECT_EQ(due[0].level, SupervisionLevel::kStandard);
}

// A second version from 2026-11-15 makes STRICT cases report every 3 days instead of 7: each due
// date is counted by the version in force on the day it is counted from, and names it.
TEST(ContactScheduleTest, EachDayGetsTheDeadlineOfTheVersionInForceOnIt) {
  const RecordsPolicies policies = testing::TwoVersions();
  ASSERT_EQ(policies.versions().size(), 2u);
  ContactFacts f;
  f.supervision_start = CivilDay(2026, 11, 1);
  f.level.intake_reported_on = CivilDay(2026, 11, 1);  // STRICT until 2027-02-01
  const CivilDay today(2026, 11, 20);
  auto report_due = [&](CivilDay last) {
    f.last[static_cast<int>(ContactRequirement::kReport)] = last;
    const std::vector<DueContact> due = NextDue(f, policies, today);
    EXPECT_EQ(due.at(0).requirement, ContactRequirement::kReport);
    return due.at(0);
  };
  // The day before the boundary: every 7 days (2026.1); June's deadlines stay where they were.
  DueContact d = report_due(CivilDay(2026, 11, 14));
  EXPECT_EQ(d.due, CivilDay(2026, 11, 21));
  EXPECT_EQ(d.days_overdue, 0);
  EXPECT_NE(d.rule.find("every 7d (policy 2026.1)"), std::string::npos) << d.rule;
  // The boundary day and after: every 3 days (2026.2).
  d = report_due(CivilDay(2026, 11, 15));
  EXPECT_EQ(d.due, CivilDay(2026, 11, 18));
  EXPECT_EQ(d.days_overdue, 2);
  EXPECT_NE(d.rule.find("every 3d (policy 2026.2)"), std::string::npos) << d.rule;
  d = report_due(CivilDay(2026, 11, 16));
  EXPECT_EQ(d.due, CivilDay(2026, 11, 19));
  // Long before the boundary, the first version, even when counted today.
  d = report_due(CivilDay(2026, 3, 1));
  EXPECT_EQ(d.due, CivilDay(2026, 3, 8));
  EXPECT_NE(d.rule.find("2026.1"), std::string::npos) << d.rule;
  // Requirements the new version did not change keep their interval across the boundary.
  f.last[static_cast<int>(ContactRequirement::kInPerson)] = CivilDay(2026, 11, 15);
  EXPECT_EQ(NextDue(f, policies, today).at(1).due, CivilDay(2026, 11, 30));
  // With one version, the schedule overload gives what the single policy gives.
  const RecordsPolicy one = Policy();
  f.last[static_cast<int>(ContactRequirement::kReport)] = CivilDay(2026, 11, 15);
  const auto by_policy = NextDue(f, one, today);
  const auto by_schedule =
      NextDue(f, *RecordsPolicies::Make({{one.version, CivilDay(2020, 7, 1), one}}, "one"), today);
  ASSERT_EQ(by_policy.size(), by_schedule.size());
  for (size_t i = 0; i < by_policy.size(); ++i) {
    EXPECT_EQ(by_policy[i].due, by_schedule[i].due);
    EXPECT_EQ(by_policy[i].rule, by_schedule[i].rule);
  }
}

TEST(RecordsPolicyVersionsTest, AMissingKeyInTheSecondVersionIsNamedWithIt) {
  std::string text = testing::TwoVersionsText();
  // Drop the second version's self_report (the key appears once per version).
  const std::string key = "self_report: \"1m\"";
  const size_t first = text.find(key);
  const size_t second = text.find(key, first + 1);
  ASSERT_NE(second, std::string::npos);
  text.replace(second, key.size(), "");
  auto doc = policy::PolicyDocument::Parse(text, "two.yaml");
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto p = LoadRecordsPolicies(*doc);
  ASSERT_FALSE(p.ok());
  const std::string msg(p.status().message());
  EXPECT_NE(msg.find("policy two.yaml: records version 2026.2: records.self_report: is required"),
            std::string::npos)
      << msg;
  EXPECT_EQ(msg.find("version 2026.1"), std::string::npos) << msg;
}

TEST(IntakeHomeVisitTest, DueOnDayTwentyOverdueFromTheDayAfter) {
  const RecordsPolicy p = Policy();  // 20 days
  // 2028 is a leap year: Feb 10 + 20 days = Mar 1; in 2027, Mar 2.
  EXPECT_EQ(IntakeHomeVisitDue(absl::CivilDay(2028, 2, 10), p), absl::CivilDay(2028, 3, 1));
  EXPECT_EQ(IntakeHomeVisitDue(absl::CivilDay(2027, 2, 10), p), absl::CivilDay(2027, 3, 2));
  const absl::CivilDay intake(2027, 1, 31);
  const absl::CivilDay due(2027, 2, 20);
  EXPECT_FALSE(IntakeHomeVisitDaysOverdue(intake, std::nullopt, due, p).has_value());
  EXPECT_EQ(IntakeHomeVisitDaysOverdue(intake, std::nullopt, due + 1, p), 1);
  EXPECT_EQ(IntakeHomeVisitDaysOverdue(intake, std::nullopt, absl::CivilDay(2027, 3, 31), p), 39);
  // A visit on the intake day or later ends it, late or not; one after as_of does not count yet.
  EXPECT_FALSE(IntakeHomeVisitDaysOverdue(intake, intake, due + 5, p).has_value());
  EXPECT_FALSE(IntakeHomeVisitDaysOverdue(intake, due + 3, due + 5, p).has_value());
  EXPECT_EQ(IntakeHomeVisitDaysOverdue(intake, due + 6, due + 5, p), 5);
  // A home visit from before the intake (another case's) is not this one.
  EXPECT_EQ(IntakeHomeVisitDaysOverdue(intake, intake - 1, due + 2, p), 2);
}

TEST(IntakeHomeVisitTest, ThePolicyDaysDecide) {
  RecordsPolicy p = Policy();
  p.home_visit_within_days = 7;
  const absl::CivilDay intake(2027, 12, 28);
  EXPECT_EQ(IntakeHomeVisitDue(intake, p), absl::CivilDay(2028, 1, 4));
  EXPECT_FALSE(IntakeHomeVisitDaysOverdue(intake, std::nullopt, absl::CivilDay(2028, 1, 4), p));
  EXPECT_EQ(IntakeHomeVisitDaysOverdue(intake, std::nullopt, absl::CivilDay(2028, 1, 5), p), 1);
}

}  // namespace
}  // namespace ccms::records::domain
