// The correction plan's rules: every (status, command) pair of the state machine tried, allowed
// and refused; content checks; agreements of adults and minors; revision due days at month ends,
// year ends and leap days in Asia/Shanghai.
#include "services/education/domain/plan_rules.h"

#include <map>
#include <utility>

#include "gtest/gtest.h"
#include "services/education/domain/education_policy.h"

namespace ccms::education::domain {
namespace {

using absl::CivilDay;

constexpr PlanStatus kAllStatuses[] = {PlanStatus::kDraft,      PlanStatus::kAgreed,
                                       PlanStatus::kApproved,   PlanStatus::kActive,
                                       PlanStatus::kSuperseded, PlanStatus::kClosed};
constexpr PlanCommand kAllCommands[] = {
    PlanCommand::kEditDraft, PlanCommand::kRevise,    PlanCommand::kAgree, PlanCommand::kApprove,
    PlanCommand::kActivate,  PlanCommand::kSupersede, PlanCommand::kClose};

// The whole table: what is allowed, and where it leads. Every other pair is refused.
const std::map<std::pair<PlanStatus, PlanCommand>, PlanStatus>& Allowed() {
  static const auto* table = new std::map<std::pair<PlanStatus, PlanCommand>, PlanStatus>{
      {{PlanStatus::kDraft, PlanCommand::kEditDraft}, PlanStatus::kDraft},
      {{PlanStatus::kDraft, PlanCommand::kAgree}, PlanStatus::kAgreed},
      {{PlanStatus::kAgreed, PlanCommand::kApprove}, PlanStatus::kApproved},
      {{PlanStatus::kApproved, PlanCommand::kActivate}, PlanStatus::kActive},
      {{PlanStatus::kActive, PlanCommand::kRevise}, PlanStatus::kActive},
      {{PlanStatus::kActive, PlanCommand::kSupersede}, PlanStatus::kSuperseded},
      {{PlanStatus::kActive, PlanCommand::kClose}, PlanStatus::kClosed},
  };
  return *table;
}

TEST(PlanTransitionTest, EveryPairAllowedOrRefused) {
  int allowed = 0;
  int refused = 0;
  for (PlanStatus from : kAllStatuses) {
    for (PlanCommand command : kAllCommands) {
      SCOPED_TRACE(std::string(PlanStatusName(from)) + " " + std::string(PlanCommandName(command)));
      const auto it = Allowed().find({from, command});
      const absl::StatusOr<PlanStatus> got = Transition(from, command);
      if (it == Allowed().end()) {
        ++refused;
        ASSERT_FALSE(got.ok());
        EXPECT_EQ(got.status().code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_NE(std::string(got.status().message()).find(PlanStatusName(from)),
                  std::string::npos);
      } else {
        ++allowed;
        ASSERT_TRUE(got.ok()) << got.status();
        EXPECT_EQ(*got, it->second);
      }
    }
  }
  EXPECT_EQ(allowed, 7);
  EXPECT_EQ(refused, 6 * 7 - 7);
}

TEST(PlanTransitionTest, ClosedAndSupersededAreFinal) {
  for (PlanCommand command : kAllCommands) {
    EXPECT_FALSE(Transition(PlanStatus::kClosed, command).ok());
    EXPECT_FALSE(Transition(PlanStatus::kSuperseded, command).ok());
  }
}

TEST(PlanNamesTest, RoundTrip) {
  for (PlanStatus s : kAllStatuses) EXPECT_EQ(PlanStatusOf(PlanStatusName(s)), s);
  EXPECT_FALSE(PlanStatusOf("PENDING").has_value());
  for (GoalTerm t : {GoalTerm::kShort, GoalTerm::kMedium, GoalTerm::kLong}) {
    EXPECT_EQ(GoalTermOf(GoalTermName(t)), t);
  }
  for (RevisionReason r : {RevisionReason::kLevelChanged, RevisionReason::kSanction,
                           RevisionReason::kCrisisFlag, RevisionReason::kAssessmentRecorded,
                           RevisionReason::kKeyAttention, RevisionReason::kStaff}) {
    EXPECT_EQ(RevisionReasonOf(RevisionReasonName(r)), r);
  }
  EXPECT_FALSE(RevisionReasonOf("").has_value());
}

PlanContent GoodContent() {
  PlanContent c;
  c.need_codes = {"EMPLOYMENT"};
  c.needs_summary = "needs";
  c.goals = {{GoalTerm::kShort, "short", CivilDay(2026, 4, 30)},
             {GoalTerm::kMedium, "medium", CivilDay(2026, 9, 30)},
             {GoalTerm::kLong, "long", CivilDay(2027, 3, 31)}};
  c.steps = {
      {"step-1", "PSYCHOLOGICAL_COUNSELLING", "weekly talk", CivilDay(2026, 4, 1),
       CivilDay(2026, 6, 30), "weekly"},
      {"", "SKILLS_TRAINING", "job training", CivilDay(2026, 5, 1), CivilDay(2026, 5, 1), ""}};
  c.measures = {"office support"};
  return c;
}

const std::vector<std::string> kNeeds = {"EMPLOYMENT", "HOUSING"};
const std::vector<std::string>& kSteps = kDefaultPlanStepCodes;

std::vector<std::string> Fields(const std::vector<Violation>& vs) {
  std::vector<std::string> out;
  for (const auto& v : vs) out.push_back(v.field);
  return out;
}

TEST(PlanContentTest, GoodContentPasses) {
  EXPECT_TRUE(CheckPlanContent(GoodContent(), kNeeds, kSteps).empty());
}

TEST(PlanContentTest, EachProblemNamesItsField) {
  PlanContent c = GoodContent();
  c.need_codes = {"NOT_A_NEED"};
  c.goals.pop_back();  // no LONG goal
  c.steps[0].end_date = CivilDay(2026, 3, 31);
  c.steps[1].step_id = "step-1";  // repeats
  c.measures.clear();
  const auto fields = Fields(CheckPlanContent(c, kNeeds, kSteps));
  EXPECT_EQ(fields, (std::vector<std::string>{"content.need_codes", "content.goals",
                                              "content.steps[0].end_date",
                                              "content.steps[1].step_id", "content.measures"}));
}

TEST(PlanContentTest, BoundsAndStepIds) {
  PlanContent c = GoodContent();
  c.steps[0].step_id = "has space";
  c.steps[1].description = std::string(kMaxPlanTextBytes + 1, 'x');
  c.goals[0].description.clear();
  c.needs_summary = std::string(kMaxNeedsSummaryBytes + 1, 'x');
  const auto fields = Fields(CheckPlanContent(c, kNeeds, kSteps));
  EXPECT_EQ(fields,
            (std::vector<std::string>{"content.needs_summary", "content.goals[0].description",
                                      "content.steps[0].step_id", "content.steps[1].description"}));
  EXPECT_TRUE(IsStepId("a"));
  EXPECT_TRUE(IsStepId(std::string(64, 'a')));
  EXPECT_FALSE(IsStepId(std::string(65, 'a')));
  EXPECT_FALSE(IsStepId(""));
  EXPECT_FALSE(IsStepId("步骤"));
  PlanContent many = GoodContent();
  many.steps.assign(kMaxSteps + 1, many.steps[1]);
  EXPECT_EQ(Fields(CheckPlanContent(many, kNeeds, kSteps)),
            (std::vector<std::string>{"content.steps"}));
}

TEST(PlanContentTest, StepCodesAreRequiredAndFromThePolicy) {
  PlanContent c = GoodContent();
  c.steps[0].step_code.clear();
  c.steps[1].step_code = "<script>free text</script>";
  const auto vs = CheckPlanContent(c, kNeeds, kSteps);
  EXPECT_EQ(Fields(vs),
            (std::vector<std::string>{"content.steps[0].step_code", "content.steps[1].step_code"}));
  // The refusal names the field; the value given is never echoed.
  for (const auto& v : vs) EXPECT_EQ(v.description.find("script"), std::string::npos);
  for (const auto& code : kSteps) {
    PlanContent ok = GoodContent();
    ok.steps[0].step_code = code;
    EXPECT_TRUE(CheckPlanContent(ok, kNeeds, kSteps).empty()) << code;
  }
  // A lower-case spelling of a code is not the code.
  c = GoodContent();
  c.steps[0].step_code = "job_help";
  EXPECT_EQ(Fields(CheckPlanContent(c, kNeeds, kSteps)),
            (std::vector<std::string>{"content.steps[0].step_code"}));
}

CaseView Case(CaseStatus status, bool reported = true) {
  CaseView c;
  c.case_id = "0190a0b0-0000-7000-8000-000000000001";
  c.status = status;
  if (reported) c.intake_reported_on = CivilDay(2026, 3, 2);
  return c;
}

TEST(PlanCaseTest, ClosedOrBeforeIntakeTakesNoPlan) {
  EXPECT_TRUE(CheckCaseTakesPlan(Case(CaseStatus::kActive)).ok());
  EXPECT_EQ(CheckCaseTakesPlan(Case(CaseStatus::kClosed)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckCaseTakesPlan(Case(CaseStatus::kPendingIntake, false)).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(PlanAgreementTest, AdultAndMinor) {
  const CivilDay drafted(2026, 3, 10);
  const CivilDay today(2026, 3, 20);
  PlanVersionRecord adult;
  EXPECT_TRUE(CheckAgreement(adult, drafted, CivilDay(2026, 3, 10), std::nullopt, today).ok());
  EXPECT_EQ(CheckAgreement(adult, drafted, std::nullopt, std::nullopt, today).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckAgreement(adult, drafted, CivilDay(2026, 3, 9), std::nullopt, today).code(),
            absl::StatusCode::kInvalidArgument);  // before it was drafted
  EXPECT_EQ(CheckAgreement(adult, drafted, CivilDay(2026, 3, 21), std::nullopt, today).code(),
            absl::StatusCode::kInvalidArgument);  // in the future
  PlanVersionRecord minor;
  minor.guardian_required = true;
  const absl::Status no_guardian =
      CheckAgreement(minor, drafted, CivilDay(2026, 3, 12), std::nullopt, today);
  EXPECT_EQ(no_guardian.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(no_guardian.message().find("guardian_agreed_on"), std::string::npos);
  EXPECT_TRUE(
      CheckAgreement(minor, drafted, CivilDay(2026, 3, 12), CivilDay(2026, 3, 20), today).ok());
  EXPECT_FALSE(
      CheckAgreement(minor, drafted, CivilDay(2026, 3, 12), CivilDay(2026, 3, 21), today).ok());
}

TEST(PlanStepDayTest, NotFutureNotBeforeThePreviousStep) {
  const CivilDay today(2026, 3, 20);
  EXPECT_TRUE(CheckStepDay(today, CivilDay(2026, 3, 20), today, "approved_on").ok());
  EXPECT_FALSE(CheckStepDay(CivilDay(2026, 3, 19), CivilDay(2026, 3, 20), today, "x").ok());
  EXPECT_FALSE(CheckStepDay(CivilDay(2026, 3, 21), std::nullopt, today, "x").ok());
  EXPECT_TRUE(CheckStepDay(CivilDay(2020, 1, 1), std::nullopt, today, "x").ok());
}

PlanVersionRecord V(int version, PlanStatus s) {
  PlanVersionRecord v;
  v.version = version;
  v.status = s;
  return v;
}

TEST(PlanInForceTest, ActiveElseLatestApproved) {
  EXPECT_EQ(VersionInForce({}), nullptr);
  EXPECT_EQ(VersionInForce({V(1, PlanStatus::kDraft)}), nullptr);
  EXPECT_EQ(VersionInForce({V(1, PlanStatus::kAgreed)}), nullptr);
  std::vector<PlanVersionRecord> approved = {V(1, PlanStatus::kApproved)};
  EXPECT_EQ(VersionInForce(approved)->version, 1);
  std::vector<PlanVersionRecord> revising = {V(1, PlanStatus::kSuperseded),
                                             V(2, PlanStatus::kActive), V(3, PlanStatus::kDraft)};
  EXPECT_EQ(VersionInForce(revising)->version, 2);
  EXPECT_EQ(VersionInForce({V(1, PlanStatus::kClosed)}), nullptr);

  EXPECT_TRUE(RevisionApplies(Case(CaseStatus::kActive), revising));
  EXPECT_FALSE(RevisionApplies(Case(CaseStatus::kClosed), revising));
  EXPECT_FALSE(RevisionApplies(Case(CaseStatus::kActive), {V(1, PlanStatus::kDraft)}));
}

absl::Time Utc(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), absl::UTCTimeZone());
}

TEST(RevisionDueTest, MonthEndsYearEndsAndLeapDaysInShanghai) {
  // 2028-02-28 16:30 UTC is 2028-02-29 00:30 in Shanghai: a leap day.
  EXPECT_EQ(RevisionTriggerDay(Utc(2028, 2, 28, 16, 30)), CivilDay(2028, 2, 29));
  EXPECT_EQ(RevisionTriggerDay(Utc(2028, 2, 28, 15, 59)), CivilDay(2028, 2, 28));
  EXPECT_EQ(RevisionDueOn(CivilDay(2028, 2, 29), 15), CivilDay(2028, 3, 15));
  EXPECT_EQ(RevisionDueOn(CivilDay(2028, 2, 14), 15), CivilDay(2028, 2, 29));
  EXPECT_EQ(RevisionDueOn(CivilDay(2027, 2, 14), 15), CivilDay(2027, 3, 1));
  // A year end: 2026-12-31 17:00 UTC is already 2027-01-01 in Shanghai.
  EXPECT_EQ(RevisionTriggerDay(Utc(2026, 12, 31, 17, 0)), CivilDay(2027, 1, 1));
  EXPECT_EQ(RevisionDueOn(CivilDay(2026, 12, 31), 15), CivilDay(2027, 1, 15));
  EXPECT_EQ(RevisionDueOn(CivilDay(2026, 1, 31), 1), CivilDay(2026, 2, 1));
  EXPECT_EQ(RevisionDueOn(CivilDay(2026, 4, 30), 90), CivilDay(2026, 7, 29));
  // The due day itself is in time; the day after is overdue.
  EXPECT_FALSE(Overdue(CivilDay(2028, 3, 15), false, CivilDay(2028, 3, 15)));
  EXPECT_TRUE(Overdue(CivilDay(2028, 3, 15), false, CivilDay(2028, 3, 16)));
}

}  // namespace
}  // namespace ccms::education::domain
