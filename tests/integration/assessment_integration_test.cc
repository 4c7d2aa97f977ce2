// The assessment service against a real PostgreSQL and the dev Kafka broker (started by
// tests/run), following records events it is sent here, and calling a stand-in records server.
#include <atomic>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/events/v1/envelope.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "common/log/log.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "services/assessment/domain/types.h"
#include "services/assessment/migrations.h"
#include "spdlog/sinks/ostream_sink.h"
#include "tests/integration/assessment_harness.h"

namespace ccms::testing {
namespace {

using assessment::v1::AssessmentService;
using auth::Role;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";
constexpr char kRecordsTopic[] = "ccms.records.v1";
constexpr char kAssessmentTopic[] = "ccms.assessment.v1";

google::type::Date Date(absl::CivilDay d) { return grpc_util::ToProtoDate(d); }
absl::CivilDay DayOf(const google::type::Date& d) {
  bool invalid = false;
  return grpc_util::FromProtoDate(d, &invalid).value_or(absl::CivilDay());
}

class AssessmentIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    harness_ = new AssessmentHarness();
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
    h().clock().Set(FixedTestNow());
  }

  AssessmentHarness& h() { return *harness_; }
  std::string StaffA() { return h().Token(Role::kOfficeStaff, {kDistrictA}, "staff-a"); }
  std::string StaffB() { return h().Token(Role::kOfficeStaff, {kDistrictB}, "staff-b"); }
  std::string WorkerA() { return h().Token(Role::kSocialWorker, {kDistrictA}, "sw-a"); }
  absl::CivilDay Today() { return time::ShanghaiDay(h().clock().Now()); }
  int64_t Count(const std::string& sql) { return std::stoll(h().db().QueryValue(sql)); }

