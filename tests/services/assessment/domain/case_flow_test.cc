// How records facts, assessments, overrides and month closes change a case.
#include "services/assessment/domain/case_flow.h"

#include "gtest/gtest.h"
#include "tests/services/assessment/domain/test_policy.h"

namespace ccms::assessment::domain {
namespace {

using absl::CivilDay;
using testing::DefaultPolicy;

const DuePlan* FindDue(const Effects& e, InstrumentKind k, AssessmentKind kind) {
  for (const auto& d : e.dues) {
    if (d.instrument == k && d.kind == kind) return &d;
  }
  return nullptr;
}

CaseState Opened() {
  CaseState s;
  s.case_id = "c";
  s.district_code = "110101";
  return s;
}

// Open, intake on 2026-01-31, social risk MEDIUM on 2026-02-05; today 2026-06-01 (past the
// initial strict period, which ended 2026-04-30) and re-evaluated: STANDARD.
CaseState StandardCase(const AssessmentPolicy& p) {
  CaseState s = Opened();
  ApplyRecordsFact(s, IntakeReportedFact{CivilDay(2026, 1, 31)}, p, CivilDay(2026, 1, 31));
  ApplyAssessment(s,
                  {InstrumentKind::kSocialRisk, AssessmentKind::kIntake, CivilDay(2026, 2, 5),
                   RiskLevel::kMedium, false, false},
                  p, CivilDay(2026, 2, 5));
  Reevaluate(s, p, CivilDay(2026, 6, 1));
  return s;
}

TEST(CaseFlowTest, CaseOpenedMakesIntakeAssessmentsDue) {
  CaseState s = Opened();
  const Effects e = ApplyRecordsFact(
      s, CaseOpenedFact{"110101", "office-1", CivilDay(2026, 3, 10), CivilDay(2027, 3, 9), false},
      DefaultPolicy(), CivilDay(2026, 3, 11));
  EXPECT_EQ(s.status, CaseStatus::kPendingIntake);
  EXPECT_EQ(s.office_id, "office-1");
  ASSERT_EQ(e.dues.size(), 2u);
  for (InstrumentKind k : {InstrumentKind::kSocialRisk, InstrumentKind::kPsychScreening}) {
    const DuePlan* d = FindDue(e, k, AssessmentKind::kIntake);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->window_opens_on, CivilDay(2026, 3, 10));
    EXPECT_EQ(d->due_on, CivilDay(2026, 4, 10));
  }
  EXPECT_FALSE(e.level_change.has_value());
}

TEST(CaseFlowTest, DefaultDueHorizonAtMonthEnds) {
  const AssessmentPolicy& p = DefaultPolicy();
  EXPECT_EQ(DefaultDueHorizon(CivilDay(2026, 12, 5), p), CivilDay(2027, 1, 5));  // was Jan 4
  EXPECT_EQ(DefaultDueHorizon(CivilDay(2027, 1, 31), p), CivilDay(2027, 3, 2));  // >= Feb 28
  EXPECT_EQ(DefaultDueHorizon(CivilDay(2028, 1, 31), p), CivilDay(2028, 3, 1));  // >= Feb 29
  EXPECT_EQ(DefaultDueHorizon(CivilDay(2027, 3, 31), p), CivilDay(2027, 4, 30));
  EXPECT_EQ(DefaultDueHorizon(CivilDay(2027, 7, 31), p), CivilDay(2027, 8, 31));
  EXPECT_EQ(DefaultDueHorizon(CivilDay(2028, 2, 29), p), CivilDay(2028, 3, 30));
  EXPECT_EQ(DefaultDueHorizon(CivilDay(2027, 2, 1), p), CivilDay(2027, 3, 3));  // 30 days
  AssessmentPolicy two = p;
  two.intake_screen_within_months = 2;
  EXPECT_EQ(DefaultDueHorizon(CivilDay(2026, 12, 31), two), CivilDay(2027, 2, 28));
}

// On every day of a common and a leap year, the dues an intake reported that day creates are
// within the default horizon of ListDueAssessments.
TEST(CaseFlowTest, DefaultDueHorizonHoldsEveryIntakeDue) {
  const AssessmentPolicy& p = DefaultPolicy();
  for (CivilDay today(2027, 1, 1); today <= CivilDay(2028, 12, 31); ++today) {
    CaseState s = Opened();
    ApplyRecordsFact(s, CaseOpenedFact{"110101", "office-1", today, today + 364, false}, p, today);
    const Effects e = ApplyRecordsFact(s, IntakeReportedFact{today}, p, today);
    ASSERT_EQ(e.dues.size(), 2u) << today;
    for (const DuePlan& d : e.dues) {
      EXPECT_LE(d.due_on, DefaultDueHorizon(today, p)) << "intake on " << today;
    }
  }
}

TEST(CaseFlowTest, IntakeStartsTheInitialStrictPeriod) {
  const AssessmentPolicy p = DefaultPolicy();
  CaseState s = Opened();
  const Effects e =
      ApplyRecordsFact(s, IntakeReportedFact{CivilDay(2026, 1, 31)}, p, CivilDay(2026, 2, 2));
  EXPECT_EQ(s.status, CaseStatus::kActive);
  EXPECT_EQ(s.level, Level::kStrict);
  EXPECT_EQ(s.level_rule, "INITIAL_STRICT");
  EXPECT_EQ(s.review_on, CivilDay(2026, 4, 30));
  ASSERT_TRUE(e.level_change.has_value());
  EXPECT_EQ(e.level_change->from, Level::kUnspecified);
  EXPECT_EQ(e.level_change->to, Level::kStrict);
  EXPECT_EQ(e.level_change->effective_on, CivilDay(2026, 1, 31));
  // Intake screening due within a month of the intake, clamped at February's end.
  const DuePlan* d = FindDue(e, InstrumentKind::kPsychScreening, AssessmentKind::kIntake);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->due_on, CivilDay(2026, 2, 28));
  // Ledger months from the intake month to today's.
  EXPECT_EQ(e.open_months, (std::vector<CivilDay>{CivilDay(2026, 1, 1), CivilDay(2026, 2, 1)}));
  // A second delivery of the same fact changes nothing.
  const Effects again =
      ApplyRecordsFact(s, IntakeReportedFact{CivilDay(2026, 1, 31)}, p, CivilDay(2026, 2, 2));
  EXPECT_FALSE(again.level_change.has_value());
}

