#include "services/records/domain/orders_rules.h"

#include "common/policy/policy.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

using D = absl::CivilDay;

RecordsPolicy Policy() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  return LoadRecordsPolicies(*doc)->Latest().rules;
}

MonitoringOrderFacts Order(D starts, D ends, std::optional<D> ended = std::nullopt) {
  return {"o-1", starts, ends, ended};
}

TEST(MonitoringGroundTest, NamesRoundTrip) {
  for (MonitoringGround g :
       {MonitoringGround::kProhibitionOrderBreach, MonitoringGround::kLeftAreaWithoutApproval,
        MonitoringGround::kRefusedReportingAfterWarning, MonitoringGround::kPublicSecurityPenalty,
        MonitoringGround::kPendingRevocation}) {
    EXPECT_EQ(ParseMonitoringGround(MonitoringGroundName(g)), g);
  }
  EXPECT_FALSE(ParseMonitoringGround("CURFEW").has_value());
  EXPECT_EQ(ParseMonitoringEndReason("OTHER"), MonitoringEndReason::kOther);
  EXPECT_FALSE(ParseMonitoringEndReason("").has_value());
  EXPECT_EQ(ParseMedicalReviewOutcome("CONDITION_NO_LONGER_MET"),
            MedicalReviewOutcome::kConditionNoLongerMet);
  EXPECT_FALSE(ParseMedicalReviewOutcome("HEALTHY").has_value());
}

TEST(MonitoringOrderTest, DurationAtTheLimitAndOneDayOver) {
  const RecordsPolicy p = Policy();
  const std::vector<MonitoringGround> g = {MonitoringGround::kProhibitionOrderBreach};
  struct Case {
    D starts, max;
  } cases[] = {
      {D(2025, 1, 15), D(2025, 4, 15)},  {D(2025, 11, 30), D(2026, 2, 28)},  // clamped
      {D(2027, 11, 30), D(2028, 2, 29)},                                     // leap year
      {D(2027, 11, 29), D(2028, 2, 29)}, {D(2028, 2, 29), D(2028, 5, 29)},
      {D(2025, 12, 31), D(2026, 3, 31)}, {D(2026, 1, 31), D(2026, 4, 30)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(time::FormatDate(c.starts));
    EXPECT_EQ(MaxOrderEnd(c.starts, p), c.max);
    EXPECT_TRUE(ValidateNewOrder(g, c.starts, c.max, p).empty());
    auto over = ValidateNewOrder(g, c.starts, c.max + 1, p);
    ASSERT_EQ(over.size(), 1u);
    EXPECT_EQ(over[0].field, "ends_on");
    EXPECT_NE(over[0].description.find(time::FormatDate(c.max)), std::string::npos);
  }
  // A one-day order is fine; an end before the start is not.
  EXPECT_TRUE(ValidateNewOrder(g, D(2025, 1, 1), D(2025, 1, 1), p).empty());
  auto before = ValidateNewOrder(g, D(2025, 1, 2), D(2025, 1, 1), p);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].field, "ends_on");
}

TEST(MonitoringOrderTest, GroundsAreRequired) {
  auto v = ValidateNewOrder({}, D(2025, 1, 1), D(2025, 2, 1), Policy());
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "grounds");
}

TEST(MonitoringOrderTest, PolicyMonthsAreUsed) {
  RecordsPolicy p = Policy();
  p.monitoring_max_months_per_order = 1;
  p.monitoring_max_months_per_renewal = 2;
  EXPECT_EQ(MaxOrderEnd(D(2026, 1, 31), p), D(2026, 2, 28));
  EXPECT_EQ(MaxRenewalEnd(D(2026, 1, 31), p), D(2026, 3, 31));
  EXPECT_EQ(MaxRenewalEnd(D(2027, 12, 31), p), D(2028, 2, 29));
}

