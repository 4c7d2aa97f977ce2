// CorrectionPlanServiceImpl with an in-memory store: the plan's life from draft to closed, roles,
// request checks, revisions settled by an approval, and what the events carry (codes, dates and
// ids; never the plan's text).
#include "services/education/correction_plan_service.h"

#include <algorithm>

#include "ccms/education/v1/education_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/services/education/domain/test_policy.h"
#include "tests/support/test_tokens.h"

namespace ccms::education {
namespace {

constexpr char kCase[] = "0190a0b0-0000-7000-8000-000000000001";
constexpr char kSecretText[] = "PLAN-TEXT-STAYS-INSIDE";

class FakePlanStore : public PlanStore {
 public:
  absl::StatusOr<PlanState> Mutate(const auth::Principal& principal, const std::string& case_id,
                                   std::string_view method, const std::string&,
                                   const PlanDecision& decide) override {
    ++mutations;
    last_method = std::string(method);
    if (!Visible(principal, case_id)) return absl::NotFoundError("case not found");
    auto w = decide(state);
    if (!w.ok()) return w.status();
    for (const auto& v : w->versions) {
      auto it = std::find_if(state.versions.begin(), state.versions.end(),
                             [&](const auto& o) { return o.version_id == v.version_id; });
      if (it == state.versions.end()) {
        state.versions.push_back(v);
      } else {
        *it = v;
      }
    }
    for (const auto& id : w->settle_revision_ids) {
      state.revisions_due.erase(
          std::remove_if(state.revisions_due.begin(), state.revisions_due.end(),
                         [&](const auto& r) { return r.revision_id == id; }),
          state.revisions_due.end());
    }
    for (const auto& e : w->events) events.push_back(e);
    return state;
  }
  absl::StatusOr<PlanState> Get(const auth::Principal& principal,
                                const std::string& case_id) override {
    if (!Visible(principal, case_id)) return absl::NotFoundError("case not found");
    return state;
  }
  absl::StatusOr<OverdueRevisionPage> ListOverdue(const auth::Principal&,
                                                  const OverdueRevisionFilter& f) override {
    last_filter = f;
    OverdueRevisionPage p;
    p.items = state.revisions_due;
    return p;
  }

  bool Visible(const auth::Principal& p, const std::string& case_id) const {
    if (case_id != state.case_row.view.case_id) return false;
    if (p.all_districts) return true;
    return std::find(p.districts.begin(), p.districts.end(), state.case_row.view.district_code) !=
           p.districts.end();
  }