TEST(CaseFlowTest, HighRiskAssessmentMakesKeyAttentionAndStrict) {
  const AssessmentPolicy p = DefaultPolicy();
  CaseState s = StandardCase(p);
  ASSERT_EQ(s.level, Level::kStandard);
  const Effects e = ApplyAssessment(s,
                                    {InstrumentKind::kSocialRisk, AssessmentKind::kPeriodic,
                                     CivilDay(2026, 6, 2), RiskLevel::kHigh, true, false},
                                    p, CivilDay(2026, 6, 2));
  EXPECT_TRUE(s.key_attention);
  EXPECT_TRUE(e.key_attention_changed);
  EXPECT_EQ(s.level, Level::kStrict);
  EXPECT_EQ(s.level_rule, "HIGH_RISK");
  ASSERT_TRUE(e.level_change.has_value());
  EXPECT_EQ(e.level_change->from, Level::kStandard);
  // The periodic reassessment follows the new level: STRICT every 3 months.
  const DuePlan* d = FindDue(e, InstrumentKind::kSocialRisk, AssessmentKind::kPeriodic);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->due_on, CivilDay(2026, 9, 2));
  // An abnormal psychological screening alone also makes key attention.
  CaseState t = StandardCase(p);
  ApplyAssessment(t,
                  {InstrumentKind::kPsychScreening, AssessmentKind::kIntake, CivilDay(2026, 6, 2),
                   RiskLevel::kMedium, true, false},
                  p, CivilDay(2026, 6, 2));
  EXPECT_TRUE(t.key_attention);
  EXPECT_EQ(KeyAttentionReasons(t), std::vector<std::string>{"ABNORMAL_PSYCH_SCREENING"});
}

