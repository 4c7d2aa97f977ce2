// The correction plan against a real PostgreSQL and the dev Kafka broker (started by tests/run):
// a plan drafted, agreed, approved and activated; a level change from assessment through Kafka
// makes a revision due (with its event on ccms.education.v1); the overdue list per district; a
// revision settles it; sanctions through the inbox apply once; versions stay readable; audit.
// The catalogue: district scope of its items, the monthly theme.
#include <atomic>

#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/education/v1/education_events.pb.h"
#include "ccms/events/v1/envelope.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/education_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
namespace v1 = education::v1;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";
constexpr char kRecordsTopic[] = "ccms.records.v1";
constexpr char kAssessmentTopic[] = "ccms.assessment.v1";
constexpr char kEducationTopic[] = "ccms.education.v1";
constexpr char kSecretText[] = "PLAN-TEXT-STAYS-IN-EDUCATION";

google::type::Date Date(absl::CivilDay d) { return grpc_util::ToProtoDate(d); }
absl::CivilDay DayOf(const google::type::Date& d) {
  bool invalid = false;
  return grpc_util::FromProtoDate(d, &invalid).value_or(absl::CivilDay());
}

class EducationPlanIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    harness_ = new EducationHarness();
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
    h().clock().Set(FixedTestNow());
  }

  EducationHarness& h() { return *harness_; }
  std::string WorkerA() { return h().Token(Role::kSocialWorker, {kDistrictA}, "sw-a"); }
  std::string StaffA() { return h().Token(Role::kOfficeStaff, {kDistrictA}, "staff-a"); }
  std::string StaffB() { return h().Token(Role::kOfficeStaff, {kDistrictB}, "staff-b"); }
  absl::CivilDay Today() { return time::ShanghaiDay(h().clock().Now()); }
  int64_t Count(const std::string& sql) { return std::stoll(h().db().QueryValue(sql)); }

  events::v1::Envelope Event(const std::string& type, const std::string& case_id,
                             const google::protobuf::Message& payload) {
    return kafka::MakeEnvelope(type, case_id, kDistrictA, absl::Now(), absl::Now(), "plan-test",
                               payload);
  }
  bool ApplyCase(const events::v1::Envelope& e) {
    auto r = h().consumer().Process(kRecordsTopic, 0, next_offset_++, e.SerializeAsString());
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && *r;
  }
  bool ApplyTrigger(const std::string& topic, const events::v1::Envelope& e) {
    auto r = h().plan_consumer().Process(topic, 0, next_offset_++, e.SerializeAsString());
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && *r;
  }
  void Produce(const std::string& topic, const events::v1::Envelope& e) {
    std::atomic<int> delivered{0};
    auto producer = kafka::KafkaProducer::Create(
        {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap},
        [&](const kafka::DeliveryReport& r) { delivered += r.ok ? 1 : 0; });
    ASSERT_TRUE(producer.ok());
    ASSERT_TRUE((*producer)
                    ->Produce({.topic = topic, .key = e.case_id(), .value = e.SerializeAsString()})
                    .ok());
    ASSERT_TRUE((*producer)->Flush(10000));
    ASSERT_EQ(delivered.load(), 1);
  }
  bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return done();
  }

  // An active case of district A reported 10 days ago.
  std::string ActiveCase(bool minor) {
    const std::string id = ids::NewUuid();
    records::v1::CaseOpened o;
    o.set_case_id(id);
    o.set_district_code(kDistrictA);
    o.set_office_id("office-1");
    *o.mutable_supervision_start_date() = Date(Today() - 20);
    *o.mutable_supervision_end_date() = Date(Today() + 700);
    o.set_minor(minor);
    EXPECT_TRUE(ApplyCase(Event("ccms.records.case_opened", id, o)));
    records::v1::IntakeReported in;
    in.set_case_id(id);
    in.set_district_code(kDistrictA);
    *in.mutable_reported_on() = Date(Today() - 10);
    EXPECT_TRUE(ApplyCase(Event("ccms.records.intake_reported", id, in)));
    return id;
  }

  v1::PlanContent Content() {
    v1::PlanContent c;
    c.add_need_codes("EMPLOYMENT");
    c.set_needs_summary(kSecretText);
    int months = 1;
    for (auto term : {v1::GOAL_TERM_SHORT, v1::GOAL_TERM_MEDIUM, v1::GOAL_TERM_LONG}) {
      v1::PlanGoal* g = c.add_goals();
      g->set_term(term);
      g->set_description(kSecretText);
      *g->mutable_target_date() = Date(Today() + 30 * months);
      months *= 3;
    }
    v1::PlanStep* s = c.add_steps();
    s->set_step_id("talks");
    s->set_step_code("EDUCATION_STUDY");
    s->set_description(kSecretText);
    *s->mutable_start_date() = Date(Today());
    *s->mutable_end_date() = Date(Today() + 60);
    s->set_schedule("weekly");
    c.add_measures(kSecretText);
    return c;
  }

  grpc::Status Draft(const std::string& token, const std::string& id, int expected,
                     v1::CasePlan* out = nullptr) {
    v1::DraftPlanRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(id);
    req.set_expected_version(expected);
    *req.mutable_content() = Content();
    v1::DraftPlanResponse resp;
    auto ctx = h().Context(token);
    grpc::Status st = h().plans().DraftPlan(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.plan();
    return st;
  }
  grpc::Status Agree(const std::string& id, int version, bool guardian) {
    v1::RecordPlanAgreementRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(id);
    req.set_version(version);
    *req.mutable_person_agreed_on() = Date(Today());
    if (guardian) *req.mutable_guardian_agreed_on() = Date(Today());
    v1::RecordPlanAgreementResponse resp;
    auto ctx = h().Context(WorkerA());
    return h().plans().RecordPlanAgreement(ctx.get(), req, &resp);
  }
  grpc::Status Approve(const std::string& token, const std::string& id, int version) {
    v1::ApprovePlanRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(id);
    req.set_version(version);
    v1::ApprovePlanResponse resp;
    auto ctx = h().Context(token);
    return h().plans().ApprovePlan(ctx.get(), req, &resp);
  }
  grpc::Status Activate(const std::string& id, int version) {
    v1::ActivatePlanRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(id);
    req.set_version(version);
    v1::ActivatePlanResponse resp;
    auto ctx = h().Context(WorkerA());
    return h().plans().ActivatePlan(ctx.get(), req, &resp);
  }
  grpc::Status Get(const std::string& token, const std::string& id, v1::CasePlan* out,
                   int version = 0) {
    v1::GetPlanRequest req;
    req.set_case_id(id);
    req.set_version(version);
    v1::GetPlanResponse resp;
    auto ctx = h().Context(token);
    grpc::Status st = h().plans().GetPlan(ctx.get(), req, &resp);
    *out = resp.plan();
    return st;
  }
  std::vector<std::string> Overdue(const std::string& token, const std::string& district = "") {
    v1::ListOverdueRevisionsRequest req;
    req.set_district_code(district);
    req.set_page_size(500);
    v1::ListOverdueRevisionsResponse resp;
    auto ctx = h().Context(token);
    EXPECT_TRUE(h().plans().ListOverdueRevisions(ctx.get(), req, &resp).ok());
    std::vector<std::string> cases;
    for (const auto& r : resp.items()) cases.push_back(r.case_id());
    return cases;
  }
  // A case with version 1 of its plan ACTIVE.
  std::string CaseWithActivePlan(bool minor) {
    const std::string id = ActiveCase(minor);
    EXPECT_TRUE(Draft(WorkerA(), id, 0).ok());
    EXPECT_TRUE(Agree(id, 1, minor).ok());
    EXPECT_TRUE(Approve(StaffA(), id, 1).ok());
    EXPECT_TRUE(Activate(id, 1).ok());
    return id;
  }
  static bool Has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }

  static EducationHarness* harness_;
  int64_t next_offset_ = 2000000;
};