  PlanState state;
  std::vector<events::v1::Envelope> events;
  int mutations = 0;
  std::string last_method;
  OverdueRevisionFilter last_filter;
};

google::type::Date D(int y, int m, int d) {
  return grpc_util::ToProtoDate(absl::CivilDay(y, m, d));
}

class CorrectionPlanServiceTest : public ::testing::Test {
 protected:
  CorrectionPlanServiceTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 3, 20, 10, 0, 0), absl::UTCTimeZone())),
        workers_(1, 1),
        verifier_(ccms::testing::HmacVerifier(std::string(40, 'k'))),
        executor_(workers_, *verifier_, clock_),
        policies_(domain::testing::DefaultPolicies()),
        service_(store_, executor_, policies_, clock_) {
    worker_.subject = "sw-1";
    worker_.role = auth::Role::kSocialWorker;
    worker_.districts = {"110101"};
    staff_ = worker_;
    staff_.subject = "staff-1";
    staff_.role = auth::Role::kOfficeStaff;
    CaseRow& c = store_.state.case_row;
    c.view.case_id = kCase;
    c.view.district_code = "110101";
    c.view.status = domain::CaseStatus::kActive;
    c.view.minor = false;
    c.view.intake_reported_on = absl::CivilDay(2026, 3, 2);
  }

  static v1::PlanContent Content() {
    v1::PlanContent c;
    c.add_need_codes("EMPLOYMENT");
    c.set_needs_summary(kSecretText);
    for (auto [term, month] :
         {std::pair{v1::GOAL_TERM_SHORT, 4}, std::pair{v1::GOAL_TERM_MEDIUM, 9},
          std::pair{v1::GOAL_TERM_LONG, 12}}) {
      v1::PlanGoal* g = c.add_goals();
      g->set_term(term);
      g->set_description(kSecretText);
      *g->mutable_target_date() = D(2026, month, 30);
    }
    v1::PlanStep* s = c.add_steps();
    s->set_step_id("weekly-talk");
    s->set_step_code("PSYCHOLOGICAL_COUNSELLING");
    s->set_description(kSecretText);
    *s->mutable_start_date() = D(2026, 3, 23);
    *s->mutable_end_date() = D(2026, 6, 30);
    s->set_schedule("weekly");
    v1::PlanStep* t = c.add_steps();  // no id: the service gives one
    t->set_description("training");
    t->set_step_code("SKILLS_TRAINING");
    *t->mutable_start_date() = D(2026, 4, 1);
    *t->mutable_end_date() = D(2026, 4, 30);
    c.add_measures(kSecretText);
    return c;
  }

  v1::CasePlan Draft(int expected = 0) {
    v1::DraftPlanRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_case_id(kCase);
    r.set_expected_version(expected);
    *r.mutable_content() = Content();
    v1::DraftPlanResponse resp;
    const absl::Status st = service_.DoDraftPlan(worker_, r, &resp);
    EXPECT_TRUE(st.ok()) << st;
    return resp.plan();
  }
  absl::Status Agree(int version, google::type::Date person, google::type::Date guardian = {}) {
    v1::RecordPlanAgreementRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_case_id(kCase);
    r.set_version(version);
    *r.mutable_person_agreed_on() = person;
    *r.mutable_guardian_agreed_on() = guardian;
    v1::RecordPlanAgreementResponse resp;
    return service_.DoRecordPlanAgreement(worker_, r, &resp);
  }
  absl::Status Approve(const auth::Principal& who, int version) {
    v1::ApprovePlanRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_case_id(kCase);
    r.set_version(version);
    v1::ApprovePlanResponse resp;
    return service_.DoApprovePlan(who, r, &resp);
  }
  absl::Status Activate(int version) {
    v1::ActivatePlanRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_case_id(kCase);
    r.set_version(version);
    v1::ActivatePlanResponse resp;
    return service_.DoActivatePlan(worker_, r, &resp);
  }
  v1::CasePlan Get(int version = 0) {
    v1::GetPlanRequest r;
    r.set_case_id(kCase);
    r.set_version(version);
    v1::GetPlanResponse resp;
    EXPECT_TRUE(service_.DoGetPlan(worker_, r, &resp).ok());
    return resp.plan();
  }
  std::vector<std::string> EventTypes() const {
    std::vector<std::string> out;
    for (const auto& e : store_.events) out.push_back(e.type());
    return out;
  }

  time::FakeClock clock_;
  concurrency::WorkerPool workers_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  grpc_util::CallExecutor executor_;
  domain::EducationPolicies policies_;
  FakePlanStore store_;
  CorrectionPlanServiceImpl service_;
  auth::Principal worker_;
  auth::Principal staff_;
};