TEST(CaseFlowTest, AssessmentCompletesItsDueAndTheIntakeDue) {
  CaseState s = StandardCase(DefaultPolicy());
  const Effects e = ApplyAssessment(s,
                                    {InstrumentKind::kPsychScreening, AssessmentKind::kTriggered,
                                     CivilDay(2026, 6, 2), RiskLevel::kLow, false, false},
                                    DefaultPolicy(), CivilDay(2026, 6, 2));
  const std::vector<std::pair<InstrumentKind, AssessmentKind>> want = {
      {InstrumentKind::kPsychScreening, AssessmentKind::kTriggered},
      {InstrumentKind::kPsychScreening, AssessmentKind::kIntake}};
  EXPECT_EQ(e.completed_dues, want);
  // STANDARD: next periodic in 6 months.
  EXPECT_EQ(FindDue(e, InstrumentKind::kPsychScreening, AssessmentKind::kPeriodic)->due_on,
            CivilDay(2026, 12, 2));
}

TEST(CaseFlowTest, CrisisAnswerMakesATriggeredScreeningDue) {
  CaseState s = StandardCase(DefaultPolicy());
  const Effects e = ApplyAssessment(s,
                                    {InstrumentKind::kPsychScreening, AssessmentKind::kPeriodic,
                                     CivilDay(2026, 6, 2), RiskLevel::kMedium, true, true},
                                    DefaultPolicy(), CivilDay(2026, 6, 2));
  const DuePlan* d = FindDue(e, InstrumentKind::kPsychScreening, AssessmentKind::kTriggered);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->due_on, CivilDay(2026, 6, 17));
  CaseState t = StandardCase(DefaultPolicy());
  EXPECT_NE(FindDue(ApplyCrisisRaised(t, DefaultPolicy(), CivilDay(2026, 6, 2)),
                    InstrumentKind::kPsychScreening, AssessmentKind::kTriggered),
            nullptr);
}

TEST(CaseFlowTest, WarningForcesStrictDeductsAndTriggersReassessment) {
  const AssessmentPolicy p = DefaultPolicy();
  CaseState s = StandardCase(p);
  s.commendation_streak = 2;
  s.override_level = LevelOverride{Level::kRelaxed, CivilDay(2026, 6, 1)};
  const Effects e = ApplyRecordsFact(s, SanctionFact{SanctionKind::kWarning, CivilDay(2026, 6, 3)},
                                     p, CivilDay(2026, 6, 4));
  EXPECT_EQ(s.level, Level::kStrict);
  EXPECT_EQ(s.level_rule, "WARNING");
  EXPECT_FALSE(s.override_level.has_value());
  EXPECT_EQ(s.commendation_streak, 0);
  EXPECT_EQ(s.last_warning_on, CivilDay(2026, 6, 3));
  ASSERT_TRUE(e.level_change.has_value());
  EXPECT_EQ(e.level_change->effective_on, CivilDay(2026, 6, 3));
  ASSERT_EQ(e.ledger.size(), 1u);
  EXPECT_EQ(e.ledger[0].reason, "WARNING");
  EXPECT_EQ(e.ledger[0].amount, -20);
  const DuePlan* d = FindDue(e, InstrumentKind::kSocialRisk, AssessmentKind::kTriggered);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->due_on, CivilDay(2026, 6, 18));
  // STRICT until three months after the warning, then computed again.
  EXPECT_EQ(s.review_on, CivilDay(2026, 9, 3));
  const Effects later = Reevaluate(s, p, CivilDay(2026, 9, 3));
  EXPECT_EQ(s.level, Level::kStandard);
  ASSERT_TRUE(later.level_change.has_value());
}