  events::v1::Envelope Event(const std::string& type, const std::string& case_id,
                             const google::protobuf::Message& payload,
                             const std::string& district = kDistrictA) {
    return kafka::MakeEnvelope(type, case_id, district, absl::Now(), absl::Now(), "records-test",
                               payload);
  }
  // Applies a records event the way the consumer does (the inbox path), without Kafka.
  bool Apply(const events::v1::Envelope& e) {
    auto r = h().consumer().Process(kRecordsTopic, 0, next_offset_++, e.SerializeAsString());
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && *r;
  }
  void Produce(const events::v1::Envelope& e) {
    std::atomic<int> delivered{0};
    auto producer = kafka::KafkaProducer::Create(
        {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap},
        [&](const kafka::DeliveryReport& r) { delivered += r.ok ? 1 : 0; });
    ASSERT_TRUE(producer.ok());
    ASSERT_TRUE(
        (*producer)
            ->Produce({.topic = kRecordsTopic, .key = e.case_id(), .value = e.SerializeAsString()})
            .ok());
    ASSERT_TRUE((*producer)->Flush(10000));
    ASSERT_EQ(delivered.load(), 1);
  }
  bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return done();
  }

  events::v1::Envelope Opened(const std::string& case_id, absl::CivilDay start,
                              const std::string& district = kDistrictA) {
    records::v1::CaseOpened p;
    p.set_case_id(case_id);
    p.set_district_code(district);
    p.set_office_id("office-1");
    *p.mutable_supervision_start_date() = Date(start);
    *p.mutable_supervision_end_date() = Date(start + 730);
    return Event("ccms.records.case_opened", case_id, p, district);
  }
  events::v1::Envelope Intake(const std::string& case_id, absl::CivilDay on,
                              const std::string& district = kDistrictA) {
    records::v1::IntakeReported p;
    p.set_case_id(case_id);
    p.set_district_code(district);
    *p.mutable_reported_on() = Date(on);
    return Event("ccms.records.intake_reported", case_id, p, district);
  }
  events::v1::Envelope Sanction(const std::string& case_id, records::v1::SanctionKind kind,
                                absl::CivilDay on) {
    records::v1::SanctionIssued p;
    p.set_case_id(case_id);
    p.set_district_code(kDistrictA);
    p.set_sanction_id(ids::NewUuid());
    p.set_kind(kind);
    *p.mutable_issued_on() = Date(on);
    return Event("ccms.records.sanction_issued", case_id, p);
  }
  // An active case of district A, intake `days_ago` days before today.
  std::string ActiveCase(int days_ago = 0, const std::string& district = kDistrictA) {
    const std::string id = ids::NewUuid();
    EXPECT_TRUE(Apply(Opened(id, Today() - days_ago - 5, district)));
    EXPECT_TRUE(Apply(Intake(id, Today() - days_ago, district)));
    return id;
  }

  assessment::v1::RecordAssessmentRequest Answers(
      const std::string& case_id, const std::string& instrument,
      const std::map<std::string, std::string>& chosen) {
    assessment::v1::RecordAssessmentRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_case_id(case_id);
    r.set_instrument_id(instrument);
    r.set_kind(assessment::v1::ASSESSMENT_KIND_INTAKE);
    for (const auto& item : h().catalog().Find(instrument, 0)->instrument.items) {
      auto* a = r.add_answers();
      a->set_item_id(item.id);
      auto it = chosen.find(item.id);
      a->set_option_id(it == chosen.end() ? item.options[0].id : it->second);
    }
    return r;
  }
  grpc::Status Record(const std::string& token, const assessment::v1::RecordAssessmentRequest& r,
                      assessment::v1::RecordAssessmentResponse* out = nullptr) {
    assessment::v1::RecordAssessmentResponse local;
    auto ctx = h().Context(token);
    return h().stub().RecordAssessment(ctx.get(), r, out ? out : &local);
  }
  grpc::Status Level(const std::string& token, const std::string& case_id,
                     assessment::v1::SupervisionLevelState* out = nullptr) {
    assessment::v1::GetSupervisionLevelRequest r;
    r.set_case_id(case_id);
    assessment::v1::GetSupervisionLevelResponse resp;
    auto ctx = h().Context(token);
    grpc::Status st = h().stub().GetSupervisionLevel(ctx.get(), r, &resp);
    if (out != nullptr) *out = resp.supervision();
    return st;
  }
  std::vector<assessment::v1::DueAssessment> Due(const std::string& token,
                                                 const std::string& case_id) {
    assessment::v1::ListDueAssessmentsRequest r;
    r.set_case_id(case_id);
    *r.mutable_due_before() = Date(Today() + 4000);
    assessment::v1::ListDueAssessmentsResponse resp;
    auto ctx = h().Context(token);
    EXPECT_TRUE(h().stub().ListDueAssessments(ctx.get(), r, &resp).ok());
    return {resp.due().begin(), resp.due().end()};
  }
  std::vector<assessment::v1::CrisisFlag> Unacknowledged(const std::string& token) {
    assessment::v1::ListCrisisFlagsRequest r;
    r.set_unacknowledged_only(true);
    r.set_page_size(500);
    assessment::v1::ListCrisisFlagsResponse resp;
    auto ctx = h().Context(token);
    EXPECT_TRUE(h().stub().ListCrisisFlags(ctx.get(), r, &resp).ok());
    return {resp.flags().begin(), resp.flags().end()};
  }
  int LedgerTotal(const std::string& case_id, absl::CivilDay month, int* entries = nullptr) {
    assessment::v1::GetPointsLedgerRequest r;
    r.set_case_id(case_id);
    r.set_year(static_cast<int>(month.year()));
    r.set_month(month.month());
    assessment::v1::GetPointsLedgerResponse resp;
    auto ctx = h().Context(StaffA());
    EXPECT_TRUE(h().stub().GetPointsLedger(ctx.get(), r, &resp).ok());
    if (entries != nullptr) *entries = resp.entries_size();
    return resp.total();
  }
  // The assessment topic's records of one case.
  std::vector<ConsumedRecord> AssessmentEvents(const std::string& case_id, size_t at_least) {
    auto all = ReadTopic(
        kAssessmentTopic,
        [&](const std::vector<ConsumedRecord>& got) {
          size_t n = 0;
          for (const auto& r : got) n += r.key == case_id;
          return n >= at_least;
        },
        absl::Seconds(20));
    std::vector<ConsumedRecord> mine;
    for (auto& r : all) {
      if (r.key == case_id) mine.push_back(std::move(r));
    }
    return mine;
  }

  static AssessmentHarness* harness_;
  static int64_t next_offset_;
};

AssessmentHarness* AssessmentIntegrationTest::harness_ = nullptr;
int64_t AssessmentIntegrationTest::next_offset_ = 1000000;

TEST_F(AssessmentIntegrationTest, MigrationsAndInstrumentsAreRegistered) {
  EXPECT_EQ(Count("SELECT count(*) FROM schema_migrations WHERE component = 'assessment'"),
            static_cast<int64_t>(assessment::Migrations().size()));
  EXPECT_EQ(Count("SELECT count(*) FROM instrument_versions"), 2);
  assessment::v1::ListInstrumentsResponse resp;
  auto ctx = h().Context(WorkerA());
  ASSERT_TRUE(h().stub().ListInstruments(ctx.get(), {}, &resp).ok());
  EXPECT_EQ(resp.instruments_size(), 2);
}