EducationHarness* EducationPlanIntegrationTest::harness_ = nullptr;

TEST_F(EducationPlanIntegrationTest, AMinorsPlanFromDraftToActiveWithAudit) {
  const std::string id = ActiveCase(/*minor=*/true);
  v1::CasePlan p;
  ASSERT_TRUE(Draft(WorkerA(), id, 0, &p).ok());
  EXPECT_EQ(p.plan().version(), 1);
  EXPECT_TRUE(p.plan().guardian_required());
  EXPECT_EQ(p.plan().content().steps(0).step_id(), "talks");
  EXPECT_EQ(p.plan().content().steps(0).step_code(), "EDUCATION_STUDY");
  EXPECT_EQ(p.plan().content().goals_size(), 3);
  // Without the guardian a minor's plan is not agreed.
  EXPECT_EQ(Agree(id, 1, false).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Agree(id, 1, true).ok());
  // Social workers do not approve; district B does not see the case.
  EXPECT_EQ(Approve(WorkerA(), id, 1).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Approve(StaffB(), id, 1).error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Approve(StaffA(), id, 1).ok());
  ASSERT_TRUE(Activate(id, 1).ok());
  ASSERT_TRUE(Get(WorkerA(), id, &p).ok());
  EXPECT_EQ(p.plan().status(), v1::PLAN_STATUS_ACTIVE);
  EXPECT_EQ(DayOf(p.plan().guardian_agreed_on()), Today());
  EXPECT_EQ(p.plan().approved_by(), "staff-a");
  EXPECT_EQ(p.plan().content().needs_summary(), kSecretText);
  EXPECT_EQ(Count("SELECT count(*) FROM plan_versions WHERE case_id = '" + id +
                  "' AND status = 'ACTIVE'"),
            1);
  // Every read and write audited; the refused one in district B too.
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + id +
                  "' AND action IN ('DraftPlan', 'RecordPlanAgreement', 'ApprovePlan',"
                  " 'ActivatePlan', 'GetPlan') AND result = 'OK'"),
            5);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + id +
                  "' AND action = 'ApprovePlan' AND result = 'NOT_FOUND'"),
            1);
  // The text of the plan is on no event.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE position('" + std::string(kSecretText) +
                  "' in encode(payload, 'escape')) > 0"),
            0);
  // A version stored before step codes existed (no step_code in its content) reads as OTHER.
  EXPECT_EQ(Count("WITH u AS (UPDATE plan_versions SET content = content #- '{steps,0,step_code}'"
                  " WHERE case_id = '" +
                  id + "' RETURNING 1) SELECT count(*) FROM u"),
            1);
  ASSERT_TRUE(Get(WorkerA(), id, &p).ok());
  EXPECT_EQ(p.plan().content().steps(0).step_code(), "OTHER");
}

