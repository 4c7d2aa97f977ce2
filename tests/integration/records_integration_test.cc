// The records service against a real PostgreSQL and the dev Kafka broker (started by tests/run).
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "ccms/events/v1/envelope.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "common/log/log.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "services/records/migrations.h"
#include "spdlog/sinks/ostream_sink.h"
#include "tests/integration/records_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
using records::v1::Case;
using records::v1::OpenCaseRequest;
using records::v1::OpenCaseResponse;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";

class RecordsIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    harness_ = new RecordsHarness();
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
  }

  RecordsHarness& h() { return *harness_; }
  std::string Admin() { return h().Token(Role::kCityAdmin, {"*"}, "admin-1"); }
  std::string StaffA() { return h().Token(Role::kOfficeStaff, {kDistrictA}, "staff-a"); }

  // A fresh person each call.
  std::string NextId() { return MakeIdNumber("19900307", 1 + 2 * (next_seq_++ % 499)); }

  grpc::Status Open(const std::string& token, const OpenCaseRequest& req, OpenCaseResponse* resp) {
    auto ctx = h().Context(token);
    return h().cases().OpenCase(ctx.get(), req, resp);
  }
  Case OpenOk(const std::string& district) {
    OpenCaseResponse resp;
    grpc::Status st = Open(Admin(), ValidOpenCase(NextId(), district), &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.case_();
  }
  grpc::Status Get(const std::string& token, const std::string& case_id, Case* out = nullptr) {
    records::v1::GetCaseRequest req;
    req.set_case_id(case_id);
    records::v1::GetCaseResponse resp;
    auto ctx = h().Context(token);
    grpc::Status st = h().cases().GetCase(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.case_();
    return st;
  }
  std::set<std::string> ListIds(const std::string& token, grpc::Status* status = nullptr) {
    std::set<std::string> ids;
    std::string page;
    do {
      records::v1::ListCasesRequest req;
      req.set_page_size(7);
      req.set_page_token(page);
      records::v1::ListCasesResponse resp;
      auto ctx = h().Context(token);
      grpc::Status st = h().cases().ListCases(ctx.get(), req, &resp);
      if (status != nullptr) *status = st;
      if (!st.ok()) return ids;
      for (const auto& c : resp.cases()) ids.insert(c.case_id());
      page = resp.next_page_token();
    } while (!page.empty());
    return ids;
  }
  grpc::Status CheckIn(const std::string& token, const std::string& case_id,
                       records::v1::RecordIntakeCheckInResponse* resp = nullptr,
                       int64_t version = 0) {
    records::v1::RecordIntakeCheckInRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_version(version);
    records::v1::RecordIntakeCheckInResponse local;
    auto ctx = h().Context(token);
    return h().cases().RecordIntakeCheckIn(ctx.get(), req, resp ? resp : &local);
  }
  int64_t Count(const std::string& sql) { return std::stoll(h().db().QueryValue(sql)); }

  static RecordsHarness* harness_;
  static int next_seq_;
};

RecordsHarness* RecordsIntegrationTest::harness_ = nullptr;
int RecordsIntegrationTest::next_seq_ = 0;

TEST_F(RecordsIntegrationTest, MigrationsRanAndAreRecorded) {
  EXPECT_EQ(Count("SELECT count(*) FROM schema_migrations WHERE component = 'common'"),
            static_cast<int64_t>(db::CommonMigrations().size()));
  EXPECT_EQ(Count("SELECT count(*) FROM schema_migrations WHERE component = 'records'"),
            static_cast<int64_t>(records::Migrations().size()));
}

TEST_F(RecordsIntegrationTest, OpenGetAndList) {
  const std::string id = NextId();
  OpenCaseResponse resp;
  ASSERT_TRUE(Open(StaffA(), ValidOpenCase(id, kDistrictA), &resp).ok());
  const Case& c = resp.case_();
  EXPECT_TRUE(ids::IsUuid(c.case_id()));
  EXPECT_EQ(c.status(), records::v1::CASE_STATUS_PENDING_INTAKE);
  EXPECT_EQ(c.case_number().substr(0, 12), absl::StrCat("110101-", h().Today().year(), "-"));
  EXPECT_EQ(c.person().id_number_masked(), "**************" + id.substr(14));
  EXPECT_EQ(c.person().birth_date().year(), 1990);
  EXPECT_EQ(c.person().sex(), common::v1::SEX_MALE);
  EXPECT_EQ(c.intake_deadline().day(), 20);  // 2025-01-10 + 10 days
  EXPECT_EQ(c.version(), 1);

  Case got;
  ASSERT_TRUE(Get(StaffA(), c.case_id(), &got).ok());
  EXPECT_EQ(got.case_number(), c.case_number());
  EXPECT_EQ(got.person().name(), "测试人员");
  EXPECT_TRUE(ListIds(StaffA()).count(c.case_id()));
}

// ListCases runs one statement per set of filters (an office; a district and a status; a
// district; an open status; the rest): each answers with exactly the cases of its filters.
TEST_F(RecordsIntegrationTest, ListCasesFiltersEachPickTheirCases) {
  auto open_in = [&](const std::string& district, const std::string& office) {
    OpenCaseRequest req = ValidOpenCase(NextId(), district);
    req.mutable_assignment()->set_office_id(office);
    OpenCaseResponse resp;
    grpc::Status st = Open(Admin(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.case_().case_id();
  };
  const std::string office = "office-" + ids::NewUuid().substr(0, 8);
  const std::string a1 = open_in(kDistrictA, office);
  const std::string a2 = open_in(kDistrictA, "office-1");
  const std::string b1 = open_in(kDistrictB, "office-1");
  const std::string closed = open_in(kDistrictA, office);
  h().db().QueryValue("UPDATE cases SET status = 'REVOKED' WHERE case_id = '" + closed +
                      "' RETURNING 1");
  // Which of the four a filter lists, across all its pages of 2.
  auto listed = [&](const std::string& district, const std::string& office_id,
                    records::v1::CaseStatus status) {
    std::set<std::string> ids;
    std::string page;
    do {
      records::v1::ListCasesRequest req;
      req.set_district_code(district);
      req.set_office_id(office_id);
      req.set_status(status);
      req.set_page_size(2);
      req.set_page_token(page);
      records::v1::ListCasesResponse resp;
      auto ctx = h().Context(Admin());
      grpc::Status st = h().cases().ListCases(ctx.get(), req, &resp);
      EXPECT_TRUE(st.ok()) << st.error_message();
      if (!st.ok()) break;
      for (const auto& c : resp.cases()) {
        if (c.case_id() == a1 || c.case_id() == a2 || c.case_id() == b1 || c.case_id() == closed) {
          ids.insert(c.case_id());
        }
      }
      page = resp.next_page_token();
    } while (!page.empty());
    return ids;
  };
  using S = std::set<std::string>;
  constexpr auto kAny = records::v1::CASE_STATUS_UNSPECIFIED;
  constexpr auto kPending = records::v1::CASE_STATUS_PENDING_INTAKE;
  EXPECT_EQ(listed("", office, kAny), (S{a1, closed}));
  EXPECT_EQ(listed(kDistrictB, office, kAny), S{});
  EXPECT_EQ(listed("", office, kPending), S{a1});
  EXPECT_EQ(listed(kDistrictA, "", kPending), (S{a1, a2}));
  EXPECT_EQ(listed(kDistrictA, "", records::v1::CASE_STATUS_REVOKED), S{closed});
  EXPECT_EQ(listed(kDistrictA, "", kAny), (S{a1, a2, closed}));
  EXPECT_EQ(listed(kDistrictB, "", kAny), S{b1});
  EXPECT_EQ(listed("", "", kPending), (S{a1, a2, b1}));
  EXPECT_EQ(listed("", "", records::v1::CASE_STATUS_ACTIVE), S{});
  EXPECT_EQ(listed("", "", records::v1::CASE_STATUS_REVOKED), S{closed});
  EXPECT_EQ(listed("", "", kAny), (S{a1, a2, b1, closed}));
}

TEST_F(RecordsIntegrationTest, CaseFactsAreSnapshottedOnceAndTheirAgeBandFollowed) {
  OpenCaseResponse resp;
  ASSERT_TRUE(Open(StaffA(), ValidOpenCase(NextId(), kDistrictA), &resp).ok());
  const std::string id = resp.case_().case_id();
  const std::string of_case = "FROM outbox WHERE record_key = '" + id + "'";
  auto events = [&](const std::string& type) {
    return Count("SELECT count(*) " + of_case + " AND event_type = 'ccms.records." + type + "'");
  };
  // case_opened carried the facts, so the case needs no snapshot.
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE case_id = '" + id +
                  "' AND facts_published_at IS NOT NULL AND facts_age_band = '36_TO_45'"),
            1);
  records::CaseServiceImpl& cases = h().wiring().cases();
  ASSERT_TRUE(cases.PublishCaseFacts().ok());
  EXPECT_EQ(events("case_facts_snapshot") + events("case_facts_changed"), 0);

  // As if opened before case_opened carried the facts: one snapshot, however often the scan runs.
  h().db().QueryValue(
      "UPDATE cases SET facts_published_at = NULL, facts_age_band = NULL"
      " WHERE case_id = '" +
      id + "'");
  ASSERT_TRUE(cases.PublishCaseFacts().ok());
  ASSERT_TRUE(cases.PublishCaseFacts().ok());
  EXPECT_EQ(events("case_facts_snapshot"), 1);
  EXPECT_EQ(events("case_facts_changed"), 0);

  // The band last published is not today's (a birthday passed): one case_facts_changed.
  h().db().QueryValue("UPDATE cases SET facts_age_band = '26_TO_35' WHERE case_id = '" + id + "'");
  ASSERT_TRUE(cases.PublishCaseFacts().ok());
  ASSERT_TRUE(cases.PublishCaseFacts().ok());
  EXPECT_EQ(events("case_facts_changed"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE case_id = '" + id +
                  "' AND facts_age_band = '36_TO_45'"),
            1);
  // No name, ID number or address in any of the case's events.
  for (const std::string& personal : {std::string("测试人员"), resp.case_().person().name()}) {
    EXPECT_EQ(Count("SELECT count(*) " + of_case + " AND position(convert_to('" + personal +
                    "', 'UTF8') in payload) > 0"),
              0)
        << personal;
  }
}

TEST_F(RecordsIntegrationTest, BadInputReturnsFieldViolationsAndWritesNothing) {
  const int64_t cases_before = Count("SELECT count(*) FROM cases");
  const int64_t outbox_before = Count("SELECT count(*) FROM outbox");
  struct Case {
    std::function<void(OpenCaseRequest*)> mutate;
    std::string field;
  };
  const std::vector<Case> bad = {
      {[](OpenCaseRequest* r) {
         std::string id = r->person().id_number();
         id[17] = id[17] == '1' ? '2' : '1';
         r->mutable_person()->set_id_number(id);
       },
       "person.id_number"},
      {[](OpenCaseRequest* r) { r->mutable_sentence()->mutable_start_date()->set_year(2028); },
       "sentence.end_date"},
      {[](OpenCaseRequest* r) { r->mutable_assignment()->clear_district_code(); },
       "assignment.district_code"},
  };
  for (const auto& b : bad) {
    OpenCaseRequest req = ValidOpenCase(NextId(), kDistrictA);
    b.mutate(&req);
    OpenCaseResponse resp;
    grpc::Status st = Open(Admin(), req, &resp);
    EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT) << b.field;
    bool named = false;
    for (const auto& v : grpc_util::ViolationsOf(st)) named = named || v.field == b.field;
    EXPECT_TRUE(named) << b.field << ": " << st.error_message();
  }
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), cases_before);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), outbox_before);
}

