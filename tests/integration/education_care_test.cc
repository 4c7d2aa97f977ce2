// Education's care area against a real PostgreSQL and the dev Kafka broker (started by
// tests/run): a crisis flag from assessment, through Kafka, makes an urgent counselling contact
// due and a session meets it; therapy only by a professional; the psychological file encrypted at
// rest, only for the district's staff, every read audited; referrals with their outcome.
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
constexpr char kSecretText[] = "PSYCH-FILE-STAYS-ENCRYPTED";

class EducationCareTest : public ::testing::Test {
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

  // An active case of district A, as records' events make it (opened 20 days ago, intake 10).
  std::string ActiveCase() {
    const std::string id = ids::NewUuid();
    records::v1::CaseOpened opened;
    opened.set_case_id(id);
    opened.set_district_code(kDistrictA);
    opened.set_office_id("office-1");
    *opened.mutable_supervision_start_date() = grpc_util::ToProtoDate(Today() - 20);
    *opened.mutable_supervision_end_date() = grpc_util::ToProtoDate(Today() + 700);
    records::v1::IntakeReported intake;
    intake.set_case_id(id);
    intake.set_district_code(kDistrictA);
    *intake.mutable_reported_on() = grpc_util::ToProtoDate(Today() - 10);
    for (const auto& [type, payload] :
         std::vector<std::pair<std::string, const google::protobuf::Message*>>{
             {"ccms.records.case_opened", &opened}, {"ccms.records.intake_reported", &intake}}) {
      auto e = kafka::MakeEnvelope(type, id, kDistrictA, absl::Now(), absl::Now(), "records-test",
                                   *payload);
      auto r = h().consumer().Process("ccms.records.v1", 0, offset_++, e.SerializeAsString());
      EXPECT_TRUE(r.ok() && *r) << r.status();
    }
    return id;
  }

