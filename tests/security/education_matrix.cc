// The security matrix's education server: ccms-education in-process (EducationHarness, its
// consumer stopped: cases reach it as records' events handed to the consumer by hand) and a
// request builder per method, each aimed at a case's service file or correction plan (in the state
// the call needs) in the cell's district; the catalogue's at the cell's district or the city-wide
// monthly theme.
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/education/v1/catalogue_service.grpc.pb.h"
#include "ccms/education/v1/community_service.grpc.pb.h"
#include "ccms/education/v1/correction_plan_service.grpc.pb.h"
#include "ccms/education/v1/counselling_service.grpc.pb.h"
#include "ccms/education/v1/feedback_service.grpc.pb.h"
#include "ccms/education/v1/legal_test_service.grpc.pb.h"
#include "ccms/education/v1/partner_session_service.grpc.pb.h"
#include "ccms/education/v1/service_file_service.grpc.pb.h"
#include "ccms/education/v1/session_service.grpc.pb.h"
#include "ccms/ops/v1/audit_chain_service.grpc.pb.h"
#include "ccms/ops/v1/dead_letter_service.grpc.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "tests/integration/education_harness.h"
#include "tests/security/security_matrix.h"

namespace ccms::testing::matrix {
namespace {

namespace ev1 = education::v1;
using google::protobuf::Message;
using grpc_util::ToProtoDate;
using EducationStub = ev1::ServiceFileService::Stub;

template <typename Req>
std::unique_ptr<Message> Own(Req req) {
  return std::make_unique<Req>(std::move(req));
}

class EducationMatrixServer : public MatrixServer {
 public:
  static std::vector<std::string> ServiceNames() {
    return {ev1::ServiceFileService::service_full_name(),
            ev1::CorrectionPlanService::service_full_name(),
            ev1::CatalogueService::service_full_name(),
            ev1::CounsellingService::service_full_name(),
            ev1::LegalTestService::service_full_name(),
            ev1::FeedbackService::service_full_name(),
            ev1::SessionService::service_full_name(),
            ev1::CommunityServiceService::service_full_name(),
            ev1::HoursLedgerService::service_full_name(),
            ev1::PartnerSessionService::service_full_name(),
            ops::v1::DeadLetterService::service_full_name(),
            ops::v1::AuditChainService::service_full_name()};
  }

  EducationMatrixServer() : admin_(h_.Token(auth::Role::kCityAdmin, {"*"}, "matrix-fixtures")) {
    // Nothing but the fixtures makes cases: not other tests' events on the shared topic.
    h_.consumer().Stop();
    h_.plan_consumer().Stop();
    InstallBuilders();
    InstallPlanBuilders();
    InstallCatalogueBuilders();
    h_.care_consumer().Stop();
    InstallCareBuilders();
    InstallLegalTestBuilders();
    InstallFeedbackBuilders();
    InstallCommunityServiceBuilders();
    h_.ledger_consumer().Stop();
    InstallLedgerBuilders();
    InstallPartnerBuilders();
  }

  std::shared_ptr<grpc::Channel> Channel() override { return h_.channel(); }
  std::string DatabaseDsn() override { return h_.db().dsn(); }
  bool HasServiceBuilder(const std::string& method) const override {
    return builders_.count(method) > 0;
  }

  absl::StatusOr<std::unique_ptr<Message>> BuildServiceRequest(const std::string& method,
                                                               const Target& target) override {
    auto it = builders_.find(method);
    if (it == builders_.end()) return absl::NotFoundError("no request builder for " + method);
    fixture_error_ = absl::OkStatus();
    std::unique_ptr<Message> request = it->second(target.district);
    if (!fixture_error_.ok()) return fixture_error_;
    return request;
  }

 private:
  using Builder = std::function<std::unique_ptr<Message>(const std::string& district)>;

  void Fail(const std::string& what) {
    if (fixture_error_.ok()) fixture_error_ = absl::InternalError(absl::StrCat("fixture ", what));
  }

  absl::CivilDay Today() { return time::ShanghaiDay(h_.clock().Now()); }

  // An active case of `district` as education learns it from records' events (opened 20 days
  // ago, intake 10 days ago): no service file, no first contact yet.
  std::string Case(const std::string& district, int started_days_ago = 20) {
    const std::string case_id = ids::NewUuid();
    Made(district, case_id);
    records::v1::CaseOpened opened;
    opened.set_case_id(case_id);
    opened.set_district_code(district);
    opened.set_office_id("office-1");
    *opened.mutable_supervision_start_date() = ToProtoDate(Today() - started_days_ago);
    *opened.mutable_supervision_end_date() = ToProtoDate(Today() + 700);
    opened.set_sex(common::v1::SEX_FEMALE);
    opened.set_age_band(records::v1::AGE_BAND_26_TO_35);
    opened.set_offence_category("theft");
    records::v1::IntakeReported intake;
    intake.set_case_id(case_id);
    intake.set_district_code(district);
    *intake.mutable_reported_on() = ToProtoDate(Today() - 10);
    for (const auto& [type, payload] : std::vector<std::pair<std::string, const Message*>>{
             {"ccms.records.case_opened", &opened}, {"ccms.records.intake_reported", &intake}}) {
      const auto envelope = kafka::MakeEnvelope(type, case_id, district, absl::Now(), absl::Now(),
                                                "records-matrix", *payload);
      auto applied =
          h_.consumer().Process("ccms.records.v1", 0, offset_++, envelope.SerializeAsString());
      if (!applied.ok() || !*applied) Fail(absl::StrCat(type, ": ", applied.status().ToString()));
    }
    return case_id;
  }

