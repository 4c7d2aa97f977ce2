// Every field of every request of education's care services (counselling, legal tests,
// feedback) and of community service, one hostile value at a time, against the real service on
// PostgreSQL: a client error or OK for each, never a server fault, a dead process or a refused call
// that wrote rows.
#include "absl/time/clock.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/education_harness.h"
#include "tests/support/hostile_values.h"

namespace ccms::testing {
namespace {

using auth::Role;
using grpc_util::ToProtoDate;
namespace v1 = education::v1;

// Case `case_id` of district 110101 as records' events make it (opened, intake reported), handed
// to the consumer by hand: supervision from `started_days_ago`, the intake `reported_days_ago`.
void OpenCaseFromRecords(EducationHarness& h, const std::string& case_id, absl::CivilDay today,
                         int started_days_ago, int reported_days_ago) {
  records::v1::CaseOpened opened;
  opened.set_case_id(case_id);
  opened.set_district_code("110101");
  *opened.mutable_supervision_start_date() = ToProtoDate(today - started_days_ago);
  *opened.mutable_supervision_end_date() = ToProtoDate(today + 720);
  records::v1::IntakeReported intake;
  intake.set_case_id(case_id);
  intake.set_district_code("110101");
  *intake.mutable_reported_on() = ToProtoDate(today - reported_days_ago);
  int64_t offset = 0;
  for (const auto& [type, payload] :
       std::vector<std::pair<std::string, const google::protobuf::Message*>>{
           {"ccms.records.case_opened", &opened}, {"ccms.records.intake_reported", &intake}}) {
    const auto envelope = kafka::MakeEnvelope(type, case_id, "110101", absl::Now(), absl::Now(),
                                              "records-test", *payload);
    auto applied =
        h.consumer().Process("ccms.records.v1", 0, offset++, envelope.SerializeAsString());
    ASSERT_TRUE(applied.ok() && *applied) << applied.status();
  }
}

TEST(EducationHostileValuesTest, EveryFieldOfEveryCareRequestGetsAClientErrorOrOk) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker";
  EducationHarness h;
  h.StopConsumers();
  const absl::CivilDay today = time::ShanghaiDay(h.clock().Now());
  const std::string case_id = ids::NewUuid();
  ASSERT_NO_FATAL_FAILURE(OpenCaseFromRecords(h, case_id, today, 10, 5));
  const std::string staff = h.Token(Role::kOfficeStaff, {"110101"}, "staff-1");
  v1::RegisterExpertRequest ex;
  ex.set_request_id(ids::NewUuid());
  ex.set_district_code("110101");
  ex.set_kind(v1::EXPERT_KIND_PROFESSIONAL);
  ex.set_display_name("expert");
  v1::RegisterExpertResponse expert;
  ASSERT_TRUE(h.counselling().RegisterExpert(h.Context(staff).get(), ex, &expert).ok());
  v1::MakeReferralRequest mk;
  mk.set_request_id(ids::NewUuid());
  mk.set_case_id(case_id);
  mk.set_institution_agency_id("hospital-1");
  mk.set_reason(v1::REFERRAL_REASON_OTHER);
  v1::MakeReferralResponse referral;
  ASSERT_TRUE(h.counselling().MakeReferral(h.Context(staff).get(), mk, &referral).ok());
  v1::PublishTestPaperRequest paper;
  paper.set_request_id(ids::NewUuid());
  paper.set_paper_id("PAPER");
  paper.set_title("paper");
  paper.add_answer_key("A");
  v1::PublishTestPaperResponse published;
  ASSERT_TRUE(h.legal_tests().PublishTestPaper(h.Context(staff).get(), paper, &published).ok());
  v1::PublishQuestionnaireRequest q;
  q.set_request_id(ids::NewUuid());
  q.set_questionnaire_id("SURVEY");
  q.set_title("survey");
  q.set_question_count(1);
  q.set_scale_max(5);
  v1::PublishQuestionnaireResponse qr;
  ASSERT_TRUE(h.feedback().PublishQuestionnaire(h.Context(staff).get(), q, &qr).ok());
  v1::FileComplaintRequest fc;
  fc.set_request_id(ids::NewUuid());
  fc.set_case_id(case_id);
  fc.set_subject(v1::FEEDBACK_SUBJECT_WORKER);
  fc.set_subject_id("sw-1");
  fc.set_category(v1::COMPLAINT_CATEGORY_OTHER);
  fc.set_text("complaint");
  v1::FileComplaintResponse complaint;
  ASSERT_TRUE(h.feedback().FileComplaint(h.Context(staff).get(), fc, &complaint).ok());
  v1::AddServiceProjectRequest sp;
  sp.set_request_id(ids::NewUuid());
  sp.set_district_code("110101");
  sp.set_title("project");
  sp.set_organiser("organiser");
  sp.set_mode(v1::SERVICE_MODE_CENTRALIZED);
  sp.set_effort(v1::SERVICE_EFFORT_LIGHT);
  sp.set_capacity(10);
  *sp.mutable_starts_on() = ToProtoDate(today - 1);
  *sp.mutable_ends_on() = ToProtoDate(today + 30);
  v1::AddServiceProjectResponse project;
  ASSERT_TRUE(h.community_service().AddServiceProject(h.Context(staff).get(), sp, &project).ok());
  v1::RecordServiceActivityRequest ra;
  ra.set_request_id(ids::NewUuid());
  ra.set_case_id(case_id);
  ra.set_self_initiated(true);
  ra.set_organiser("library");
  ra.set_minutes(30);
  v1::RecordServiceActivityResponse activity;
  ASSERT_TRUE(
      h.community_service().RecordServiceActivity(h.Context(staff).get(), ra, &activity).ok());