  events::v1::Envelope CrisisFlag(const std::string& case_id, const std::string& flag_id,
                                  absl::Time raised_at) {
    assessment::v1::CrisisFlagRaised p;
    p.set_case_id(case_id);
    p.set_district_code(kDistrictA);
    p.set_flag_id(flag_id);
    p.set_kind(assessment::v1::CRISIS_KIND_SUICIDE);
    p.set_source(assessment::v1::CRISIS_SOURCE_ASSESSMENT);
    *p.mutable_raised_at() = grpc_util::ToProtoTimestamp(raised_at);
    p.set_policy_version("test");
    return kafka::MakeEnvelope("ccms.assessment.crisis_flag_raised", case_id, kDistrictA, raised_at,
                               raised_at, "assessment-test", p);
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
      absl::SleepFor(absl::Milliseconds(50));
    }
    return done();
  }

  std::string Expert(v1::ExpertKind kind, const std::string& district = kDistrictA) {
    v1::RegisterExpertRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_district_code(district);
    req.set_kind(kind);
    req.set_display_name("Expert of the pool");
    if (kind == v1::EXPERT_KIND_PARTNER_CENTRE) req.set_agency_id("centre-1");
    v1::RegisterExpertResponse resp;
    auto ctx = h().Context(h().Token(Role::kOfficeStaff, {district}, "staff"));
    const grpc::Status st = h().counselling().RegisterExpert(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.expert().expert_id();
  }

  grpc::Status Session(const std::string& token, const std::string& case_id,
                       const std::string& expert_id, v1::CounsellingKind kind,
                       v1::RecordCounsellingSessionResponse* resp,
                       std::optional<absl::Time> held_at = std::nullopt) {
    v1::RecordCounsellingSessionRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_expert_id(expert_id);
    req.set_kind(kind);
    req.set_duration_minutes(45);
    if (held_at.has_value()) *req.mutable_held_at() = grpc_util::ToProtoTimestamp(*held_at);
    auto ctx = h().Context(token);
    return h().counselling().RecordCounsellingSession(ctx.get(), req, resp);
  }

  std::vector<v1::UrgentContact> Urgent(const std::string& token, const std::string& district,
                                        bool overdue_only, const std::string& case_id) {
    v1::ListUrgentContactsRequest req;
    req.set_district_code(district);
    req.set_overdue_only(overdue_only);
    req.set_page_size(500);
    v1::ListUrgentContactsResponse resp;
    auto ctx = h().Context(token);
    const grpc::Status st = h().counselling().ListUrgentContacts(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::vector<v1::UrgentContact> out;
    for (const auto& u : resp.items()) {
      if (u.case_id() == case_id) out.push_back(u);
    }
    return out;
  }

  static EducationHarness* harness_;
  int64_t offset_ = 1;
};

EducationHarness* EducationCareTest::harness_ = nullptr;

// Raised 2026-… at the fixed test time minus one hour; due 24 hours later (policy default).
TEST_F(EducationCareTest, CrisisFlagThroughKafkaMakesTheUrgentContactDueAndASessionMeetsIt) {
  const std::string id = ActiveCase();
  const std::string flag = ids::NewUuid();
  const absl::Time raised = h().clock().Now() - absl::Hours(1);
  Produce("ccms.assessment.v1", CrisisFlag(id, flag, raised));
  ASSERT_TRUE(WaitFor(
      [&] {
        return Count("SELECT count(*) FROM urgent_contacts WHERE flag_id = '" + flag + "'") == 1;
      },
      absl::Seconds(60)))
      << "the crisis flag did not reach education";

  auto due = Urgent(WorkerA(), kDistrictA, false, id);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].flag_id(), flag);
  EXPECT_EQ(due[0].crisis_kind(), "SUICIDE");
  bool invalid = false;
  const absl::Time due_at = *grpc_util::FromProtoTimestamp(due[0].due_at(), &invalid);
  EXPECT_EQ(due_at, raised + absl::Hours(24));
  EXPECT_FALSE(due[0].overdue());
  EXPECT_TRUE(Urgent(StaffB(), kDistrictB, false, id).empty());  // district scope in SQL

  // At the due time it is still in time; a second later it is overdue.
  h().clock().Set(due_at);
  EXPECT_TRUE(Urgent(WorkerA(), kDistrictA, true, id).empty());
  h().clock().Set(due_at + absl::Seconds(1));
  auto overdue = Urgent(WorkerA(), kDistrictA, true, id);
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_TRUE(overdue[0].overdue());

  // A redelivered flag changes nothing.
  auto again = h().care_consumer().Process("ccms.assessment.v1", 0, 1'000'000 + offset_++,
                                           CrisisFlag(id, flag, raised).SerializeAsString());
  ASSERT_TRUE(again.ok());

  // Therapy by a volunteer is refused naming the rule; guidance meets the urgent contact.
  const std::string volunteer = Expert(v1::EXPERT_KIND_VOLUNTEER);
  v1::RecordCounsellingSessionResponse resp;
  const grpc::Status refused =
      Session(WorkerA(), id, volunteer, v1::COUNSELLING_KIND_THERAPY, &resp);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("therapy_by_professional"), std::string::npos);
  ASSERT_TRUE(Session(WorkerA(), id, volunteer, v1::COUNSELLING_KIND_GUIDANCE, &resp).ok());
  ASSERT_EQ(resp.session().urgent_flag_ids_size(), 1);
  EXPECT_EQ(resp.session().urgent_flag_ids(0), flag);
  EXPECT_TRUE(Urgent(WorkerA(), kDistrictA, false, id).empty());
  EXPECT_EQ(Count("SELECT count(*) FROM urgent_contacts WHERE flag_id = '" + flag +
                  "' AND met_by_session_id = '" + resp.session().session_id() + "'"),
            1);
  // A professional may give therapy.
  ASSERT_TRUE(Session(WorkerA(), id, Expert(v1::EXPERT_KIND_PROFESSIONAL),
                      v1::COUNSELLING_KIND_THERAPY, &resp)
                  .ok());

  // The session's event on ccms.education.v1 names the flag it met, late.
  auto records = ReadTopic(
      "ccms.education.v1",
      [&](const std::vector<ConsumedRecord>& rs) {
        int n = 0;
        for (const auto& r : rs) n += r.key == id ? 1 : 0;
        return n >= 2;
      },
      absl::Seconds(60));
  bool seen = false;
  for (const auto& r : records) {
    if (r.key != id) continue;
    events::v1::Envelope env;
    ASSERT_TRUE(env.ParseFromString(r.value));
    if (env.type() != "ccms.education.counselling_session_recorded") continue;
    v1::CounsellingSessionRecorded p;
    ASSERT_TRUE(env.payload().UnpackTo(&p));
    if (p.urgent_flag_ids_size() == 1) {
      EXPECT_EQ(p.urgent_flag_ids(0), flag);
      EXPECT_TRUE(p.urgent_contact_late());
      EXPECT_EQ(p.kind(), "GUIDANCE");
      seen = true;
    }
  }
  EXPECT_TRUE(seen);
}