  ev1::OpenServiceFileRequest OpenRequest(const std::string& case_id) {
    ev1::OpenServiceFileRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    *req.mutable_opened_on() = ToProtoDate(Today());
    req.add_cause_codes("FAMILY");
    req.add_need_codes("EMPLOYMENT");
    req.set_analysis("matrix fixture");
    return req;
  }

  // The district's case for reads, made once, with its service file open.
  const std::string& Read(const std::string& district) {
    std::string& case_id = reads_[district];
    if (case_id.empty()) {
      case_id = Case(district);
      ev1::OpenServiceFileResponse resp;
      auto ctx = h_.Context(admin_);
      const grpc::Status st =
          h_.service_files().OpenServiceFile(ctx.get(), OpenRequest(case_id), &resp);
      if (!st.ok()) {
        Fail(absl::StrCat("OpenServiceFile: ", st.error_code(), " ", st.error_message()));
      }
      Made(district, resp.status().service_file().file_id());
    }
    return case_id;
  }

  // A session of `district` (adults, 10 seats), tomorrow at 09:00, or started an hour ago.
  std::string Session(const std::string& district, bool started = false) {
    ev1::ScheduleSessionRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_district_code(district);
    req.set_kind(ev1::SESSION_KIND_ROUTINE);
    req.set_form(ev1::SESSION_FORM_FACE_TO_FACE);
    const absl::Time start =
        started ? h_.clock().Now() - absl::Hours(1)
                : absl::FromCivil(absl::CivilHour(Today() + 1) + 9, time::ShanghaiTimeZone());
    *req.mutable_start_time() = grpc_util::ToProtoTimestamp(start);
    *req.mutable_end_time() = grpc_util::ToProtoTimestamp(start + absl::Hours(2));
    req.mutable_provider()->set_kind(ev1::PROVIDER_KIND_STAFF);
    req.mutable_provider()->set_id("matrix-staff");
    req.set_capacity(10);
    req.set_audience(ev1::AUDIENCE_ADULTS_ONLY);
    ev1::ScheduleSessionResponse resp;
    auto ctx = h_.Context(admin_);
    const grpc::Status st = h_.sessions().ScheduleSession(ctx.get(), req, &resp);
    if (!st.ok() || resp.sessions_size() != 1) {
      Fail(absl::StrCat("ScheduleSession: ", st.error_code(), " ", st.error_message()));
      return "";
    }
    Made(district, resp.sessions(0).session_id());
    return resp.sessions(0).session_id();
  }
  // A fresh case of `district` enrolled in `session_id`; the case's id.
  std::string Enrolled(const std::string& district, const std::string& session_id) {
    const std::string case_id = Case(district);
    ev1::EnrolCaseRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_session_id(session_id);
    req.set_case_id(case_id);
    ev1::EnrolCaseResponse resp;
    auto ctx = h_.Context(admin_);
    const grpc::Status st = h_.sessions().EnrolCase(ctx.get(), req, &resp);
    if (!st.ok()) Fail(absl::StrCat("EnrolCase: ", st.error_code(), " ", st.error_message()));
    Made(district, resp.enrolment().enrolment_id());
    return case_id;
  }
  // The district's session for reads, made once, with a case enrolled.
  const std::string& ReadSession(const std::string& district) {
    std::string& session_id = read_sessions_[district];
    if (session_id.empty()) {
      session_id = Session(district);
      Enrolled(district, session_id);
    }
    return session_id;
  }