TEST(CaseFlowTest, EachSanctionAndViolationIsALedgerEntry) {
  const AssessmentPolicy p = DefaultPolicy();
  struct Case {
    RecordsFact fact;
    std::string reason;
    int amount;
  };
  const CivilDay on(2026, 6, 3);
  const Case cases[] = {
      {ViolationFact{on}, "VIOLATION", -5},
      {SanctionFact{SanctionKind::kAdmonition, on}, "ADMONITION", -10},
      {SanctionFact{SanctionKind::kWarning, on}, "WARNING", -20},
      {SanctionFact{SanctionKind::kPublicSecurityReferral, on}, "PUBLIC_SECURITY_REFERRAL", -30},
      {SanctionFact{SanctionKind::kRevocationRequest, on}, "REVOCATION_REQUEST", -40},
      {CommendationFact{on}, "COMMENDATION", 10},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    CaseState s = StandardCase(p);
    const Effects e = ApplyRecordsFact(s, c.fact, p, on);
    ASSERT_EQ(e.ledger.size(), 1u);
    EXPECT_EQ(e.ledger[0].reason, c.reason);
    EXPECT_EQ(e.ledger[0].amount, c.amount);
    EXPECT_EQ(e.ledger[0].occurred_on, on);
  }
  // An admonition does not change the level.
  CaseState s = StandardCase(p);
  EXPECT_FALSE(ApplyRecordsFact(s, SanctionFact{SanctionKind::kAdmonition, on}, p, on)
                   .level_change.has_value());
}

TEST(CaseFlowTest, ThreeCommendationsRelaxAndAViolationUndoes) {
  const AssessmentPolicy p = DefaultPolicy();
  CaseState s = StandardCase(p);
  for (int i = 0; i < 2; ++i) {
    ApplyRecordsFact(s, CommendationFact{CivilDay(2026, 6, 5 + i)}, p, CivilDay(2026, 6, 10));
    EXPECT_EQ(s.level, Level::kStandard);
  }
  Effects e = ApplyRecordsFact(s, CommendationFact{CivilDay(2026, 6, 9)}, p, CivilDay(2026, 6, 10));
  EXPECT_EQ(s.level, Level::kRelaxed);
  EXPECT_EQ(s.level_rule, "RELAXED_COMMENDATIONS");
  ASSERT_TRUE(e.level_change.has_value());
  // RELAXED: periodic reassessment every 12 months from the last one (2026-02-05).
  EXPECT_EQ(FindDue(e, InstrumentKind::kSocialRisk, AssessmentKind::kPeriodic)->due_on,
            CivilDay(2027, 2, 5));
  e = ApplyRecordsFact(s, ViolationFact{CivilDay(2026, 6, 11)}, p, CivilDay(2026, 6, 12));
  EXPECT_EQ(s.commendation_streak, 0);
  EXPECT_EQ(s.level, Level::kStandard);
}

TEST(CaseFlowTest, OverrideIsRecordedAndLastsUntilTheNextAssessment) {
  const AssessmentPolicy p = DefaultPolicy();
  CaseState s = StandardCase(p);
  Effects e = ApplyOverride(s, Level::kRelaxed, p, CivilDay(2026, 6, 5));
  EXPECT_EQ(s.level, Level::kRelaxed);
  EXPECT_EQ(s.level_rule, "OVERRIDE");
  ASSERT_TRUE(e.level_change.has_value());
  EXPECT_TRUE(e.level_change->override);
  EXPECT_EQ(e.level_change->from, Level::kStandard);
  // A month close keeps it.
  s.closed_months = {{CivilDay(2026, 6, 1), 100}};
  EXPECT_FALSE(ApplyMonthClosed(s, p, CivilDay(2026, 7, 1)).level_change.has_value());
  // The next assessment ends it.
  e = ApplyAssessment(s,
                      {InstrumentKind::kSocialRisk, AssessmentKind::kPeriodic, CivilDay(2026, 7, 2),
                       RiskLevel::kMedium, false, false},
                      p, CivilDay(2026, 7, 2));
  EXPECT_FALSE(s.override_level.has_value());
  EXPECT_EQ(s.level, Level::kStandard);
  // Overriding to the level it has is still a recorded change.
  e = ApplyOverride(s, Level::kStandard, p, CivilDay(2026, 7, 3));
  ASSERT_TRUE(e.level_change.has_value());
  EXPECT_EQ(e.level_change->from, e.level_change->to);
  EXPECT_TRUE(e.level_change->override);
}