TEST(MonitoringOrderTest, SanctionGroundsNeedTheSanction) {
  const D start(2025, 6, 1);
  const D term_end(2027, 1, 9);
  LadderFacts ladder;
  struct Need {
    MonitoringGround ground;
    SanctionKind sanction;
    const char* name;
  } needs[] = {
      {MonitoringGround::kRefusedReportingAfterWarning, SanctionKind::kWarning, "WARNING"},
      {MonitoringGround::kPublicSecurityPenalty, SanctionKind::kPublicSecurityReferral,
       "PUBLIC_SECURITY_REFERRAL"},
      {MonitoringGround::kPendingRevocation, SanctionKind::kRevocationRequest,
       "REVOCATION_REQUEST"},
  };
  for (const auto& n : needs) {
    SCOPED_TRACE(n.name);
    LadderFacts none;
    none.sanctions.push_back({SanctionKind::kAdmonition, start - 10, false});
    absl::Status st = CheckNewOrder({n.ground}, start, start + 30, term_end, none, {});
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(st.message().find(n.name), std::string::npos) << st;
    // Issued after the order starts: still not a ground.
    LadderFacts later;
    later.sanctions.push_back({n.sanction, start + 1, false});
    EXPECT_EQ(CheckNewOrder({n.ground}, start, start + 30, term_end, later, {}).code(),
              absl::StatusCode::kFailedPrecondition);
    // Issued on the start day: enough.
    LadderFacts same_day;
    same_day.sanctions.push_back({n.sanction, start, true});
    EXPECT_TRUE(CheckNewOrder({n.ground}, start, start + 30, term_end, same_day, {}).ok());
  }
  // The grounds of facts not on the ladder need no sanction.
  EXPECT_TRUE(CheckNewOrder({MonitoringGround::kProhibitionOrderBreach,
                             MonitoringGround::kLeftAreaWithoutApproval},
                            start, start + 30, term_end, ladder, {})
                  .ok());
  // One missing ground among several refuses the order.
  LadderFacts warned;
  warned.sanctions.push_back({SanctionKind::kWarning, start - 1, false});
  absl::Status st = CheckNewOrder(
      {MonitoringGround::kRefusedReportingAfterWarning, MonitoringGround::kPendingRevocation},
      start, start + 30, term_end, warned, {});
  EXPECT_NE(st.message().find("REVOCATION_REQUEST"), std::string::npos) << st;
}

TEST(MonitoringOrderTest, WithinTheTermAndOneAtATime) {
  const LadderFacts ladder;
  const std::vector<MonitoringGround> g = {MonitoringGround::kProhibitionOrderBreach};
  const D term_end(2026, 3, 31);
  EXPECT_TRUE(CheckNewOrder(g, D(2026, 1, 1), term_end, term_end, ladder, {}).ok());
  EXPECT_EQ(CheckNewOrder(g, D(2026, 1, 1), term_end + 1, term_end, ladder, {}).code(),
            absl::StatusCode::kFailedPrecondition);

  const D far_end(2030, 1, 1);
  const std::vector<MonitoringOrderFacts> one = {Order(D(2025, 3, 1), D(2025, 5, 31))};
  // Overlapping on the first or the last day is refused; the day after is fine.
  EXPECT_EQ(CheckNewOrder(g, D(2025, 5, 31), D(2025, 6, 30), far_end, ladder, one).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckNewOrder(g, D(2025, 1, 1), D(2025, 3, 1), far_end, ladder, one).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckNewOrder(g, D(2025, 6, 1), D(2025, 6, 30), far_end, ladder, one).ok());
  EXPECT_TRUE(CheckNewOrder(g, D(2025, 1, 1), D(2025, 2, 28), far_end, ladder, one).ok());
  // Ended early on 04-10: monitored through 04-09, a new order may start 04-10.
  const std::vector<MonitoringOrderFacts> ended = {
      Order(D(2025, 3, 1), D(2025, 5, 31), D(2025, 4, 10))};
  EXPECT_TRUE(CheckNewOrder(g, D(2025, 4, 10), D(2025, 6, 30), far_end, ladder, ended).ok());
  EXPECT_EQ(CheckNewOrder(g, D(2025, 4, 9), D(2025, 6, 30), far_end, ladder, ended).code(),
            absl::StatusCode::kFailedPrecondition);
  // Ended on its first day: it never ran.
  const std::vector<MonitoringOrderFacts> never = {
      Order(D(2025, 3, 1), D(2025, 5, 31), D(2025, 3, 1))};
  EXPECT_TRUE(CheckNewOrder(g, D(2025, 3, 1), D(2025, 5, 31), far_end, ladder, never).ok());
}

TEST(MonitoringOrderTest, StatusOnEachDay) {
  const MonitoringOrderFacts o = Order(D(2025, 11, 30), D(2026, 2, 28));
  EXPECT_EQ(MonitoringStatusOn(o, D(2025, 11, 29)), MonitoringStatus::kScheduled);
  EXPECT_EQ(MonitoringStatusOn(o, D(2025, 11, 30)), MonitoringStatus::kActive);
  EXPECT_EQ(MonitoringStatusOn(o, D(2026, 2, 28)), MonitoringStatus::kActive);
  EXPECT_EQ(MonitoringStatusOn(o, D(2026, 3, 1)), MonitoringStatus::kExpired);
  const MonitoringOrderFacts e = Order(D(2025, 11, 30), D(2026, 2, 28), D(2026, 1, 15));
  EXPECT_EQ(MonitoringStatusOn(e, D(2026, 1, 14)), MonitoringStatus::kActive);
  EXPECT_EQ(MonitoringStatusOn(e, D(2026, 1, 15)), MonitoringStatus::kEnded);
  EXPECT_EQ(MonitoringStatusOn(e, D(2026, 3, 1)), MonitoringStatus::kEnded);
  EXPECT_EQ(LastMonitoredDay(e), D(2026, 1, 14));
  EXPECT_EQ(LastMonitoredDay(o), D(2026, 2, 28));
  EXPECT_EQ(MonitoringStatusName(MonitoringStatus::kExpired), "EXPIRED");
}