TEST_F(EducationPlanIntegrationTest, ALevelChangeThroughKafkaMakesARevisionDue) {
  const std::string id = CaseWithActivePlan(false);
  assessment::v1::SupervisionLevelChanged lc;
  lc.set_case_id(id);
  lc.set_district_code(kDistrictA);
  lc.set_level(common::v1::SUPERVISION_LEVEL_STRICT);
  lc.set_previous_level(common::v1::SUPERVISION_LEVEL_STANDARD);
  *lc.mutable_effective_on() = Date(Today());
  lc.set_rule("WARNING");
  lc.set_change_id(ids::NewUuid());
  Produce(kAssessmentTopic, Event("ccms.assessment.supervision_level_changed", id, lc));
  v1::CasePlan p;
  ASSERT_TRUE(WaitFor([&] { return Get(WorkerA(), id, &p).ok() && p.revisions_due_size() == 1; },
                      absl::Seconds(60)))
      << "the plan consumer did not apply supervision_level_changed";
  const v1::PlanRevisionDue& due = p.revisions_due(0);
  EXPECT_EQ(due.reason(), v1::REVISION_REASON_LEVEL_CHANGED);
  EXPECT_EQ(DayOf(due.triggered_on()), Today());
  EXPECT_EQ(DayOf(due.due_on()), Today() + h().policy().plan_revision_within_days);
  EXPECT_EQ(due.plan_version(), 1);
  EXPECT_FALSE(due.overdue());
  EXPECT_FALSE(Has(Overdue(StaffA()), id));

  // Its event reaches the topic, keyed by the case.
  auto records = ReadTopic(
      kEducationTopic,
      [&](const std::vector<ConsumedRecord>& rs) {
        for (const auto& r : rs) {
          if (r.key == id && r.headers.count("ce_type") &&
              r.headers.at("ce_type") == "ccms.education.plan_revision_due") {
            return true;
          }
        }
        return false;
      },
      absl::Seconds(60));
  bool seen = false;
  for (const auto& r : records) {
    if (r.key != id) continue;
    events::v1::Envelope env;
    ASSERT_TRUE(env.ParseFromString(r.value));
    if (env.type() != "ccms.education.plan_revision_due") continue;
    v1::PlanRevisionDueRaised e;
    ASSERT_TRUE(env.payload().UnpackTo(&e));
    EXPECT_EQ(e.revision_id(), due.revision_id());
    EXPECT_EQ(e.reason(), v1::REVISION_REASON_LEVEL_CHANGED);
    EXPECT_EQ(DayOf(e.due_on()), DayOf(due.due_on()));
    seen = true;
  }
  EXPECT_TRUE(seen);

  // The day after the due day it is overdue, on district A's list and never on B's.
  h().clock().Set(h().clock().Now() +
                  absl::Hours(24) * (h().policy().plan_revision_within_days + 1));
  EXPECT_TRUE(Has(Overdue(StaffA()), id));
  EXPECT_TRUE(Has(Overdue(StaffA(), kDistrictA), id));
  EXPECT_FALSE(Has(Overdue(StaffB()), id));
  EXPECT_FALSE(Has(Overdue(StaffA(), kDistrictB), id));
  ASSERT_TRUE(Get(WorkerA(), id, &p).ok());
  EXPECT_TRUE(p.revisions_due(0).overdue());

  // A revision approved settles it; version 1 stays readable and is superseded on activation.
  v1::RevisePlanRequest rev;
  rev.set_request_id(ids::NewUuid());
  rev.set_case_id(id);
  rev.set_expected_version(1);
  rev.set_reason(v1::REVISION_REASON_LEVEL_CHANGED);
  *rev.mutable_content() = Content();
  v1::RevisePlanResponse rresp;
  auto ctx = h().Context(WorkerA());
  ASSERT_TRUE(h().plans().RevisePlan(ctx.get(), rev, &rresp).ok());
  EXPECT_EQ(rresp.plan().plan().version(), 2);
  ASSERT_TRUE(Agree(id, 2, false).ok());
  ASSERT_TRUE(Approve(StaffA(), id, 2).ok());
  EXPECT_FALSE(Has(Overdue(StaffA()), id));
  ASSERT_TRUE(Activate(id, 2).ok());
  ASSERT_TRUE(Get(WorkerA(), id, &p, 1).ok());
  EXPECT_EQ(p.plan().status(), v1::PLAN_STATUS_SUPERSEDED);
  EXPECT_EQ(p.versions_size(), 2);
  EXPECT_EQ(p.revisions_due_size(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM plan_revisions_due WHERE case_id = '" + id +
                  "' AND settled_by_version = 2"),
            1);
}