TEST_F(AssessmentIntegrationTest, CaseOpenedAndIntakeMakeAssessmentsDueAndStrict) {
  const std::string id = ids::NewUuid();
  // Through Kafka: the consumer group joins and applies them in order.
  Produce(Opened(id, Today() - 2));
  Produce(Intake(id, Today()));
  ASSERT_TRUE(WaitFor([&] { return Due(StaffA(), id).size() == 2; }, absl::Seconds(60)))
      << "consumer did not apply case_opened";
  ASSERT_TRUE(WaitFor(
      [&] {
        assessment::v1::SupervisionLevelState s;
        return Level(StaffA(), id, &s).ok() && s.level() == common::v1::SUPERVISION_LEVEL_STRICT;
      },
      absl::Seconds(30)));
  assessment::v1::SupervisionLevelState s;
  ASSERT_TRUE(Level(StaffA(), id, &s).ok());
  EXPECT_EQ(s.rule(), "INITIAL_STRICT");
  EXPECT_EQ(DayOf(s.initial_strict_until()), assessment::domain::AddMonths(Today(), 3));
  ASSERT_EQ(s.history_size(), 1);
  EXPECT_FALSE(s.reasons().empty());
  for (const auto& d : Due(StaffA(), id)) {
    EXPECT_EQ(d.kind(), assessment::v1::ASSESSMENT_KIND_INTAKE);
    EXPECT_EQ(DayOf(d.due_on()), assessment::domain::AddMonths(Today(), 1));
    EXPECT_FALSE(d.overdue());
  }
  // The level change is on the assessment topic, with its payload.
  auto events = AssessmentEvents(id, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].headers.at("ce_type"), "ccms.assessment.supervision_level_changed");
  EXPECT_EQ(events[0].headers.at("ce_source"), "/ccms/assessment");
  events::v1::Envelope env;
  ASSERT_TRUE(env.ParseFromString(events[0].value));
  assessment::v1::SupervisionLevelChanged changed;
  ASSERT_TRUE(env.payload().UnpackTo(&changed));
  EXPECT_EQ(changed.level(), common::v1::SUPERVISION_LEVEL_STRICT);
  EXPECT_EQ(changed.previous_level(), common::v1::SUPERVISION_LEVEL_UNSPECIFIED);
  EXPECT_EQ(changed.rule(), "INITIAL_STRICT");
  EXPECT_EQ(changed.district_code(), kDistrictA);
  EXPECT_EQ(changed.policy_version(), h().policy().version);
  // Base points for the month.
  EXPECT_EQ(LedgerTotal(id, assessment::domain::MonthOf(Today())), 100);
}

TEST_F(AssessmentIntegrationTest, ReplayedRecordsEventChangesTheLedgerOnce) {
  const std::string id = ActiveCase();
  records::v1::ViolationRecorded v;
  v.set_case_id(id);
  v.set_district_code(kDistrictA);
  v.set_violation_id(ids::NewUuid());
  *v.mutable_occurred_on() = Date(Today());
  const events::v1::Envelope e = Event("ccms.records.violation_recorded", id, v);
  EXPECT_TRUE(Apply(e));
  EXPECT_FALSE(Apply(e));  // the inbox has it
  // And the same event delivered twice through Kafka.
  const int64_t dups_before = h().consumer().duplicates();
  Produce(e);
  Produce(e);
  ASSERT_TRUE(
      WaitFor([&] { return h().consumer().duplicates() >= dups_before + 2; }, absl::Seconds(60)));
  EXPECT_EQ(Count("SELECT count(*) FROM points_entries WHERE case_id = '" + id +
                  "' AND reason = 'VIOLATION'"),
            1);
  EXPECT_EQ(LedgerTotal(id, assessment::domain::MonthOf(Today())), 95);
}

