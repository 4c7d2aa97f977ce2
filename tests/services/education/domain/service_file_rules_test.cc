// The service file's rules at their edges: month ends, leap days, due days, the intake report and
// announcement, closed cases, policy codes, and the shipped policy section.
#include "services/education/domain/service_file_rules.h"

#include "common/policy/policy.h"
#include "gtest/gtest.h"
#include "tests/services/education/domain/test_policy.h"

namespace ccms::education::domain {
namespace {

using absl::CivilDay;

CaseView ActiveCase(CivilDay reported) {
  CaseView c;
  c.case_id = "0190a0b0-0000-7000-8000-000000000001";
  c.district_code = "110101";
  c.status = CaseStatus::kActive;
  c.intake_reported_on = reported;
  return c;
}

TEST(AddMonthsClampedTest, MonthEndsAndLeapDays) {
  EXPECT_EQ(AddMonthsClamped(CivilDay(2026, 1, 31), 1), CivilDay(2026, 2, 28));
  EXPECT_EQ(AddMonthsClamped(CivilDay(2028, 1, 31), 1), CivilDay(2028, 2, 29));
  EXPECT_EQ(AddMonthsClamped(CivilDay(2028, 2, 29), 1), CivilDay(2028, 3, 29));
  EXPECT_EQ(AddMonthsClamped(CivilDay(2028, 2, 29), 12), CivilDay(2029, 2, 28));
  EXPECT_EQ(AddMonthsClamped(CivilDay(2026, 3, 31), 1), CivilDay(2026, 4, 30));
  EXPECT_EQ(AddMonthsClamped(CivilDay(2026, 12, 31), 1), CivilDay(2027, 1, 31));
  EXPECT_EQ(AddMonthsClamped(CivilDay(2026, 12, 15), 3), CivilDay(2027, 3, 15));
}

TEST(DuesTest, CountedFromTheIntakeReport) {
  const EducationPolicies policies = testing::DefaultPolicies();
  CaseView pending = ActiveCase(CivilDay(2026, 1, 31));
  pending.intake_reported_on.reset();
  EXPECT_FALSE(DuesOf(pending, policies).first_contact_due_on.has_value());
  EXPECT_FALSE(DuesOf(pending, policies).service_file_due_on.has_value());

  const ServiceFileDues d = DuesOf(ActiveCase(CivilDay(2026, 1, 31)), policies);
  EXPECT_EQ(d.first_contact_due_on, CivilDay(2026, 2, 7));
  EXPECT_EQ(d.service_file_due_on, CivilDay(2026, 2, 28));
  EXPECT_EQ(d.policy_version, "test-policy");
  // Across a year end.
  EXPECT_EQ(DuesOf(ActiveCase(CivilDay(2026, 12, 28)), policies).first_contact_due_on,
            CivilDay(2027, 1, 4));
}

TEST(DuesTest, ThePolicyInForceOnTheIntakeDay) {
  EducationPolicy later = testing::DefaultPolicy("2027-strict");
  later.first_contact_within_days = 3;
  later.service_file_within_months = 2;
  const EducationPolicies policies =
      *EducationPolicies::Make({{"test-policy", CivilDay(2020, 1, 1), testing::DefaultPolicy()},
                                {"2027-strict", CivilDay(2027, 1, 1), later}},
                               "test");
  const ServiceFileDues before = DuesOf(ActiveCase(CivilDay(2026, 12, 31)), policies);
  EXPECT_EQ(before.policy_version, "test-policy");
  EXPECT_EQ(before.first_contact_due_on, CivilDay(2027, 1, 7));
  const ServiceFileDues on = DuesOf(ActiveCase(CivilDay(2027, 1, 1)), policies);
  EXPECT_EQ(on.policy_version, "2027-strict");
  EXPECT_EQ(on.first_contact_due_on, CivilDay(2027, 1, 4));
  EXPECT_EQ(on.service_file_due_on, CivilDay(2027, 3, 1));
}

TEST(DuesTest, OverdueOnlyAfterTheDueDay) {
  const std::optional<CivilDay> due = CivilDay(2026, 2, 28);
  EXPECT_FALSE(Overdue(due, false, CivilDay(2026, 2, 28)));
  EXPECT_TRUE(Overdue(due, false, CivilDay(2026, 3, 1)));
  EXPECT_FALSE(Overdue(due, true, CivilDay(2026, 3, 1)));
  EXPECT_FALSE(Overdue(std::nullopt, false, CivilDay(2026, 3, 1)));
  EXPECT_FALSE(Late(due, CivilDay(2026, 2, 28)));
  EXPECT_TRUE(Late(due, CivilDay(2026, 3, 1)));
  EXPECT_FALSE(Late(std::nullopt, CivilDay(2030, 1, 1)));
}

TEST(OpenServiceFileTest, AfterIntakeAndAnnouncementNotInTheFuture) {
  const CivilDay today(2026, 3, 10);
  CaseView c = ActiveCase(CivilDay(2026, 3, 2));
  EXPECT_TRUE(CheckOpenServiceFile(c, CivilDay(2026, 3, 2), today).ok());
  EXPECT_TRUE(CheckOpenServiceFile(c, today, today).ok());
  EXPECT_EQ(CheckOpenServiceFile(c, CivilDay(2026, 3, 1), today).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckOpenServiceFile(c, CivilDay(2026, 3, 11), today).code(),
            absl::StatusCode::kInvalidArgument);
  c.intake_announced_on = CivilDay(2026, 3, 5);
  EXPECT_EQ(CheckOpenServiceFile(c, CivilDay(2026, 3, 4), today).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckOpenServiceFile(c, CivilDay(2026, 3, 5), today).ok());
  // A contact is bounded by the report only, not by the announcement.
  EXPECT_TRUE(CheckFirstContact(c, CivilDay(2026, 3, 2), today).ok());
  EXPECT_EQ(CheckFirstContact(c, CivilDay(2026, 3, 1), today).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(OpenServiceFileTest, NotBeforeIntakeNorOnAClosedCase) {
  const CivilDay today(2026, 3, 10);
  CaseView pending = ActiveCase(CivilDay(2026, 3, 2));
  pending.intake_reported_on.reset();
  pending.status = CaseStatus::kPendingIntake;
  EXPECT_EQ(CheckOpenServiceFile(pending, today, today).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckFirstContact(pending, today, today).code(), absl::StatusCode::kFailedPrecondition);
  CaseView closed = ActiveCase(CivilDay(2026, 3, 2));
  closed = Apply(closed, CaseClosedFact{CivilDay(2026, 3, 8)});
  EXPECT_EQ(CheckOpenServiceFile(closed, CivilDay(2026, 3, 5), today).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckFirstContact(closed, CivilDay(2026, 3, 5), today).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(CodesTest, OnlyThePolicysCodesOnce) {
  const std::vector<std::string> allowed = {"FAMILY", "PEERS"};
  EXPECT_TRUE(CheckCodes({"FAMILY"}, allowed, "cause_codes").empty());
  EXPECT_TRUE(CheckCodes({"FAMILY", "PEERS"}, allowed, "cause_codes").empty());
  EXPECT_EQ(CheckCodes({}, allowed, "cause_codes").size(), 1u);
  EXPECT_EQ(CheckCodes({"family"}, allowed, "cause_codes").size(), 1u);
  EXPECT_EQ(CheckCodes({"FAMILY", "FAMILY"}, allowed, "cause_codes").size(), 1u);
  EXPECT_EQ(CheckCodes({"X", "Y"}, allowed, "need_codes")[1].field, "need_codes");
}

TEST(EducationPolicyTest, TheShippedSectionLoads) {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "built-in");
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto policies = LoadEducationPolicies(*doc);
  ASSERT_TRUE(policies.ok()) << policies.status();
  const EducationPolicy& p = policies->InForce(CivilDay(2026, 12, 1));
  EXPECT_EQ(p.first_contact_within_days, 7);
  EXPECT_EQ(p.service_file_within_months, 1);
  EXPECT_FALSE(p.cause_codes.empty());
  EXPECT_FALSE(p.need_codes.empty());
}

TEST(EducationPolicyTest, BadCodesAndNumbersAreNamed) {
  auto doc = policy::PolicyDocument::Parse(
      "education:\n"
      "  versions:\n"
      "    - version: v1\n"
      "      effective_from: 2020-01-01\n"
      "      service_file:\n"
      "        first_contact_within_days: 0\n"
      "        open_within_months: 1\n"
      "        cause_codes: [FAMILY, family]\n"
      "        need_codes: [OTHER, OTHER]\n",
      "test");
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto policies = LoadEducationPolicies(*doc);
  ASSERT_FALSE(policies.ok());
  const std::string m(policies.status().message());
  EXPECT_NE(m.find("first_contact_within_days"), std::string::npos) << m;
  EXPECT_NE(m.find("cause_codes"), std::string::npos) << m;
  EXPECT_NE(m.find("need_codes"), std::string::npos) << m;
}

}  // namespace
}  // namespace ccms::education::domain
