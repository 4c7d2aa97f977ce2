// Education's plan steps employment follows (issue 15 item 12) on PostgreSQL and the dev broker:
// education's plan_approved, produced to ccms.education.v1, reaches the ccms-employment-education
// consumer and keeps the case's steps; the steps whose code the policy maps to employment work
// are help items due on their start day + the grace days, listed by ListPlanStepsDue for staff
// of the case's district only (overdue as of a day, paged); recording the work (a referral sent,
// an assistance record) after the approval meets an item; a replayed event (the same id, or the
// same version under a new id) and an older version arriving after a newer one change nothing;
// plan_closed closes the steps, also when it arrives before its approval; a malformed event is
// skipped.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "ccms/education/v1/education_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/employment_harness.h"

namespace ccms::testing {
namespace {

namespace v1 = employment::v1;
namespace ev1 = education::v1;
using absl::CivilDay;
using grpc_util::ToProtoDate;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";
constexpr char kEducationTopic[] = "ccms.education.v1";

std::optional<CivilDay> DayOf(const google::type::Date& d) {
  bool invalid = false;
  return grpc_util::FromProtoDate(d, &invalid);
}

struct StepSpec {
  std::string id;
  std::string code;
  int start_in_days;  // from today
};

class EmploymentPlanStepsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.consumer().Stop();  // only this test's events make cases
    staff_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictA}, "staff-a");
    staff_b_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictB}, "staff-b");
    admin_ = h_.Token(auth::Role::kCityAdmin, {"*"}, "admin-1");
  }

  CivilDay Today() { return h_.Today(); }
  std::string Count(const std::string& sql) { return h_.db().QueryValue(sql); }

  std::string Case(const std::string& district) {
    auto case_id = h_.FeedOpenedCase(district);
    EXPECT_TRUE(case_id.ok()) << case_id.status();
    return case_id.value_or("");
  }

  // education's plan_approved of `version` as the envelope the topic carries.
  events::v1::Envelope Approved(const std::string& case_id, const std::string& district,
                                int version, CivilDay approved_on,
                                const std::vector<StepSpec>& steps) {
    ev1::PlanApproved p;
    p.set_case_id(case_id);
    p.set_district_code(district);
    p.set_version_id(ids::NewUuid());
    p.set_version(version);
    *p.mutable_approved_on() = ToProtoDate(approved_on);
    for (const auto& s : steps) {
      ev1::PlanStepRef* ref = p.add_steps();
      ref->set_step_id(s.id);
      ref->set_step_code(s.code);
      *ref->mutable_start_date() = ToProtoDate(Today() + s.start_in_days);
      *ref->mutable_end_date() = ToProtoDate(Today() + s.start_in_days + 60);
    }
    return kafka::MakeEnvelope("ccms.education.plan_approved", case_id, district, absl::Now(),
                               absl::Now(), "education-test", p);
  }
  events::v1::Envelope Closed(const std::string& case_id, const std::string& district, int version,
                              CivilDay closed_on) {
    ev1::PlanClosed p;
    p.set_case_id(case_id);
    p.set_district_code(district);
    p.set_version_id(ids::NewUuid());
    p.set_version(version);
    *p.mutable_closed_on() = ToProtoDate(closed_on);
    return kafka::MakeEnvelope("ccms.education.plan_closed", case_id, district, absl::Now(),
                               absl::Now(), "education-test", p);
  }

  // Through the consumer's inbox by hand (the consumer stopped); whether it applied the event.
  bool Deliver(const events::v1::Envelope& e) {
    auto applied =
        h_.education_consumer().Process(kEducationTopic, 3, offset_++, e.SerializeAsString());
    EXPECT_TRUE(applied.ok()) << applied.status();
    return applied.ok() && *applied;
  }

  // To the dev broker, for the running consumer.
  void Produce(const events::v1::Envelope& e) {
    std::atomic<int> delivered{0};
    auto producer = kafka::KafkaProducer::Create(
        {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap},
        [&](const kafka::DeliveryReport& r) { delivered += r.ok ? 1 : 0; });
    ASSERT_TRUE(producer.ok());
    ASSERT_TRUE(
        (*producer)
            ->Produce(
                {.topic = kEducationTopic, .key = e.case_id(), .value = e.SerializeAsString()})
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

  grpc::Status List(const std::string& token, const std::string& district,
                    const std::string& case_id, bool overdue_only, std::optional<CivilDay> as_of,
                    v1::ListPlanStepsDueResponse* out, int page_size = 0,
                    const std::string& page_token = "") {
    v1::ListPlanStepsDueRequest req;
    req.set_district_code(district);
    req.set_case_id(case_id);
    req.set_overdue_only(overdue_only);
    if (as_of) *req.mutable_as_of() = ToProtoDate(*as_of);
    req.set_page_size(page_size);
    req.set_page_token(page_token);
    auto ctx = h_.Context(token);
    return h_.referrals().ListPlanStepsDue(ctx.get(), req, out);
  }
  // Every item of the case, by step id.
  std::vector<v1::PlanStepItem> ItemsOf(const std::string& case_id,
                                        std::optional<CivilDay> as_of = std::nullopt) {
    v1::ListPlanStepsDueResponse resp;
    const grpc::Status st = List(admin_, "", case_id, false, as_of, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return {resp.items().begin(), resp.items().end()};
  }
  std::string Summary(const std::string& case_id) {
    std::string out;
    for (const auto& i : ItemsOf(case_id)) {
      if (!out.empty()) out += ",";
      out += i.step_id() + "/" + i.step_code() + "/v" + std::to_string(i.plan_version()) +
             (i.met_on().year() != 0 ? "/met" : "") + (i.closed() ? "/closed" : "") +
             (i.overdue() ? "/overdue" : "");
    }
    return out;
  }

  std::string SendReferral(const std::string& case_id) {
    v1::RegisterPartnerRequest preq;
    preq.set_request_id(ids::NewUuid());
    preq.set_agency_id("plan-agency-" + case_id.substr(0, 8));
    preq.set_name("Partner plan");
    preq.set_kind(v1::PARTNER_KIND_ENTERPRISE);
    preq.set_district_code(kDistrictA);
    v1::RegisterPartnerResponse partner;
    auto pctx = h_.Context(staff_);
    EXPECT_TRUE(h_.partners().RegisterPartner(pctx.get(), preq, &partner).ok());
    v1::CreateReferralRequest creq;
    creq.set_request_id(ids::NewUuid());
    creq.set_case_id(case_id);
    creq.set_partner_id(partner.partner().partner_id());
    creq.set_kind(v1::REFERRAL_KIND_JOB_PLACEMENT);
    creq.set_given_name("GIVEN-NAME-MARKER");
    creq.add_skills("forklift");
    v1::CreateReferralResponse created;
    auto cctx = h_.Context(staff_);
    const grpc::Status cst = h_.referrals().CreateReferral(cctx.get(), creq, &created);
    EXPECT_TRUE(cst.ok()) << cst.error_message();
    v1::SendReferralRequest sreq;
    sreq.set_request_id(ids::NewUuid());
    sreq.set_referral_id(created.referral().referral_id());
    *sreq.mutable_consent_recorded_on() = ToProtoDate(Today());
    v1::SendReferralResponse sent;
    auto sctx = h_.Context(staff_);
    const grpc::Status sst = h_.referrals().SendReferral(sctx.get(), sreq, &sent);
    EXPECT_TRUE(sst.ok()) << sst.error_message();
    return created.referral().referral_id();
  }

  void RecordAssistance(const std::string& case_id, CivilDay applied_on) {
    v1::RecordAssistanceRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_kind(v1::ASSISTANCE_KIND_TEMPORARY_RELIEF);
    req.set_status(v1::ASSISTANCE_STATUS_APPLIED);
    req.set_amount_fen(50'000);
    *req.mutable_applied_on() = ToProtoDate(applied_on);
    v1::RecordAssistanceResponse resp;
    auto ctx = h_.Context(staff_);
    const grpc::Status st = h_.assistance().RecordAssistance(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
  }

  EmploymentHarness h_;
  std::string staff_;
  std::string staff_b_;
  std::string admin_;
  int64_t offset_ = 2'000'000;
};

TEST_F(EmploymentPlanStepsTest, ApprovedStepsThroughTheBrokerBecomeHelpItemsMetByTheWork) {
  const int grace = 7;  // the shipped policy's employment.plan_steps.grace_days
  const std::string case_id = Case(kDistrictA);
  const std::string other = Case(kDistrictB);
  // Version 1 approved 20 days ago: job help started 10 days ago (due 3 days ago: overdue),
  // skills training in 5 days, counselling (no employment work).
  Produce(Approved(case_id, kDistrictA, 1, Today() - 20,
                   {{"job", "JOB_HELP", -10},
                    {"training", "SKILLS_TRAINING", 5},
                    {"talks", "PSYCHOLOGICAL_COUNSELLING", -10}}));
  ASSERT_TRUE(WaitFor([&] { return ItemsOf(case_id).size() == 2; }, absl::Seconds(60)))
      << "the education consumer did not apply plan_approved";
  h_.education_consumer().Stop();  // the rest by hand, in a known order
  EXPECT_EQ(Count("SELECT count(*) FROM case_plan_steps WHERE case_id = '" + case_id + "'"), "3");
  auto items = ItemsOf(case_id);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].step_id(), "job");
  EXPECT_EQ(items[0].action(), v1::PLAN_STEP_ACTION_REFERRAL);
  EXPECT_EQ(items[0].district_code(), kDistrictA);
  EXPECT_EQ(items[0].plan_version(), 1);
  EXPECT_EQ(DayOf(items[0].approved_on()), Today() - 20);
  EXPECT_EQ(DayOf(items[0].start_date()), Today() - 10);
  EXPECT_EQ(DayOf(items[0].due_on()), Today() - 10 + grace);
  EXPECT_TRUE(items[0].overdue());
  EXPECT_FALSE(items[0].has_met_on());
  EXPECT_EQ(items[1].step_id(), "training");
  EXPECT_EQ(items[1].action(), v1::PLAN_STEP_ACTION_TRAINING_ENROLMENT);
  EXPECT_EQ(DayOf(items[1].due_on()), Today() + 5 + grace);
  EXPECT_FALSE(items[1].overdue());
  // The due day itself is in time: as of 3 days ago the job item was not overdue.
  EXPECT_FALSE(ItemsOf(case_id, Today() - 3)[0].overdue());
  EXPECT_TRUE(ItemsOf(case_id, Today() - 2)[0].overdue());

  // The overdue list of district A has the job item; district B's staff reach nothing of A.
  v1::ListPlanStepsDueResponse overdue;
  ASSERT_TRUE(List(staff_, kDistrictA, "", true, std::nullopt, &overdue).ok());
  ASSERT_EQ(overdue.items_size(), 1);
  EXPECT_EQ(overdue.items(0).case_id(), case_id);
  EXPECT_EQ(overdue.items(0).step_id(), "job");
  v1::ListPlanStepsDueResponse b;
  ASSERT_TRUE(List(staff_b_, kDistrictB, case_id, false, std::nullopt, &b).ok());
  EXPECT_EQ(b.items_size(), 0);
  ASSERT_TRUE(List(staff_b_, kDistrictA, "", false, std::nullopt, &b).ok());
  EXPECT_EQ(b.items_size(), 0);  // A's filter by B's staff: the store's scope lists nothing
  // Staff name a district (the city admin and auditors need not).
  EXPECT_EQ(List(staff_b_, "", "", false, std::nullopt, &b).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Audited with the count.
  EXPECT_NE(Count("SELECT count(*) FROM audit_log WHERE action = 'ListPlanStepsDue'"), "0");

  // A referral sent today meets the job item; the training item stays open.
  SendReferral(case_id);
  items = ItemsOf(case_id);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(DayOf(items[0].met_on()), Today());
  EXPECT_FALSE(items[0].overdue());
  EXPECT_FALSE(items[1].has_met_on());
  // As of yesterday the referral had not been sent.
  EXPECT_TRUE(ItemsOf(case_id, Today() - 1)[0].overdue());
  // The open list no longer has the job item.
  v1::ListPlanStepsDueResponse open;
  ASSERT_TRUE(List(staff_, kDistrictA, "", false, std::nullopt, &open).ok());
  ASSERT_EQ(open.items_size(), 1);
  EXPECT_EQ(open.items(0).step_id(), "training");
  (void)other;
}

TEST_F(EmploymentPlanStepsTest, ReplaysAndOlderVersionsChangeNothingAndCloseClosesTheSteps) {
  h_.education_consumer().Stop();
  const std::string case_id = Case(kDistrictA);
  const events::v1::Envelope v1_event =
      Approved(case_id, kDistrictA, 1, Today() - 30, {{"job", "JOB_HELP", -20}});
  ASSERT_TRUE(Deliver(v1_event));
  EXPECT_EQ(Summary(case_id), "job/JOB_HELP/v1/overdue");
  // The same event again: the inbox drops it.
  EXPECT_FALSE(Deliver(v1_event));
  // The same version under a new event id, with other steps: the version rule drops it.
  ASSERT_TRUE(Deliver(Approved(case_id, kDistrictA, 1, Today() - 30, {{"other", "WELFARE", -20}})));
  EXPECT_EQ(Summary(case_id), "job/JOB_HELP/v1/overdue");
  // Version 2 replaces the steps: job help again (same id, starting in 2 days) and welfare
  // (started 8 days ago: due yesterday, overdue).
  const events::v1::Envelope v2_event = Approved(
      case_id, kDistrictA, 2, Today() - 5, {{"job", "JOB_HELP", 2}, {"welfare", "WELFARE", -8}});
  ASSERT_TRUE(Deliver(v2_event));
  EXPECT_EQ(Summary(case_id), "job/JOB_HELP/v2,welfare/WELFARE/v2/overdue");
  // Version 1 arriving after version 2 (a new id): nothing changes.
  ASSERT_TRUE(Deliver(Approved(case_id, kDistrictA, 1, Today() - 30, {{"old", "JOB_HELP", -20}})));
  EXPECT_EQ(Summary(case_id), "job/JOB_HELP/v2,welfare/WELFARE/v2/overdue");
  // An assistance record applied for before version 2's approval does not meet its welfare
  // item; one applied for today does.
  RecordAssistance(case_id, Today() - 6);
  EXPECT_EQ(Summary(case_id), "job/JOB_HELP/v2,welfare/WELFARE/v2/overdue");
  RecordAssistance(case_id, Today());
  EXPECT_EQ(Summary(case_id), "job/JOB_HELP/v2,welfare/WELFARE/v2/met");
  // Closing version 1 (older than the kept version) closes nothing; closing version 2 does.
  ASSERT_TRUE(Deliver(Closed(case_id, kDistrictA, 1, Today())));
  EXPECT_EQ(Summary(case_id), "job/JOB_HELP/v2,welfare/WELFARE/v2/met");
  ASSERT_TRUE(Deliver(Closed(case_id, kDistrictA, 2, Today())));
  EXPECT_EQ(Summary(case_id), "job/JOB_HELP/v2/closed,welfare/WELFARE/v2/met/closed");
  // Closed items leave the open and overdue lists.
  v1::ListPlanStepsDueResponse open;
  ASSERT_TRUE(List(admin_, kDistrictA, "", false, std::nullopt, &open).ok());
  for (const auto& i : open.items()) EXPECT_NE(i.case_id(), case_id);

  // Another case: its plan closes before the approval arrives (out of order): the steps come
  // closed; a later version reopens.
  const std::string late = Case(kDistrictA);
  ASSERT_TRUE(Deliver(Closed(late, kDistrictA, 1, Today())));
  EXPECT_EQ(Summary(late), "");
  ASSERT_TRUE(Deliver(Approved(late, kDistrictA, 1, Today() - 10, {{"s", "SCHOOLING", -9}})));
  EXPECT_EQ(Summary(late), "s/SCHOOLING/v1/closed");
  ASSERT_TRUE(Deliver(Approved(late, kDistrictA, 2, Today() - 1, {{"s", "SCHOOLING", -9}})));
  EXPECT_EQ(Summary(late), "s/SCHOOLING/v2/overdue");

  // A malformed event (a step code in lower case) is skipped; nothing of it is kept.
  const std::string bad = Case(kDistrictA);
  EXPECT_TRUE(Deliver(Approved(bad, kDistrictA, 1, Today(), {{"s", "job help", 0}})));
  EXPECT_EQ(Count("SELECT count(*) FROM case_plans WHERE case_id = '" + bad + "'"), "0");
}

TEST_F(EmploymentPlanStepsTest, PagesByCaseAndStep) {
  h_.education_consumer().Stop();
  const std::string case_id = Case(kDistrictA);
  std::vector<StepSpec> steps;
  for (int i = 0; i < 5; ++i) steps.push_back({"step-" + std::to_string(i), "JOB_HELP", -1});
  ASSERT_TRUE(Deliver(Approved(case_id, kDistrictA, 1, Today() - 2, steps)));
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListPlanStepsDueResponse page;
    ASSERT_TRUE(List(staff_, kDistrictA, case_id, false, std::nullopt, &page, 2, token).ok());
    for (const auto& i : page.items()) seen.push_back(i.step_id());
    token = page.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"step-0", "step-1", "step-2", "step-3", "step-4"}));
  v1::ListPlanStepsDueResponse bad;
  EXPECT_EQ(
      List(staff_, kDistrictA, case_id, false, std::nullopt, &bad, 2, "not-a-token").error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace ccms::testing
