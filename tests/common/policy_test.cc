#include "common/policy/policy.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/policy/schedule.h"
#include "gtest/gtest.h"

namespace ccms::policy {
namespace {

using absl::CivilDay;

// A section whose versions hold one number, read like a service reads its own section.
struct Rules {
  std::string version;
  int64_t days = 0;
};

absl::StatusOr<Schedule<Rules>> LoadRules(const PolicyDocument& doc) {
  return LoadSchedule<Rules>(doc, "svc", [](PolicyReader& r) -> absl::StatusOr<Rules> {
    return Rules{r.version(), r.Int("svc.rule.days", 1, 60)};
  });
}

absl::StatusOr<Schedule<Rules>> LoadRules(const std::string& yaml) {
  auto doc = PolicyDocument::Parse(yaml, "test.yaml");
  if (!doc.ok()) return doc.status();
  return LoadRules(*doc);
}

// Two versions, the second in force from the middle of July 2026.
constexpr char kTwoVersions[] =
    "svc:\n"
    "  versions:\n"
    "    - version: \"2026.1\"\n"
    "      effective_from: 2026-01-01\n"
    "      rule: {days: 10}\n"
    "    - version: \"2026.2\"\n"
    "      effective_from: 2026-07-15\n"
    "      rule: {days: 7}\n";

TEST(PolicyScheduleTest, EachDayTakesTheVersionInForceOnIt) {
  auto s = LoadRules(kTwoVersions);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->versions().size(), 2u);
  // The day before the boundary, the boundary day, the day after.
  EXPECT_EQ(s->InForce(CivilDay(2026, 7, 14)).version, "2026.1");
  EXPECT_EQ(s->InForce(CivilDay(2026, 7, 14)).days, 10);
  EXPECT_EQ(s->InForce(CivilDay(2026, 7, 15)).version, "2026.2");
  EXPECT_EQ(s->InForce(CivilDay(2026, 7, 15)).days, 7);
  EXPECT_EQ(s->InForce(CivilDay(2026, 7, 16)).days, 7);
  // The first version's own day, and long after the last.
  EXPECT_EQ(s->InForce(CivilDay(2026, 1, 1)).version, "2026.1");
  EXPECT_EQ(s->InForce(CivilDay(2040, 1, 1)).version, "2026.2");
  EXPECT_EQ(s->VersionOn(CivilDay(2026, 7, 15)).effective_from, CivilDay(2026, 7, 15));
  EXPECT_EQ(s->Latest().name, "2026.2");
  EXPECT_EQ(s->Summary(), "2026.1 from 2026-01-01, 2026.2 from 2026-07-15");
}

TEST(PolicyScheduleTest, DaysBeforeTheFirstVersionTakeTheFirst) {
  auto s = LoadRules(kTwoVersions);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->InForce(CivilDay(2025, 12, 31)).version, "2026.1");
  EXPECT_EQ(s->InForce(CivilDay(1999, 1, 1)).version, "2026.1");
}