TEST(CaseFlowTest, DischargeClosingAndTransfer) {
  const AssessmentPolicy p = DefaultPolicy();
  CaseState s = StandardCase(p);
  Effects e =
      ApplyRecordsFact(s, DischargeApproachingFact{CivilDay(2027, 3, 31)}, p, CivilDay(2027, 3, 1));
  const DuePlan* d = FindDue(e, InstrumentKind::kSocialRisk, AssessmentKind::kDischarge);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->window_opens_on, CivilDay(2027, 2, 28));
  EXPECT_EQ(d->due_on, CivilDay(2027, 3, 31));
  EXPECT_NE(FindDue(e, InstrumentKind::kPsychScreening, AssessmentKind::kDischarge), nullptr);

  e = ApplyRecordsFact(s, CaseTransferredFact{"310101", "office-9", CivilDay(2026, 7, 1)}, p,
                       CivilDay(2026, 7, 1));
  EXPECT_EQ(s.district_code, "310101");
  EXPECT_EQ(e.previous_district, "110101");

  e = ApplyRecordsFact(s, CaseClosedFact{CivilDay(2027, 3, 31)}, p, CivilDay(2027, 3, 31));
  EXPECT_EQ(s.status, CaseStatus::kClosed);
  EXPECT_TRUE(e.cancel_open_dues);
  // Nothing more happens to a closed case.
  e = ApplyRecordsFact(s, ViolationFact{CivilDay(2027, 4, 1)}, p, CivilDay(2027, 4, 1));
  EXPECT_TRUE(e.ledger.empty());
  EXPECT_TRUE(ApplyRecordsFact(s, IntakeReportedFact{CivilDay(2027, 4, 1)}, p, CivilDay(2027, 4, 1))
                  .dues.empty());
}