TEST_F(EducationPlanIntegrationTest, SanctionsAndOtherTriggersThroughTheInbox) {
  const std::string id = CaseWithActivePlan(false);
  records::v1::SanctionIssued s;
  s.set_case_id(id);
  s.set_district_code(kDistrictA);
  s.set_sanction_id(ids::NewUuid());
  s.set_kind(records::v1::SANCTION_KIND_WARNING);
  *s.mutable_issued_on() = Date(Today() - 2);
  const events::v1::Envelope sanction = Event("ccms.records.sanction_issued", id, s);
  EXPECT_TRUE(ApplyTrigger(kRecordsTopic, sanction));
  EXPECT_FALSE(ApplyTrigger(kRecordsTopic, sanction));  // redelivered: the inbox has it
  // A first level (previous UNSPECIFIED) is no change; a case without a plan has nothing due.
  assessment::v1::SupervisionLevelChanged first;
  first.set_case_id(id);
  first.set_level(common::v1::SUPERVISION_LEVEL_STRICT);
  *first.mutable_effective_on() = Date(Today());
  EXPECT_TRUE(ApplyTrigger(kAssessmentTopic,
                           Event("ccms.assessment.supervision_level_changed", id, first)));
  const std::string no_plan = ActiveCase(false);
  s.set_case_id(no_plan);
  EXPECT_TRUE(ApplyTrigger(kRecordsTopic, Event("ccms.records.sanction_issued", no_plan, s)));
  EXPECT_EQ(Count("SELECT count(*) FROM plan_revisions_due WHERE case_id = '" + no_plan + "'"), 0);
  // A crisis flag counts on the Shanghai day it was raised.
  assessment::v1::CrisisFlagRaised crisis;
  crisis.set_case_id(id);
  crisis.set_flag_id(ids::NewUuid());
  *crisis.mutable_raised_at() = grpc_util::ToProtoTimestamp(h().clock().Now());
  EXPECT_TRUE(
      ApplyTrigger(kAssessmentTopic, Event("ccms.assessment.crisis_flag_raised", id, crisis)));

  v1::CasePlan p;
  ASSERT_TRUE(Get(WorkerA(), id, &p).ok());
  ASSERT_EQ(p.revisions_due_size(), 2);
  EXPECT_EQ(p.revisions_due(0).reason(), v1::REVISION_REASON_SANCTION);
  EXPECT_EQ(DayOf(p.revisions_due(0).due_on()),
            Today() - 2 + h().policy().plan_revision_within_days);
  EXPECT_EQ(p.revisions_due(1).reason(), v1::REVISION_REASON_CRISIS_FLAG);
  EXPECT_EQ(DayOf(p.revisions_due(1).triggered_on()), Today());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE record_key = '" + id +
                  "' AND event_type = 'ccms.education.plan_revision_due'"),
            2);

  // A closed case takes no more revisions.
  records::v1::CaseClosed closed;
  closed.set_case_id(id);
  *closed.mutable_closed_on() = Date(Today());
  EXPECT_TRUE(ApplyCase(Event("ccms.records.case_closed", id, closed)));
  assessment::v1::AssessmentRecorded a;
  a.set_case_id(id);
  a.set_assessment_id(ids::NewUuid());
  *a.mutable_assessed_on() = Date(Today());
  EXPECT_TRUE(ApplyTrigger(kAssessmentTopic, Event("ccms.assessment.assessment_recorded", id, a)));
  ASSERT_TRUE(Get(WorkerA(), id, &p).ok());
  EXPECT_EQ(p.revisions_due_size(), 2);
}

