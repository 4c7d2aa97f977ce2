// The reporting service against a real PostgreSQL and the dev Kafka broker (started by
// tests/run): records and assessment events produced as their services produce them (envelopes
// of common/kafka), projected through the inbox; a report over them; and a rebuild from the
// beginning of the topics under a new consumer group, equal to the incremental projections; the
// worklists and gauges from all four topics.
#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/education/v1/education_events.pb.h"
#include "ccms/employment/v1/employment_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "ccms/reporting/v1/reporting_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/inbox_consumer.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "services/reporting/domain/indicators.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/wiring.h"
#include "tests/support/service_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
using D = absl::CivilDay;
namespace v1 = reporting::v1;

// Districts no other test uses: the topics are shared, the report counts only these.
const std::vector<std::string> kDistricts = {"659001", "659002", "659003"};
constexpr char kHandDistrict[] = "659009";

google::type::Date Date(D d) { return grpc_util::ToProtoDate(d); }

struct Produced {
  std::string topic;
  events::v1::Envelope envelope;
};

// A random but valid history of `cases` cases in kDistricts, as records and assessment publish
// it: openings, intake reports, transfers, levels, key attention, lost contact, sanctions,
// contacts and closings, many of them back-dated (their effective day before earlier events').
std::vector<Produced> History(int cases, uint32_t seed, std::vector<std::string>* case_ids) {
  std::mt19937 rng(seed);
  auto between = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  std::vector<Produced> out;
  const D base(2026, 1, 1);
  for (int c = 0; c < cases; ++c) {
    const std::string id = ids::NewUuid();
    case_ids->push_back(id);
    std::string district = kDistricts[c % kDistricts.size()];
    auto records = [&](const std::string& type, const google::protobuf::Message& p) {
      out.push_back({reporting::kRecordsTopic,
                     kafka::MakeEnvelope(type, id, district, absl::Now(), absl::Now(), "test", p)});
    };
    const D start = base + between(0, 200);
    records::v1::CaseOpened open;
    open.set_case_id(id);
    open.set_district_code(district);
    open.set_office_id(absl::StrCat("office-", between(1, 2)));
    open.set_sentence_kind(static_cast<common::v1::SentenceKind>(between(1, 4)));
    *open.mutable_supervision_start_date() = Date(start);
    *open.mutable_intake_deadline() = Date(start + 10);
    open.set_minor(rng() % 5 == 0);
    open.set_sex(static_cast<common::v1::Sex>(between(1, 2)));
    open.set_age_band(static_cast<records::v1::AgeBand>(between(2, 6)));
    open.set_offence_category("theft");
    records("ccms.records.case_opened", open);
    if (rng() % 4 != 0) {
      records::v1::IntakeReported r;
      r.set_case_id(id);
      r.set_district_code(district);
      *r.mutable_reported_on() = Date(start + between(0, 15));
      records("ccms.records.intake_reported", r);
    }
    const int n = between(0, 6);
    for (int i = 0; i < n; ++i) {
      const D on = start + between(-3, 250);
      switch (rng() % 6) {
        case 0: {
          records::v1::CaseTransferred t;
          t.set_case_id(id);
          t.set_from_district_code(district);
          district = kDistricts[rng() % kDistricts.size()];
          t.set_to_district_code(district);
          t.set_to_office_id("office-9");
          *t.mutable_effective_on() = Date(on);
          records("ccms.records.case_transferred", t);
          break;
        }
        case 1: {
          assessment::v1::SupervisionLevelChanged l;
          l.set_case_id(id);
          l.set_district_code(district);
          l.set_level(static_cast<common::v1::SupervisionLevel>(between(1, 3)));
          *l.mutable_effective_on() = Date(on);
          out.push_back({reporting::kAssessmentTopic,
                         kafka::MakeEnvelope("ccms.assessment.supervision_level_changed", id,
                                             district, absl::Now(), absl::Now(), "test", l)});
          break;
        }
        case 2: {
          records::v1::LostContactChanged l;
          l.set_case_id(id);
          l.set_district_code(district);
          *l.mutable_since() = Date(on);
          records("ccms.records.lost_contact_marked", l);
          break;
        }
        case 3: {
          records::v1::SanctionIssued s;
          s.set_case_id(id);
          s.set_district_code(district);
          s.set_sanction_id(ids::NewUuid());
          s.set_kind(static_cast<records::v1::SanctionKind>(between(1, 4)));
          *s.mutable_issued_on() = Date(on);
          records("ccms.records.sanction_issued", s);
          break;
        }
        default: {
          records::v1::ContactRecorded k;
          k.set_case_id(id);
          k.set_district_code(district);
          k.set_contact_id(ids::NewUuid());
          k.set_kind("HOME_VISIT");
          *k.mutable_occurred_on() = Date(on);
          records("ccms.records.contact_recorded", k);
          break;
        }
      }
    }
    if (rng() % 3 == 0) {
      records::v1::CaseClosed cl;
      cl.set_case_id(id);
      cl.set_district_code(district);
      cl.set_reason(static_cast<records::v1::CaseCloseReason>(between(1, 3)));
      *cl.mutable_closed_on() = Date(start + between(20, 300));
      records("ccms.records.case_closed", cl);
    }
  }
  return out;
}

class ReportingIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    harness_ = new ServiceHarness(reporting::Definition(), {});
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
    stub_ = v1::ReportingService::NewStub(h().channel());
  }

  ServiceHarness& h() { return *harness_; }
  reporting::ReportingWiring& wiring() { return h().wiring<reporting::ReportingWiring>(); }
  int64_t Count(const std::string& sql) { return std::stoll(h().db().QueryValue(sql)); }
  // Whether every one of `events` is in reporting's inbox (applied).
  bool Applied(const std::vector<Produced>& events) {
    std::vector<std::string> v;
    for (const auto& p : events) v.push_back("'" + p.envelope.event_id() + "'::uuid");
    return Count(
               "SELECT count(*) FROM inbox WHERE consumer LIKE 'ccms-reporting%' AND event_id IN"
               " (" +
               absl::StrJoin(v, ",") + ")") == static_cast<int64_t>(events.size());
  }

  void Produce(const std::vector<Produced>& events) {
    std::atomic<int> delivered{0};
    auto producer = kafka::KafkaProducer::Create(
        {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap},
        [&](const kafka::DeliveryReport& r) { delivered += r.ok ? 1 : 0; });
    ASSERT_TRUE(producer.ok());
    for (const auto& p : events) {
      ASSERT_TRUE((*producer)
                      ->Produce({.topic = p.topic,
                                 .key = p.envelope.case_id(),
                                 .value = p.envelope.SerializeAsString()})
                      .ok());
    }
    ASSERT_TRUE((*producer)->Flush(30000));
    ASSERT_EQ(delivered.load(), static_cast<int>(events.size()));
  }
  bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return done();
  }
  static std::string InList(const std::vector<std::string>& ids) {
    return absl::StrCat("('", absl::StrJoin(ids, "','"), "')");
  }
  // Every projection row of these cases, in a stable order, as text.
  std::string Projections(const std::vector<std::string>& ids) {
    const std::string in = InList(ids);
    return absl::StrCat(
        h().db().QueryValue("SELECT count(*) || ':' || coalesce(string_agg(t::text, '|' ORDER BY"
                            " t::text), '') FROM case_span t WHERE case_id IN " +
                            in),
        "\n",
        h().db().QueryValue("SELECT count(*) || ':' || coalesce(string_agg(t::text, '|' ORDER BY"
                            " t::text), '') FROM case_flow t WHERE case_id IN " +
                            in),
        "\n",
        h().db().QueryValue(
            "SELECT count(*) || ':' || coalesce(string_agg((t.case_id, t.start_on, t.closed_on,"
            " t.close_reason, t.district_code, t.office_id, t.sentence_kind, t.sex, t.age_band,"
            " t.offence_category, t.level, t.minor, t.key_attention, t.lost_contact,"
            " t.never_reported)::text, '|' ORDER BY t.case_id), '') FROM case_projection t"
            " WHERE case_id IN " +
            in));
  }
  v1::RunReportResponse Run(const std::string& token, v1::PeriodKind kind, D day,
                            const std::string& breakdown, grpc::Status* status,
                            std::vector<std::string> indicators = {}) {
    v1::RunReportRequest req;
    req.set_period_kind(kind);
    *req.mutable_period_day() = Date(day);
    req.set_breakdown(breakdown);
    for (auto& i : indicators) req.add_indicator_ids(i);
    v1::RunReportResponse resp;
    *status = stub_->RunReport(ServiceHarness::Context(token).get(), req, &resp);
    return resp;
  }

  static ServiceHarness* harness_;
  std::unique_ptr<v1::ReportingService::Stub> stub_;
};

ServiceHarness* ReportingIntegrationTest::harness_ = nullptr;

