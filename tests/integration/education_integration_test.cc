// The education service against a real PostgreSQL and the dev Kafka broker (started by
// tests/run): following records' events into its case table (inbox dedupe), the service file and
// first contact with their rules, district scope in SQL, audit, and events on ccms.education.v1.
#include <algorithm>
#include <atomic>

#include "absl/strings/ascii.h"
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
constexpr char kEducationTopic[] = "ccms.education.v1";
constexpr char kSecretAnalysis[] = "ANALYSIS-STAYS-IN-EDUCATION";

google::type::Date Date(absl::CivilDay d) { return grpc_util::ToProtoDate(d); }
absl::CivilDay DayOf(const google::type::Date& d) {
  bool invalid = false;
  return grpc_util::FromProtoDate(d, &invalid).value_or(absl::CivilDay());
}

class EducationIntegrationTest : public ::testing::Test {
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
  std::string StaffB() { return h().Token(Role::kOfficeStaff, {kDistrictB}, "staff-b"); }
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

  events::v1::Envelope Opened(const std::string& id, bool minor,
                              const std::string& district = kDistrictA) {
    records::v1::CaseOpened p;
    p.set_case_id(id);
    p.set_district_code(district);
    p.set_office_id("office-1");
    *p.mutable_supervision_start_date() = Date(Today() - 20);
    *p.mutable_supervision_end_date() = Date(Today() + 700);
    p.set_minor(minor);
    p.set_sex(common::v1::SEX_FEMALE);
    p.set_age_band(minor ? records::v1::AGE_BAND_16_TO_17 : records::v1::AGE_BAND_26_TO_35);
    p.set_offence_category("theft");
    return Event("ccms.records.case_opened", id, p, district);
  }
  events::v1::Envelope Intake(const std::string& id, absl::CivilDay on) {
    records::v1::IntakeReported p;
    p.set_case_id(id);
    p.set_district_code(kDistrictA);
    *p.mutable_reported_on() = Date(on);
    return Event("ccms.records.intake_reported", id, p);
  }
  events::v1::Envelope Announced(const std::string& id, absl::CivilDay on) {
    records::v1::IntakeAnnounced p;
    p.set_case_id(id);
    p.set_district_code(kDistrictA);
    p.set_announcement_id(ids::NewUuid());
    *p.mutable_announced_on() = Date(on);
    return Event("ccms.records.intake_announced", id, p);
  }
  events::v1::Envelope Leave(const std::string& id, const std::string& leave_id,
                             const std::string& status, absl::CivilDay start, absl::CivilDay end,
                             absl::CivilDay on) {
    records::v1::LeaveChanged p;
    p.set_case_id(id);
    p.set_district_code(kDistrictA);
    p.set_leave_id(leave_id);
    p.set_status(status);
    *p.mutable_start_date() = Date(start);
    *p.mutable_end_date() = Date(end);
    *p.mutable_on() = Date(on);
    std::string type = "ccms.records.leave_" + absl::AsciiStrToLower(status);
    return Event(type, id, p);
  }

  // A case opened and reported `days_ago` days ago, through the consumer's inbox path.
  std::string ActiveCase(int days_ago, bool minor = false) {
    const std::string id = ids::NewUuid();
    EXPECT_TRUE(Apply(Opened(id, minor)));
    EXPECT_TRUE(Apply(Intake(id, Today() - days_ago)));
    return id;
  }

  grpc::Status Get(const std::string& token, const std::string& id, v1::ServiceFileStatus* out) {
    v1::GetServiceFileRequest req;
    req.set_case_id(id);
    v1::GetServiceFileResponse resp;
    auto ctx = h().Context(token);
    grpc::Status st = h().service_files().GetServiceFile(ctx.get(), req, &resp);
    *out = resp.status();
    return st;
  }
  v1::OpenServiceFileRequest OpenRequest(const std::string& id, absl::CivilDay on) {
    v1::OpenServiceFileRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(id);
    *req.mutable_opened_on() = Date(on);
    req.add_cause_codes("FAMILY");
    req.add_cause_codes("ECONOMIC");
    req.add_need_codes("EMPLOYMENT");
    req.set_analysis(kSecretAnalysis);
    return req;
  }
  grpc::Status OpenFile(const std::string& token, const v1::OpenServiceFileRequest& req,
                        v1::OpenServiceFileResponse* resp) {
    auto ctx = h().Context(token);
    return h().service_files().OpenServiceFile(ctx.get(), req, resp);
  }
  grpc::Status Contact(const std::string& token, const std::string& id, absl::CivilDay on) {
    v1::RecordFirstContactRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(id);
    *req.mutable_contacted_on() = Date(on);
    req.set_form(v1::CONTACT_FORM_FACE_TO_FACE);
    v1::RecordFirstContactResponse resp;
    auto ctx = h().Context(token);
    return h().service_files().RecordFirstContact(ctx.get(), req, &resp);
  }

  static EducationHarness* harness_;
  int64_t next_offset_ = 1000000;
};

EducationHarness* EducationIntegrationTest::harness_ = nullptr;