  void InstallSessionBuilders() {
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(ev1::SessionService::service_full_name(), "/", method)] = std::move(b);
    };
    add("ScheduleSession", [this](const std::string& d) {
      ev1::ScheduleSessionRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_district_code(d);
      req.set_kind(ev1::SESSION_KIND_CENTRALIZED);
      req.set_form(ev1::SESSION_FORM_FACE_TO_FACE);
      const absl::Time start =
          absl::FromCivil(absl::CivilHour(Today() + 2) + 14, time::ShanghaiTimeZone());
      *req.mutable_start_time() = grpc_util::ToProtoTimestamp(start);
      *req.mutable_end_time() = grpc_util::ToProtoTimestamp(start + absl::Hours(1));
      req.mutable_provider()->set_kind(ev1::PROVIDER_KIND_STAFF);
      req.mutable_provider()->set_id("matrix-staff");
      req.set_capacity(5);
      req.set_audience(ev1::AUDIENCE_MINORS_ONLY);
      return Own(req);
    });
    add("CancelSession", [this](const std::string& d) {
      ev1::CancelSessionRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_session_id(Session(d));
      req.set_reason_code("WEATHER");
      return Own(req);
    });
    add("MoveSession", [this](const std::string& d) {
      ev1::MoveSessionRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_session_id(Session(d));
      const absl::Time start =
          absl::FromCivil(absl::CivilHour(Today() + 3) + 9, time::ShanghaiTimeZone());
      *req.mutable_start_time() = grpc_util::ToProtoTimestamp(start);
      *req.mutable_end_time() = grpc_util::ToProtoTimestamp(start + absl::Hours(1));
      req.set_reason_code("VENUE_UNAVAILABLE");
      return Own(req);
    });
    add("GetSession", [this](const std::string& d) {
      ev1::GetSessionRequest req;
      req.set_session_id(ReadSession(d));
      return Own(req);
    });
    add("ListSessions", [this](const std::string& d) {
      ReadSession(d);
      ev1::ListSessionsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("EnrolCase", [this](const std::string& d) {
      ev1::EnrolCaseRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_session_id(Session(d));
      req.set_case_id(Case(d));
      return Own(req);
    });
    add("WithdrawEnrolment", [this](const std::string& d) {
      ev1::WithdrawEnrolmentRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_session_id(Session(d));
      req.set_case_id(Enrolled(d, req.session_id()));
      return Own(req);
    });
    add("RecordAttendance", [this](const std::string& d) {
      ev1::RecordAttendanceRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_session_id(Session(d, /*started=*/true));
      ev1::AttendanceEntry* e = req.add_entries();
      e->set_case_id(Enrolled(d, req.session_id()));
      e->set_outcome(ev1::ATTENDANCE_OUTCOME_ATTENDED);
      return Own(req);
    });
  }

  void InstallBuilders() {
    InstallSessionBuilders();
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(ev1::ServiceFileService::service_full_name(), "/", method)] =
          std::move(b);
    };
    add("OpenServiceFile", [this](const std::string& d) { return Own(OpenRequest(Case(d))); });
    add("RecordFirstContact", [this](const std::string& d) {
      ev1::RecordFirstContactRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      *req.mutable_contacted_on() = ToProtoDate(Today());
      req.set_form(ev1::CONTACT_FORM_FACE_TO_FACE);
      req.set_reason(ev1::CONTACT_REASON_INTAKE);
      return Own(req);
    });
    add("GetServiceFile", [this](const std::string& d) {
      ev1::GetServiceFileRequest req;
      req.set_case_id(Read(d));
      return Own(req);
    });
    add("ListServiceFiles", [this](const std::string& d) {
      Read(d);
      ev1::ListServiceFilesRequest req;
      req.set_district_code(d);
      return Own(req);
    });
  }

  // ---- Correction plans ----

  void Check(const grpc::Status& st, const char* what) {
    if (!st.ok()) Fail(absl::StrCat(what, ": ", st.error_code(), " ", st.error_message()));
  }

  static ev1::PlanContent PlanContent(absl::CivilDay today) {
    ev1::PlanContent c;
    c.add_need_codes("EMPLOYMENT");
    for (auto term : {ev1::GOAL_TERM_SHORT, ev1::GOAL_TERM_MEDIUM, ev1::GOAL_TERM_LONG}) {
      ev1::PlanGoal* g = c.add_goals();
      g->set_term(term);
      g->set_description("matrix goal");
      *g->mutable_target_date() = ToProtoDate(today + 90);
    }
    ev1::PlanStep* s = c.add_steps();
    s->set_description("matrix step");
    s->set_step_code("JOB_HELP");
    *s->mutable_start_date() = ToProtoDate(today);
    *s->mutable_end_date() = ToProtoDate(today + 30);
    c.add_measures("matrix measure");
    return c;
  }

  // A case of `district` whose plan's version 1 has gone as far as `status` (DRAFT, AGREED,
  // APPROVED or ACTIVE), driven by the city admin.
  std::string PlanCase(const std::string& district, ev1::PlanStatus status) {
    const std::string case_id = Case(district);
    auto& plans = h_.plans();
    {
      ev1::DraftPlanRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(case_id);
      *req.mutable_content() = PlanContent(Today());
      ev1::DraftPlanResponse resp;
      auto ctx = h_.Context(admin_);
      Check(plans.DraftPlan(ctx.get(), req, &resp), "DraftPlan");
      Made(district, resp.plan().plan().version_id());
    }
    if (status == ev1::PLAN_STATUS_DRAFT) return case_id;
    {
      ev1::RecordPlanAgreementRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(case_id);
      req.set_version(1);
      *req.mutable_person_agreed_on() = ToProtoDate(Today());
      ev1::RecordPlanAgreementResponse resp;
      auto ctx = h_.Context(admin_);
      Check(plans.RecordPlanAgreement(ctx.get(), req, &resp), "RecordPlanAgreement");
    }
    if (status == ev1::PLAN_STATUS_AGREED) return case_id;
    {
      ev1::ApprovePlanRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(case_id);
      req.set_version(1);
      ev1::ApprovePlanResponse resp;
      auto ctx = h_.Context(admin_);
      Check(plans.ApprovePlan(ctx.get(), req, &resp), "ApprovePlan");
    }
    if (status == ev1::PLAN_STATUS_APPROVED) return case_id;
    {
      ev1::ActivatePlanRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(case_id);
      req.set_version(1);
      ev1::ActivatePlanResponse resp;
      auto ctx = h_.Context(admin_);
      Check(plans.ActivatePlan(ctx.get(), req, &resp), "ActivatePlan");
    }
    return case_id;
  }

