#include "services/records/domain/records_policy.h"

#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

// The default file has one version: its rules, or why the file does not load.
absl::StatusOr<RecordsPolicy> LoadRecordsPolicy(const policy::PolicyDocument& doc) {
  auto policies = LoadRecordsPolicies(doc);
  if (!policies.ok()) return policies.status();
  EXPECT_EQ(policies->versions().size(), 1u);
  return policies->Latest().rules;
}

TEST(IntervalTest, Parses) {
  EXPECT_EQ(ParseInterval("7d")->days, 7);
  EXPECT_EQ(ParseInterval("2m")->months, 2);
  EXPECT_TRUE(ParseInterval("0")->none());
  for (const char* bad : {"", "d", "7", "7w", "-1d", "0d", "abc", "367d"}) {
    EXPECT_FALSE(ParseInterval(bad).ok()) << bad;
  }
}

TEST(IntervalTest, MonthsClampAtMonthEnds) {
  EXPECT_EQ(AddMonthsClamped(absl::CivilDay(2025, 1, 31), 1), absl::CivilDay(2025, 2, 28));
  EXPECT_EQ(AddMonthsClamped(absl::CivilDay(2024, 1, 31), 1), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(AddMonthsClamped(absl::CivilDay(2024, 2, 29), 12), absl::CivilDay(2025, 2, 28));
  EXPECT_EQ(AddMonthsClamped(absl::CivilDay(2024, 3, 31), 1), absl::CivilDay(2024, 4, 30));
  EXPECT_EQ(AddMonthsClamped(absl::CivilDay(2025, 12, 15), 1), absl::CivilDay(2026, 1, 15));
  EXPECT_EQ(AddMonthsClamped(absl::CivilDay(2025, 11, 30), 3), absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(AddInterval(absl::CivilDay(2024, 12, 28), Interval{.days = 7}),
            absl::CivilDay(2025, 1, 4));
}

TEST(RecordsPolicyTest, DefaultLoads) {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  ASSERT_TRUE(doc.ok());
  auto p = LoadRecordsPolicy(*doc);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->intake.report_within_days, 10);
  EXPECT_EQ(p->For(SupervisionLevel::kStrict).report.days, 7);
  EXPECT_EQ(p->For(SupervisionLevel::kStrict).in_person.days, 15);
  EXPECT_EQ(p->For(SupervisionLevel::kStandard).visit.months, 2);
  EXPECT_TRUE(p->For(SupervisionLevel::kRelaxed).report.none());
  EXPECT_EQ(p->warnings_for_revocation, 2);
  EXPECT_EQ(p->follow_up_months, (std::vector<int64_t>{1, 3, 6}));
  EXPECT_EQ(p->leave_office_approval_max_days, 7);
  EXPECT_EQ(p->leave_max_days_per_approval, 30);
  EXPECT_EQ(p->leave_max_days_within_two_months, 30);
  EXPECT_EQ(p->leave_decision_within_days, 3);
  EXPECT_EQ(p->leave_standing_approval_months, 6);
  EXPECT_EQ(p->transfer_file_handover_working_days, 3);
  EXPECT_EQ(p->version, "2026.11-default");
}

TEST(RecordsPolicyTest, OffenceCategoriesAreCodesWithOther) {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  ASSERT_TRUE(doc.ok());
  auto p = LoadRecordsPolicy(*doc);
  ASSERT_TRUE(p.ok()) << p.status();
  // The file lists what the built-in list holds.
  EXPECT_EQ(p->offence_categories, DefaultOffenceCategories());

  const std::string listed = "offence_categories: [dangerous_driving";
  for (const auto& [replacement, accepted] : std::vector<std::pair<std::string, bool>>{
           {"offence_categories: [poaching, dangerous_driving", true},
           {"offence_categories: [Theft, dangerous_driving", false},         // not a code
           {"offence_categories: [theft, theft, dangerous_driving", false},  // twice
       }) {
    std::string text(policy::PolicyDocument::BuiltInDefault());
    const size_t pos = text.find(listed);
    ASSERT_NE(pos, std::string::npos);
    text.replace(pos, listed.size(), replacement);
    auto changed = LoadRecordsPolicy(*policy::PolicyDocument::Parse(text, "changed.yaml"));
    EXPECT_EQ(changed.ok(), accepted) << replacement << ": " << changed.status();
    if (!accepted) {
      EXPECT_NE(changed.status().message().find("records.offence_categories"), std::string::npos);
    }
  }
  // Without "other" (a stored free text must map to something): refused.
  std::string text(policy::PolicyDocument::BuiltInDefault());
  const size_t other = text.find("environment,\n");
  ASSERT_NE(other, std::string::npos);
  const size_t close = text.find(']', other);
  text.replace(other, close - other, "environment");
  auto no_other = LoadRecordsPolicy(*policy::PolicyDocument::Parse(text, "no_other.yaml"));
  ASSERT_FALSE(no_other.ok());
  EXPECT_NE(no_other.status().message().find("must include other"), std::string::npos);

  // A version written before the list existed loads with the built-in list.
  std::string old(policy::PolicyDocument::BuiltInDefault());
  const size_t from = old.find("      # Codes a sentence's offence category");
  const size_t to = old.find(']', from) + 1;
  ASSERT_NE(from, std::string::npos);
  old.erase(from, to - from);
  auto without = LoadRecordsPolicy(*policy::PolicyDocument::Parse(old, "old.yaml"));
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ(without->offence_categories, DefaultOffenceCategories());
}

TEST(RecordsPolicyTest, BadKeysAreNamed) {
  std::string text(policy::PolicyDocument::BuiltInDefault());
  auto replace = [&](const std::string& from, const std::string& to) {
    const size_t pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
  };
  replace("report_within_days: 10", "report_within_days: ten");
  replace("in_person: \"15d\"", "in_person: \"fortnightly\"");
  replace("warnings_for_revocation: 2", "warnings_for_revocation: 0");
  replace("file_handover_working_days: 3", "file_handover_working_days: 0");
  auto doc = policy::PolicyDocument::Parse(text, "bad.yaml");
  ASSERT_TRUE(doc.ok());
  auto p = LoadRecordsPolicy(*doc);
  ASSERT_FALSE(p.ok());
  const std::string msg(p.status().message());
  EXPECT_NE(msg.find("records.intake.report_within_days"), std::string::npos) << msg;
  EXPECT_NE(msg.find("records.contact.STRICT.in_person"), std::string::npos) << msg;
  EXPECT_NE(msg.find("records.sanctions.warnings_for_revocation"), std::string::npos) << msg;
  EXPECT_NE(msg.find("records.transfer.file_handover_working_days"), std::string::npos) << msg;
}

TEST(RecordsPolicyTest, BadLeaveKeysAreNamed) {
  std::string text(policy::PolicyDocument::BuiltInDefault());
  auto replace = [&](const std::string& from, const std::string& to) {
    const size_t pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
  };
  replace("max_days_within_two_months: 30", "max_days_within_two_months: 0");
  replace("decision_within_days: 3", "decision_within_days: soon");
  replace("standing_approval_months: 6", "standing_approval_months: 13");
  auto doc = policy::PolicyDocument::Parse(text, "bad.yaml");
  ASSERT_TRUE(doc.ok());
  auto p = LoadRecordsPolicy(*doc);
  ASSERT_FALSE(p.ok());
  const std::string msg(p.status().message());
  for (const char* key :
       {"records.leave.max_days_within_two_months", "records.leave.decision_within_days",
        "records.leave.standing_approval_months"}) {
    EXPECT_NE(msg.find(key), std::string::npos) << key << ": " << msg;
  }
}

TEST(RecordsPolicyTest, MonitoringAndMedicalKeys) {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  ASSERT_TRUE(doc.ok());
  auto p = LoadRecordsPolicy(*doc);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->monitoring_max_months_per_order, 3);
  EXPECT_EQ(p->monitoring_max_months_per_renewal, 3);
  EXPECT_EQ(p->monitoring_outage_max_hours, 3);
  EXPECT_EQ(p->monitoring_outages_for_warning, 2);
  EXPECT_EQ(p->health_report_every_months, 1);
  EXPECT_EQ(p->medical_review_every_months, 3);

  std::string text(policy::PolicyDocument::BuiltInDefault());
  auto replace = [&](const std::string& from, const std::string& to) {
    const size_t pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
  };
  replace("max_months_per_renewal: 3", "max_months_per_renewal: 0");
  replace("health_report_every_months: 1", "health_report_every_months: monthly");
  replace("medical_review_every_months: 3", "medical_review_every_months: 25");
  auto bad = policy::PolicyDocument::Parse(text, "bad.yaml");
  ASSERT_TRUE(bad.ok());
  auto q = LoadRecordsPolicy(*bad);
  ASSERT_FALSE(q.ok());
  const std::string msg(q.status().message());
  EXPECT_NE(msg.find("records.monitoring.max_months_per_renewal"), std::string::npos) << msg;
  EXPECT_NE(msg.find("records.temporary_outside_prison.health_report_every_months"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("records.temporary_outside_prison.medical_review_every_months"),
            std::string::npos)
      << msg;
}

// Pre-sentence investigations and handover (records.investigation.*, records.handover.*).
std::string WithInvestigation(const std::string& holidays, const std::string& extra) {
  std::string text(policy::PolicyDocument::BuiltInDefault());
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"    holidays: []", holidays},
                                 {"    extra_working_days: []", extra}}) {
    const size_t pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
  }
  return text;
}