TEST_F(AssessmentIntegrationTest, SanctionsCommendationsDischargeTransferAndClosing) {
  const std::string id = ActiveCase(120);  // past the initial strict period
  // A LOW social risk: RELAXED.
  ASSERT_TRUE(Record(StaffA(), Answers(id, "social_risk", {})).ok());
  assessment::v1::SupervisionLevelState s;
  ASSERT_TRUE(Level(StaffA(), id, &s).ok());
  EXPECT_EQ(s.level(), common::v1::SUPERVISION_LEVEL_RELAXED);
  EXPECT_EQ(s.rule(), "RELAXED_LOW_RISK");

  // A warning: STRICT, a deduction, a triggered reassessment.
  EXPECT_TRUE(Apply(Sanction(id, records::v1::SANCTION_KIND_WARNING, Today())));
  ASSERT_TRUE(Level(StaffA(), id, &s).ok());
  EXPECT_EQ(s.level(), common::v1::SUPERVISION_LEVEL_STRICT);
  EXPECT_EQ(s.rule(), "WARNING");
  bool triggered = false;
  for (const auto& d : Due(StaffA(), id)) {
    triggered = triggered || (d.kind() == assessment::v1::ASSESSMENT_KIND_TRIGGERED &&
                              d.instrument_kind() == assessment::v1::INSTRUMENT_KIND_SOCIAL_RISK);
  }
  EXPECT_TRUE(triggered);
  EXPECT_TRUE(Apply(Sanction(id, records::v1::SANCTION_KIND_ADMONITION, Today())));
  records::v1::CommendationRecorded c;
  c.set_case_id(id);
  *c.mutable_recorded_on() = Date(Today());
  EXPECT_TRUE(Apply(Event("ccms.records.commendation_recorded", id, c)));
  EXPECT_EQ(LedgerTotal(id, assessment::domain::MonthOf(Today())), 100 - 20 - 10 + 10);

  records::v1::DischargeApproaching d;
  d.set_case_id(id);
  *d.mutable_end_date() = Date(Today() + 20);
  EXPECT_TRUE(Apply(Event("ccms.records.discharge_approaching", id, d)));
  int discharge = 0;
  for (const auto& due : Due(StaffA(), id)) {
    discharge += due.kind() == assessment::v1::ASSESSMENT_KIND_DISCHARGE;
  }
  EXPECT_EQ(discharge, 2);

  // The case's open dues as a district's list and a scoped city-wide list show them (the dues
  // carry the case's district, V003), each listed with the district it is in.
  auto listed = [&](const std::string& token, const std::string& district,
                    const std::string& in_district) {
    int n = 0;
    std::string page;
    do {
      assessment::v1::ListDueAssessmentsRequest r;
      r.set_district_code(district);
      *r.mutable_due_before() = Date(Today() + 4000);
      r.set_page_size(3);
      r.set_page_token(page);
      assessment::v1::ListDueAssessmentsResponse resp;
      auto ctx = h().Context(token);
      grpc::Status st = h().stub().ListDueAssessments(ctx.get(), r, &resp);
      EXPECT_TRUE(st.ok()) << st.error_message();
      if (!st.ok()) break;
      for (const auto& due : resp.due()) {
        if (due.case_id() != id) continue;
        ++n;
        EXPECT_EQ(due.district_code(), in_district);
      }
      page = resp.next_page_token();
    } while (!page.empty());
    return n;
  };
  const int open_dues = static_cast<int>(Due(StaffA(), id).size());
  ASSERT_GT(open_dues, 0);
  EXPECT_EQ(listed(StaffA(), kDistrictA, kDistrictA), open_dues);
  EXPECT_EQ(listed(StaffA(), "", kDistrictA), open_dues);
  EXPECT_EQ(listed(StaffB(), "", kDistrictA), 0);

  records::v1::CaseTransferred t;
  t.set_case_id(id);
  t.set_from_district_code(kDistrictA);
  t.set_to_district_code(kDistrictB);
  *t.mutable_effective_on() = Date(Today());
  EXPECT_TRUE(Apply(Event("ccms.records.case_transferred", id, t, kDistrictB)));
  EXPECT_EQ(Level(StaffA(), id).error_code(), grpc::NOT_FOUND);
  EXPECT_TRUE(Level(StaffB(), id).ok());
  // The dues moved with the case.
  EXPECT_EQ(listed(StaffB(), kDistrictB, kDistrictB), open_dues);
  EXPECT_EQ(listed(StaffB(), "", kDistrictB), open_dues);
  EXPECT_EQ(listed(StaffA(), "", kDistrictB), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM assessment_dues WHERE case_id = '" + id +
                  "' AND completed_at IS NULL AND cancelled_at IS NULL AND district_code <> '" +
                  kDistrictB + "'"),
            0);

  records::v1::CaseClosed closed;
  closed.set_case_id(id);
  closed.set_reason(records::v1::CASE_CLOSE_REASON_DISCHARGED);
  *closed.mutable_closed_on() = Date(Today());
  EXPECT_TRUE(Apply(Event("ccms.records.case_closed", id, closed, kDistrictB)));
  EXPECT_TRUE(Due(StaffB(), id).empty());
  EXPECT_EQ(listed(StaffB(), kDistrictB, kDistrictB), 0);
  // A late warning on the closed case (a reassessment due on an open case) leaves it no open due.
  EXPECT_TRUE(Apply(Sanction(id, records::v1::SANCTION_KIND_WARNING, Today())));
  EXPECT_EQ(Count("SELECT count(*) FROM assessment_dues WHERE case_id = '" + id +
                  "' AND completed_at IS NULL AND cancelled_at IS NULL"),
            0);
  EXPECT_EQ(Record(StaffB(), Answers(id, "social_risk", {})).error_code(),
            grpc::FAILED_PRECONDITION);

  // Unknown types are recorded in the inbox and change nothing.
  EXPECT_TRUE(Apply(Event("ccms.records.something_new", id, c)));
  EXPECT_EQ(Count("SELECT count(*) FROM inbox WHERE event_type = 'ccms.records.something_new'"), 1);
}

