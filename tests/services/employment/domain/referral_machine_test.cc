// The referral transition table, tried whole: every (from, to) pair of statuses by staff and by a
// partner is allowed exactly when the table (the one the service uses) has the row and the row is
// the actor's, and refused otherwise; plus hand-written lists of steps that must be allowed and
// steps that must be refused, so a wrong edit of the table fails here.
#include "services/employment/domain/referral_machine.h"

#include <set>
#include <utility>

#include "gtest/gtest.h"
#include "tests/services/employment/domain/test_policy.h"

namespace ccms::employment::domain {
namespace {

using S = ReferralStatus;

// A valid code for the step's list ("" when it takes none).
std::string CodeFor(const Transition& t, const EmploymentPolicy& p) {
  const auto& codes = ReasonCodes(t.reason, p);
  return codes.empty() ? "" : codes.front();
}

TEST(ReferralMachineTest, EveryPairByEveryActorFollowsTheTable) {
  const EmploymentPolicy policy = testing::ShippedPolicy();
  int allowed = 0;
  int refused = 0;
  for (S from : AllStatuses()) {
    for (S to : AllStatuses()) {
      const Transition* t = FindTransition(from, to);
      for (Actor actor : {Actor::kStaff, Actor::kPartner}) {
        const std::string code = t != nullptr ? CodeFor(*t, policy) : "";
        const absl::Status st = CheckStep(from, to, actor, code, policy);
        SCOPED_TRACE(std::string(StatusName(from)) + " -> " + std::string(StatusName(to)) +
                     (actor == Actor::kStaff ? " by staff" : " by partner"));
        if (t == nullptr) {
          EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
          ++refused;
        } else if ((actor == Actor::kStaff && t->by_staff) ||
                   (actor == Actor::kPartner && t->by_partner)) {
          EXPECT_TRUE(st.ok()) << st;
          ++allowed;
        } else {
          EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied) << st;
          ++refused;
        }
      }
    }
  }
  // 13 rows: 13 by staff, 7 by partners; the other 10 x 10 x 2 - 20 pairs refused.
  EXPECT_EQ(allowed, 20);
  EXPECT_EQ(refused, 180);
}

// The table as the issue states it, written out by hand.
TEST(ReferralMachineTest, TheTableIsExactlyTheIssues) {
  const std::set<std::pair<S, S>> expected = {
      {S::kDraft, S::kSent},         {S::kSent, S::kAccepted},      {S::kSent, S::kDeclined},
      {S::kAccepted, S::kInterview}, {S::kInterview, S::kOffered},  {S::kInterview, S::kNotHired},
      {S::kOffered, S::kPlaced},     {S::kPlaced, S::kEnded},       {S::kDraft, S::kWithdrawn},
      {S::kSent, S::kWithdrawn},     {S::kAccepted, S::kWithdrawn}, {S::kInterview, S::kWithdrawn},
      {S::kOffered, S::kWithdrawn},
  };
  std::set<std::pair<S, S>> table;
  for (const Transition& t : Transitions()) table.insert({t.from, t.to});
  EXPECT_EQ(table, expected);
  EXPECT_EQ(Transitions().size(), expected.size());  // no row twice
}

// Steps that must never be allowed, whoever records them.
TEST(ReferralMachineTest, MustRefuse) {
  const EmploymentPolicy policy = testing::ShippedPolicy();
  const std::pair<S, S> refused[] = {
      {S::kDraft, S::kAccepted},     {S::kDraft, S::kPlaced},        {S::kDraft, S::kDraft},
      {S::kSent, S::kSent},          {S::kSent, S::kInterview},      {S::kSent, S::kOffered},
      {S::kSent, S::kPlaced},        {S::kSent, S::kDraft},          {S::kAccepted, S::kOffered},
      {S::kAccepted, S::kPlaced},    {S::kAccepted, S::kDeclined},   {S::kInterview, S::kPlaced},
      {S::kOffered, S::kInterview},  {S::kOffered, S::kNotHired},    {S::kPlaced, S::kWithdrawn},
      {S::kPlaced, S::kSent},        {S::kDeclined, S::kSent},       {S::kDeclined, S::kAccepted},
      {S::kDeclined, S::kWithdrawn}, {S::kNotHired, S::kOffered},    {S::kNotHired, S::kWithdrawn},
      {S::kEnded, S::kPlaced},       {S::kEnded, S::kWithdrawn},     {S::kWithdrawn, S::kSent},
      {S::kWithdrawn, S::kDraft},    {S::kWithdrawn, S::kWithdrawn},
  };
  for (const auto& [from, to] : refused) {
    SCOPED_TRACE(std::string(StatusName(from)) + " -> " + std::string(StatusName(to)));
    EXPECT_EQ(FindTransition(from, to), nullptr);
    for (const std::string& code : {std::string(), std::string("OTHER")}) {
      EXPECT_EQ(CheckStep(from, to, Actor::kStaff, code, policy).code(),
                absl::StatusCode::kFailedPrecondition);
      EXPECT_EQ(CheckStep(from, to, Actor::kPartner, code, policy).code(),
                absl::StatusCode::kFailedPrecondition);
    }
  }
  // Only staff send and withdraw.
  EXPECT_EQ(CheckStep(S::kDraft, S::kSent, Actor::kPartner, "", policy).code(),
            absl::StatusCode::kPermissionDenied);
  for (S from : {S::kDraft, S::kSent, S::kAccepted, S::kInterview, S::kOffered}) {
    EXPECT_EQ(CheckStep(from, S::kWithdrawn, Actor::kPartner, "OTHER", policy).code(),
              absl::StatusCode::kPermissionDenied);
  }
}

TEST(ReferralMachineTest, CodedStepsNeedAPolicyCodeAndOthersTakeNone) {
  const EmploymentPolicy policy = testing::ShippedPolicy();
  EXPECT_EQ(CheckStep(S::kSent, S::kDeclined, Actor::kPartner, "", policy).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckStep(S::kSent, S::kDeclined, Actor::kPartner, "NOT_A_CODE", policy).code(),
            absl::StatusCode::kInvalidArgument);
  // A code of another step's list is not enough.
  EXPECT_EQ(CheckStep(S::kSent, S::kDeclined, Actor::kPartner, "RESIGNED", policy).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckStep(S::kSent, S::kDeclined, Actor::kPartner, "NO_VACANCY", policy).ok());
  EXPECT_EQ(CheckStep(S::kSent, S::kAccepted, Actor::kPartner, "NO_VACANCY", policy).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckStep(S::kPlaced, S::kEnded, Actor::kStaff, "RESIGNED", policy).ok());
  EXPECT_TRUE(CheckStep(S::kInterview, S::kNotHired, Actor::kPartner, "NO_SHOW", policy).ok());
  EXPECT_TRUE(CheckStep(S::kOffered, S::kWithdrawn, Actor::kStaff, "CASE_CLOSED", policy).ok());
}

TEST(ReferralMachineTest, TerminalStatuses) {
  std::set<S> terminal;
  for (S s : AllStatuses()) {
    if (IsTerminal(s)) terminal.insert(s);
  }
  EXPECT_EQ(terminal, (std::set<S>{S::kDeclined, S::kNotHired, S::kEnded, S::kWithdrawn}));
}

TEST(ReferralMachineTest, NamesRoundTrip) {
  for (S s : AllStatuses()) EXPECT_EQ(ParseStatus(StatusName(s)), s);
  EXPECT_FALSE(ParseStatus("sent").has_value());
  EXPECT_FALSE(ParseStatus("").has_value());
}

TEST(ReferralMachineTest, AnswerDueAndOverdueAtTheEdges) {
  EmploymentPolicy policy = testing::ShippedPolicy();
  policy.answer_within_days = 5;
  const absl::CivilDay sent(2026, 2, 26);
  const absl::CivilDay due = AnswerDueOn(sent, policy);
  EXPECT_EQ(due, absl::CivilDay(2026, 3, 3));
  EXPECT_FALSE(AnswerOverdue(S::kSent, due, false, due));  // the due day is in time
  EXPECT_TRUE(AnswerOverdue(S::kSent, due, false, due + 1));
  EXPECT_FALSE(AnswerOverdue(S::kSent, due, true, due + 10));  // paused: lost contact
  EXPECT_FALSE(AnswerOverdue(S::kAccepted, due, false, due + 10));
}

TEST(ReferralMachineTest, ReferralCode) {
  EXPECT_EQ(ReferralCode("0190a0b0-1234-7000-8000-00000000abc1"), "R-0000ABC1");
}

}  // namespace
}  // namespace ccms::employment::domain