  // The district's case with an active plan for reads, made once.
  const std::string& PlanRead(const std::string& district) {
    std::string& case_id = plan_reads_[district];
    if (case_id.empty()) case_id = PlanCase(district, ev1::PLAN_STATUS_ACTIVE);
    return case_id;
  }

  void InstallPlanBuilders() {
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(ev1::CorrectionPlanService::service_full_name(), "/", method)] =
          std::move(b);
    };
    add("DraftPlan", [this](const std::string& d) {
      ev1::DraftPlanRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      *req.mutable_content() = PlanContent(Today());
      return Own(req);
    });
    add("RevisePlan", [this](const std::string& d) {
      ev1::RevisePlanRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(PlanCase(d, ev1::PLAN_STATUS_ACTIVE));
      req.set_expected_version(1);
      req.set_reason(ev1::REVISION_REASON_STAFF);
      *req.mutable_content() = PlanContent(Today());
      return Own(req);
    });
    add("RecordPlanAgreement", [this](const std::string& d) {
      ev1::RecordPlanAgreementRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(PlanCase(d, ev1::PLAN_STATUS_DRAFT));
      req.set_version(1);
      *req.mutable_person_agreed_on() = ToProtoDate(Today());
      return Own(req);
    });
    add("ApprovePlan", [this](const std::string& d) {
      ev1::ApprovePlanRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(PlanCase(d, ev1::PLAN_STATUS_AGREED));
      req.set_version(1);
      return Own(req);
    });
    add("ActivatePlan", [this](const std::string& d) {
      ev1::ActivatePlanRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(PlanCase(d, ev1::PLAN_STATUS_APPROVED));
      req.set_version(1);
      return Own(req);
    });
    add("ClosePlan", [this](const std::string& d) {
      ev1::ClosePlanRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(PlanCase(d, ev1::PLAN_STATUS_ACTIVE));
      req.set_version(1);
      req.set_closing_report("matrix closing report");
      return Own(req);
    });
    add("GetPlan", [this](const std::string& d) {
      ev1::GetPlanRequest req;
      req.set_case_id(PlanRead(d));
      return Own(req);
    });
    add("ListOverdueRevisions", [this](const std::string& d) {
      PlanRead(d);
      ev1::ListOverdueRevisionsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
  }

  // The district's expert (a professional), made once.
  const std::string& ExpertOf(const std::string& district) {
    std::string& id = experts_[district];
    if (id.empty()) {
      ev1::RegisterExpertRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_district_code(district);
      req.set_kind(ev1::EXPERT_KIND_PROFESSIONAL);
      req.set_display_name("matrix expert");
      ev1::RegisterExpertResponse resp;
      auto ctx = h_.Context(admin_);
      const grpc::Status st = h_.counselling().RegisterExpert(ctx.get(), req, &resp);
      if (!st.ok())
        Fail(absl::StrCat("RegisterExpert: ", st.error_code(), " ", st.error_message()));
      id = resp.expert().expert_id();
      Made(district, id);
    }
    return id;
  }

  // An open urgent contact of the district (a crisis flag of a new case), made once.
  void UrgentOf(const std::string& district) {
    if (urgent_.count(district) > 0) return;
    urgent_.insert(district);
    const std::string case_id = Case(district);
    assessment::v1::CrisisFlagRaised p;
    p.set_case_id(case_id);
    p.set_district_code(district);
    p.set_flag_id(ids::NewUuid());
    p.set_kind(assessment::v1::CRISIS_KIND_SELF_HARM);
    *p.mutable_raised_at() = grpc_util::ToProtoTimestamp(h_.clock().Now());
    Made(district, p.flag_id());
    const auto envelope =
        kafka::MakeEnvelope("ccms.assessment.crisis_flag_raised", case_id, district, absl::Now(),
                            absl::Now(), "assessment-matrix", p);
    auto applied = h_.care_consumer().Process("ccms.assessment.v1", 0, offset_++,
                                              envelope.SerializeAsString());
    if (!applied.ok() || !*applied) Fail("crisis flag: " + applied.status().ToString());
  }

  // A new case of the district with a referral made.
  std::pair<std::string, std::string> Referral(const std::string& district) {
    const std::string case_id = Case(district);
    ev1::MakeReferralRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_institution_agency_id("matrix-hospital");
    req.set_reason(ev1::REFERRAL_REASON_TRAUMA);
    ev1::MakeReferralResponse resp;
    auto ctx = h_.Context(admin_);
    const grpc::Status st = h_.counselling().MakeReferral(ctx.get(), req, &resp);
    if (!st.ok()) Fail(absl::StrCat("MakeReferral: ", st.error_code(), " ", st.error_message()));
    Made(district, resp.referral().referral_id());
    return {case_id, resp.referral().referral_id()};
  }

  void InstallCareBuilders() {
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(ev1::CounsellingService::service_full_name(), "/", method)] =
          std::move(b);
    };
    add("RegisterExpert", [](const std::string& d) {
      ev1::RegisterExpertRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_district_code(d);
      req.set_kind(ev1::EXPERT_KIND_PARTNER_CENTRE);
      req.set_agency_id("matrix-centre");
      req.set_display_name("matrix centre");
      return Own(req);
    });
    add("ListExperts", [this](const std::string& d) {
      ExpertOf(d);
      ev1::ListExpertsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("RecordCounsellingSession", [this](const std::string& d) {
      ev1::RecordCounsellingSessionRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_expert_id(ExpertOf(d));
      req.set_kind(ev1::COUNSELLING_KIND_THERAPY);
      req.set_duration_minutes(50);
      return Own(req);
    });
    add("UpdatePsychFile", [this](const std::string& d) {
      ev1::UpdatePsychFileRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_text("matrix psychological file");
      return Own(req);
    });
    add("GetPsychFile", [this](const std::string& d) {
      ev1::GetPsychFileRequest req;
      req.set_case_id(Read(d));
      return Own(req);
    });
    add("MakeReferral", [this](const std::string& d) {
      ev1::MakeReferralRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_institution_agency_id("matrix-hospital");
      req.set_reason(ev1::REFERRAL_REASON_OTHER);
      return Own(req);
    });
    add("RecordReferralOutcome", [this](const std::string& d) {
      const auto [case_id, referral_id] = Referral(d);
      ev1::RecordReferralOutcomeRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(case_id);
      req.set_referral_id(referral_id);
      req.set_outcome(ev1::REFERRAL_OUTCOME_ACCEPTED);
      return Own(req);
    });
    add("ListUrgentContacts", [this](const std::string& d) {
      UrgentOf(d);
      ev1::ListUrgentContactsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
  }

  // ---- Catalogue ----

  // A city-wide theme, the theme of this month, made once.
  const std::string& Theme() {
    if (theme_id_.empty()) {
      ev1::AddCatalogueItemRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_kind(ev1::CATALOGUE_ITEM_KIND_THEME);
      req.set_content_kind(ev1::CONTENT_KIND_MORAL);
      req.set_title("matrix theme");
      req.set_hours(1);
      ev1::AddCatalogueItemResponse resp;
      auto ctx = h_.Context(admin_);
      Check(h_.catalogue().AddCatalogueItem(ctx.get(), req, &resp), "AddCatalogueItem");
      theme_id_ = resp.item().item_id();
      ev1::SetMonthlyThemeRequest set;
      set.set_request_id(ids::NewUuid());
      set.set_year(static_cast<int>(Today().year()));
      set.set_month(Today().month());
      set.set_item_id(theme_id_);
      ev1::SetMonthlyThemeResponse sresp;
      auto sctx = h_.Context(admin_);
      Check(h_.catalogue().SetMonthlyTheme(sctx.get(), set, &sresp), "SetMonthlyTheme");
    }
    return theme_id_;
  }

  void InstallCatalogueBuilders() {
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(ev1::CatalogueService::service_full_name(), "/", method)] =
          std::move(b);
    };
    add("AddCatalogueItem", [](const std::string& d) {
      ev1::AddCatalogueItemRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_kind(ev1::CATALOGUE_ITEM_KIND_COURSE);
      req.set_content_kind(ev1::CONTENT_KIND_LEGAL_POLICY);
      req.set_module(ev1::EDUCATION_MODULE_INTAKE_NOTICE);
      req.set_title("matrix course");
      req.set_hours(2);
      req.set_district_code(d);
      return Own(req);
    });
    add("ListCatalogueItems", [](const std::string& d) {
      ev1::ListCatalogueItemsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("SetMonthlyTheme", [this](const std::string&) {
      ev1::SetMonthlyThemeRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_year(static_cast<int>(Today().year()));
      req.set_month(Today().month());
      req.set_item_id(Theme());
      return Own(req);
    });
    add("GetMonthlyTheme", [this](const std::string&) {
      Theme();
      ev1::GetMonthlyThemeRequest req;
      req.set_year(static_cast<int>(Today().year()));
      req.set_month(Today().month());
      return Own(req);
    });
  }

  // The paper MATRIX_PAPER (three questions, key A, B, CD), published once.
  void Paper() {
    if (paper_published_) return;
    paper_published_ = true;
    ev1::PublishTestPaperRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_paper_id("MATRIX_PAPER");
    req.set_title("matrix paper");
    for (const char* a : {"A", "B", "CD"}) req.add_answer_key(a);
    ev1::PublishTestPaperResponse resp;
    auto ctx = h_.Context(admin_);
    const grpc::Status st = h_.legal_tests().PublishTestPaper(ctx.get(), req, &resp);
    if (!st.ok())
      Fail(absl::StrCat("PublishTestPaper: ", st.error_code(), " ", st.error_message()));
  }

  ev1::RecordTestSittingRequest SittingRequest(const std::string& case_id, bool pass) {
    ev1::RecordTestSittingRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_paper_id("MATRIX_PAPER");
    for (const char* a : {"A", pass ? "B" : "C", pass ? "DC" : ""}) req.add_answers(a);
    return req;
  }

  // The district's case with a failed sitting (a retake due), made once.
  const std::string& FailedOf(const std::string& district) {
    std::string& case_id = failed_[district];
    if (case_id.empty()) {
      Paper();
      case_id = Case(district);
      ev1::RecordTestSittingResponse resp;
      auto ctx = h_.Context(admin_);
      const grpc::Status st =
          h_.legal_tests().RecordTestSitting(ctx.get(), SittingRequest(case_id, false), &resp);
      if (!st.ok()) {
        Fail(absl::StrCat("RecordTestSitting: ", st.error_code(), " ", st.error_message()));
      }
      Made(district, resp.sitting().sitting_id());
    }
    return case_id;
  }

  void InstallLegalTestBuilders() {
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(ev1::LegalTestService::service_full_name(), "/", method)] =
          std::move(b);
    };
    add("PublishTestPaper", [](const std::string&) {
      ev1::PublishTestPaperRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_paper_id("MATRIX_CELL_PAPER");
      req.set_title("a paper of a cell");
      req.add_answer_key("A");
      return Own(req);
    });
    add("RecordTestSitting", [this](const std::string& d) {
      Paper();
      return Own(SittingRequest(Case(d), true));
    });
    add("ListTestSittings", [this](const std::string& d) {
      ev1::ListTestSittingsRequest req;
      req.set_case_id(FailedOf(d));
      return Own(req);
    });
    add("ListRetakesDue", [this](const std::string& d) {
      FailedOf(d);
      ev1::ListRetakesDueRequest req;
      req.set_district_code(d);
      return Own(req);
    });
  }

  // The questionnaire MATRIX_SURVEY (two questions, 1-5), published once.
  void Survey() {
    if (survey_published_) return;
    survey_published_ = true;
    ev1::PublishQuestionnaireRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_questionnaire_id("MATRIX_SURVEY");
    req.set_title("matrix survey");
    req.set_question_count(2);
    req.set_scale_max(5);
    ev1::PublishQuestionnaireResponse resp;
    auto ctx = h_.Context(admin_);
    const grpc::Status st = h_.feedback().PublishQuestionnaire(ctx.get(), req, &resp);
    if (!st.ok()) {
      Fail(absl::StrCat("PublishQuestionnaire: ", st.error_code(), " ", st.error_message()));
    }
  }

  ev1::FileComplaintRequest ComplaintRequest(const std::string& case_id) {
    ev1::FileComplaintRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_subject(ev1::FEEDBACK_SUBJECT_WORKER);
    req.set_subject_id("sw-matrix");
    req.set_category(ev1::COMPLAINT_CATEGORY_SERVICE_QUALITY);
    req.set_text("matrix complaint");
    return req;
  }

  // A new case of the district with an OPEN complaint: (case id, complaint id).
  std::pair<std::string, std::string> Complaint(const std::string& district) {
    const std::string case_id = Case(district);
    ev1::FileComplaintResponse resp;
    auto ctx = h_.Context(admin_);
    const grpc::Status st =
        h_.feedback().FileComplaint(ctx.get(), ComplaintRequest(case_id), &resp);
    if (!st.ok()) Fail(absl::StrCat("FileComplaint: ", st.error_code(), " ", st.error_message()));
    Made(district, resp.complaint().complaint_id());
    return {case_id, resp.complaint().complaint_id()};
  }

  void InstallFeedbackBuilders() {
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(ev1::FeedbackService::service_full_name(), "/", method)] =
          std::move(b);
    };
    add("PublishQuestionnaire", [](const std::string&) {
      ev1::PublishQuestionnaireRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_questionnaire_id("MATRIX_CELL_SURVEY");
      req.set_title("a survey of a cell");
      req.set_question_count(1);
      req.set_scale_max(5);
      return Own(req);
    });
    add("RecordSurveyResponse", [this](const std::string& d) {
      Survey();
      ev1::RecordSurveyResponseRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_questionnaire_id("MATRIX_SURVEY");
      req.set_subject(ev1::FEEDBACK_SUBJECT_PROVIDER);
      req.set_subject_id("matrix-centre");
      req.add_scores(4);
      req.add_scores(5);
      return Own(req);
    });
    add("FileComplaint", [this](const std::string& d) { return Own(ComplaintRequest(Case(d))); });
    add("UpdateComplaint", [this](const std::string& d) {
      const auto [case_id, complaint_id] = Complaint(d);
      ev1::UpdateComplaintRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(case_id);
      req.set_complaint_id(complaint_id);
      req.set_version(1);
      req.set_status(ev1::COMPLAINT_STATUS_IN_HANDLING);
      return Own(req);
    });
    add("ListComplaints", [this](const std::string& d) {
      if (complaints_.insert(d).second) Complaint(d);
      ev1::ListComplaintsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
  }

  ev1::AddServiceProjectRequest ProjectRequest(const std::string& district) {
    ev1::AddServiceProjectRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_district_code(district);
    req.set_title("matrix project");
    req.set_organiser("matrix organiser");
    req.set_mode(ev1::SERVICE_MODE_DISPERSED);
    req.set_effort(ev1::SERVICE_EFFORT_LIGHT);
    req.set_capacity(100);
    *req.mutable_starts_on() = ToProtoDate(Today() - 5);
    *req.mutable_ends_on() = ToProtoDate(Today() + 60);
    return req;
  }

  // The district's open community service project, made once.
  const std::string& ServiceProject(const std::string& district) {
    std::string& project_id = service_projects_[district];
    if (project_id.empty()) {
      ev1::AddServiceProjectResponse resp;
      auto ctx = h_.Context(admin_);
      const grpc::Status st =
          h_.community_service().AddServiceProject(ctx.get(), ProjectRequest(district), &resp);
      if (!st.ok()) {
        Fail(absl::StrCat("AddServiceProject: ", st.error_code(), " ", st.error_message()));
      }
      project_id = resp.project().project_id();
      Made(district, project_id);
    }
    return project_id;
  }

  // A new case of the district with a self-initiated activity waiting for verification:
  // (case id, activity id).
  std::pair<std::string, std::string> PendingActivity(const std::string& district) {
    const std::string case_id = Case(district);
    ev1::RecordServiceActivityRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_self_initiated(true);
    req.set_organiser("matrix library");
    *req.mutable_served_on() = ToProtoDate(Today());
    req.set_minutes(60);
    ev1::RecordServiceActivityResponse resp;
    auto ctx = h_.Context(admin_);
    const grpc::Status st = h_.community_service().RecordServiceActivity(ctx.get(), req, &resp);
    if (!st.ok()) {
      Fail(absl::StrCat("RecordServiceActivity: ", st.error_code(), " ", st.error_message()));
    }
    return {case_id, resp.activity().activity_id()};
  }

  void InstallCommunityServiceBuilders() {
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(ev1::CommunityServiceService::service_full_name(), "/", method)] =
          std::move(b);
    };
    add("AddServiceProject", [this](const std::string& d) { return Own(ProjectRequest(d)); });
    add("ListServiceProjects", [this](const std::string& d) {
      ServiceProject(d);
      ev1::ListServiceProjectsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("SetServiceProfile", [this](const std::string& d) {
      ev1::SetServiceProfileRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_max_effort(ev1::SERVICE_EFFORT_FULL);
      req.add_skills("COOKING");
      return Own(req);
    });
    add("JoinServiceProject", [this](const std::string& d) {
      ev1::JoinServiceProjectRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_project_id(ServiceProject(d));
      req.set_case_id(Case(d));
      return Own(req);
    });
    add("RecordServiceActivity", [this](const std::string& d) {
      ev1::RecordServiceActivityRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_self_initiated(true);
      req.set_organiser("matrix library");
      *req.mutable_served_on() = ToProtoDate(Today());
      req.set_minutes(30);
      return Own(req);
    });
    add("VerifyServiceActivity", [this](const std::string& d) {
      const auto [case_id, activity_id] = PendingActivity(d);
      ev1::VerifyServiceActivityRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(case_id);
      req.set_activity_id(activity_id);
      req.set_accept(true);
      return Own(req);
    });
    add("WaiveCommunityService", [this](const std::string& d) {
      ev1::WaiveCommunityServiceRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_reason(ev1::WAIVER_REASON_HEALTH);
      *req.mutable_from_day() = ToProtoDate(Today());
      *req.mutable_until_day() = ToProtoDate(Today() + 30);
      return Own(req);
    });
    add("GetCommunityService", [this](const std::string& d) {
      ev1::GetCommunityServiceRequest req;
      req.set_case_id(Case(d));
      return Own(req);
    });
  }

  // The hours ledger (issue 14 items 6-8): a case whose term began 100 days ago, so its
  // previous month has ended inside the term (closing it is a valid request).
  // A session of `district` started an hour ago, delivered by partner agency A (kAgencyA), with
  // a case enrolled; the enrolment's referral code in `code`.
  std::string PartnerSession(const std::string& district, std::string* code) {
    ev1::ScheduleSessionRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_district_code(district);
    req.set_kind(ev1::SESSION_KIND_ROUTINE);
    req.set_form(ev1::SESSION_FORM_FACE_TO_FACE);
    const absl::Time start = h_.clock().Now() - absl::Hours(1);
    *req.mutable_start_time() = grpc_util::ToProtoTimestamp(start);
    *req.mutable_end_time() = grpc_util::ToProtoTimestamp(start + absl::Hours(2));
    req.mutable_provider()->set_kind(ev1::PROVIDER_KIND_PARTNER_AGENCY);
    req.mutable_provider()->set_id(kAgencyA);
    req.set_capacity(10);
    req.set_audience(ev1::AUDIENCE_ADULTS_ONLY);
    ev1::ScheduleSessionResponse resp;
    auto ctx = h_.Context(admin_);
    const grpc::Status st = h_.sessions().ScheduleSession(ctx.get(), req, &resp);
    if (!st.ok() || resp.sessions_size() != 1) {
      Fail(absl::StrCat("ScheduleSession: ", st.error_code(), " ", st.error_message()));
      return "";
    }
    const std::string session_id = resp.sessions(0).session_id();
    Made(district, session_id);
    const std::string case_id = Case(district);
    ev1::EnrolCaseRequest enrol;
    enrol.set_request_id(ids::NewUuid());
    enrol.set_session_id(session_id);
    enrol.set_case_id(case_id);
    ev1::EnrolCaseResponse er;
    auto ectx = h_.Context(admin_);
    const grpc::Status est = h_.sessions().EnrolCase(ectx.get(), enrol, &er);
    if (!est.ok()) Fail(absl::StrCat("EnrolCase: ", est.error_code(), " ", est.error_message()));
    Made(district, er.enrolment().enrolment_id());
    // The referral code (domain::ReferralCode): "E-" and the enrolment id's last 12 hex digits.
    std::string hex = er.enrolment().enrolment_id();
    hex = hex.size() >= 12 ? hex.substr(hex.size() - 12) : hex;
    for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    *code = "E-" + hex;
    return session_id;
  }

  void InstallPartnerBuilders() {
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(ev1::PartnerSessionService::service_full_name(), "/", method)] =
          std::move(b);
    };
    add("ListPartnerSessions",
        [](const std::string&) { return Own(ev1::ListPartnerSessionsRequest()); });
    add("GetPartnerSession", [this](const std::string& d) {
      ev1::GetPartnerSessionRequest req;
      std::string code;
      req.set_session_id(PartnerSession(d, &code));
      return Own(req);
    });
    add("RecordPartnerAttendance", [this](const std::string& d) {
      ev1::RecordPartnerAttendanceRequest req;
      req.set_request_id(ids::NewUuid());
      std::string code;
      req.set_session_id(PartnerSession(d, &code));
      ev1::PartnerAttendanceEntry* e = req.add_entries();
      e->set_referral_code(code);
      e->set_outcome(ev1::ATTENDANCE_OUTCOME_ATTENDED);
      return Own(req);
    });
    // The office records the name partners see (SessionService, write roles of the district).
    builders_[absl::StrCat(ev1::SessionService::service_full_name(), "/SetPartnerViewName")] =
        [this](const std::string& d) {
          ev1::SetPartnerViewNameRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(Case(d));
          req.set_given_name("Matrix");
          return Own(req);
        };
  }

  void InstallLedgerBuilders() {
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(ev1::HoursLedgerService::service_full_name(), "/", method)] =
          std::move(b);
    };
    add("GetHoursLedger", [this](const std::string& d) {
      ev1::GetHoursLedgerRequest req;
      req.set_case_id(Case(d, 100));
      return Own(req);
    });
    add("CloseHoursMonth", [this](const std::string& d) {
      const absl::CivilMonth previous = absl::CivilMonth(Today()) - 1;
      ev1::CloseHoursMonthRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d, 100));
      req.set_year(static_cast<int>(previous.year()));
      req.set_month(previous.month());
      return Own(req);
    });
    add("GrantHoursWaiver", [this](const std::string& d) {
      ev1::GrantHoursWaiverRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d, 100));
      req.set_scope(ev1::WAIVER_SCOPE_COMMUNITY_SERVICE);
      req.set_reason_code("ILLNESS");
      *req.mutable_from_date() = ToProtoDate(Today());
      *req.mutable_until_date() = ToProtoDate(Today() + 30);
      return Own(req);
    });
    add("ListHoursShortfalls", [this](const std::string& d) {
      if (ledger_lists_.insert(d).second) Case(d, 100);
      ev1::ListHoursShortfallsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("ListEducationWindows", [this](const std::string& d) {
      if (ledger_lists_.insert(d).second) Case(d, 100);
      ev1::ListEducationWindowsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("ListIndividualEducationDue", [this](const std::string& d) {
      if (ledger_lists_.insert(d).second) Case(d, 100);
      ev1::ListIndividualEducationDueRequest req;
      req.set_district_code(d);
      return Own(req);
    });
  }

  EducationHarness h_;
  const std::string admin_;
  std::set<std::string> ledger_lists_;
  bool survey_published_ = false;
  std::set<std::string> complaints_;
  bool paper_published_ = false;
  std::map<std::string, std::string> failed_;
  std::map<std::string, std::string> experts_;
  std::set<std::string> urgent_;
  std::map<std::string, Builder> builders_;
  absl::Status fixture_error_;
  int64_t offset_ = 1;
  std::map<std::string, std::string> reads_;
  std::map<std::string, std::string> plan_reads_;
  std::string theme_id_;
  std::map<std::string, std::string> read_sessions_;
  std::map<std::string, std::string> service_projects_;
};

}  // namespace

CCMS_MATRIX_SERVER("education", EducationMatrixServer);

}  // namespace ccms::testing::matrix