TEST_F(AssessmentIntegrationTest, HighRiskAnswersMakeKeyAttentionAndStrict) {
  const std::string id = ActiveCase(120);
  assessment::v1::RecordAssessmentResponse resp;
  ASSERT_TRUE(Record(StaffA(),
                     Answers(id, "social_risk",
                             {{"offence_history", "two_or_more"},
                              {"age_first_offence", "under_18"},
                              {"employment", "none"},
                              {"family_support", "none_or_conflict"},
                              {"substance_use", "current"},
                              {"peers", "criminal"}}),
                     &resp)
                  .ok());
  EXPECT_EQ(resp.assessment().risk_level(), assessment::v1::RISK_LEVEL_HIGH);
  EXPECT_DOUBLE_EQ(resp.assessment().total_score(), 16);
  EXPECT_TRUE(resp.supervision().key_attention());
  EXPECT_EQ(resp.supervision().level(), common::v1::SUPERVISION_LEVEL_STRICT);
  EXPECT_EQ(resp.supervision().rule(), "HIGH_RISK");
  EXPECT_EQ(resp.supervision().key_attention_reasons(0), "HIGH_SOCIAL_RISK");
  // Periodic reassessment in 3 months (STRICT); the intake due is done.
  bool periodic = false;
  for (const auto& d : Due(StaffA(), id)) {
    EXPECT_FALSE(d.kind() == assessment::v1::ASSESSMENT_KIND_INTAKE &&
                 d.instrument_kind() == assessment::v1::INSTRUMENT_KIND_SOCIAL_RISK);
    if (d.kind() == assessment::v1::ASSESSMENT_KIND_PERIODIC) {
      periodic = true;
      EXPECT_EQ(DayOf(d.due_on()), assessment::domain::AddMonths(Today(), 3));
    }
  }
  EXPECT_TRUE(periodic);
  std::set<std::string> types;
  for (const auto& r : AssessmentEvents(id, 3)) types.insert(r.headers.at("ce_type"));
  EXPECT_TRUE(types.count("ccms.assessment.assessment_recorded"));
  EXPECT_TRUE(types.count("ccms.assessment.key_attention_changed"));
}

TEST_F(AssessmentIntegrationTest, CrisisAnswerIsOnTheTopicAtOnceAndListedUntilAcknowledged) {
  const std::string id = ActiveCase();
  assessment::v1::RecordAssessmentResponse resp;
  ASSERT_TRUE(
      Record(WorkerA(), Answers(id, "psych_screening", {{"thoughts_of_death", "often"}}), &resp)
          .ok());
  ASSERT_EQ(resp.crisis_flags_size(), 1);
  const std::string flag_id = resp.crisis_flags(0).flag_id();
  EXPECT_EQ(resp.crisis_flags(0).kind(), assessment::v1::CRISIS_KIND_SUICIDE);
  // On the topic within a second of the commit (the relay is woken by the commit).
  ASSERT_TRUE(WaitFor(
      [&] {
        return Count(
                   "SELECT count(*) FROM outbox WHERE event_type ="
                   " 'ccms.assessment.crisis_flag_raised' AND record_key = '" +
                   id + "' AND sent_at IS NOT NULL") == 1;
      },
      absl::Seconds(5)));
  const double lag = std::stod(h().db().QueryValue(
      "SELECT extract(epoch FROM sent_at - created_at) FROM outbox WHERE event_type ="
      " 'ccms.assessment.crisis_flag_raised' AND record_key = '" +
      id + "'"));
  EXPECT_LT(lag, 1.0);
  bool on_topic = false;
  for (const auto& r : AssessmentEvents(id, 4)) {
    on_topic = on_topic || r.headers.at("ce_type") == "ccms.assessment.crisis_flag_raised";
  }
  EXPECT_TRUE(on_topic);

  // Listed, and counted in the gauge, until acknowledged.
  bool listed = false;
  for (const auto& f : Unacknowledged(StaffA())) listed = listed || f.flag_id() == flag_id;
  EXPECT_TRUE(listed);
  for (const auto& f : Unacknowledged(StaffB())) EXPECT_NE(f.case_id(), id);
  h().maintenance().RefreshGauges();
  const std::string metrics = HttpGet(h().host().metrics_port(), "/metrics");
  EXPECT_NE(metrics.find("ccms_crisis_flags_unacknowledged{district_code=\"110101\"}"),
            std::string::npos);

  assessment::v1::AcknowledgeCrisisFlagRequest ack;
  ack.set_request_id(ids::NewUuid());
  ack.set_flag_id(flag_id);
  ack.set_note("called the person, family present");
  assessment::v1::AcknowledgeCrisisFlagResponse ack_resp;
  auto ctx = h().Context(WorkerA());
  EXPECT_EQ(h().stub().AcknowledgeCrisisFlag(ctx.get(), ack, &ack_resp).error_code(),
            grpc::PERMISSION_DENIED);
  ctx = h().Context(StaffB());
  EXPECT_EQ(h().stub().AcknowledgeCrisisFlag(ctx.get(), ack, &ack_resp).error_code(),
            grpc::NOT_FOUND);
  ctx = h().Context(StaffA());
  ASSERT_TRUE(h().stub().AcknowledgeCrisisFlag(ctx.get(), ack, &ack_resp).ok());
  EXPECT_TRUE(ack_resp.flag().has_acknowledged_at());
  ctx = h().Context(StaffA());  // a retry returns the first result
  EXPECT_TRUE(h().stub().AcknowledgeCrisisFlag(ctx.get(), ack, &ack_resp).ok());
  ack.set_request_id(ids::NewUuid());
  ctx = h().Context(StaffA());
  EXPECT_EQ(h().stub().AcknowledgeCrisisFlag(ctx.get(), ack, &ack_resp).error_code(),
            grpc::FAILED_PRECONDITION);
  for (const auto& f : Unacknowledged(StaffA())) EXPECT_NE(f.flag_id(), flag_id);

  // Staff may raise one by hand too.
  assessment::v1::RaiseCrisisFlagRequest raise;
  raise.set_request_id(ids::NewUuid());
  raise.set_case_id(id);
  raise.set_kind(assessment::v1::CRISIS_KIND_VIOLENCE);
  assessment::v1::RaiseCrisisFlagResponse raised;
  ctx = h().Context(WorkerA());
  ASSERT_TRUE(h().stub().RaiseCrisisFlag(ctx.get(), raise, &raised).ok());
  EXPECT_EQ(raised.flag().source(), assessment::v1::CRISIS_SOURCE_STAFF);
}