TEST_F(RecordsIntegrationTest, DistrictScopingForEveryRole) {
  const Case a = OpenOk(kDistrictA);
  const Case b = OpenOk(kDistrictB);
  struct Expect {
    std::string name;
    std::string token;
    bool reads_a, reads_b;
    grpc::StatusCode read_denied;  // code when the role cannot read at all
  };
  const std::vector<Expect> roles = {
      {"office_staff A", StaffA(), true, false, grpc::OK},
      {"social_worker A", h().Token(Role::kSocialWorker, {kDistrictA}, "sw-a"), true, false,
       grpc::OK},
      {"office_staff B", h().Token(Role::kOfficeStaff, {kDistrictB}, "staff-b"), false, true,
       grpc::OK},
      {"city_admin", Admin(), true, true, grpc::OK},
      {"auditor", h().Token(Role::kAuditor, {"*"}, "prosecutor-1"), true, true, grpc::OK},
      // A partner token over a connection without the agency's client certificate.
      {"partner", h().Token(Role::kPartner, {}, "partner-1", "agency-9"), false, false,
       grpc::UNAUTHENTICATED},
      {"ops", h().Token(Role::kOps, {"*"}, "ops-1"), false, false, grpc::PERMISSION_DENIED},
  };
  for (const auto& r : roles) {
    SCOPED_TRACE(r.name);
    if (r.read_denied != grpc::OK) {
      EXPECT_EQ(Get(r.token, a.case_id()).error_code(), r.read_denied);
      grpc::Status list_status;
      EXPECT_TRUE(ListIds(r.token, &list_status).empty());
      EXPECT_EQ(list_status.error_code(), r.read_denied);
      continue;
    }
    EXPECT_EQ(Get(r.token, a.case_id()).error_code(), r.reads_a ? grpc::OK : grpc::NOT_FOUND);
    EXPECT_EQ(Get(r.token, b.case_id()).error_code(), r.reads_b ? grpc::OK : grpc::NOT_FOUND);
    const auto listed = ListIds(r.token);
    EXPECT_EQ(listed.count(a.case_id()), r.reads_a ? 1u : 0u);
    EXPECT_EQ(listed.count(b.case_id()), r.reads_b ? 1u : 0u);
  }
  // Changing another district's case: it does not exist for the caller.
  EXPECT_EQ(CheckIn(StaffA(), b.case_id()).error_code(), grpc::NOT_FOUND);
  OpenCaseResponse resp;
  EXPECT_EQ(Open(StaffA(), ValidOpenCase(NextId(), kDistrictB), &resp).error_code(),
            grpc::PERMISSION_DENIED);
  // Social workers do not open cases or record intakes.
  const std::string sw = h().Token(Role::kSocialWorker, {kDistrictA}, "sw-a");
  EXPECT_EQ(Open(sw, ValidOpenCase(NextId(), kDistrictA), &resp).error_code(),
            grpc::PERMISSION_DENIED);
  EXPECT_EQ(CheckIn(sw, a.case_id()).error_code(), grpc::PERMISSION_DENIED);
  // A case of B still PENDING_INTAKE: B's staff can take it.
  Case still;
  ASSERT_TRUE(Get(Admin(), b.case_id(), &still).ok());
  EXPECT_EQ(still.status(), records::v1::CASE_STATUS_PENDING_INTAKE);
}