TEST(RecordsPolicyTest, InvestigationDefaults) {
  auto p = LoadRecordsPolicy(
      *policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default"));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->investigation.working_days, 10);
  EXPECT_EQ(p->investigation.fast_track_working_days, 5);
  EXPECT_TRUE(p->investigation.calendar.holidays.empty());
  EXPECT_TRUE(p->investigation.calendar.extra_working_days.empty());
  EXPECT_EQ(p->handover.notice_within_days, 5);
  EXPECT_EQ(p->handover.documents_within_days, 10);
}

TEST(RecordsPolicyTest, HolidayCalendarLoads) {
  auto doc = policy::PolicyDocument::Parse(
      WithInvestigation("    holidays: [2026-10-01, \"2026-10-02\", 2028-02-29]",
                        "    extra_working_days: [2026-10-10, 2026-09-27]"),
      "calendar.yaml");
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto p = LoadRecordsPolicy(*doc);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->investigation.calendar.holidays,
            (std::set<absl::CivilDay>{absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 2),
                                      absl::CivilDay(2028, 2, 29)}));
  EXPECT_EQ(p->investigation.calendar.extra_working_days.size(), 2u);
}

TEST(RecordsPolicyTest, BadCalendarDatesAreNamed) {
  for (const auto& [holidays, extra, key] :
       {std::tuple<std::string, std::string, std::string>{"    holidays: [2027-02-29]",
                                                          "    extra_working_days: []",
                                                          "records.investigation.holidays"},
        {"    holidays: [2026-1-1]", "    extra_working_days: []",
         "records.investigation.holidays"},
        {"    holidays: 2026-10-01", "    extra_working_days: []",
         "records.investigation.holidays"},
        {"    holidays: []", "    extra_working_days: [2026-13-01]",
         "records.investigation.extra_working_days"},
        // A make-up working day must be a weekend day (2026-10-09 is a Friday)…
        {"    holidays: []", "    extra_working_days: [2026-10-09]",
         "records.investigation.extra_working_days"},
        // …and not also a holiday.
        {"    holidays: [2026-10-10]", "    extra_working_days: [2026-10-10]",
         "records.investigation.extra_working_days"},
        {"    holidays: []", "", "records.investigation.extra_working_days"}}) {
    auto doc = policy::PolicyDocument::Parse(WithInvestigation(holidays, extra), "bad.yaml");
    ASSERT_TRUE(doc.ok()) << doc.status();
    auto p = LoadRecordsPolicy(*doc);
    ASSERT_FALSE(p.ok()) << holidays << " / " << extra;
    EXPECT_NE(std::string(p.status().message()).find(key), std::string::npos) << p.status();
  }
}

TEST(RecordsPolicyTest, BadInvestigationNumbersAreNamed) {
  std::string text(policy::PolicyDocument::BuiltInDefault());
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"fast_track_working_days: 5",
                                                                     "fast_track_working_days: 0"},
                                 {"notice_within_days: 5", "notice_within_days: five"}}) {
    const size_t pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
  }
  auto p = LoadRecordsPolicy(*policy::PolicyDocument::Parse(text, "bad.yaml"));
  ASSERT_FALSE(p.ok());
  const std::string msg(p.status().message());
  EXPECT_NE(msg.find("records.investigation.fast_track_working_days"), std::string::npos) << msg;
  EXPECT_NE(msg.find("records.handover.notice_within_days"), std::string::npos) << msg;
}

}  // namespace
}  // namespace ccms::records::domain