TEST(PolicyScheduleTest, ALeapDayBoundary) {
  auto s = LoadRules(
      "svc:\n"
      "  versions:\n"
      "    - {version: a, effective_from: 2027-03-01, rule: {days: 1}}\n"
      "    - {version: b, effective_from: 2028-02-29, rule: {days: 2}}\n"
      "    - {version: c, effective_from: 2028-03-01, rule: {days: 3}}\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->InForce(CivilDay(2028, 2, 28)).version, "a");
  EXPECT_EQ(s->InForce(CivilDay(2028, 2, 29)).version, "b");
  EXPECT_EQ(s->InForce(CivilDay(2028, 3, 1)).version, "c");
  // A leap day that does not exist is no date.
  auto bad = LoadRules(
      "svc:\n"
      "  versions:\n"
      "    - {version: a, effective_from: 2027-02-29, rule: {days: 1}}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("version a: effective_from"), std::string::npos)
      << bad.status();
}

TEST(PolicyScheduleTest, VersionsOutOfOrderOrOnTheSameDayAreRefused) {
  for (const char* second : {"2025-12-31", "2026-01-01"}) {
    auto s =
        LoadRules(std::string("svc:\n"
                              "  versions:\n"
                              "    - {version: a, effective_from: 2026-01-01, rule: {days: 1}}\n"
                              "    - {version: b, effective_from: ") +
                  second + ", rule: {days: 2}}\n");
    ASSERT_FALSE(s.ok()) << second;
    const std::string msg(s.status().message());
    EXPECT_NE(msg.find("test.yaml: svc.versions"), std::string::npos) << msg;
    EXPECT_NE(msg.find("version b takes effect on"), std::string::npos) << msg;
    EXPECT_NE(msg.find("oldest first"), std::string::npos) << msg;
  }
}

TEST(PolicyScheduleTest, ADuplicateNameIsRefused) {
  auto s = LoadRules(
      "svc:\n"
      "  versions:\n"
      "    - {version: a, effective_from: 2026-01-01, rule: {days: 1}}\n"
      "    - {version: a, effective_from: 2026-07-01, rule: {days: 2}}\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("version a is listed twice"), std::string::npos)
      << s.status();
}

TEST(PolicyScheduleTest, AMissingKeyIsNamedWithItsVersion) {
  // Versions are complete: the second does not inherit the first's rule.
  auto s = LoadRules(
      "svc:\n"
      "  versions:\n"
      "    - {version: a, effective_from: 2026-01-01, rule: {days: 1}}\n"
      "    - {version: b, effective_from: 2026-07-01, rule: {}}\n"
      "    - {version: c, effective_from: 2026-09-01, rule: {days: 99}}\n");
  ASSERT_FALSE(s.ok());
  const std::string msg(s.status().message());
  EXPECT_NE(msg.find("policy test.yaml: svc version b: svc.rule.days: is required"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("svc version c: svc.rule.days: must be between 1 and 60"), std::string::npos)
      << msg;
  EXPECT_EQ(msg.find("version a"), std::string::npos) << msg;
}

TEST(PolicyScheduleTest, TheVersionListItselfIsChecked) {
  for (const auto& [yaml, want] : std::vector<std::pair<std::string, std::string>>{
           {"other: {}\n", "svc: is required"},
           {"svc: {}\n", "svc.versions: is required"},
           {"svc: {versions: []}\n", "svc.versions: is required"},
           {"svc: {versions: [1]}\n", "svc.versions[0]: must be a mapping"},
           {"svc: {versions: [{effective_from: 2026-01-01}]}\n", "svc.versions[0].version"},
           {"svc: {versions: [{version: a, effective_from: 2026-1-1}]}\n",
            "svc version a: effective_from: is required, a date YYYY-MM-DD"},
           {"svc: {versions: [{version: a}]}\n", "svc version a: effective_from"},
       }) {
    auto s = LoadRules(yaml);
    ASSERT_FALSE(s.ok()) << yaml;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(want), std::string::npos) << yaml << s.status();
  }
}

TEST(PolicyScheduleTest, AServiceReadsOnlyItsOwnSection) {
  // Another service's section may be anything, even broken; this one loads.
  auto s = LoadRules(std::string(kTwoVersions) + "other: {versions: [{version: x}]}\n");
  ASSERT_TRUE(s.ok()) << s.status();
  // A key outside the reader's section is never read from this one.
  auto doc = PolicyDocument::Parse(kTwoVersions, "test.yaml");
  ASSERT_TRUE(doc.ok());
  auto headers = doc->Versions("svc");
  ASSERT_TRUE(headers.ok()) << headers.status();
  PolicyReader r(*doc, "svc", (*headers)[0]);
  EXPECT_FALSE(r.Has("other.rule.days"));
  EXPECT_TRUE(r.Has("svc.rule.days"));
}

TEST(PolicyScheduleTest, MakeChecksWithoutAFile) {
  using S = Schedule<int>;
  EXPECT_FALSE(S::Make({}, "x").ok());
  EXPECT_FALSE(S::Make({{"", CivilDay(2026, 1, 1), 1}}, "x").ok());
  auto one = S::Make({{"only", CivilDay(2026, 1, 1), 1}}, "x");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->InForce(CivilDay(2000, 1, 1)), 1);
}

TEST(PolicyTest, BuiltInDefaultHasOneVersionPerSection) {
  auto doc = PolicyDocument::Parse(PolicyDocument::BuiltInDefault(), "built-in default");
  ASSERT_TRUE(doc.ok()) << doc.status();
  for (const char* section : {"records", "assessment"}) {
    auto versions = doc->Versions(section);
    ASSERT_TRUE(versions.ok()) << versions.status();
    ASSERT_EQ(versions->size(), 1u) << section;
    EXPECT_FALSE((*versions)[0].name.empty());
  }
  auto versions = doc->Versions("records");
  PolicyReader r(*doc, "records", (*versions)[0]);
  EXPECT_EQ(r.Int("records.intake.report_within_days", 1, 60), 10);
  EXPECT_EQ(r.Int("records.sanctions.warnings_for_revocation", 1, 10), 2);
  EXPECT_EQ(r.String("records.contact.RELAXED.in_person"), "2m");
  EXPECT_EQ(r.IntList("records.discharge.follow_up_months", 1, 60),
            (std::vector<int64_t>{1, 3, 6}));
  EXPECT_TRUE(r.Finish().ok()) << r.Finish();
}

TEST(PolicyTest, NamesEveryBadKey) {
  auto doc = PolicyDocument::Parse(
      "a:\n"
      "  versions:\n"
      "    - version: t1\n"
      "      effective_from: 2026-01-01\n"
      "      n: 5\n"
      "      s: x\n"
      "      l: [1, x]\n"
      "      b: maybe\n",
      "test.yaml");
  ASSERT_TRUE(doc.ok());
  auto versions = doc->Versions("a");
  ASSERT_TRUE(versions.ok()) << versions.status();
  PolicyReader r(*doc, "a", (*versions)[0]);
  r.Int("a.n", 10, 20);       // out of range
  r.Int("a.s", 0, 10);        // not a number
  r.Int("a.missing", 0, 10);  // missing
  r.IntList("a.l", 0, 10);    // bad item
  r.Bool("a.b");              // not a bool
  r.Int("a.n.deeper", 0, 1);  // through a scalar
  r.Problem("a.custom", "is wrong");
  const absl::Status st = r.Finish();
  ASSERT_FALSE(st.ok());
  const std::string msg(st.message());
  for (const char* key :
       {"a.n:", "a.s:", "a.missing:", "a.l:", "a.b:", "a.n.deeper:", "a.custom: is wrong"}) {
    EXPECT_NE(msg.find(key), std::string::npos) << key << " in " << msg;
  }
  EXPECT_NE(msg.find("test.yaml"), std::string::npos);
  EXPECT_NE(msg.find("a version t1"), std::string::npos);
  // Reading does not change the document.
  PolicyReader again(*doc, "a", (*versions)[0]);
  EXPECT_EQ(again.Int("a.n", 0, 10), 5);
}

TEST(PolicyTest, RejectsDocumentsThatAreNotAMapping) {
  EXPECT_FALSE(PolicyDocument::Parse("- 1\n- 2\n", "x").ok());
  EXPECT_FALSE(PolicyDocument::Parse("version: [unclosed\n", "x").ok());
}

}  // namespace
}  // namespace ccms::policy