TEST_F(RecordsIntegrationTest, MissingOrBadTokenIsUnauthenticated) {
  const Case a = OpenOk(kDistrictA);
  records::v1::GetCaseRequest req;
  req.set_case_id(a.case_id());
  records::v1::GetCaseResponse resp;
  grpc::ClientContext no_token;
  EXPECT_EQ(h().cases().GetCase(&no_token, req, &resp).error_code(), grpc::UNAUTHENTICATED);
  std::string forged = StaffA();
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(Get(forged, a.case_id()).error_code(), grpc::UNAUTHENTICATED);
}

TEST_F(RecordsIntegrationTest, RetryWithSameRequestIdReturnsFirstResult) {
  const OpenCaseRequest req = ValidOpenCase(NextId(), kDistrictA);
  OpenCaseResponse first, second;
  ASSERT_TRUE(Open(StaffA(), req, &first).ok());
  ASSERT_TRUE(Open(StaffA(), req, &second).ok());
  EXPECT_EQ(first.case_().case_id(), second.case_().case_id());
  EXPECT_EQ(first.case_().case_number(), second.case_().case_number());
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE case_id = '" + first.case_().case_id() + "'"),
            1);
  EXPECT_EQ(
      Count("SELECT count(*) FROM outbox WHERE record_key = '" + first.case_().case_id() + "'"), 1);
  // The same request id from someone else is not a retry.
  OpenCaseResponse other;
  EXPECT_EQ(Open(Admin(), req, &other).error_code(), grpc::ALREADY_EXISTS);
}