// docs/assessment.md, "Worked example", step by step.
TEST(CaseFlowTest, WorkedExampleOfTheDocs) {
  const AssessmentPolicy p = DefaultPolicy();
  CaseState s = Opened();
  // 1. Opened: intake dues on 2026-02-20.
  Effects e = ApplyRecordsFact(
      s, CaseOpenedFact{"110101", "o", CivilDay(2026, 1, 20), CivilDay(2027, 1, 19), false}, p,
      CivilDay(2026, 1, 20));
  EXPECT_EQ(FindDue(e, InstrumentKind::kSocialRisk, AssessmentKind::kIntake)->due_on,
            CivilDay(2026, 2, 20));
  // 2. Intake 2026-01-31: STRICT until 2026-04-30; intake dues 2026-02-28.
  e = ApplyRecordsFact(s, IntakeReportedFact{CivilDay(2026, 1, 31)}, p, CivilDay(2026, 1, 31));
  EXPECT_EQ(s.level, Level::kStrict);
  EXPECT_EQ(s.level_rule, "INITIAL_STRICT");
  EXPECT_EQ(s.review_on, CivilDay(2026, 4, 30));
  EXPECT_EQ(FindDue(e, InstrumentKind::kSocialRisk, AssessmentKind::kIntake)->due_on,
            CivilDay(2026, 2, 28));
  // 3. MEDIUM social risk, normal screening: still STRICT, periodic due 2026-05-05.
  e = ApplyAssessment(s,
                      {InstrumentKind::kSocialRisk, AssessmentKind::kIntake, CivilDay(2026, 2, 5),
                       RiskLevel::kMedium, false, false},
                      p, CivilDay(2026, 2, 5));
  ApplyAssessment(s,
                  {InstrumentKind::kPsychScreening, AssessmentKind::kIntake, CivilDay(2026, 2, 5),
                   RiskLevel::kLow, false, false},
                  p, CivilDay(2026, 2, 5));
  EXPECT_EQ(s.level_rule, "INITIAL_STRICT");
  EXPECT_FALSE(s.key_attention);
  EXPECT_EQ(FindDue(e, InstrumentKind::kSocialRisk, AssessmentKind::kPeriodic)->due_on,
            CivilDay(2026, 5, 5));
  // 4. February closes at 95, March at 100.
  s.closed_months = {{CivilDay(2026, 3, 1), 100}, {CivilDay(2026, 2, 1), 95}};
  // 5. 2026-04-29 still STRICT; 2026-04-30 STANDARD, periodic dues to 2026-08-05.
  EXPECT_FALSE(Reevaluate(s, p, CivilDay(2026, 4, 29)).level_change.has_value());
  e = Reevaluate(s, p, CivilDay(2026, 4, 30));
  EXPECT_EQ(s.level, Level::kStandard);
  EXPECT_EQ(s.level_rule, "STANDARD");
  EXPECT_EQ(s.non_strict_since, CivilDay(2026, 4, 30));
  EXPECT_EQ(FindDue(e, InstrumentKind::kSocialRisk, AssessmentKind::kPeriodic)->due_on,
            CivilDay(2026, 8, 5));
  // 6. Three commendations: RELAXED on the third, periodic dues to 2027-02-05.
  ApplyRecordsFact(s, CommendationFact{CivilDay(2026, 6, 10)}, p, CivilDay(2026, 6, 10));
  ApplyRecordsFact(s, CommendationFact{CivilDay(2026, 7, 8)}, p, CivilDay(2026, 7, 8));
  EXPECT_EQ(s.level, Level::kStandard);
  e = ApplyRecordsFact(s, CommendationFact{CivilDay(2026, 8, 12)}, p, CivilDay(2026, 8, 12));
  EXPECT_EQ(s.level, Level::kRelaxed);
  EXPECT_EQ(s.level_rule, "RELAXED_COMMENDATIONS");
  EXPECT_EQ(e.level_change->effective_on, CivilDay(2026, 8, 12));
  EXPECT_EQ(FindDue(e, InstrumentKind::kSocialRisk, AssessmentKind::kPeriodic)->due_on,
            CivilDay(2027, 2, 5));
  // 7. Warning: STRICT until 2026-12-03, triggered due 2026-09-18, periodic 2026-05-05.
  e = ApplyRecordsFact(s, SanctionFact{SanctionKind::kWarning, CivilDay(2026, 9, 3)}, p,
                       CivilDay(2026, 9, 3));
  EXPECT_EQ(s.level, Level::kStrict);
  EXPECT_EQ(s.review_on, CivilDay(2026, 12, 3));
  EXPECT_EQ(e.ledger[0].amount, -20);
  EXPECT_EQ(FindDue(e, InstrumentKind::kSocialRisk, AssessmentKind::kTriggered)->due_on,
            CivilDay(2026, 9, 18));
  EXPECT_EQ(FindDue(e, InstrumentKind::kSocialRisk, AssessmentKind::kPeriodic)->due_on,
            CivilDay(2026, 5, 5));
  // 8. The triggered reassessment: still STRICT (warning), periodic 2026-12-15.
  e = ApplyAssessment(s,
                      {InstrumentKind::kSocialRisk, AssessmentKind::kTriggered,
                       CivilDay(2026, 9, 15), RiskLevel::kMedium, false, false},
                      p, CivilDay(2026, 9, 15));
  EXPECT_EQ(s.level_rule, "WARNING");
  EXPECT_EQ(FindDue(e, InstrumentKind::kSocialRisk, AssessmentKind::kPeriodic)->due_on,
            CivilDay(2026, 12, 15));
  // 9. 2026-12-03: STANDARD again (November closed at 100).
  s.closed_months = {
      {CivilDay(2026, 11, 1), 100}, {CivilDay(2026, 10, 1), 100}, {CivilDay(2026, 9, 1), 80}};
  Reevaluate(s, p, CivilDay(2026, 12, 3));
  EXPECT_EQ(s.level, Level::kStandard);
  EXPECT_EQ(s.review_on, CivilDay(2027, 6, 3));
}

TEST(CaseFlowTest, LedgerMonthForClosedMonths) {
  const CivilDay today(2026, 7, 3);
  EXPECT_EQ(LedgerMonthFor(CivilDay(2026, 6, 28), today, false), CivilDay(2026, 6, 1));
  EXPECT_EQ(LedgerMonthFor(CivilDay(2026, 6, 28), today, true), CivilDay(2026, 7, 1));
  EXPECT_EQ(LedgerMonthFor(CivilDay(2026, 8, 1), today, false), CivilDay(2026, 7, 1));
}

}  // namespace
}  // namespace ccms::assessment::domain
