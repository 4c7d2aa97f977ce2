#include "services/records/domain/work_away.h"

#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

using absl::CivilDay;

RecordsPolicy Policy() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  return LoadRecordsPolicies(*doc)->Latest().rules;
}

WorkAwayConditions All(CivilDay job_since) {
  return WorkAwayConditions{true, true, job_since, true};
}

TEST(WorkAwayTest, EveryConditionHeldIsGranted) {
  EXPECT_TRUE(CheckWorkAway(All(CivilDay(2024, 1, 1)), Policy(), CivilDay(2025, 1, 1)).ok());
}

TEST(WorkAwayTest, EveryMissingConditionIsNamedWithTheRule) {
  const absl::Status st = CheckWorkAway(WorkAwayConditions{}, Policy(), CivilDay(2025, 1, 1));
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  const std::string m(st.message());
  EXPECT_EQ(m.rfind("WORK_AWAY_CONDITIONS", 0), 0u) << m;
  EXPECT_NE(m.find(Policy().version), std::string::npos) << m;
  for (const char* what : {"a guarantor", "a fixed residence", "held at least 12 month(s)",
                           "a close relative assisting supervision"}) {
    EXPECT_NE(m.find(what), std::string::npos) << what << " in " << m;
  }
  // One missing: only that one.
  WorkAwayConditions c = All(CivilDay(2024, 1, 1));
  c.relative_assisting = false;
  const auto missing = MissingWorkAwayConditions(c, Policy().work_away, CivilDay(2025, 1, 1));
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0], "a close relative assisting supervision");
}

TEST(WorkAwayTest, TheJobHeldTwelveMonthsAtTheLeapDay) {
  const WorkAwayRules rules = Policy().work_away;
  // Since Feb 29 2024: 12 months on Feb 28 2025 (clamped).
  const WorkAwayConditions c = All(CivilDay(2024, 2, 29));
  EXPECT_EQ(MissingWorkAwayConditions(c, rules, CivilDay(2025, 2, 27)).size(), 1u);
  EXPECT_TRUE(MissingWorkAwayConditions(c, rules, CivilDay(2025, 2, 28)).empty());
  // Since Jan 31: 12 months on Jan 31 of the next year, not the day before.
  const WorkAwayConditions j = All(CivilDay(2024, 1, 31));
  EXPECT_EQ(MissingWorkAwayConditions(j, rules, CivilDay(2025, 1, 30)).size(), 1u);
  EXPECT_TRUE(MissingWorkAwayConditions(j, rules, CivilDay(2025, 1, 31)).empty());
}

TEST(WorkAwayTest, ThePolicySaysWhichConditionsAreRequired) {
  WorkAwayRules rules;
  rules.require_guarantor = false;
  rules.require_relative_assisting = false;
  rules.min_job_months = 0;
  WorkAwayConditions c;
  c.fixed_residence = true;
  EXPECT_TRUE(MissingWorkAwayConditions(c, rules, CivilDay(2025, 1, 1)).empty());
  c.fixed_residence = false;
  EXPECT_EQ(MissingWorkAwayConditions(c, rules, CivilDay(2025, 1, 1)).size(), 1u);
}

}  // namespace
}  // namespace ccms::records::domain
