#include "services/records/domain/sanction_ladder.h"

#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

using absl::CivilDay;

RecordsPolicy Policy() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  return LoadRecordsPolicies(*doc)->Latest().rules;
}

const CivilDay kToday(2025, 6, 30);

LadderFacts Probation() { return LadderFacts{.sentence_kind = SentenceKind::kProbation}; }

TEST(SanctionLadderTest, RevocationWithOneWarningIsRefusedNamingTheGround) {
  LadderFacts f = Probation();
  f.sanctions.push_back({SanctionKind::kWarning, CivilDay(2025, 3, 1)});
  absl::Status st = CheckSanction(SanctionKind::kRevocationRequest,
                                  {RevocationGround::kRepeatedWarnings}, f, Policy(), kToday);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("REPEATED_WARNINGS"), absl::string_view::npos) << st;
  EXPECT_NE(st.message().find("needs 2 uncorrected warnings; the case has 1"),
            absl::string_view::npos)
      << st;
}

TEST(SanctionLadderTest, TwoUncorrectedWarningsAreGrounds) {
  LadderFacts f = Probation();
  f.sanctions.push_back({SanctionKind::kWarning, CivilDay(2025, 3, 1)});
  f.sanctions.push_back({SanctionKind::kWarning, CivilDay(2025, 5, 1)});
  EXPECT_TRUE(CheckSanction(SanctionKind::kRevocationRequest, {RevocationGround::kRepeatedWarnings},
                            f, Policy(), kToday)
                  .ok());
  // A corrected warning does not count.
  f.sanctions[0].corrected = true;
  EXPECT_FALSE(CheckSanction(SanctionKind::kRevocationRequest,
                             {RevocationGround::kRepeatedWarnings}, f, Policy(), kToday)
                   .ok());
}