TEST_F(AssessmentIntegrationTest, IdempotentRecordAndDistrictScope) {
  const std::string id = ActiveCase();
  const auto req = Answers(id, "psych_screening", {});
  assessment::v1::RecordAssessmentResponse first, second;
  ASSERT_TRUE(Record(StaffA(), req, &first).ok());
  ASSERT_TRUE(Record(StaffA(), req, &second).ok());
  EXPECT_EQ(first.assessment().assessment_id(), second.assessment().assessment_id());
  EXPECT_EQ(Count("SELECT count(*) FROM assessments WHERE case_id = '" + id + "'"), 1);
  EXPECT_EQ(Record(WorkerA(), req).error_code(), grpc::ALREADY_EXISTS);
  // Another district: the case does not exist for the caller.
  EXPECT_EQ(Level(StaffB(), id).error_code(), grpc::NOT_FOUND);
  EXPECT_TRUE(Due(StaffB(), id).empty());
  EXPECT_EQ(Record(h().Token(Role::kSocialWorker, {kDistrictB}, "sw-b"),
                   Answers(id, "psych_screening", {}))
                .error_code(),
            grpc::NOT_FOUND);
  assessment::v1::GetAssessmentRequest get;
  get.set_assessment_id(first.assessment().assessment_id());
  assessment::v1::GetAssessmentResponse got;
  auto ctx = h().Context(StaffB());
  EXPECT_EQ(h().stub().GetAssessment(ctx.get(), get, &got).error_code(), grpc::NOT_FOUND);
  ctx = h().Context(h().Token(Role::kAuditor, {"*"}, "prosecutor"));
  EXPECT_TRUE(h().stub().GetAssessment(ctx.get(), get, &got).ok());
  EXPECT_EQ(got.assessment().answers_size(), 10);
  ctx = h().Context(h().Token(Role::kOps, {"*"}, "ops"));
  EXPECT_EQ(h().stub().GetAssessment(ctx.get(), get, &got).error_code(), grpc::PERMISSION_DENIED);
  EXPECT_GE(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + id + "'"), 2);
}

