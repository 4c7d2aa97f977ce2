// The reporting service against a real PostgreSQL and the dev Kafka broker (started by
// tests/run): records and assessment events produced as their services produce them (envelopes
// of common/kafka), projected through the inbox; a report over them; and a rebuild from the
// beginning of the topics under a new consumer group, equal to the incremental projections.
#include <atomic>
#include <map>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "ccms/reporting/v1/reporting_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/inbox_consumer.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "gtest/gtest.h"
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
  auto consumer = kafka::InboxConsumer::Create(
      {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap,
       .group_id = reporting::ConsumerGroup(*generation) + "-rebuild-" + h().db().name(),
       .topics = {reporting::kRecordsTopic, reporting::kAssessmentTopic}},
      h().host().background_pool(),
      [this](pqxx::work& tx, const events::v1::Envelope& e) {
        return wiring().consumer().Handle(tx, e);
      },
      nullptr);
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  (*consumer)->Start();
  const bool rebuilt = WaitFor(
      [&] {
        return Count("SELECT count(*) FROM occurrence WHERE case_id IN " + in) ==
               static_cast<int64_t>(events.size());
      },
      absl::Seconds(300));
  (*consumer)->Stop();
  ASSERT_TRUE(rebuilt);
  EXPECT_EQ(Projections(ids), incremental);
}

}  // namespace
}  // namespace ccms::testing