// A flag whose event arrives after a session held after it is met at once.
TEST_F(EducationCareTest, AFlagArrivingAfterTheSessionIsMetByIt) {
  const std::string id = ActiveCase();
  const std::string expert = Expert(v1::EXPERT_KIND_SOCIAL_WORKER);
  const absl::Time raised = h().clock().Now() - absl::Hours(3);
  v1::RecordCounsellingSessionResponse resp;
  ASSERT_TRUE(
      Session(WorkerA(), id, expert, v1::COUNSELLING_KIND_EDUCATION, &resp, raised + absl::Hours(1))
          .ok());
  const std::string flag = ids::NewUuid();
  auto applied = h().care_consumer().Process("ccms.assessment.v1", 0, 2'000'000 + offset_++,
                                             CrisisFlag(id, flag, raised).SerializeAsString());
  ASSERT_TRUE(applied.ok() && *applied);
  EXPECT_EQ(Count("SELECT count(*) FROM urgent_contacts WHERE flag_id = '" + flag +
                  "' AND met_by_session_id = '" + resp.session().session_id() + "'"),
            1);
  EXPECT_TRUE(Urgent(WorkerA(), kDistrictA, false, id).empty());
}

TEST_F(EducationCareTest, PsychFileEncryptedAtRestOnlyForTheDistrictsStaffAndAudited) {
  const std::string id = ActiveCase();
  v1::UpdatePsychFileRequest up;
  up.set_request_id(ids::NewUuid());
  up.set_case_id(id);
  up.set_text(kSecretText);
  v1::UpdatePsychFileResponse resp;
  {
    auto ctx = h().Context(WorkerA());
    const grpc::Status st = h().counselling().UpdatePsychFile(ctx.get(), up, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  EXPECT_EQ(resp.file().version(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM psych_files WHERE case_id = '" + id + "'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM psych_files WHERE position('" + std::string(kSecretText) +
                  "'::bytea in text_blob) > 0"),
            0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE position('" + std::string(kSecretText) +
                  "'::bytea in payload) > 0"),
            0);
  // The same request again answers the first response; a stale version is ABORTED.
  {
    v1::UpdatePsychFileResponse retry;
    auto ctx = h().Context(WorkerA());
    ASSERT_TRUE(h().counselling().UpdatePsychFile(ctx.get(), up, &retry).ok());
    EXPECT_EQ(retry.file().version(), 1);
    up.set_request_id(ids::NewUuid());
    auto ctx2 = h().Context(WorkerA());
    EXPECT_EQ(h().counselling().UpdatePsychFile(ctx2.get(), up, &retry).error_code(),
              grpc::StatusCode::ABORTED);
  }
  v1::GetPsychFileRequest get;
  get.set_case_id(id);
  v1::GetPsychFileResponse got;
  {
    auto ctx = h().Context(WorkerA());
    ASSERT_TRUE(h().counselling().GetPsychFile(ctx.get(), get, &got).ok());
    EXPECT_EQ(got.file().text(), kSecretText);
  }
  for (const std::string& token :
       {h().Token(Role::kCityAdmin, {"*"}, "admin"), h().Token(Role::kAuditor, {"*"}, "auditor")}) {
    auto ctx = h().Context(token);
    EXPECT_EQ(h().counselling().GetPsychFile(ctx.get(), get, &got).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    auto ctx = h().Context(StaffB());
    EXPECT_EQ(h().counselling().GetPsychFile(ctx.get(), get, &got).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + id +
                  "' AND action = 'GetPsychFile' AND result = 'OK'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + id +
                  "' AND action = 'GetPsychFile' AND result = 'NOT_FOUND'"),
            1);
}

TEST_F(EducationCareTest, ReferralWithItsOutcome) {
  const std::string id = ActiveCase();
  v1::MakeReferralRequest mk;
  mk.set_request_id(ids::NewUuid());
  mk.set_case_id(id);
  mk.set_institution_agency_id("psychiatric-hospital-2");
  mk.set_reason(v1::REFERRAL_REASON_PSYCHIATRIC_ASSESSMENT);
  v1::MakeReferralResponse made;
  {
    auto ctx = h().Context(WorkerA());
    const grpc::Status st = h().counselling().MakeReferral(ctx.get(), mk, &made);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  v1::RecordReferralOutcomeRequest out;
  out.set_request_id(ids::NewUuid());
  out.set_case_id(id);
  out.set_referral_id(made.referral().referral_id());
  out.set_outcome(v1::REFERRAL_OUTCOME_COMPLETED);
  v1::RecordReferralOutcomeResponse resp;
  {
    auto ctx = h().Context(WorkerA());
    const grpc::Status st = h().counselling().RecordReferralOutcome(ctx.get(), out, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  EXPECT_EQ(resp.referral().outcome(), v1::REFERRAL_OUTCOME_COMPLETED);
  EXPECT_EQ(Count("SELECT count(*) FROM counselling_referrals WHERE case_id = '" + id +
                  "' AND outcome = 'COMPLETED' AND outcome_on IS NOT NULL"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE record_key = '" + id +
                  "' AND event_type = 'ccms.education.referral_made'"),
            1);
}

// A paper published, sittings scored by the service (never a client's score), the key in no
// answer, a retake due after a fail and overdue the day after its due day, met by a later pass.
TEST_F(EducationCareTest, LegalTestsScoredByTheServiceWithRetakes) {
  const std::string id = ActiveCase();
  const std::string staff = h().Token(Role::kOfficeStaff, {kDistrictA}, "staff-a");
  v1::PublishTestPaperRequest pub;
  pub.set_request_id(ids::NewUuid());
  pub.set_paper_id("LAW_BASICS");
  pub.set_title("law basics");
  for (const char* a : {"A", "C", "BD", "A", "D"}) pub.add_answer_key(a);
  v1::PublishTestPaperResponse paper;
  {
    auto ctx = h().Context(staff);
    const grpc::Status st = h().legal_tests().PublishTestPaper(ctx.get(), pub, &paper);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  EXPECT_GE(paper.paper().version(), 1);
  EXPECT_EQ(paper.paper().question_count(), 5);
  {  // a social worker does not publish papers
    pub.set_request_id(ids::NewUuid());
    v1::PublishTestPaperResponse r;
    auto ctx = h().Context(WorkerA());
    EXPECT_EQ(h().legal_tests().PublishTestPaper(ctx.get(), pub, &r).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  auto sit = [&](std::vector<std::string> answers, absl::CivilDay on,
                 v1::RecordTestSittingResponse* resp) {
    v1::RecordTestSittingRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(id);
    req.set_paper_id("LAW_BASICS");
    *req.mutable_sat_on() = grpc_util::ToProtoDate(on);
    for (const auto& a : answers) req.add_answers(a);
    auto ctx = h().Context(WorkerA());
    return h().legal_tests().RecordTestSitting(ctx.get(), req, resp);
  };
  const absl::CivilDay first_day = Today() - 5;
  v1::RecordTestSittingResponse failed;
  ASSERT_TRUE(sit({"A", "B", "DB", "", ""}, first_day, &failed).ok());  // 2 of 5: 40%
  EXPECT_EQ(failed.sitting().score_percent(), 40);
  EXPECT_FALSE(failed.sitting().passed());
  EXPECT_EQ(failed.sitting().attempt(), 1);
  bool invalid = false;
  const absl::CivilDay retake_due =
      *grpc_util::FromProtoDate(failed.sitting().retake_due_on(), &invalid);
  EXPECT_EQ(retake_due, first_day + 30);
  EXPECT_EQ(sit({"A"}, Today(), &failed).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  auto retakes = [&](bool overdue_only) {
    v1::ListRetakesDueRequest req;
    req.set_district_code(kDistrictA);
    req.set_overdue_only(overdue_only);
    req.set_page_size(500);
    v1::ListRetakesDueResponse resp;
    auto ctx = h().Context(WorkerA());
    EXPECT_TRUE(h().legal_tests().ListRetakesDue(ctx.get(), req, &resp).ok());
    int n = 0;
    for (const auto& r : resp.items()) n += r.case_id() == id ? 1 : 0;
    return n;
  };
  EXPECT_EQ(retakes(false), 1);
  EXPECT_EQ(retakes(true), 0);
  h().clock().Set(absl::FromCivil(
      absl::CivilSecond(retake_due.year(), retake_due.month(), retake_due.day(), 12, 0, 0),
      absl::FixedTimeZone(8 * 3600)));
  EXPECT_EQ(retakes(true), 0);  // the due day itself is in time
  h().clock().Set(h().clock().Now() + absl::Hours(24));
  EXPECT_EQ(retakes(true), 1);

  v1::RecordTestSittingResponse passed;
  ASSERT_TRUE(sit({"A", "C", "DB", "A", ""}, Today(), &passed).ok());  // 4 of 5
  EXPECT_EQ(passed.sitting().score_percent(), 80);
  EXPECT_TRUE(passed.sitting().passed());
  EXPECT_EQ(passed.sitting().attempt(), 2);
  EXPECT_EQ(retakes(false), 0);

  v1::ListTestSittingsRequest list;
  list.set_case_id(id);
  v1::ListTestSittingsResponse got;
  {
    auto ctx = h().Context(WorkerA());
    ASSERT_TRUE(h().legal_tests().ListTestSittings(ctx.get(), list, &got).ok());
  }
  ASSERT_EQ(got.items_size(), 2);
  // No field of any answer carries the key.
  for (const auto& text : {got.SerializeAsString(), passed.SerializeAsString()}) {
    EXPECT_EQ(text.find("BD"), std::string::npos);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE record_key = '" + id +
                  "' AND event_type = 'ccms.education.legal_test_recorded'"),
            2);
}

// A complaint filed (text encrypted at rest), overdue the day after its deadline, handled by
// office staff only, through IN_HANDLING to RESOLVED; a survey response in the scale.
TEST_F(EducationCareTest, ComplaintsAndSurveys) {
  const std::string id = ActiveCase();
  const std::string staff = h().Token(Role::kOfficeStaff, {kDistrictA}, "staff-a");
  const std::string secret = "COMPLAINT-TEXT-STAYS-ENCRYPTED";
  v1::FileComplaintRequest file;
  file.set_request_id(ids::NewUuid());
  file.set_case_id(id);
  file.set_subject(v1::FEEDBACK_SUBJECT_WORKER);
  file.set_subject_id("sw-a");
  file.set_category(v1::COMPLAINT_CATEGORY_STAFF_CONDUCT);
  file.set_text(secret);
  v1::FileComplaintResponse filed;
  {
    auto ctx = h().Context(WorkerA());
    const grpc::Status st = h().feedback().FileComplaint(ctx.get(), file, &filed);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  EXPECT_EQ(filed.complaint().status(), v1::COMPLAINT_STATUS_OPEN);
  EXPECT_EQ(filed.complaint().text(), secret);
  bool invalid = false;
  const absl::CivilDay handle_by =
      *grpc_util::FromProtoDate(filed.complaint().handle_by(), &invalid);
  EXPECT_EQ(handle_by, Today() + 15);
  EXPECT_EQ(Count("SELECT count(*) FROM complaints WHERE position('" + secret +
                  "'::bytea in text_blob) > 0"),
            0);
  EXPECT_EQ(
      Count("SELECT count(*) FROM outbox WHERE position('" + secret + "'::bytea in payload) > 0"),
      0);
  auto listed = [&](bool overdue_only) {
    v1::ListComplaintsRequest req;
    req.set_district_code(kDistrictA);
    req.set_overdue_only(overdue_only);
    req.set_page_size(500);
    v1::ListComplaintsResponse resp;
    auto ctx = h().Context(h().Token(Role::kAuditor, {"*"}, "auditor"));
    EXPECT_TRUE(h().feedback().ListComplaints(ctx.get(), req, &resp).ok());
    int n = 0;
    for (const auto& c : resp.items()) {
      if (c.case_id() != id) continue;
      ++n;
      EXPECT_TRUE(c.text().empty());
    }
    return n;
  };
  EXPECT_EQ(listed(false), 1);
  EXPECT_EQ(listed(true), 0);
  h().clock().Set(h().clock().Now() + absl::Hours(24 * 16));
  EXPECT_EQ(listed(true), 1);

  v1::UpdateComplaintRequest up;
  up.set_request_id(ids::NewUuid());
  up.set_case_id(id);
  up.set_complaint_id(filed.complaint().complaint_id());
  up.set_version(1);
  up.set_status(v1::COMPLAINT_STATUS_RESOLVED);
  v1::UpdateComplaintResponse resp;
  {
    auto ctx = h().Context(staff);  // OPEN cannot become RESOLVED at once
    EXPECT_EQ(h().feedback().UpdateComplaint(ctx.get(), up, &resp).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
  }
  up.set_status(v1::COMPLAINT_STATUS_IN_HANDLING);
  up.set_request_id(ids::NewUuid());
  {
    auto ctx = h().Context(WorkerA());  // the worker complained about does not handle it
    EXPECT_EQ(h().feedback().UpdateComplaint(ctx.get(), up, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    auto ctx = h().Context(staff);
    const grpc::Status st = h().feedback().UpdateComplaint(ctx.get(), up, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  EXPECT_EQ(resp.complaint().version(), 2);
  up.set_request_id(ids::NewUuid());
  up.set_status(v1::COMPLAINT_STATUS_RESOLVED);
  {
    auto ctx = h().Context(staff);  // a stale version
    EXPECT_EQ(h().feedback().UpdateComplaint(ctx.get(), up, &resp).error_code(),
              grpc::StatusCode::ABORTED);
  }
  up.set_version(2);
  {
    auto ctx = h().Context(staff);
    ASSERT_TRUE(h().feedback().UpdateComplaint(ctx.get(), up, &resp).ok());
  }
  EXPECT_EQ(resp.complaint().status(), v1::COMPLAINT_STATUS_RESOLVED);
  EXPECT_EQ(listed(false), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE record_key = '" + id +
                  "' AND event_type IN ('ccms.education.complaint_recorded',"
                  " 'ccms.education.complaint_resolved')"),
            2);

  v1::PublishQuestionnaireRequest q;
  q.set_request_id(ids::NewUuid());
  q.set_questionnaire_id("SATISFACTION");
  q.set_title("satisfaction");
  q.set_question_count(3);
  q.set_scale_max(5);
  v1::PublishQuestionnaireResponse qr;
  {
    auto ctx = h().Context(staff);
    ASSERT_TRUE(h().feedback().PublishQuestionnaire(ctx.get(), q, &qr).ok());
  }
  v1::RecordSurveyResponseRequest sr;
  sr.set_request_id(ids::NewUuid());
  sr.set_case_id(id);
  sr.set_questionnaire_id("SATISFACTION");
  sr.set_subject(v1::FEEDBACK_SUBJECT_SESSION);
  sr.set_subject_id(ids::NewUuid());
  for (int x : {5, 4, 6}) sr.add_scores(x);
  v1::RecordSurveyResponseResponse srr;
  {
    auto ctx = h().Context(WorkerA());
    EXPECT_EQ(h().feedback().RecordSurveyResponse(ctx.get(), sr, &srr).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);  // 6 is outside 1..5
  }
  sr.set_scores(2, 3);
  sr.set_request_id(ids::NewUuid());
  {
    auto ctx = h().Context(WorkerA());
    const grpc::Status st = h().feedback().RecordSurveyResponse(ctx.get(), sr, &srr);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  EXPECT_EQ(srr.response().questionnaire_version(), qr.questionnaire().version());
  EXPECT_EQ(Count("SELECT count(*) FROM survey_responses WHERE case_id = '" + id + "'"), 1);
}

}  // namespace
}  // namespace ccms::testing