TEST_F(CorrectionPlanServiceTest, DraftAgreeApproveActivateReviseClose) {
  v1::CasePlan p = Draft();
  EXPECT_EQ(store_.last_method, "DraftPlan");
  ASSERT_EQ(p.plan().version(), 1);
  EXPECT_EQ(p.plan().status(), v1::PLAN_STATUS_DRAFT);
  EXPECT_EQ(p.plan().content().steps(0).step_id(), "weekly-talk");
  EXPECT_TRUE(ids::IsUuid(p.plan().content().steps(1).step_id()));
  EXPECT_FALSE(p.plan().guardian_required());
  // Editing the draft keeps version 1 (and the expected version must be named).
  EXPECT_EQ(Draft(1).plan().version(), 1);
  v1::DraftPlanRequest again;
  again.set_request_id(ids::NewUuid());
  again.set_case_id(kCase);
  *again.mutable_content() = Content();
  v1::DraftPlanResponse resp;
  EXPECT_EQ(service_.DoDraftPlan(worker_, again, &resp).code(),
            absl::StatusCode::kFailedPrecondition);

  // Approval before the agreement is refused by the state machine.
  EXPECT_EQ(Approve(staff_, 1).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Agree(1, D(2026, 3, 20)).ok());
  // A social worker may not approve.
  EXPECT_EQ(Approve(worker_, 1).code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(Approve(staff_, 1).ok());
  EXPECT_EQ(Get().plan().approved_by(), "staff-1");
  ASSERT_TRUE(Activate(1).ok());
  EXPECT_EQ(Get().plan().status(), v1::PLAN_STATUS_ACTIVE);

  // A revision due (as the consumer records it) is settled by the next approval.
  RevisionDueRecord due;
  due.revision_id = ids::NewUuid();
  due.case_id = kCase;
  due.district_code = "110101";
  due.reason = domain::RevisionReason::kSanction;
  due.triggered_on = absl::CivilDay(2026, 3, 1);
  due.due_on = absl::CivilDay(2026, 3, 16);
  due.plan_version = 1;
  store_.state.revisions_due.push_back(due);
  v1::CasePlan with_due = Get();
  ASSERT_EQ(with_due.revisions_due_size(), 1);
  EXPECT_TRUE(with_due.revisions_due(0).overdue());  // 03-20 > 03-16
  EXPECT_EQ(with_due.revisions_due(0).reason(), v1::REVISION_REASON_SANCTION);

  v1::RevisePlanRequest rev;
  rev.set_request_id(ids::NewUuid());
  rev.set_case_id(kCase);
  rev.set_expected_version(1);
  *rev.mutable_content() = Content();
  v1::RevisePlanResponse rresp;
  EXPECT_EQ(service_.DoRevisePlan(worker_, rev, &rresp).code(),
            absl::StatusCode::kInvalidArgument);  // no reason
  rev.set_reason(v1::REVISION_REASON_SANCTION);
  ASSERT_TRUE(service_.DoRevisePlan(worker_, rev, &rresp).ok());
  EXPECT_EQ(rresp.plan().plan().version(), 2);
  EXPECT_EQ(rresp.plan().plan().status(), v1::PLAN_STATUS_DRAFT);
  EXPECT_EQ(rresp.plan().versions_size(), 2);
  // Version 1 stays ACTIVE and readable while version 2 is worked on.
  EXPECT_EQ(Get(1).plan().status(), v1::PLAN_STATUS_ACTIVE);
  // A second revision of the same version is refused (version 2 is the latest).
  rev.set_request_id(ids::NewUuid());
  EXPECT_EQ(service_.DoRevisePlan(worker_, rev, &rresp).code(),
            absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(Agree(2, D(2026, 3, 20)).ok());
  ASSERT_TRUE(Approve(staff_, 2).ok());
  EXPECT_TRUE(store_.state.revisions_due.empty());
  ASSERT_TRUE(Activate(2).ok());
  EXPECT_EQ(Get(1).plan().status(), v1::PLAN_STATUS_SUPERSEDED);
  EXPECT_EQ(Get(1).plan().superseded_on().day(), 20);
  EXPECT_EQ(Get(2).plan().status(), v1::PLAN_STATUS_ACTIVE);

  v1::ClosePlanRequest close;
  close.set_request_id(ids::NewUuid());
  close.set_case_id(kCase);
  close.set_version(2);
  v1::ClosePlanResponse cresp;
  EXPECT_EQ(service_.DoClosePlan(worker_, close, &cresp).code(),
            absl::StatusCode::kInvalidArgument);  // no closing report
  close.set_closing_report(kSecretText);
  ASSERT_TRUE(service_.DoClosePlan(worker_, close, &cresp).ok());
  EXPECT_EQ(cresp.plan().plan().status(), v1::PLAN_STATUS_CLOSED);

  EXPECT_EQ(EventTypes(), (std::vector<std::string>{
                              "ccms.education.plan_agreed", "ccms.education.plan_approved",
                              "ccms.education.plan_revised", "ccms.education.plan_agreed",
                              "ccms.education.plan_approved", "ccms.education.plan_closed"}));
  v1::PlanApproved approved;
  ASSERT_TRUE(store_.events[4].payload().UnpackTo(&approved));
  EXPECT_EQ(approved.version(), 2);
  ASSERT_EQ(approved.settled_revision_ids_size(), 1);
  EXPECT_EQ(approved.settled_revision_ids(0), due.revision_id);
  // The approved version's steps as employment follows them: ids, codes and dates.
  ASSERT_EQ(approved.steps_size(), 2);
  EXPECT_EQ(approved.steps(0).step_id(), "weekly-talk");
  EXPECT_EQ(approved.steps(0).step_code(), "PSYCHOLOGICAL_COUNSELLING");
  EXPECT_EQ(approved.steps(0).start_date().day(), 23);
  EXPECT_EQ(approved.steps(0).end_date().month(), 6);
  EXPECT_EQ(approved.steps(1).step_code(), "SKILLS_TRAINING");
  EXPECT_FALSE(approved.steps(1).step_id().empty());  // the id the service gave
  v1::PlanRevised revised;
  ASSERT_TRUE(store_.events[2].payload().UnpackTo(&revised));
  EXPECT_EQ(revised.reason(), v1::REVISION_REASON_SANCTION);
  EXPECT_EQ(revised.previous_version(), 1);
  for (const auto& e : store_.events) {
    EXPECT_EQ(e.SerializeAsString().find(kSecretText), std::string::npos) << e.type();
  }
}

TEST_F(CorrectionPlanServiceTest, AMinorsPlanIsAgreedWithTheGuardianToo) {
  store_.state.case_row.view.minor = true;
  EXPECT_TRUE(Draft().plan().guardian_required());
  const absl::Status st = Agree(1, D(2026, 3, 20));
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get().plan().status(), v1::PLAN_STATUS_DRAFT);
  ASSERT_TRUE(Agree(1, D(2026, 3, 20), D(2026, 3, 20)).ok());
  EXPECT_EQ(Get().plan().guardian_agreed_on().day(), 20);
  v1::PlanAgreed e;
  ASSERT_TRUE(store_.events.back().payload().UnpackTo(&e));
  EXPECT_EQ(e.guardian_agreed_on().day(), 20);
}

TEST_F(CorrectionPlanServiceTest, RefusesBadRequestsBeforeTheStore) {
  v1::DraftPlanRequest r;
  r.set_request_id(ids::NewUuid());
  r.set_case_id(kCase);
  *r.mutable_content() = Content();
  r.mutable_content()->mutable_goals(0)->clear_target_date();
  r.mutable_content()->mutable_goals(1)->set_term(v1::GOAL_TERM_UNSPECIFIED);
  r.mutable_content()->add_need_codes("NOT_A_CODE");
  r.mutable_content()->mutable_steps(0)->clear_step_code();
  r.mutable_content()->mutable_steps(1)->set_step_code(kSecretText);
  v1::DraftPlanResponse resp;
  const absl::Status st = service_.DoDraftPlan(worker_, r, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : grpc_util::ViolationsOf(st)) fields.push_back(v.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "content.goals[0].target_date"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "content.goals[1].term"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "content.need_codes"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "content.steps[0].step_code"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "content.steps[1].step_code"), fields.end());
  EXPECT_EQ(std::string(st.message()).find(kSecretText), std::string::npos);
  for (const auto& v : grpc_util::ViolationsOf(st)) {
    EXPECT_EQ(v.description.find(kSecretText), std::string::npos);
  }
  r = v1::DraftPlanRequest();
  r.set_case_id(kCase);
  *r.mutable_content() = Content();
  EXPECT_EQ(service_.DoDraftPlan(worker_, r, &resp).code(), absl::StatusCode::kInvalidArgument);
  r.set_request_id(ids::NewUuid());
  r.set_expected_version(-1);
  EXPECT_EQ(service_.DoDraftPlan(worker_, r, &resp).code(), absl::StatusCode::kInvalidArgument);
  v1::ListOverdueRevisionsRequest list;
  list.set_page_size(501);
  v1::ListOverdueRevisionsResponse lresp;
  EXPECT_EQ(service_.DoListOverdueRevisions(worker_, list, &lresp).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.mutations, 0);
}