TEST_F(EducationIntegrationTest, FollowsRecordsThroughKafkaAndComputesTheDues) {
  const std::string id = ids::NewUuid();
  const absl::CivilDay reported = Today() - 3;
  Produce(Opened(id, /*minor=*/true));
  Produce(Intake(id, reported));
  v1::ServiceFileStatus s;
  ASSERT_TRUE(WaitFor(
      [&] {
        return Get(WorkerA(), id, &s).ok() && s.case_view().status() == v1::CASE_STATUS_ACTIVE;
      },
      absl::Seconds(60)))
      << "the consumer did not apply case_opened and intake_reported";
  EXPECT_TRUE(s.case_view().minor());
  EXPECT_EQ(s.case_view().district_code(), kDistrictA);
  EXPECT_EQ(s.case_view().sex(), "FEMALE");
  EXPECT_EQ(s.case_view().age_band(), "16_TO_17");
  EXPECT_EQ(s.case_view().offence_category(), "theft");
  EXPECT_EQ(DayOf(s.case_view().intake_reported_on()), reported);
  EXPECT_EQ(DayOf(s.first_contact_due_on()), reported + h().policy().first_contact_within_days);
  // 2026-11-27 + 1 month.
  EXPECT_EQ(DayOf(s.service_file_due_on()), absl::CivilDay(2026, 12, 27));
  EXPECT_EQ(s.policy_version(), h().policy().version);
  EXPECT_FALSE(s.first_contact_overdue());
}

TEST_F(EducationIntegrationTest, ARedeliveredEventAppliesOnce) {
  const std::string id = ids::NewUuid();
  ASSERT_TRUE(Apply(Opened(id, false)));
  const events::v1::Envelope intake = Intake(id, Today() - 1);
  EXPECT_TRUE(Apply(intake));
  EXPECT_FALSE(Apply(intake));  // the inbox has it
  EXPECT_EQ(Count("SELECT count(*) FROM inbox WHERE event_id = '" + intake.event_id() + "'"), 1);
  // Unknown types are recorded and change nothing; a malformed payload is skipped.
  records::v1::ContactRecorded other;
  EXPECT_TRUE(Apply(Event("ccms.records.contact_recorded", id, other)));
  events::v1::Envelope bad = Intake(id, Today());
  bad.mutable_payload()->set_value("\xff\xff not a message");
  EXPECT_TRUE(Apply(bad));
  v1::ServiceFileStatus s;
  ASSERT_TRUE(Get(WorkerA(), id, &s).ok());
  EXPECT_EQ(DayOf(s.case_view().intake_reported_on()), Today() - 1);
}

