#include "services/records/domain/contact_schedule.h"

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace ccms::records::domain