TEST_F(CorrectionPlanServiceTest, RolesDistrictsAndCaseState) {
  auth::Principal auditor = worker_;
  auditor.role = auth::Role::kAuditor;
  v1::DraftPlanRequest r;
  r.set_request_id(ids::NewUuid());
  r.set_case_id(kCase);
  *r.mutable_content() = Content();
  v1::DraftPlanResponse resp;
  EXPECT_EQ(service_.DoDraftPlan(auditor, r, &resp).code(), absl::StatusCode::kPermissionDenied);
  auth::Principal partner = worker_;
  partner.role = auth::Role::kPartner;
  v1::GetPlanRequest get;
  get.set_case_id(kCase);
  v1::GetPlanResponse got;
  EXPECT_EQ(service_.DoGetPlan(partner, get, &got).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(service_.DoGetPlan(auditor, get, &got).ok());
  EXPECT_FALSE(got.plan().has_plan());  // no plan yet
  auth::Principal elsewhere = worker_;
  elsewhere.districts = {"110102"};
  EXPECT_EQ(service_.DoDraftPlan(elsewhere, r, &resp).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(service_.DoGetPlan(elsewhere, get, &got).code(), absl::StatusCode::kNotFound);
  store_.state.case_row.view.status = domain::CaseStatus::kClosed;
  EXPECT_EQ(service_.DoDraftPlan(worker_, r, &resp).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(CorrectionPlanServiceTest, ListOverdueRevisionsPassesItsFilter) {
  v1::ListOverdueRevisionsRequest req;
  req.set_district_code("110101");
  v1::ListOverdueRevisionsResponse resp;
  ASSERT_TRUE(service_.DoListOverdueRevisions(staff_, req, &resp).ok());
  EXPECT_EQ(store_.last_filter.district_code, "110101");
  EXPECT_EQ(store_.last_filter.page_size, 50);
  EXPECT_EQ(store_.last_filter.today, absl::CivilDay(2026, 3, 20));
}

}  // namespace
}  // namespace ccms::education