  HostileOptions o;
  o.channel = h.channel();
  o.services = {v1::CounsellingService::service_full_name(),
                v1::LegalTestService::service_full_name(), v1::FeedbackService::service_full_name(),
                v1::CommunityServiceService::service_full_name()};
  o.tokens = {staff, h.Token(Role::kSocialWorker, {"110101"}, "worker-1"),
              h.Token(Role::kCityAdmin, {"*"}, "admin-1"),
              h.Token(Role::kAuditor, {"*"}, "auditor-1")};
  o.strings = {{"case_id", case_id},
               {"district_code", "110101"},
               {"expert_id", expert.expert().expert_id()},
               {"referral_id", referral.referral().referral_id()},
               {"complaint_id", complaint.complaint().complaint_id()},
               {"paper_id", "PAPER"},
               {"questionnaire_id", "SURVEY"},
               {"institution_agency_id", "hospital-1"},
               {"agency_id", ""},
               {"display_name", "expert"},
               {"title", "title"},
               {"text", "text"},
               {"subject_id", "sw-1"},
               {"project_id", project.project().project_id()},
               {"activity_id", activity.activity().activity_id()},
               {"organiser", "organiser"}};
  o.today = today;
  o.snapshot = DatabaseSnapshot(h.db().dsn());

  const HostileReport report = RunHostileValues(o);
  ExpectNoFailures(o, report);
}

// The hours ledger's requests (issue 14 items 6-8), the same way.
TEST(EducationHostileValuesTest, EveryFieldOfEveryHoursLedgerRequestGetsAClientErrorOrOk) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker";
  EducationHarness h;
  h.StopConsumers();
  const absl::CivilDay today = time::ShanghaiDay(h.clock().Now());
  const std::string case_id = ids::NewUuid();
  ASSERT_NO_FATAL_FAILURE(OpenCaseFromRecords(h, case_id, today, 100, 95));
  HostileOptions o;
  o.channel = h.channel();
  o.services = {v1::HoursLedgerService::service_full_name()};
  o.tokens = {h.Token(Role::kOfficeStaff, {"110101"}, "staff-1"),
              h.Token(Role::kSocialWorker, {"110101"}, "worker-1"),
              h.Token(Role::kCityAdmin, {"*"}, "admin-1"),
              h.Token(Role::kAuditor, {"*"}, "auditor-1")};
  o.strings = {{"case_id", case_id},
               {"district_code", "110101"},
               {"reason_code", "ILLNESS"},
               {"page_token", ""}};
  o.today = today;
  o.snapshot = DatabaseSnapshot(h.db().dsn());
  const HostileReport report = RunHostileValues(o);
  ExpectNoFailures(o, report);
}

}  // namespace
}  // namespace ccms::testing