TEST_F(AssessmentIntegrationTest, RecordsDownFailsFastThenRecovers) {
  // A case assessment has not heard of: it asks records.
  const std::string id = ids::NewUuid();
  records::v1::Case c;
  c.set_case_id(id);
  c.set_status(records::v1::CASE_STATUS_ACTIVE);
  c.mutable_assignment()->set_district_code(kDistrictA);
  *c.mutable_sentence()->mutable_start_date() = Date(Today() - 10);
  *c.mutable_sentence()->mutable_end_date() = Date(Today() + 700);
  *c.mutable_intake_reported_on() = Date(Today() - 3);
  h().records().Put(c);
  const std::string known = ActiveCase();

  h().records().Stop();
  const absl::Time start = absl::Now();
  grpc::Status st = Record(StaffA(), Answers(id, "psych_screening", {}));
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(st.error_code(), grpc::UNAVAILABLE);
  EXPECT_EQ(st.error_message(), "records service unavailable; retry later");
  EXPECT_LT(took, absl::Seconds(3));
  // What assessment owns is still served.
  EXPECT_TRUE(Level(StaffA(), known).ok());
  EXPECT_TRUE(Record(StaffA(), Answers(known, "psych_screening", {})).ok());
  Unacknowledged(StaffA());  // lists still answer

  h().records().Start();
  const std::string staff = StaffA();
  ASSERT_TRUE(WaitFor([&] { return Record(staff, Answers(id, "psych_screening", {})).ok(); },
                      absl::Seconds(5)));
  // The lookup (GetCaseFacts) carried the user who caused it, for records' audit.
  EXPECT_EQ(h().records().last_end_user(), staff);
  assessment::v1::SupervisionLevelState s;
  ASSERT_TRUE(Level(StaffA(), id, &s).ok());
  EXPECT_EQ(s.level(), common::v1::SUPERVISION_LEVEL_STRICT);  // intake 3 days ago
  // A case records does not have.
  EXPECT_EQ(Record(StaffA(), Answers(ids::NewUuid(), "psych_screening", {})).error_code(),
            grpc::NOT_FOUND);
}

TEST_F(AssessmentIntegrationTest, MonthCloseReviewAndOverride) {
  const absl::CivilDay today = Today();
  const std::string id = ActiveCase();  // intake today: STRICT for 3 months
  ASSERT_TRUE(Record(StaffA(), Answers(id, "social_risk",
                                       {{"employment", "unstable"},
                                        {"offence_history", "two_or_more"},
                                        {"peers", "criminal"}}))
                  .ok());  // MEDIUM: 8
  // Deduct below the LOW_POINTS threshold this month.
  assessment::v1::AddPointsEntryRequest adj;
  adj.set_request_id(ids::NewUuid());
  adj.set_case_id(id);
  adj.set_amount(-45);
  adj.set_note("correction of a data-entry error");
  assessment::v1::AddPointsEntryResponse adj_resp;
  auto ctx = h().Context(StaffA());
  ASSERT_TRUE(h().stub().AddPointsEntry(ctx.get(), adj, &adj_resp).ok());
  EXPECT_EQ(adj_resp.entry().reason(), "ADJUSTMENT");
  EXPECT_EQ(LedgerTotal(id, assessment::domain::MonthOf(today)), 55);

  // Month by month: each month opens (BASE) and the one before closes.
  for (int step = 1; step <= 4; ++step) {
    const absl::CivilDay mid =
        assessment::domain::AddMonths(assessment::domain::MonthOf(today), step) + 14;
    h().clock().Set(absl::FromCivil(absl::CivilSecond(mid.year(), mid.month(), mid.day(), 12, 0, 0),
                                    time::ShanghaiTimeZone()));
    h().maintenance().RunLedgerAndLevels();
    if (step == 1) {
      assessment::v1::SupervisionLevelState s;
      ASSERT_TRUE(Level(StaffA(), id, &s).ok());
      EXPECT_EQ(s.level(), common::v1::SUPERVISION_LEVEL_STRICT);
      bool low_points = false;
      for (const auto& r : s.reasons()) low_points = low_points || r.find("LOW_POINTS") == 0;
      EXPECT_TRUE(low_points) << "the first month closed at 55 < 60";
    }
  }
  EXPECT_EQ(LedgerTotal(id, assessment::domain::MonthOf(today)), 55);
  EXPECT_EQ(Count("SELECT count(*) FROM points_months WHERE case_id = '" + id +
                  "' AND status = 'CLOSED'"),
            4);
  assessment::v1::SupervisionLevelState s;
  ASSERT_TRUE(Level(StaffA(), id, &s).ok());
  // Past the initial strict period, MEDIUM risk, the latest closed month at 100: STANDARD.
  EXPECT_EQ(s.level(), common::v1::SUPERVISION_LEVEL_STANDARD) << s.rule();
  bool closed_event = false;
  for (const auto& r : AssessmentEvents(id, 4)) {
    closed_event = closed_event || r.headers.at("ce_type") == "ccms.assessment.points_month_closed";
  }
  EXPECT_TRUE(closed_event);

  // Override with a written reason; the history keeps it.
  assessment::v1::OverrideSupervisionLevelRequest o;
  o.set_request_id(ids::NewUuid());
  o.set_case_id(id);
  o.set_level(common::v1::SUPERVISION_LEVEL_RELAXED);
  o.set_reason("team review: stable work and family");
  o.set_version(s.version() + 7);
  assessment::v1::OverrideSupervisionLevelResponse o_resp;
  ctx = h().Context(StaffA());
  EXPECT_EQ(h().stub().OverrideSupervisionLevel(ctx.get(), o, &o_resp).error_code(), grpc::ABORTED);
  o.set_version(s.version());
  ctx = h().Context(StaffA());
  ASSERT_TRUE(h().stub().OverrideSupervisionLevel(ctx.get(), o, &o_resp).ok());
  EXPECT_EQ(o_resp.supervision().level(), common::v1::SUPERVISION_LEVEL_RELAXED);
  EXPECT_TRUE(o_resp.supervision().overridden());
  ASSERT_GE(o_resp.supervision().history_size(), 2);
  EXPECT_TRUE(o_resp.supervision().history(0).override());
  EXPECT_EQ(o_resp.supervision().history(0).override_reason(),
            "team review: stable work and family");
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'OverrideSupervisionLevel'"
                  " AND case_id = '" +
                  id + "'"),
            1);
}