TEST(MonitoringRenewalTest, OnlyWhileActiveAndWithinTheMonths) {
  const RecordsPolicy p = Policy();
  const D term_end(2030, 1, 1);
  const MonitoringOrderFacts o = Order(D(2025, 9, 1), D(2025, 11, 30));
  // Renewal on the last day, to the limit: Nov 30 + 3 months = Feb 28 (2026 not leap).
  EXPECT_TRUE(CheckRenewal(o, D(2025, 11, 30), D(2026, 2, 28), term_end, p).ok());
  absl::Status over = CheckRenewal(o, D(2025, 11, 30), D(2026, 3, 1), term_end, p);
  EXPECT_EQ(over.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(over.message().find("new_ends_on"), std::string::npos);
  EXPECT_NE(over.message().find("2026-02-28"), std::string::npos);
  // The day after expiry: refused, a new order is needed.
  absl::Status late = CheckRenewal(o, D(2025, 12, 1), D(2026, 1, 31), term_end, p);
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(late.message().find("expired"), std::string::npos);
  // Not extending: refused.
  EXPECT_EQ(CheckRenewal(o, D(2025, 10, 1), D(2025, 11, 30), term_end, p).code(),
            absl::StatusCode::kInvalidArgument);
  // Before it starts, after it was ended: refused.
  EXPECT_EQ(CheckRenewal(o, D(2025, 8, 31), D(2025, 12, 31), term_end, p).code(),
            absl::StatusCode::kFailedPrecondition);
  const MonitoringOrderFacts ended = Order(D(2025, 9, 1), D(2025, 11, 30), D(2025, 10, 1));
  EXPECT_EQ(CheckRenewal(ended, D(2025, 10, 1), D(2025, 12, 31), term_end, p).code(),
            absl::StatusCode::kFailedPrecondition);
  // Leap day: an order ending 2027-11-30 renews to 2028-02-29 at most.
  const MonitoringOrderFacts leap = Order(D(2027, 9, 1), D(2027, 11, 30));
  EXPECT_TRUE(CheckRenewal(leap, D(2027, 11, 1), D(2028, 2, 29), term_end, p).ok());
  EXPECT_FALSE(CheckRenewal(leap, D(2027, 11, 1), D(2028, 3, 1), term_end, p).ok());
  // Within the supervision term.
  EXPECT_EQ(CheckRenewal(o, D(2025, 11, 1), D(2025, 12, 31), D(2025, 12, 30), p).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(MonitoringEndTest, EndingEarly) {
  const MonitoringOrderFacts o = Order(D(2025, 9, 1), D(2025, 11, 30));
  EXPECT_TRUE(CheckEndOrder(o, D(2025, 9, 1)).ok());
  EXPECT_TRUE(CheckEndOrder(o, D(2025, 11, 30)).ok());
  EXPECT_EQ(CheckEndOrder(o, D(2025, 8, 31)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckEndOrder(o, D(2025, 12, 1)).code(), absl::StatusCode::kFailedPrecondition);
  const MonitoringOrderFacts ended = Order(D(2025, 9, 1), D(2025, 11, 30), D(2025, 10, 1));
  EXPECT_EQ(CheckEndOrder(ended, D(2025, 10, 2)).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(MonitoringExpiringTest, WindowEdges) {
  const MonitoringOrderFacts o = Order(D(2026, 1, 1), D(2026, 2, 28));
  EXPECT_EQ(DaysLeftIfExpiring(o, D(2026, 2, 21), 7), 7);
  EXPECT_FALSE(DaysLeftIfExpiring(o, D(2026, 2, 20), 7).has_value());
  EXPECT_EQ(DaysLeftIfExpiring(o, D(2026, 2, 28), 7), 0);
  EXPECT_EQ(DaysLeftIfExpiring(o, D(2026, 2, 28), 0), 0);
  EXPECT_FALSE(DaysLeftIfExpiring(o, D(2026, 3, 1), 7).has_value());  // expired: over
  // Ended early: not listed from its end day.
  const MonitoringOrderFacts e = Order(D(2026, 1, 1), D(2026, 2, 28), D(2026, 2, 25));
  EXPECT_EQ(DaysLeftIfExpiring(e, D(2026, 2, 24), 7), 4);
  EXPECT_FALSE(DaysLeftIfExpiring(e, D(2026, 2, 25), 7).has_value());
  // Not started yet: not listed, even if it would end within the window.
  const MonitoringOrderFacts s = Order(D(2026, 3, 5), D(2026, 3, 6));
  EXPECT_FALSE(DaysLeftIfExpiring(s, D(2026, 3, 1), 30).has_value());
  // Leap day.
  const MonitoringOrderFacts l = Order(D(2028, 1, 1), D(2028, 2, 29));
  EXPECT_EQ(DaysLeftIfExpiring(l, D(2028, 2, 22), 7), 7);
  EXPECT_EQ(DaysLeftIfExpiring(l, D(2028, 2, 29), 7), 0);
}

TEST(MedicalDueTest, FirstDueFromIntakeThenFromTheLast) {
  const RecordsPolicy p = Policy();
  MedicalFacts f{D(2025, 1, 31), std::nullopt, std::nullopt};
  EXPECT_EQ(NextMedicalDue(f, MedicalDueKind::kHealthReport, p), D(2025, 2, 28));
  EXPECT_EQ(NextMedicalDue(f, MedicalDueKind::kMedicalReview, p), D(2025, 4, 30));
  f.supervision_start = D(2027, 11, 30);
  EXPECT_EQ(NextMedicalDue(f, MedicalDueKind::kMedicalReview, p), D(2028, 2, 29));
  EXPECT_EQ(NextMedicalDue(f, MedicalDueKind::kHealthReport, p), D(2027, 12, 30));
  f.supervision_start = D(2028, 1, 31);
  EXPECT_EQ(NextMedicalDue(f, MedicalDueKind::kHealthReport, p), D(2028, 2, 29));
  f.last_health_report = D(2028, 2, 29);
  EXPECT_EQ(NextMedicalDue(f, MedicalDueKind::kHealthReport, p), D(2028, 3, 29));
  f.last_medical_review = D(2028, 2, 29);
  EXPECT_EQ(NextMedicalDue(f, MedicalDueKind::kMedicalReview, p), D(2028, 5, 29));
  // A report dated before the intake (should not happen) does not move the due date back.
  f.last_health_report = D(2027, 1, 1);
  EXPECT_EQ(NextMedicalDue(f, MedicalDueKind::kHealthReport, p), D(2028, 2, 29));
}

TEST(MedicalDueTest, DaysOverdueAroundTheDueDay) {
  const RecordsPolicy p = Policy();
  const MedicalFacts f{D(2025, 12, 31), D(2026, 1, 31), std::nullopt};
  // Health report due 2026-02-28, review due 2026-03-31.
  auto due = MedicalDueOn(f, p, D(2026, 2, 28));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].kind, MedicalDueKind::kHealthReport);
  EXPECT_EQ(due[0].due, D(2026, 2, 28));
  EXPECT_EQ(due[0].days_overdue, 0);
  EXPECT_EQ(due[1].kind, MedicalDueKind::kMedicalReview);
  EXPECT_EQ(due[1].due, D(2026, 3, 31));
  EXPECT_EQ(due[1].days_overdue, -31);
  EXPECT_NE(due[1].rule.find("3 month"), std::string::npos) << due[1].rule;
  EXPECT_NE(due[1].rule.find(p.version), std::string::npos);
  EXPECT_EQ(MedicalDueOn(f, p, D(2026, 3, 1))[0].days_overdue, 1);
}

TEST(MedicalDueTest, OnlyForTemporaryOutsidePrisonAfterIntake) {
  const D intake(2025, 1, 20);
  EXPECT_TRUE(CheckMedicalRecord(SentenceKind::kTemporaryOutsidePrison, intake, intake).ok());
  EXPECT_EQ(CheckMedicalRecord(SentenceKind::kTemporaryOutsidePrison, intake, intake - 1).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckMedicalRecord(SentenceKind::kTemporaryOutsidePrison, std::nullopt, intake).code(),
            absl::StatusCode::kFailedPrecondition);
  for (SentenceKind k :
       {SentenceKind::kProbation, SentenceKind::kParole, SentenceKind::kPublicSurveillance}) {
    absl::Status st = CheckMedicalRecord(k, intake, intake + 1);
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(st.message().find(std::string(SentenceKindName(k))), std::string::npos) << st;
  }
}

}  // namespace
}  // namespace ccms::records::domain