TEST(SanctionLadderTest, RevocationNeedsAGroundAndARevocableSentence) {
  LadderFacts f = Probation();
  EXPECT_EQ(CheckSanction(SanctionKind::kRevocationRequest, {}, f, Policy(), kToday).code(),
            absl::StatusCode::kFailedPrecondition);
  f.sentence_kind = SentenceKind::kPublicSurveillance;
  f.violations.push_back(ViolationKind::kProhibitionOrderBreach);
  f.prohibition_breaches.push_back(BreachSeverity::kSerious);
  EXPECT_EQ(CheckSanction(SanctionKind::kRevocationRequest,
                          {RevocationGround::kSeriousProhibitionOrderBreach}, f, Policy(), kToday)
                .code(),
            absl::StatusCode::kFailedPrecondition);
  f.sentence_kind = SentenceKind::kParole;
  EXPECT_TRUE(CheckSanction(SanctionKind::kRevocationRequest,
                            {RevocationGround::kSeriousProhibitionOrderBreach}, f, Policy(), kToday)
                  .ok());
  // Grounds belong to revocation requests only.
  EXPECT_EQ(CheckSanction(SanctionKind::kWarning, {RevocationGround::kRepeatedWarnings}, f,
                          Policy(), kToday)
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SanctionLadderTest, LostContactOverOneMonthAtTheMonthEdge) {
  LadderFacts f = Probation();
  f.lost_contact.push_back({CivilDay(2025, 1, 31), CivilDay(2025, 2, 28)});  // exactly 1 month
  auto check = [&] {
    return CheckSanction(SanctionKind::kRevocationRequest,
                         {RevocationGround::kLostContactOverOneMonth}, f, Policy(), kToday);
  };
  EXPECT_FALSE(check().ok());
  f.lost_contact[0].ended_on = CivilDay(2025, 3, 1);  // one day more
  EXPECT_TRUE(check().ok());
  f.lost_contact[0] = {CivilDay(2025, 6, 1), std::nullopt};  // still lost, 29 days
  EXPECT_FALSE(check().ok());
  EXPECT_EQ(EvaluateLadder(f, Policy(), kToday).longest_lost_contact_days, 29);
  EXPECT_TRUE(CheckSanction(SanctionKind::kRevocationRequest,
                            {RevocationGround::kLostContactOverOneMonth}, f, Policy(),
                            CivilDay(2025, 7, 2))
                  .ok());
}

TEST(SanctionLadderTest, PendingRequestBlocksAnother) {
  LadderFacts f = Probation();
  f.sanctions = {{SanctionKind::kWarning, CivilDay(2025, 1, 1)},
                 {SanctionKind::kWarning, CivilDay(2025, 2, 1)},
                 {SanctionKind::kRevocationRequest, CivilDay(2025, 3, 1)}};
  EXPECT_EQ(CheckSanction(SanctionKind::kRevocationRequest, {RevocationGround::kRepeatedWarnings},
                          f, Policy(), kToday)
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(EvaluateLadder(f, Policy(), kToday).revocation_requested);
}

// The court's decision: a REFUSED request is no longer pending, so a new one may be made on a
// ground still met; a GRANTED one leaves nothing to request (the case closes as REVOKED).
TEST(SanctionLadderTest, TheCourtsDecisionEndsThePendingRequest) {
  LadderFacts f = Probation();
  f.sanctions = {{SanctionKind::kWarning, CivilDay(2025, 1, 1)},
                 {SanctionKind::kWarning, CivilDay(2025, 2, 1)},
                 {SanctionKind::kRevocationRequest, CivilDay(2025, 3, 1), false,
                  RevocationDecision::kRefused}};
  LadderStatus s = EvaluateLadder(f, Policy(), kToday);
  EXPECT_FALSE(s.revocation_requested);
  EXPECT_FALSE(s.revocation_granted);
  EXPECT_EQ(s.revocation_requests_refused, 1);
  EXPECT_EQ(s.next_step, "a revocation request may be made on REPEATED_WARNINGS");
  EXPECT_TRUE(CheckSanction(SanctionKind::kRevocationRequest, {RevocationGround::kRepeatedWarnings},
                            f, Policy(), kToday)
                  .ok());
  // A second request, still undecided: pending again.
  f.sanctions.push_back({SanctionKind::kRevocationRequest, CivilDay(2025, 4, 1)});
  s = EvaluateLadder(f, Policy(), kToday);
  EXPECT_TRUE(s.revocation_requested);
  EXPECT_EQ(s.next_step, "a revocation request is pending with the court");
  // Granted: nothing more to request.
  f.sanctions.back().court_decision = RevocationDecision::kGranted;
  s = EvaluateLadder(f, Policy(), kToday);
  EXPECT_TRUE(s.revocation_requested);
  EXPECT_TRUE(s.revocation_granted);
  EXPECT_EQ(s.next_step, "the court granted the revocation: close the case as REVOKED");
  const absl::Status st = CheckSanction(
      SanctionKind::kRevocationRequest, {RevocationGround::kRepeatedWarnings}, f, Policy(), kToday);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("granted"), std::string::npos);
}

TEST(SanctionLadderTest, StatusExplainsTheNextStep) {
  LadderFacts f = Probation();
  EXPECT_EQ(EvaluateLadder(f, Policy(), kToday).next_step, "no sanction pending");
  f.sanctions = {{SanctionKind::kAdmonition, CivilDay(2025, 1, 1)},
                 {SanctionKind::kAdmonition, CivilDay(2025, 2, 1)}};
  EXPECT_EQ(EvaluateLadder(f, Policy(), kToday).next_step, "grounds for a warning are present");
  f.sanctions = {{SanctionKind::kWarning, CivilDay(2025, 1, 1)}};
  const LadderStatus s = EvaluateLadder(f, Policy(), kToday);
  EXPECT_EQ(s.uncorrected_warnings, 1);
  EXPECT_EQ(s.next_step, "1 more uncorrected warning(s) would be grounds for revocation");
  EXPECT_EQ(s.explanations.size(), 5u);                              // one per revocation ground
  f.lost_contact = {{CivilDay(2025, 6, 1), CivilDay(2025, 6, 12)}};  // 11 days > 10
  f.sanctions.clear();
  EXPECT_EQ(EvaluateLadder(f, Policy(), kToday).next_step, "grounds for a warning are present");
  f.sanctions = {{SanctionKind::kPublicSecurityReferral, CivilDay(2025, 5, 1)}};
  EXPECT_EQ(
      EvaluateLadder(f, Policy(), kToday).grounds_met,
      std::vector<RevocationGround>{RevocationGround::kUncorrectedAfterPublicSecurityPenalty});
}

TEST(SanctionLadderTest, NamesRoundTrip) {
  for (int i = 0; i <= 3; ++i) {
    const auto k = static_cast<SanctionKind>(i);
    EXPECT_EQ(ParseSanctionKind(SanctionKindName(k)), k);
    const auto g = static_cast<RevocationGround>(i);
    EXPECT_EQ(ParseRevocationGround(RevocationGroundName(g)), g);
  }
  for (int i = 0; i <= static_cast<int>(ViolationKind::kOther); ++i) {
    const auto v = static_cast<ViolationKind>(i);
    EXPECT_EQ(ParseViolationKind(ViolationKindName(v)), v);
  }
}

TEST(ReoffenceTest, WithinTheTermAndNotAfterTheReport) {
  const absl::CivilDay start(2024, 2, 29), end(2025, 2, 28);
  EXPECT_TRUE(CheckReoffence(CaseStatus::kActive, start, end, start, end).ok());
  EXPECT_TRUE(CheckReoffence(CaseStatus::kPendingIntake, start, end, end, end + 3).ok());
  EXPECT_EQ(CheckReoffence(CaseStatus::kActive, start, end, start - 1, end).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckReoffence(CaseStatus::kActive, start, end, end + 1, end + 1).code(),
            absl::StatusCode::kInvalidArgument);
  const absl::Status after = CheckReoffence(CaseStatus::kActive, start, end, end - 1, end - 2);
  EXPECT_EQ(after.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(after.message()).rfind("occurred_on:", 0), 0u);
  for (CaseStatus s : {CaseStatus::kDischarged, CaseStatus::kRevoked, CaseStatus::kDeceased,
                       CaseStatus::kTransferredOut}) {
    EXPECT_EQ(CheckReoffence(s, start, end, start, end).code(),
              absl::StatusCode::kFailedPrecondition);
  }
}

TEST(ReoffenceTest, AReoffenceIsARevocationGround) {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  const RecordsPolicy policy = LoadRecordsPolicies(*doc)->Latest().rules;
  LadderFacts facts;
  facts.sentence_kind = SentenceKind::kParole;
  const absl::CivilDay today(2026, 11, 22);
  EXPECT_TRUE(EvaluateLadder(facts, policy, today).grounds_met.empty());
  EXPECT_EQ(CheckSanction(SanctionKind::kRevocationRequest,
                          {RevocationGround::kReoffendingDuringTerm}, facts, policy, today)
                .code(),
            absl::StatusCode::kFailedPrecondition);
  facts.reoffences.push_back(absl::CivilDay(2026, 11, 1));
  const LadderStatus status = EvaluateLadder(facts, policy, today);
  ASSERT_EQ(status.grounds_met.size(), 1u);
  EXPECT_EQ(status.grounds_met[0], RevocationGround::kReoffendingDuringTerm);
  EXPECT_TRUE(CheckSanction(SanctionKind::kRevocationRequest,
                            {RevocationGround::kReoffendingDuringTerm}, facts, policy, today)
                  .ok());
  EXPECT_EQ(ParseRevocationGround("REOFFENDING_DURING_TERM"),
            RevocationGround::kReoffendingDuringTerm);
}

}  // namespace
}  // namespace ccms::records::domain