TEST_F(AssessmentIntegrationTest, AUsedInstrumentVersionMayNotChange) {
  const std::string id = ActiveCase();
  ASSERT_TRUE(Record(StaffA(), Answers(id, "social_risk", {})).ok());
  auto fingerprints = h().catalog().Fingerprints();
  for (auto& f : fingerprints) {
    if (f.instrument_id == "social_risk") f.sha256 = std::string(64, 'a');
  }
  const absl::Status st = h().store().RegisterInstruments(fingerprints);
  EXPECT_TRUE(absl::IsFailedPrecondition(st)) << st;
  EXPECT_NE(st.message().find("social_risk version 1"), std::string::npos) << st;
  // A version nobody used yet may still be corrected.
  ASSERT_TRUE(h().store().RegisterInstruments({{"social_risk", 2, std::string(64, 'b')}}).ok());
  EXPECT_TRUE(h().store().RegisterInstruments({{"social_risk", 2, std::string(64, 'c')}}).ok());
  EXPECT_EQ(h().db().QueryValue("SELECT sha256 FROM instrument_versions WHERE instrument_id ="
                                " 'social_risk' AND version = 2"),
            std::string(64, 'c'));
  EXPECT_TRUE(h().store().RegisterInstruments(h().catalog().Fingerprints()).ok());
}

TEST_F(AssessmentIntegrationTest, NoAnswersNotesOrReasonsLeak) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  log::AddSink(sink);
  log::Init("assessment", "debug");

  const std::string note = "NOTE-MARKER-7f3a person said something private";
  const std::string reason = "REASON-MARKER-51c2 family details";
  const std::string id = ActiveCase();
  auto req = Answers(id, "social_risk", {{"attitude", "threatens_others"}});
  req.set_notes(note);
  ASSERT_TRUE(Record(StaffA(), req).ok());
  assessment::v1::OverrideSupervisionLevelRequest o;
  o.set_request_id(ids::NewUuid());
  o.set_case_id(id);
  o.set_level(common::v1::SUPERVISION_LEVEL_STRICT);
  o.set_reason(reason);
  assessment::v1::OverrideSupervisionLevelResponse o_resp;
  auto ctx = h().Context(StaffA());
  ASSERT_TRUE(h().stub().OverrideSupervisionLevel(ctx.get(), o, &o_resp).ok());
  // A bad request echoes nothing of its input.
  auto bad = Answers(id, "social_risk", {});
  bad.mutable_answers(0)->set_option_id("NOTE-MARKER-7f3a");
  grpc::Status st = Record(StaffA(), bad);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  std::string errors = st.error_message();
  for (const auto& v : grpc_util::ViolationsOf(st)) errors += v.description;

  auto events = AssessmentEvents(id, 3);
  h().maintenance().RefreshGauges();
  const std::string metrics = HttpGet(h().host().metrics_port(), "/metrics");
  log::Init("assessment", "info");
  log::RemoveSink(sink);

  EXPECT_FALSE(captured.str().empty());
  for (const std::string& secret : {std::string("NOTE-MARKER"), std::string("REASON-MARKER"),
                                    std::string("threatens_others")}) {
    EXPECT_EQ(captured.str().find(secret), std::string::npos) << "in logs: " << secret;
    EXPECT_EQ(metrics.find(secret), std::string::npos) << "in metrics: " << secret;
    EXPECT_EQ(errors.find(secret), std::string::npos) << "in errors: " << secret;
    for (const auto& r : events) {
      EXPECT_EQ(r.value.find(secret), std::string::npos) << "in event " << r.headers.at("ce_type");
      for (const auto& [k, v] : r.headers) EXPECT_EQ(v.find(secret), std::string::npos) << k;
    }
  }
  EXPECT_GE(events.size(), 3u);  // level, recorded, crisis
  EXPECT_EQ(metrics.find(id), std::string::npos) << "case id as a metric label";
}

}  // namespace
}  // namespace ccms::testing