TEST_F(RecordsIntegrationTest, OnePersonOneOpenCase) {
  const std::string id = NextId();
  OpenCaseResponse resp;
  ASSERT_TRUE(Open(StaffA(), ValidOpenCase(id, kDistrictA), &resp).ok());
  const int64_t outbox_before = Count("SELECT count(*) FROM outbox");
  OpenCaseResponse again;
  grpc::Status st = Open(Admin(), ValidOpenCase(id, kDistrictB), &again);
  EXPECT_EQ(st.error_code(), grpc::ALREADY_EXISTS);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), outbox_before);  // rolled back with the case
}

TEST_F(RecordsIntegrationTest, IntakeCheckInActivatesAndFlagsLateness) {
  const Case c = OpenOk(kDistrictA);
  EXPECT_EQ(CheckIn(StaffA(), c.case_id(), nullptr, /*version=*/7).error_code(), grpc::ABORTED);
  records::v1::RecordIntakeCheckInResponse resp;
  ASSERT_TRUE(CheckIn(StaffA(), c.case_id(), &resp, c.version()).ok());
  EXPECT_EQ(resp.case_().status(), records::v1::CASE_STATUS_ACTIVE);
  EXPECT_TRUE(resp.case_().intake_late());  // reported today, long after 2025-01-20
  EXPECT_EQ(resp.case_().version(), 2);
  EXPECT_EQ(CheckIn(StaffA(), c.case_id()).error_code(), grpc::FAILED_PRECONDITION);

  // On time: reported on the 10th day.
  const Case d = OpenOk(kDistrictA);
  records::v1::RecordIntakeCheckInRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(d.case_id());
  req.mutable_reported_on()->set_year(2025);
  req.mutable_reported_on()->set_month(1);
  req.mutable_reported_on()->set_day(20);
  auto ctx = h().Context(StaffA());
  ASSERT_TRUE(h().cases().RecordIntakeCheckIn(ctx.get(), req, &resp).ok());
  EXPECT_FALSE(resp.case_().intake_late());
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + d.case_id() + "'"), 2);
}