TEST_F(EducationPlanIntegrationTest, RetriesAnswerTheFirstResponse) {
  const std::string id = ActiveCase(false);
  v1::DraftPlanRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(id);
  *req.mutable_content() = Content();
  v1::DraftPlanResponse first;
  v1::DraftPlanResponse again;
  auto c1 = h().Context(WorkerA());
  ASSERT_TRUE(h().plans().DraftPlan(c1.get(), req, &first).ok());
  auto c2 = h().Context(WorkerA());
  ASSERT_TRUE(h().plans().DraftPlan(c2.get(), req, &again).ok());
  EXPECT_EQ(again.plan().plan().version_id(), first.plan().plan().version_id());
  EXPECT_EQ(Count("SELECT count(*) FROM plan_versions WHERE case_id = '" + id + "'"), 1);
  // A new request with expected_version 0 finds the plan there.
  EXPECT_EQ(Draft(WorkerA(), id, 0).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(Draft(WorkerA(), id, 1).ok());
}

TEST_F(EducationPlanIntegrationTest, CatalogueScopeAndTheMonthlyTheme) {
  const std::string admin = h().Token(Role::kCityAdmin, {"*"}, "admin");
  auto add = [&](const std::string& token, const std::string& district, v1::CatalogueItemKind kind,
                 v1::EducationModule module, v1::CatalogueItem* out) {
    v1::AddCatalogueItemRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_kind(kind);
    req.set_content_kind(v1::CONTENT_KIND_LEGAL_POLICY);
    req.set_module(module);
    req.set_title("title " + district);
    req.set_hours(1.5);
    req.set_district_code(district);
    v1::AddCatalogueItemResponse resp;
    auto ctx = h().Context(token);
    grpc::Status st = h().catalogue().AddCatalogueItem(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.item();
    return st;
  };
  v1::CatalogueItem city, mine, theirs, theme;
  ASSERT_TRUE(add(admin, "", v1::CATALOGUE_ITEM_KIND_COURSE,
                  v1::EDUCATION_MODULE_DISCHARGE_REOFFENDING_PREVENTION, &city)
                  .ok());
  ASSERT_TRUE(add(StaffA(), kDistrictA, v1::CATALOGUE_ITEM_KIND_COURSE,
                  v1::EDUCATION_MODULE_INTAKE_PLEA, &mine)
                  .ok());
  ASSERT_TRUE(add(StaffB(), kDistrictB, v1::CATALOGUE_ITEM_KIND_COURSE,
                  v1::EDUCATION_MODULE_INTAKE_PLEA, &theirs)
                  .ok());
  EXPECT_EQ(add(StaffA(), kDistrictB, v1::CATALOGUE_ITEM_KIND_COURSE,
                v1::EDUCATION_MODULE_UNSPECIFIED, nullptr)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'AddCatalogueItem'"), 3);

  auto list = [&](const std::string& token, v1::EducationModule module) {
    v1::ListCatalogueItemsRequest req;
    req.set_module(module);
    req.set_page_size(500);
    v1::ListCatalogueItemsResponse resp;
    auto ctx = h().Context(token);
    EXPECT_TRUE(h().catalogue().ListCatalogueItems(ctx.get(), req, &resp).ok());
    std::vector<std::string> ids;
    for (const auto& i : resp.items()) ids.push_back(i.item_id());
    return ids;
  };
  const auto seen_by_a = list(WorkerA(), v1::EDUCATION_MODULE_UNSPECIFIED);
  EXPECT_TRUE(Has(seen_by_a, city.item_id()));
  EXPECT_TRUE(Has(seen_by_a, mine.item_id()));
  EXPECT_FALSE(Has(seen_by_a, theirs.item_id()));
  const auto pleas = list(WorkerA(), v1::EDUCATION_MODULE_INTAKE_PLEA);
  EXPECT_TRUE(Has(pleas, mine.item_id()));
  EXPECT_FALSE(Has(pleas, city.item_id()));

  // The monthly theme: a city-wide THEME, set by the city admin, replaced by a second set.
  ASSERT_TRUE(
      add(admin, "", v1::CATALOGUE_ITEM_KIND_THEME, v1::EDUCATION_MODULE_UNSPECIFIED, &theme).ok());
  auto set = [&](const std::string& item_id) {
    v1::SetMonthlyThemeRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_year(2027);
    req.set_month(2);
    req.set_item_id(item_id);
    v1::SetMonthlyThemeResponse resp;
    auto ctx = h().Context(admin);
    return h().catalogue().SetMonthlyTheme(ctx.get(), req, &resp);
  };
  EXPECT_EQ(set(city.item_id()).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(set(ids::NewUuid()).error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(set(theme.item_id()).ok());
  ASSERT_TRUE(set(theme.item_id()).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM monthly_themes WHERE month = '2027-02-01'"), 1);
  v1::GetMonthlyThemeRequest get;
  get.set_year(2027);
  get.set_month(2);
  v1::GetMonthlyThemeResponse got;
  auto ctx = h().Context(WorkerA());
  ASSERT_TRUE(h().catalogue().GetMonthlyTheme(ctx.get(), get, &got).ok());
  EXPECT_EQ(got.theme().item().item_id(), theme.item_id());
  EXPECT_EQ(got.theme().set_by(), "admin");
  get.set_month(3);
  auto ctx2 = h().Context(WorkerA());
  EXPECT_EQ(h().catalogue().GetMonthlyTheme(ctx2.get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace ccms::testing