TEST_F(ReportingIntegrationTest, AMonthReportCountsWhatHappened) {
  // Three people received on 01-05 (one a minor); one discharged on 01-20; one warned twice.
  std::vector<Produced> events;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    const std::string id = ids::NewUuid();
    ids.push_back(id);
    auto add = [&](const std::string& type, const google::protobuf::Message& p) {
      events.push_back(
          {reporting::kRecordsTopic,
           kafka::MakeEnvelope(type, id, kHandDistrict, absl::Now(), absl::Now(), "test", p)});
    };
    records::v1::CaseOpened open;
    open.set_case_id(id);
    open.set_district_code(kHandDistrict);
    open.set_office_id("office-1");
    open.set_sentence_kind(i == 0 ? common::v1::SENTENCE_KIND_PAROLE
                                  : common::v1::SENTENCE_KIND_PROBATION);
    *open.mutable_supervision_start_date() = Date(D(2026, 1, 5));
    *open.mutable_intake_deadline() = Date(D(2026, 1, 15));
    open.set_minor(i == 2);
    add("ccms.records.case_opened", open);
    records::v1::IntakeReported r;
    r.set_case_id(id);
    r.set_district_code(kHandDistrict);
    *r.mutable_reported_on() = Date(D(2026, 1, 6));
    add("ccms.records.intake_reported", r);
    if (i == 0) {
      records::v1::CaseClosed cl;
      cl.set_case_id(id);
      cl.set_district_code(kHandDistrict);
      cl.set_reason(records::v1::CASE_CLOSE_REASON_DISCHARGED);
      *cl.mutable_closed_on() = Date(D(2026, 1, 20));
      add("ccms.records.case_closed", cl);
    }
    if (i == 1) {
      for (D on : {D(2026, 1, 10), D(2026, 1, 25)}) {
        records::v1::SanctionIssued s;
        s.set_case_id(id);
        s.set_district_code(kHandDistrict);
        s.set_sanction_id(ids::NewUuid());
        s.set_kind(records::v1::SANCTION_KIND_WARNING);
        *s.mutable_issued_on() = Date(on);
        add("ccms.records.sanction_issued", s);
      }
    }
  }
  // One event delivered twice: the inbox keeps it once.
  events.push_back(events.front());
  Produce(events);
  ASSERT_TRUE(WaitFor(
      [&] { return Count("SELECT count(*) FROM occurrence WHERE case_id IN " + InList(ids)) == 9; },
      absl::Seconds(120)));

  const std::string bureau = ServiceHarness::Token(Role::kDistrictBureau, {kHandDistrict});
  grpc::Status st;
  auto resp = Run(bureau, v1::PERIOD_KIND_MONTH, D(2026, 1, 31), "", &st,
                  {"on_register", "on_register_probation", "on_register_parole", "received",
                   "discharged", "warnings", "warned_people", "minors_on_register"});
  ASSERT_TRUE(st.ok()) << st.error_message();
  bool invalid = false;
  EXPECT_EQ(grpc_util::FromProtoDate(resp.period_start(), &invalid), D(2026, 1, 1));
  EXPECT_EQ(grpc_util::FromProtoDate(resp.period_end(), &invalid), D(2026, 2, 1));
  EXPECT_EQ(grpc_util::FromProtoDate(resp.as_of(), &invalid), D(2026, 1, 31));
  EXPECT_EQ(resp.definitions_version(), wiring().definitions().version);
  EXPECT_EQ(absl::StrJoin(resp.total().cells(), ","), "2,2,0,3,1,2,1,1");
  EXPECT_EQ(resp.headings(0), "在册社区矫正对象");
  // As of 01-19 the discharged person was still on the register.
  resp = Run(bureau, v1::PERIOD_KIND_DAY, D(2026, 1, 19), "", &st, {"on_register"});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(resp.total().cells(0), "3");
  // By office (below the district), one minor shows as "<5"; by district it shows.
  resp = Run(bureau, v1::PERIOD_KIND_MONTH, D(2026, 1, 1), "office", &st, {"minors_on_register"});
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(resp.rows_size(), 1);
  EXPECT_EQ(resp.rows(0).cells(0), "<5");
  resp = Run(bureau, v1::PERIOD_KIND_MONTH, D(2026, 1, 1), "district", &st, {"minors_on_register"});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(resp.rows(0).cells(0), "1");
  // Another district's bureau sees none of it; a partner is refused.
  resp = Run(ServiceHarness::Token(Role::kDistrictBureau, {"659008"}), v1::PERIOD_KIND_MONTH,
             D(2026, 1, 1), "", &st, {"on_register"});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(resp.total().cells(0), "0");
  // A partner token without its partner-CA client certificate is refused before the role check.
  Run(ServiceHarness::Token(Role::kPartner, {}, "p", "agency-1"), v1::PERIOD_KIND_MONTH,
      D(2026, 1, 1), "", &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  Run(bureau, v1::PERIOD_KIND_UNSPECIFIED, D(2026, 1, 1), "", &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  Run(bureau, v1::PERIOD_KIND_MONTH, D(2026, 1, 1), "name", &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// The worklists (docs/reporting.md, "Worklists"): events of all four topics in through the
// broker, the lists out by kind, district, office and page; the events that end rows take them
// off; another district's bureau sees none of them.
class WorklistEvents {
 public:
  WorklistEvents(std::string district, absl::Time now)
      : district_(std::move(district)), now_(now) {}

  void Add(const std::string& topic, const std::string& type, const std::string& case_id,
           const google::protobuf::Message& p) {
    events.push_back({topic, kafka::MakeEnvelope(type, case_id, district_, now_,
                                                 recorded.value_or(absl::Now()), "test", p)});
  }
  void Opened(const std::string& id, const std::string& office, D start, D deadline) {
    records::v1::CaseOpened open;
    open.set_case_id(id);
    open.set_district_code(district_);
    open.set_office_id(office);
    open.set_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
    *open.mutable_supervision_start_date() = Date(start);
    *open.mutable_intake_deadline() = Date(deadline);
    Add(reporting::kRecordsTopic, "ccms.records.case_opened", id, open);
  }
  void Reported(const std::string& id, D on) {
    records::v1::IntakeReported r;
    r.set_case_id(id);
    r.set_district_code(district_);
    *r.mutable_reported_on() = Date(on);
    Add(reporting::kRecordsTopic, "ccms.records.intake_reported", id, r);
  }
  void Contact(const std::string& id, const std::string& kind, D on) {
    records::v1::ContactRecorded k;
    k.set_case_id(id);
    k.set_district_code(district_);
    k.set_contact_id(ids::NewUuid());
    k.set_kind(kind);
    *k.mutable_occurred_on() = Date(on);
    Add(reporting::kRecordsTopic, "ccms.records.contact_recorded", id, k);
  }
  void Level(const std::string& id, common::v1::SupervisionLevel level, D on) {
    assessment::v1::SupervisionLevelChanged l;
    l.set_case_id(id);
    l.set_district_code(district_);
    l.set_level(level);
    *l.mutable_effective_on() = Date(on);
    Add(reporting::kAssessmentTopic, "ccms.assessment.supervision_level_changed", id, l);
  }
  void Closed(const std::string& id, D on) {
    records::v1::CaseClosed cl;
    cl.set_case_id(id);
    cl.set_district_code(district_);
    cl.set_reason(records::v1::CASE_CLOSE_REASON_DISCHARGED);
    *cl.mutable_closed_on() = Date(on);
    Add(reporting::kRecordsTopic, "ccms.records.case_closed", id, cl);
  }
  void Referral(const std::string& type, const std::string& id, const std::string& referral, D on,
                D due, const std::string& to_status) {
    employment::v1::ReferralChanged r;
    r.set_referral_id(referral);
    r.set_case_id(id);
    r.set_district_code(district_);
    r.set_kind("JOB_PLACEMENT");
    r.set_to_status(to_status);
    *r.mutable_on() = Date(on);
    *r.mutable_answer_due_on() = Date(due);
    Add(reporting::kEmploymentTopic, type, id, r);
  }

  std::vector<Produced> events;
  // The envelopes' recorded_at (the producing service's commit), when set; else the instant of
  // Add().
  std::optional<absl::Time> recorded;

 private:
  std::string district_;
  absl::Time now_;
};

TEST_F(ReportingIntegrationTest, WorklistsFollowEveryTopicAndLoseTheRowsTheirEventsEnd) {
  const std::string a = "659031";
  const std::string b = "659032";
  const D today = h().Today();
  const absl::Time now = h().clock().Now();
  WorklistEvents ea(a, now);
  WorklistEvents eb(b, now);
  const std::string never = ids::NewUuid();     // A, office-1: past its intake deadline
  const std::string contact = ids::NewUuid();   // A, office-2: strict, last visit 40 days ago
  const std::string services = ids::NewUuid();  // A, office-1: hours, discharge, a referral
  const std::string other = ids::NewUuid();     // B: past its intake deadline
  ea.Opened(never, "office-1", today - 30, today - 20);
  ea.Opened(contact, "office-2", today - 60, today - 50);
  ea.Reported(contact, today - 55);
  ea.Level(contact, common::v1::SUPERVISION_LEVEL_STRICT, today - 55);
  ea.Contact(contact, "HOME_VISIT", today - 40);
  ea.Contact(contact, "CHECK_IN_PHONE", today - 2);  // a phone report is not in person
  const std::string flag = ids::NewUuid();
  assessment::v1::CrisisFlagRaised raised;
  raised.set_case_id(contact);
  raised.set_district_code(a);
  raised.set_flag_id(flag);
  raised.set_kind(assessment::v1::CRISIS_KIND_SELF_HARM);
  *raised.mutable_raised_at() = grpc_util::ToProtoTimestamp(now - absl::Hours(30));
  *raised.mutable_acknowledge_by() = grpc_util::ToProtoTimestamp(now - absl::Hours(6));
  ea.Add(reporting::kAssessmentTopic, "ccms.assessment.crisis_flag_raised", contact, raised);
  const Produced raised_event = ea.events.back();
  ea.Opened(services, "office-1", today - 300, today - 290);
  ea.Reported(services, today - 10);
  ea.Level(services, common::v1::SUPERVISION_LEVEL_STANDARD, today - 10);  // next visit in 1m
  education::v1::HoursMonthClosed hours;
  hours.set_case_id(services);
  hours.set_district_code(a);
  hours.set_year(absl::CivilMonth(today - 31).year());
  hours.set_month(absl::CivilMonth(today - 31).month());
  hours.set_study_required_minutes(480);
  hours.set_study_credited_minutes(240);
  hours.set_study_shortfall_minutes(240);
  ea.Add(reporting::kEducationTopic, "ccms.education.hours_month_closed", services, hours);
  records::v1::DischargeApproaching approaching;
  approaching.set_case_id(services);
  approaching.set_district_code(a);
  *approaching.mutable_end_date() = Date(today + 20);
  ea.Add(reporting::kRecordsTopic, "ccms.records.discharge_approaching", services, approaching);
  const std::string referral = ids::NewUuid();
  ea.Referral("ccms.employment.referral_escalated", services, referral, today - 1, today - 3,
              "SENT");
  eb.Opened(other, "office-7", today - 30, today - 20);
  std::vector<Produced> first = ea.events;
  first.insert(first.end(), eb.events.begin(), eb.events.end());
  Produce(first);
  const std::vector<std::string> cases = {never, contact, services, other};
  ASSERT_TRUE(WaitFor([&] { return Applied(first); }, absl::Seconds(120)));

  const std::string bureau_a = ServiceHarness::Token(Role::kDistrictBureau, {a});
  auto list = [&](const std::string& token, v1::WorklistKind kind, const std::string& district,
                  const std::string& office, int page_size, const std::string& page_token,
                  grpc::Status* st) {
    v1::ListWorklistRequest req;
    req.set_kind(kind);
    req.set_district_code(district);
    req.set_office_id(office);
    req.set_page_size(page_size);
    req.set_page_token(page_token);
    v1::ListWorklistResponse resp;
    *st = stub_->ListWorklist(ServiceHarness::Context(token).get(), req, &resp);
    return resp;
  };
  auto text = [](const v1::ListWorklistResponse& resp) {
    std::vector<std::string> out;
    bool invalid = false;
    for (const auto& r : resp.rows()) {
      out.push_back(
          absl::StrCat(v1::WorklistKind_Name(r.kind()), " ", r.case_id(), " ", r.district_code(),
                       " ", r.office_id(), " ", r.item_id(), " ",
                       absl::FormatCivilTime(*grpc_util::FromProtoDate(r.since(), &invalid)), " ",
                       absl::FormatCivilTime(*grpc_util::FromProtoDate(r.due_on(), &invalid)), " ",
                       r.reason_code()));
    }
    return out;
  };
  auto day = [](D d) { return absl::FormatCivilTime(d); };
  const std::string month = absl::FormatCivilTime(absl::CivilMonth(today - 31));
  // Most urgent first: by due day.
  const std::vector<std::string> want = {
      absl::StrCat("WORKLIST_KIND_CONTACT_OVERDUE ", contact, " ", a, " office-2  ",
                   day(today - 40), " ", day(today - 25), " IN_PERSON_CONTACT_STRICT"),
      absl::StrCat("WORKLIST_KIND_NEVER_REPORTED ", never, " ", a, " office-1  ", day(today - 19),
                   " ", day(today - 20), " INTAKE_DEADLINE_PASSED"),
      absl::StrCat("WORKLIST_KIND_HOURS_SHORTFALL ", services, " ", a, " office-1 ", month, " ",
                   day(D(absl::CivilMonth(today - 31))), " ",
                   day(D(absl::CivilMonth(today - 31) + 1) - 1), " STUDY"),
      absl::StrCat("WORKLIST_KIND_REFERRAL_ESCALATED ", services, " ", a, " office-1 ", referral,
                   " ", day(today - 1), " ", day(today - 3), " JOB_PLACEMENT"),
      absl::StrCat("WORKLIST_KIND_CRISIS_FLAG_UNACKNOWLEDGED ", contact, " ", a, " office-2 ", flag,
                   " ", day(today - 1), " ", day(today), " SELF_HARM"),
      absl::StrCat("WORKLIST_KIND_DISCHARGE_DUE ", services, " ", a, " office-1  ", day(today), " ",
                   day(today + 20), " TERM_ENDS"),
  };
  grpc::Status st;
  auto all = list(bureau_a, v1::WORKLIST_KIND_UNSPECIFIED, "", "", 0, "", &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  std::vector<std::string> got = text(all);
  // Sort both by due day, then kind (the service's order); compare as sets and order.
  EXPECT_EQ(got.size(), want.size());
  for (const auto& w : want) {
    EXPECT_NE(std::find(got.begin(), got.end(), w), got.end()) << w << "\n"
                                                               << absl::StrJoin(got, "\n");
  }
  for (size_t i = 1; i < static_cast<size_t>(all.rows_size()); ++i) {
    bool invalid = false;
    EXPECT_LE(*grpc_util::FromProtoDate(all.rows(i - 1).due_on(), &invalid),
              *grpc_util::FromProtoDate(all.rows(i).due_on(), &invalid));
  }
  EXPECT_TRUE(all.next_page_token().empty());
  // By kind and by office.
  auto only = list(bureau_a, v1::WORKLIST_KIND_NEVER_REPORTED, "", "", 0, "", &st);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(only.rows_size(), 1);
  EXPECT_EQ(only.rows(0).case_id(), never);
  only = list(bureau_a, v1::WORKLIST_KIND_UNSPECIFIED, a, "office-2", 0, "", &st);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(only.rows_size(), 2);
  EXPECT_EQ(only.rows(0).case_id(), contact);
  EXPECT_EQ(only.rows(1).case_id(), contact);
  // Office staff of office-1 (the token's office_id): office-1's rows only, whatever they ask;
  // another office is outside the token.
  const std::string staff_1 =
      ServiceHarness::Token(Role::kOfficeStaff, {a}, "staff-1", "", "office-1");
  only = list(staff_1, v1::WORKLIST_KIND_UNSPECIFIED, "", "", 0, "", &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(only.rows_size(), 4);
  for (const auto& r : only.rows()) EXPECT_EQ(r.office_id(), "office-1") << r.case_id();
  only = list(staff_1, v1::WORKLIST_KIND_UNSPECIFIED, a, "office-1", 0, "", &st);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(only.rows_size(), 4);
  list(staff_1, v1::WORKLIST_KIND_UNSPECIFIED, a, "office-2", 0, "", &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Office staff whose token names no office: their district, as before.
  only = list(ServiceHarness::Token(Role::kOfficeStaff, {a}), v1::WORKLIST_KIND_UNSPECIFIED, "", "",
              0, "", &st);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(only.rows_size(), 6);
  // Pages of 4: two pages, together the whole list in the same order.
  auto page1 = list(bureau_a, v1::WORKLIST_KIND_UNSPECIFIED, "", "", 4, "", &st);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(page1.rows_size(), 4);
  ASSERT_FALSE(page1.next_page_token().empty());
  auto page2 =
      list(bureau_a, v1::WORKLIST_KIND_UNSPECIFIED, "", "", 4, page1.next_page_token(), &st);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(page2.rows_size(), 2);
  EXPECT_TRUE(page2.next_page_token().empty());
  std::vector<std::string> paged = text(page1);
  for (const auto& r : text(page2)) paged.push_back(r);
  EXPECT_EQ(paged, got);
  list(bureau_a, v1::WORKLIST_KIND_UNSPECIFIED, "", "", 4, "bm90IGEgdG9rZW4", &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  list(bureau_a, v1::WORKLIST_KIND_UNSPECIFIED, "", "", 501, "", &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Another district's bureau: its own case only; district A is outside its token.
  const std::string bureau_b = ServiceHarness::Token(Role::kDistrictBureau, {b});
  auto theirs = list(bureau_b, v1::WORKLIST_KIND_UNSPECIFIED, "", "", 0, "", &st);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(theirs.rows_size(), 1);
  EXPECT_EQ(theirs.rows(0).case_id(), other);
  list(bureau_b, v1::WORKLIST_KIND_UNSPECIFIED, a, "", 0, "", &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  list(ServiceHarness::Token(Role::kSocialWorker, {a}), v1::WORKLIST_KIND_UNSPECIFIED, "", "", 0,
       "", &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // The events that end them: the intake report, an in-person contact, the acknowledgement (and
  // the raising delivered again: the inbox keeps it out), the answer, the closing.
  WorklistEvents end(a, now);
  end.Reported(never, today - 1);
  end.Contact(contact, "CHECK_IN_IN_PERSON", today - 1);
  assessment::v1::CrisisFlagAcknowledged ack;
  ack.set_case_id(contact);
  ack.set_district_code(a);
  ack.set_flag_id(flag);
  end.Add(reporting::kAssessmentTopic, "ccms.assessment.crisis_flag_acknowledged", contact, ack);
  std::vector<Produced> ending = end.events;
  end.events.push_back(raised_event);
  // After the raising on its partition: once this is applied, the raising was seen again.
  end.Level(contact, common::v1::SUPERVISION_LEVEL_STRICT, today - 55);
  ending.push_back(end.events.back());
  end.Referral("ccms.employment.referral_answered", services, referral, today, today - 3,
               "ACCEPTED");
  ending.push_back(end.events.back());
  end.Closed(services, today);
  ending.push_back(end.events.back());
  Produce(end.events);
  ASSERT_TRUE(WaitFor([&] { return Applied(ending); }, absl::Seconds(120)));
  all = list(bureau_a, v1::WORKLIST_KIND_UNSPECIFIED, "", "", 0, "", &st);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(all.rows_size(), 0) << absl::StrJoin(text(all), "\n");
  // The contact row is still there, due in 15 days: it shows once it is late.
  EXPECT_EQ(Count("SELECT count(*) FROM worklist_item WHERE case_id IN " +
                  InList({never, contact, services})),
            1);
  EXPECT_EQ(h().db().QueryValue("SELECT due_on::text FROM worklist_item WHERE case_id = '" +
                                contact + "'"),
            day(today + 14));
}

// A transferred case's rows move with it: listed under its new district and office (the
// projection's), never the old, whichever event wrote them and whatever district that event
// still named (docs/reporting.md, "Worklists").
TEST_F(ReportingIntegrationTest, WorklistRowsMoveWithATransferredCase) {
  const std::string a = "659051";
  const std::string b = "659052";
  const D today = h().Today();
  const absl::Time now = h().clock().Now();
  WorklistEvents ea(a, now);
  const std::string id = ids::NewUuid();
  ea.Opened(id, "office-1", today - 30, today - 20);  // never reported: a clock row
  auto raise = [&](WorklistEvents& e, const std::string& flag) {
    assessment::v1::CrisisFlagRaised raised;
    raised.set_case_id(id);
    raised.set_district_code(a);  // assessment may not know of the transfer yet
    raised.set_flag_id(flag);
    raised.set_kind(assessment::v1::CRISIS_KIND_SELF_HARM);
    *raised.mutable_raised_at() = grpc_util::ToProtoTimestamp(now - absl::Hours(30));
    *raised.mutable_acknowledge_by() = grpc_util::ToProtoTimestamp(now - absl::Hours(6));
    e.Add(reporting::kAssessmentTopic, "ccms.assessment.crisis_flag_raised", id, raised);
  };
  raise(ea, ids::NewUuid());  // an event's row, not the clock's
  Produce(ea.events);
  ASSERT_TRUE(WaitFor([&] { return Applied(ea.events); }, absl::Seconds(120)));
  // The case's rows as "district office", every page, for a token and an office filter.
  auto rows = [&](const std::string& token, const std::string& office) {
    std::vector<std::string> out;
    v1::ListWorklistRequest req;
    req.set_office_id(office);
    req.set_page_size(500);
    do {
      v1::ListWorklistResponse resp;
      grpc::Status st = stub_->ListWorklist(ServiceHarness::Context(token).get(), req, &resp);
      EXPECT_TRUE(st.ok()) << st.error_message();
      if (!st.ok()) break;
      for (const auto& r : resp.rows()) {
        if (r.case_id() == id) out.push_back(absl::StrCat(r.district_code(), " ", r.office_id()));
      }
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
    return out;
  };
  const std::string bureau_a = ServiceHarness::Token(Role::kDistrictBureau, {a});
  const std::string bureau_b = ServiceHarness::Token(Role::kDistrictBureau, {b});
  const std::string city = ServiceHarness::Token(Role::kCityAdmin, {"*"});
  using Rows = std::vector<std::string>;
  const std::string in_a = absl::StrCat(a, " office-1");
  const std::string in_b = absl::StrCat(b, " office-5");
  EXPECT_EQ(rows(bureau_a, ""), (Rows{in_a, in_a}));
  EXPECT_EQ(rows(bureau_a, "office-1"), (Rows{in_a, in_a}));
  EXPECT_TRUE(rows(bureau_b, "").empty());

  WorklistEvents moved(a, now);
  records::v1::CaseTransferred t;
  t.set_case_id(id);
  t.set_from_district_code(a);
  t.set_to_district_code(b);
  t.set_to_office_id("office-5");
  *t.mutable_effective_on() = Date(today - 1);
  moved.Add(reporting::kRecordsTopic, "ccms.records.case_transferred", id, t);
  raise(moved, ids::NewUuid());  // after the transfer, still naming district A
  Produce(moved.events);
  ASSERT_TRUE(WaitFor([&] { return Applied(moved.events); }, absl::Seconds(120)));
  EXPECT_TRUE(rows(bureau_a, "").empty());
  EXPECT_TRUE(rows(bureau_a, "office-1").empty());
  EXPECT_EQ(rows(bureau_b, ""), (Rows{in_b, in_b, in_b}));
  EXPECT_EQ(rows(bureau_b, "office-5"), (Rows{in_b, in_b, in_b}));
  EXPECT_EQ(rows(ServiceHarness::Token(Role::kOfficeStaff, {b}, "staff-5", "", "office-5"), ""),
            (Rows{in_b, in_b, in_b}));
  // The city's list (no district filter) says the same.
  EXPECT_EQ(rows(city, ""), (Rows{in_b, in_b, in_b}));
}

// Offices (docs/reporting.md, "Who sees what"): office staff whose token names an office count
// that office's cases only, in the SQL and in the table; the bureau its district.
TEST_F(ReportingIntegrationTest, OfficeStaffCountTheirOfficeOnly) {
  const std::string d = "659041";
  WorklistEvents e(d, h().clock().Now());
  std::vector<std::string> ids;
  for (const std::string office : {"office-1", "office-2", "office-1"}) {
    ids.push_back(ids::NewUuid());
    e.Opened(ids.back(), office, D(2026, 3, 2), D(2026, 3, 12));
    e.Reported(ids.back(), D(2026, 3, 3));
    e.Contact(ids.back(), "HOME_VISIT", D(2026, 3, 4));
  }
  Produce(e.events);
  ASSERT_TRUE(WaitFor(
      [&] { return Count("SELECT count(*) FROM occurrence WHERE case_id IN " + InList(ids)) == 9; },
      absl::Seconds(120)));
  const std::vector<std::string> indicators = {"on_register", "received", "contacts"};
  auto run = [&](const std::string& token, const std::string& breakdown, grpc::Status* st) {
    return Run(token, v1::PERIOD_KIND_MONTH, D(2026, 3, 1), breakdown, st, indicators);
  };
  auto rows = [](const v1::RunReportResponse& r) {
    std::vector<std::string> out;
    for (const auto& row : r.rows()) {
      out.push_back(absl::StrCat(row.key(), ":", absl::StrJoin(row.cells(), ",")));
    }
    out.push_back(absl::StrCat("total:", absl::StrJoin(r.total().cells(), ",")));
    return absl::StrJoin(out, " ");
  };
  grpc::Status st;
  const std::string bureau = ServiceHarness::Token(Role::kDistrictBureau, {d});
  EXPECT_EQ(rows(run(bureau, "office", &st)), "office-1:2,2,2 office-2:1,1,1 total:3,3,3");
  ASSERT_TRUE(st.ok()) << st.error_message();
  const std::string staff_1 =
      ServiceHarness::Token(Role::kOfficeStaff, {d}, "staff-1", "", "office-1");
  EXPECT_EQ(rows(run(staff_1, "office", &st)), "office-1:2,2,2 total:2,2,2");
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(rows(run(staff_1, "district", &st)), absl::StrCat(d, ":2,2,2 total:2,2,2"));
  const std::string staff_2 =
      ServiceHarness::Token(Role::kOfficeStaff, {d}, "staff-2", "", "office-2");
  EXPECT_EQ(rows(run(staff_2, "", &st)), ":1,1,1 total:1,1,1");
  // An office of another district (the same office id there) counts none of district d's.
  const std::string elsewhere =
      ServiceHarness::Token(Role::kOfficeStaff, {"659042"}, "staff-3", "", "office-1");
  EXPECT_EQ(rows(run(elsewhere, "", &st)), "total:0,0,0");
  // Without an office in the token: the district.
  EXPECT_EQ(rows(run(ServiceHarness::Token(Role::kOfficeStaff, {d}), "", &st)),
            ":3,3,3 total:3,3,3");
  // A district's snapshot counts every office: not for office staff of one office.
  v1::RunSnapshotRequest run_req;
  run_req.set_request_id(ids::NewUuid());
  run_req.set_report_id("monthly");
  *run_req.mutable_period_day() = Date(D(2026, 3, 1));
  run_req.set_district_code(d);
  v1::RunSnapshotResponse run_resp;
  ASSERT_TRUE(stub_->RunSnapshot(ServiceHarness::Context(bureau).get(), run_req, &run_resp).ok());
  v1::GetReportRequest get;
  get.set_report_id("monthly");
  *get.mutable_period_day() = Date(D(2026, 3, 1));
  get.set_district_code(d);
  v1::GetReportResponse got;
  EXPECT_TRUE(stub_->GetReport(ServiceHarness::Context(bureau).get(), get, &got).ok());
  EXPECT_EQ(stub_->GetReport(ServiceHarness::Context(staff_1).get(), get, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// As known at (docs/reporting.md, "As known at"): a report run as known at T counts only the
// events recorded by T, so it can be reproduced after late and back-dated events; as known now
// it changes.
TEST_F(ReportingIntegrationTest, AsKnownAtReproducesAPastReport) {
  const std::string d = "659043";
  const absl::Time now = h().clock().Now();  // the service's (fixed) now
  WorklistEvents e(d, now);
  e.recorded = now - absl::Hours(2);
  const std::string a = ids::NewUuid();
  const std::string b = ids::NewUuid();
  e.Opened(a, "office-1", D(2026, 3, 2), D(2026, 3, 12));
  e.Opened(b, "office-1", D(2026, 3, 2), D(2026, 3, 12));
  e.Contact(a, "HOME_VISIT", D(2026, 3, 5));
  Produce(e.events);
  ASSERT_TRUE(WaitFor(
      [&] {
        return Count("SELECT count(*) FROM occurrence WHERE case_id IN " + InList({a, b})) == 3;
      },
      absl::Seconds(120)));
  const std::string bureau = ServiceHarness::Token(Role::kDistrictBureau, {d});
  const std::vector<std::string> indicators = {"on_register", "received", "contacts",
                                               "contacted_people", "discharged"};
  auto run = [&](std::optional<absl::Time> known_at, grpc::Status* st) {
    v1::RunReportRequest req;
    req.set_period_kind(v1::PERIOD_KIND_MONTH);
    *req.mutable_period_day() = Date(D(2026, 3, 1));
    req.set_breakdown("district");
    for (const auto& i : indicators) req.add_indicator_ids(i);
    if (known_at.has_value()) *req.mutable_as_known_at() = grpc_util::ToProtoTimestamp(*known_at);
    v1::RunReportResponse resp;
    *st = stub_->RunReport(ServiceHarness::Context(bureau).get(), req, &resp);
    return resp;
  };
  auto text = [](const v1::RunReportResponse& r) {
    std::vector<std::string> out;
    for (const auto& row : r.rows()) {
      out.push_back(absl::StrCat(row.key(), ":", absl::StrJoin(row.cells(), ",")));
    }
    out.push_back(absl::StrCat("total:", absl::StrJoin(r.total().cells(), ",")));
    return absl::StrJoin(out, " ");
  };
  const absl::Time t = now - absl::Hours(1);
  grpc::Status st;
  const v1::RunReportResponse first = run(t, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(text(first), absl::StrCat(d, ":2,2,1,1,0 total:2,2,1,1,0"));
  bool invalid = false;
  EXPECT_EQ(grpc_util::FromProtoTimestamp(first.as_known_at(), &invalid), t);
  EXPECT_EQ(text(run(std::nullopt, &st)), text(first));  // nothing later yet

  // Recorded after T, back-dated into March: a third person received on 03-10, a contact of b's
  // on 03-06, a's discharge on 03-20.
  WorklistEvents late(d, now);
  late.recorded = now - absl::Minutes(10);
  const std::string c = ids::NewUuid();
  late.Opened(c, "office-2", D(2026, 3, 10), D(2026, 3, 20));
  late.Contact(b, "HOME_VISIT", D(2026, 3, 6));
  late.Closed(a, D(2026, 3, 20));
  Produce(late.events);
  ASSERT_TRUE(WaitFor(
      [&] {
        return Count("SELECT count(*) FROM occurrence WHERE case_id IN " + InList({a, b, c})) == 6;
      },
      absl::Seconds(120)));
  const v1::RunReportResponse again = run(t, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(text(again), text(first));  // reproduced exactly
  EXPECT_EQ(text(run(std::nullopt, &st)), absl::StrCat(d, ":2,3,2,2,1 total:2,3,2,2,1"));
  // As known just after the late events were recorded: they count.
  EXPECT_EQ(text(run(now - absl::Minutes(5), &st)), absl::StrCat(d, ":2,3,2,2,1 total:2,3,2,2,1"));
  // By office, as known at T: office-2 did not exist yet; office staff of office-2 see nothing.
  v1::RunReportRequest req;
  req.set_period_kind(v1::PERIOD_KIND_MONTH);
  *req.mutable_period_day() = Date(D(2026, 3, 1));
  req.add_indicator_ids("received");
  *req.mutable_as_known_at() = grpc_util::ToProtoTimestamp(t);
  v1::RunReportResponse resp;
  ASSERT_TRUE(stub_
                  ->RunReport(ServiceHarness::Context(ServiceHarness::Token(Role::kOfficeStaff, {d},
                                                                            "s", "", "office-2"))
                                  .get(),
                              req, &resp)
                  .ok());
  EXPECT_EQ(resp.total().cells(0), "0");
  req.clear_as_known_at();
  ASSERT_TRUE(stub_
                  ->RunReport(ServiceHarness::Context(ServiceHarness::Token(Role::kOfficeStaff, {d},
                                                                            "s", "", "office-2"))
                                  .get(),
                              req, &resp)
                  .ok());
  EXPECT_EQ(resp.total().cells(0), "1");
  // Not in the future.
  run(h().clock().Now() + absl::Hours(1), &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// The gauges (docs/reporting.md, "Gauges") from the projections: cases by status and the KPI
// people and ratios of one district equal what the events made and the projections' counts.
TEST_F(ReportingIntegrationTest, GaugesEqualTheProjectionsCounts) {
  const std::string c = "659033";
  const D today = h().Today();
  WorklistEvents e(c, h().clock().Now());
  const std::string served = ids::NewUuid();
  const std::string lost = ids::NewUuid();
  const std::string never = ids::NewUuid();
  const std::string closed = ids::NewUuid();
  e.Opened(served, "office-1", today - 40, today - 30);
  e.Reported(served, today - 39);
  e.Contact(served, "HOME_VISIT", today);
  e.Opened(lost, "office-1", today - 40, today - 30);
  e.Reported(lost, today - 39);
  records::v1::LostContactChanged l;
  l.set_case_id(lost);
  l.set_district_code(c);
  *l.mutable_since() = Date(today - 5);
  e.Add(reporting::kRecordsTopic, "ccms.records.lost_contact_marked", lost, l);
  e.Opened(never, "office-2", today - 20, today - 15);
  e.Opened(closed, "office-2", today - 100, today - 90);
  e.Reported(closed, today - 95);
  e.Closed(closed, today - 10);
  for (const std::string& id : {served, lost}) {
    education::v1::ServiceFileOpened f;
    f.set_case_id(id);
    f.set_district_code(c);
    f.set_file_id(ids::NewUuid());
    *f.mutable_opened_on() = Date(today - 30);
    e.Add(reporting::kEducationTopic, "ccms.education.service_file_opened", id, f);
  }
  education::v1::AttendanceRecorded at;
  at.set_case_id(served);
  at.set_district_code(c);
  at.set_session_id(ids::NewUuid());
  *at.mutable_session_day() = Date(today);
  at.set_outcome(education::v1::ATTENDANCE_OUTCOME_ATTENDED);
  e.Add(reporting::kEducationTopic, "ccms.education.attendance_recorded", served, at);
  at.set_case_id(lost);
  at.set_outcome(education::v1::ATTENDANCE_OUTCOME_ABSENT);  // not an education
  e.Add(reporting::kEducationTopic, "ccms.education.attendance_recorded", lost, at);
  e.Referral("ccms.employment.referral_sent", served, ids::NewUuid(), today, today + 7, "SENT");
  // Served (服务人数) without a contact: an assistance only.
  e.Referral("ccms.employment.referral_sent", lost, ids::NewUuid(), today - 1, today + 7, "SENT");
  Produce(e.events);
  const int64_t facts_expected = 5;  // two files, one attendance, two referrals
  ASSERT_TRUE(WaitFor(
      [&] {
        // 10 of records' events and 3 services (the attendance and the two referrals).
        return Count("SELECT count(*) FROM occurrence WHERE case_id IN " +
                     InList({served, lost, never, closed})) == 13 &&
               Count("SELECT count(*) FROM service_fact WHERE case_id IN " +
                     InList({served, lost, never, closed})) == facts_expected;
      },
      absl::Seconds(120)));
  ASSERT_TRUE(wiring().gauges().RefreshOnce());
  auto gauge = [&](const std::string& name, const std::string& label, const std::string& value) {
    for (const auto& family : h().host().registry().Collect()) {
      if (family.name != name) continue;
      for (const auto& m : family.metric) {
        bool district = false;
        bool other = false;
        for (const auto& lbl : m.label) {
          if (lbl.name == "district_code" && lbl.value == c) district = true;
          if (lbl.name == label && lbl.value == value) other = true;
        }
        if (district && other) return m.gauge.value;
      }
    }
    return -1.0;
  };
  EXPECT_EQ(gauge("ccms_reporting_cases", "status", "ACTIVE"), 1);
  EXPECT_EQ(gauge("ccms_reporting_cases", "status", "LOST_CONTACT"), 1);
  EXPECT_EQ(gauge("ccms_reporting_cases", "status", "NEVER_REPORTED"), 1);
  EXPECT_EQ(gauge("ccms_reporting_cases", "status", "CLOSED"), 1);
  // The projections counted independently: on the register today, by state.
  const std::string span_today =
      absl::StrCat("FROM case_span WHERE district_code = '", c, "' AND valid_from <= '",
                   absl::FormatCivilTime(today), "' AND (valid_to IS NULL OR valid_to > '",
                   absl::FormatCivilTime(today), "')");
  EXPECT_EQ(gauge("ccms_reporting_cases", "status", "LOST_CONTACT"),
            Count("SELECT count(*) " + span_today + " AND lost_contact"));
  EXPECT_EQ(
      gauge("ccms_reporting_cases", "status", "ACTIVE"),
      Count("SELECT count(*) " + span_today + " AND NOT lost_contact AND NOT never_reported"));
  const int64_t on_register = Count("SELECT count(*) " + span_today);
  ASSERT_EQ(on_register, 3);
  EXPECT_EQ(gauge("ccms_reporting_kpi_people", "kpi", "file"), 2);
  EXPECT_EQ(gauge("ccms_reporting_kpi_people", "kpi", "contact"), 1);
  EXPECT_EQ(gauge("ccms_reporting_kpi_people", "kpi", "education"), 1);
  EXPECT_EQ(gauge("ccms_reporting_kpi_people", "kpi", "assistance"), 2);
  EXPECT_EQ(gauge("ccms_reporting_kpi_people", "kpi", "served"), 2);
  EXPECT_DOUBLE_EQ(gauge("ccms_reporting_kpi_ratio", "kpi", "served"), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(gauge("ccms_reporting_kpi_ratio", "kpi", "file"), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(gauge("ccms_reporting_kpi_ratio", "kpi", "contact"), 1.0 / 3.0);
  // The contact KPI agrees with the indicators' contacted_people over on_register this month.
  grpc::Status st;
  auto resp = Run(ServiceHarness::Token(Role::kDistrictBureau, {c}), v1::PERIOD_KIND_MONTH, today,
                  "", &st, {"contacted_people", "on_register"});
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(absl::StrJoin(resp.total().cells(), ","), "1,3");
  // So does the served KPI with served_people (服务人数); services counts person-times: a
  // contact, an attendance and two referrals (the harness's today is 2026-11-30: yesterday's
  // referral is in the month).
  resp = Run(ServiceHarness::Token(Role::kDistrictBureau, {c}), v1::PERIOD_KIND_MONTH, today, "",
             &st, {"served_people", "services"});
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(absl::StrJoin(resp.total().cells(), ","), "2,4");
}

TEST_F(ReportingIntegrationTest, RebuildFromTheBeginningEqualsTheIncrementalProjections) {
  std::vector<std::string> ids;
  const std::vector<Produced> events = History(150, 20261205, &ids);
  Produce(events);
  const std::string in = InList(ids);
  ASSERT_TRUE(WaitFor(
      [&] {
        return Count("SELECT count(*) FROM occurrence WHERE case_id IN " + in) ==
               static_cast<int64_t>(events.size());
      },
      absl::Seconds(180)))
      << Count("SELECT count(*) FROM occurrence WHERE case_id IN " + in) << " of " << events.size();
  const std::string incremental = Projections(ids);
  ASSERT_GT(Count("SELECT count(*) FROM case_span WHERE case_id IN " + in), 150);

  // A report of every indicator by district, over the city, for every month of the history:
  // what the service answers equals the domain's computation over the events produced.
  {
    std::map<std::string, std::vector<reporting::domain::Occurrence>> by_case;
    for (const auto& p : events) {
      bool malformed = false;
      auto o = reporting::TranslateEvent(p.envelope, &malformed);
      ASSERT_TRUE(o.has_value());
      by_case[p.envelope.case_id()].push_back(*o);
    }
    std::vector<reporting::domain::Timeline> timelines;
    for (auto& [id, occ] : by_case) timelines.push_back(reporting::domain::BuildTimeline(occ));
    reporting::domain::ReportInput input;
    for (const auto& t : timelines) input.timelines.push_back(&t);
    input.case_ids.resize(timelines.size());
    std::vector<const reporting::domain::IndicatorDef*> all;
    for (const auto& d : wiring().definitions().indicators) all.push_back(&d);
    const std::string bureau = ServiceHarness::Token(Role::kDistrictBureau, kDistricts);
    const std::set<std::string> visible(kDistricts.begin(), kDistricts.end());
    for (D month(2026, 1, 1); month < D(2027, 1, 1); month = D(absl::CivilMonth(month) + 1)) {
      grpc::Status st;
      auto resp = Run(bureau, v1::PERIOD_KIND_MONTH, month, "district", &st);
      ASSERT_TRUE(st.ok()) << st.error_message();
      const auto want = reporting::domain::ComputeReport(
          all, reporting::domain::PeriodContaining(reporting::domain::PeriodKind::kMonth, month),
          "district", input, visible);
      ASSERT_EQ(resp.rows_size(), static_cast<int>(want.keys.size()));
      for (size_t r = 0; r < want.keys.size(); ++r) {
        EXPECT_EQ(resp.rows(r).key(), want.keys[r]);
        for (size_t i = 0; i < all.size(); ++i) {
          EXPECT_EQ(resp.rows(r).cells(i), absl::StrCat(want.rows[r][i]))
              << all[i]->id << " " << absl::FormatCivilTime(month);
        }
      }
    }
  }

  // --rebuild: the consumer stops, the projections are emptied and a new generation reads both
  // topics from the beginning under its own group.
  h().host().consumer(0).Stop();
  const int before = wiring().generation();
  auto generation = wiring().store().ResetProjections();
  ASSERT_TRUE(generation.ok()) << generation.status();
  EXPECT_EQ(*generation, before + 1);
  EXPECT_EQ(Count("SELECT count(*) FROM occurrence"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM case_span"), 0);
  auto consumer = kafka::InboxConsumer::CreateBatched(
      {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap,
       .group_id = reporting::ConsumerGroup(*generation) + "-rebuild-" + h().db().name(),
       .topics = {reporting::kRecordsTopic, reporting::kAssessmentTopic}},
      h().host().background_pool(),
      [this](pqxx::work& tx, const std::vector<const events::v1::Envelope*>& events) {
        return wiring().consumer().HandleBatch(tx, events);
      },
      nullptr);
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  (*consumer)->Start();
  const bool rebuilt = WaitFor(
      [&] {
        // In catch-up mode until the end of the topics built the cases: three batches short of
        // full, or, when the topics ended on full batches, the consumer idle for 3 s (the
        // service's idle check, which this harness does not run).
        const bool kept = Count("SELECT count(*) FROM occurrence WHERE case_id IN " + in) ==
                          static_cast<int64_t>(events.size());
        if (kept && absl::Now() - wiring().consumer().last_batch() > absl::Seconds(3)) {
          EXPECT_TRUE(wiring().consumer().FinishCatchUp().ok());
        }
        return kept && Count("SELECT count(*) FROM projection_catch_up WHERE active") == 0;
      },
      absl::Seconds(300));
  (*consumer)->Stop();
  ASSERT_TRUE(rebuilt);
  EXPECT_EQ(Projections(ids), incremental);
}

}  // namespace
}  // namespace ccms::testing