TEST_F(RecordsIntegrationTest, OutboxRowIsWrittenWithTheCase) {
  const Case c = OpenOk(kDistrictA);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE record_key = '" + c.case_id() +
                  "' AND event_type = 'ccms.records.case_opened' AND topic = 'ccms.records.v1'"),
            1);
}

TEST_F(RecordsIntegrationTest, RelayPublishesEventWithCloudEventsHeaders) {
  const Case c = OpenOk(kDistrictA);
  auto records = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got) {
        for (const auto& r : got) {
          if (r.key == c.case_id()) return true;
        }
        return false;
      },
      absl::Seconds(30));
  const ConsumedRecord* found = nullptr;
  for (const auto& r : records) {
    if (r.key == c.case_id()) found = &r;
  }
  ASSERT_NE(found, nullptr) << "event not published";
  EXPECT_EQ(found->headers.at("ce_type"), "ccms.records.case_opened");
  EXPECT_EQ(found->headers.at("ce_source"), "/ccms/records");
  EXPECT_EQ(found->headers.at("ce_specversion"), "1.0");
  EXPECT_EQ(found->headers.at("content-type"), "application/protobuf");
  events::v1::Envelope env;
  ASSERT_TRUE(env.ParseFromString(found->value));
  EXPECT_EQ(found->headers.at("ce_id"), env.event_id());
  EXPECT_EQ(env.case_id(), c.case_id());
  EXPECT_EQ(env.district_code(), kDistrictA);
  EXPECT_EQ(env.actor(), "admin-1");
  records::v1::CaseOpened payload;
  ASSERT_TRUE(env.payload().UnpackTo(&payload));
  EXPECT_EQ(payload.case_number(), c.case_number());
  EXPECT_EQ(payload.intake_deadline().day(), 20);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE record_key = '" + c.case_id() +
                  "' AND sent_at IS NOT NULL"),
            1);
}