TEST_F(EducationIntegrationTest, ServiceFileAndFirstContactWithEvents) {
  const std::string id = ActiveCase(2);
  ASSERT_TRUE(Apply(Announced(id, Today() - 1)));
  // Not before the announcement.
  v1::OpenServiceFileResponse resp;
  EXPECT_EQ(OpenFile(WorkerA(), OpenRequest(id, Today() - 2), &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Contact(WorkerA(), id, Today() - 2).ok());
  const v1::OpenServiceFileRequest req = OpenRequest(id, Today() - 1);
  ASSERT_TRUE(OpenFile(WorkerA(), req, &resp).ok());
  const std::string file_id = resp.status().service_file().file_id();
  EXPECT_FALSE(file_id.empty());
  EXPECT_EQ(resp.status().service_file().cause_codes_size(), 2);
  EXPECT_EQ(resp.status().first_contact().form(), v1::CONTACT_FORM_FACE_TO_FACE);
  EXPECT_FALSE(resp.status().first_contact().late());
  // A retry of the same request answers the first response and writes nothing.
  v1::OpenServiceFileResponse retry;
  ASSERT_TRUE(OpenFile(WorkerA(), req, &retry).ok());
  EXPECT_EQ(retry.status().service_file().file_id(), file_id);
  // A new request for the same case: once per case.
  EXPECT_EQ(OpenFile(WorkerA(), OpenRequest(id, Today()), &retry).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Contact(WorkerA(), id, Today()).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Count("SELECT count(*) FROM service_files WHERE case_id = '" + id + "'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE record_key = '" + id + "'"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE position('" + std::string(kSecretAnalysis) +
                  "' in encode(payload, 'escape')) > 0"),
            0);
  // Both events reach the topic, keyed by the case.
  auto records = ReadTopic(
      kEducationTopic,
      [&](const std::vector<ConsumedRecord>& rs) {
        int n = 0;
        for (const auto& r : rs) n += r.key == id ? 1 : 0;
        return n >= 2;
      },
      absl::Seconds(60));
  std::vector<std::string> types;
  for (const auto& r : records) {
    if (r.key != id) continue;
    types.push_back(r.headers.at("ce_type"));
    EXPECT_EQ(r.value.find(kSecretAnalysis), std::string::npos);
    events::v1::Envelope env;
    ASSERT_TRUE(env.ParseFromString(r.value));
    if (env.type() == "ccms.education.service_file_opened") {
      v1::ServiceFileOpened p;
      ASSERT_TRUE(env.payload().UnpackTo(&p));
      EXPECT_EQ(p.file_id(), file_id);
      EXPECT_EQ(p.district_code(), kDistrictA);
      EXPECT_EQ(DayOf(p.opened_on()), Today() - 1);
    }
  }
  EXPECT_EQ(types, (std::vector<std::string>{"ccms.education.first_contact_recorded",
                                             "ccms.education.service_file_opened"}));
}

TEST_F(EducationIntegrationTest, DistrictScopeRolesAndAudit) {
  const std::string id = ActiveCase(1);
  v1::ServiceFileStatus s;
  EXPECT_EQ(Get(StaffB(), id, &s).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::OpenServiceFileResponse resp;
  EXPECT_EQ(OpenFile(StaffB(), OpenRequest(id, Today()), &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(
      Get(ServiceHarness::Token(Role::kPartner, {kDistrictA}, "partner-1", "agency-1"), id, &s)
          .error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(
      OpenFile(h().Token(Role::kAuditor, {"*"}), OpenRequest(id, Today()), &resp).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Get(h().Token(Role::kAuditor, {"*"}, "auditor-1"), id, &s).ok());
  ASSERT_TRUE(Get(WorkerA(), id, &s).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + id +
                  "' AND action = 'GetServiceFile' AND result = 'OK'"),
            2);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + id +
                  "' AND actor = 'staff-b' AND result = 'NOT_FOUND'"),
            2);
  // Transferred to district B: B sees it, A no longer does.
  records::v1::CaseTransferred t;
  t.set_case_id(id);
  t.set_from_district_code(kDistrictA);
  t.set_to_district_code(kDistrictB);
  t.set_to_office_id("office-b");
  *t.mutable_effective_on() = Date(Today());
  ASSERT_TRUE(Apply(Event("ccms.records.case_transferred", id, t, kDistrictB)));
  ASSERT_TRUE(Get(StaffB(), id, &s).ok());
  EXPECT_EQ(s.case_view().office_id(), "office-b");
  EXPECT_EQ(Get(WorkerA(), id, &s).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(EducationIntegrationTest, LeavesAndClosing) {
  const std::string id = ActiveCase(30);
  const std::string leave = ids::NewUuid();
  ASSERT_TRUE(Apply(Leave(id, leave, "APPROVED", Today() - 1, Today() + 2, Today() - 5)));
  v1::ServiceFileStatus s;
  ASSERT_TRUE(Get(WorkerA(), id, &s).ok());
  EXPECT_TRUE(s.case_view().on_leave_today());
  ASSERT_TRUE(Apply(Leave(id, leave, "RETURNED", Today() - 1, Today() + 2, Today())));
  ASSERT_TRUE(Get(WorkerA(), id, &s).ok());
  EXPECT_FALSE(s.case_view().on_leave_today());
  records::v1::CaseClosed c;
  c.set_case_id(id);
  c.set_district_code(kDistrictA);
  c.set_reason(records::v1::CASE_CLOSE_REASON_DISCHARGED);
  *c.mutable_closed_on() = Date(Today());
  ASSERT_TRUE(Apply(Event("ccms.records.case_closed", id, c)));
  ASSERT_TRUE(Get(WorkerA(), id, &s).ok());
  EXPECT_EQ(s.case_view().status(), v1::CASE_STATUS_CLOSED);
  EXPECT_FALSE(s.first_contact_overdue());  // closed cases are never overdue
  EXPECT_EQ(Contact(WorkerA(), id, Today()).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(EducationIntegrationTest, TheOverdueListOfADistrict) {
  const std::string overdue = ActiveCase(10);  // contact due 3 days ago
  const std::string contacted = ActiveCase(10);
  ASSERT_TRUE(Contact(WorkerA(), contacted, Today() - 9).ok());
  const std::string fresh = ActiveCase(1);
  std::vector<std::string> ids_seen;
  std::string token;
  do {
    v1::ListServiceFilesRequest req;
    req.set_district_code(kDistrictA);
    req.set_overdue_only(true);
    req.set_page_size(2);
    req.set_page_token(token);
    v1::ListServiceFilesResponse resp;
    auto ctx = h().Context(WorkerA());
    ASSERT_TRUE(h().service_files().ListServiceFiles(ctx.get(), req, &resp).ok());
    for (const auto& item : resp.items()) {
      ids_seen.push_back(item.case_view().case_id());
      EXPECT_TRUE(item.first_contact_overdue() || item.service_file_overdue());
    }
    token = resp.next_page_token();
  } while (!token.empty());
  auto has = [&](const std::string& id) {
    return std::find(ids_seen.begin(), ids_seen.end(), id) != ids_seen.end();
  };
  EXPECT_TRUE(has(overdue));
  EXPECT_FALSE(has(contacted));
  EXPECT_FALSE(has(fresh));
  // District B's staff list nothing of A.
  v1::ListServiceFilesRequest req;
  v1::ListServiceFilesResponse resp;
  auto ctx = h().Context(StaffB());
  ASSERT_TRUE(h().service_files().ListServiceFiles(ctx.get(), req, &resp).ok());
  for (const auto& item : resp.items()) EXPECT_EQ(item.case_view().district_code(), kDistrictB);
}

}  // namespace
}  // namespace ccms::testing