TEST_F(RecordsIntegrationTest, IdNumberLeaksNowhere) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  log::AddSink(sink);
  log::Init("records", "debug");  // every access-log line too

  const std::string id = MakeIdNumber("19850611", 777);
  OpenCaseResponse resp;
  ASSERT_TRUE(Open(StaffA(), ValidOpenCase(id, kDistrictA), &resp).ok());
  std::vector<std::string> errors;
  // The same person again, a bad variant, another district: every error text.
  OpenCaseResponse ignored;
  errors.push_back(Open(StaffA(), ValidOpenCase(id, kDistrictA), &ignored).error_message());
  std::string bad = id;
  bad[17] = bad[17] == '1' ? '2' : '1';
  grpc::Status st = Open(StaffA(), ValidOpenCase(bad, kDistrictA), &ignored);
  errors.push_back(st.error_message());
  for (const auto& v : grpc_util::ViolationsOf(st)) errors.push_back(v.description);
  errors.push_back(Open(StaffA(), ValidOpenCase(id, kDistrictB), &ignored).error_message());
  ASSERT_TRUE(CheckIn(StaffA(), resp.case_().case_id()).ok());

  auto events = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got) {
        int n = 0;
        for (const auto& r : got) n += r.key == resp.case_().case_id();
        return n >= 2;
      },
      absl::Seconds(30));
  const std::string metrics = HttpGet(h().host().metrics_port(), "/metrics");
  log::Init("records", "info");
  log::RemoveSink(sink);

  const std::string body = id.substr(0, 17);  // even without its check digit
  EXPECT_EQ(captured.str().find(body), std::string::npos) << "in logs";
  EXPECT_FALSE(captured.str().empty());
  EXPECT_EQ(metrics.find(body), std::string::npos) << "in metrics";
  for (const auto& e : errors) EXPECT_EQ(e.find(body), std::string::npos) << "in error: " << e;
  int seen = 0;
  for (const auto& r : events) {
    if (r.key != resp.case_().case_id()) continue;
    ++seen;
    EXPECT_EQ(r.value.find(body), std::string::npos) << "in event";
    for (const auto& [k, v] : r.headers) EXPECT_EQ(v.find(body), std::string::npos) << k;
  }
  EXPECT_EQ(seen, 2);
  // At rest: only ciphertext and a keyed hash.
  EXPECT_EQ(
      Count("SELECT count(*) FROM persons p WHERE row_to_json(p)::text LIKE '%" + body + "%'"), 0);
}

TEST_F(RecordsIntegrationTest, MetricsCountEachRpc) {
  OpenOk(kDistrictA);
  const std::string metrics = HttpGet(h().host().metrics_port(), "/metrics");
  EXPECT_NE(metrics.find("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"OpenCase\","
                         "grpc_service=\"ccms.records.v1.CaseService\",grpc_type=\"unary\"}"),
            std::string::npos)
      << metrics.substr(0, 2000);
  EXPECT_NE(metrics.find("grpc_server_handling_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.find("ccms_outbox_backlog"), std::string::npos);
  EXPECT_NE(metrics.find("ccms_db_pool_in_use"), std::string::npos);
}

}  // namespace
}  // namespace ccms::testing
