// The security matrix's employment server: ccms-employment in-process (EmploymentHarness, its
// consumer stopped: cases reach it as records' events handed to the consumer by hand) and a
// request builder per method, each aimed at a partner or a referral of the cell's district.
// Referrals go to agency A's partner, registered in district A and serving A and B.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ccms/employment/v1/agency_referral_service.grpc.pb.h"
#include "ccms/employment/v1/assistance_service.grpc.pb.h"
#include "ccms/employment/v1/halfway_house_service.grpc.pb.h"
#include "ccms/employment/v1/needs_service.grpc.pb.h"
#include "ccms/employment/v1/opening_service.grpc.pb.h"
#include "ccms/employment/v1/partner_contract_service.grpc.pb.h"
#include "ccms/employment/v1/partner_service.grpc.pb.h"
#include "ccms/employment/v1/referral_service.grpc.pb.h"
#include "ccms/employment/v1/retention_service.grpc.pb.h"
#include "ccms/employment/v1/schooling_service.grpc.pb.h"
#include "ccms/employment/v1/training_service.grpc.pb.h"
#include "ccms/employment/v1/volunteer_service.grpc.pb.h"
#include "ccms/ops/v1/audit_chain_service.grpc.pb.h"
#include "ccms/ops/v1/dead_letter_service.grpc.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "tests/integration/employment_harness.h"
#include "tests/security/security_matrix.h"

namespace ccms::testing::matrix {
namespace {

namespace ev1 = employment::v1;
using google::protobuf::Message;
using grpc_util::ToProtoDate;

template <typename Req>
std::unique_ptr<Message> Own(Req req) {
  return std::make_unique<Req>(std::move(req));
}

class EmploymentMatrixServer : public MatrixServer {
 public:
  static std::vector<std::string> ServiceNames() {
    return {ev1::PartnerService::service_full_name(),
            ev1::ReferralService::service_full_name(),
            ev1::AgencyReferralService::service_full_name(),
            ev1::HalfwayHouseService::service_full_name(),
            ev1::RetentionService::service_full_name(),
            ev1::TrainingService::service_full_name(),
            ev1::SchoolingService::service_full_name(),
            ev1::NeedsService::service_full_name(),
            ev1::OpeningService::service_full_name(),
            ev1::PartnerContractService::service_full_name(),
            ev1::AssistanceService::service_full_name(),
            ev1::VolunteerService::service_full_name(),
            ops::v1::DeadLetterService::service_full_name(),
            ops::v1::AuditChainService::service_full_name()};
  }

  EmploymentMatrixServer()
      : admin_(h_.Token(auth::Role::kCityAdmin, {"*"}, "matrix-fixtures")),
        needs_(ev1::NeedsService::NewStub(h_.channel())),
        openings_(ev1::OpeningService::NewStub(h_.channel())) {
    h_.consumer().Stop();
    InstallBuilders();
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
  void Check(const grpc::Status& st, const std::string& what) {
    if (!st.ok()) Fail(absl::StrCat(what, ": ", st.error_code(), " ", st.error_message()));
  }

  // An active adult case of `district` (a minor's with `minor`).
  std::string Case(const std::string& district, bool minor = false) {
    const std::string case_id = ids::NewUuid();
    Made(district, case_id);
    records::v1::CaseOpened opened;
    opened.set_case_id(case_id);
    opened.set_district_code(district);
    opened.set_office_id("office-1");
    *opened.mutable_judgment_effective_date() = ToProtoDate(h_.Today() - 100);
    opened.set_age_at_judgment(minor ? 15 : 30);
    opened.set_minor(minor);
    records::v1::IntakeReported intake;
    intake.set_case_id(case_id);
    *intake.mutable_reported_on() = ToProtoDate(h_.Today() - 90);
    if (auto st = h_.Feed("ccms.records.case_opened", case_id, district, opened); !st.ok()) {
      Fail(st.ToString());
    }
    if (auto st = h_.Feed("ccms.records.intake_reported", case_id, district, intake); !st.ok()) {
      Fail(st.ToString());
    }
    return case_id;
  }

  ev1::RegisterPartnerRequest RegisterRequest(const std::string& agency,
                                              const std::string& district) {
    ev1::RegisterPartnerRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_agency_id(agency);
    req.set_name("Matrix partner");
    req.set_kind(ev1::PARTNER_KIND_ENTERPRISE);
    req.set_district_code(district);
    return req;
  }

  // A fresh partner registered in `district` (serving only it).
  std::string Partner(const std::string& district) {
    ev1::RegisterPartnerResponse resp;
    auto ctx = h_.Context(admin_);
    Check(h_.partners().RegisterPartner(ctx.get(), RegisterRequest(FreshAgency(), district), &resp),
          "RegisterPartner");
    Made(district, resp.partner().partner_id());
    return resp.partner().partner_id();
  }

  // The random end of a UUIDv7 (its start is the time, equal within a minute).
  std::string FreshAgency() { return "m-" + ids::NewUuid().substr(24); }

  // Agency A's partner: registered in A, serving A and B.
  const std::string& AgencyA() {
    if (agency_a_.empty()) {
      auto req = RegisterRequest(kAgencyA, kDistrictA);
      req.add_districts_served(kDistrictB);
      ev1::RegisterPartnerResponse resp;
      auto ctx = h_.Context(admin_);
      Check(h_.partners().RegisterPartner(ctx.get(), req, &resp), "RegisterPartner A");
      agency_a_ = resp.partner().partner_id();
    }
    return agency_a_;
  }

  ev1::CreateReferralRequest CreateRequest(const std::string& district) {
    ev1::CreateReferralRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(Case(district));
    req.set_partner_id(AgencyA());
    req.set_kind(ev1::REFERRAL_KIND_JOB_PLACEMENT);
    req.set_given_name("Matrix");
    return req;
  }

  std::string Draft(const std::string& district) {
    ev1::CreateReferralResponse resp;
    auto ctx = h_.Context(admin_);
    Check(h_.referrals().CreateReferral(ctx.get(), CreateRequest(district), &resp),
          "CreateReferral");
    Made(district, resp.referral().referral_id());
    return resp.referral().referral_id();
  }

  ev1::SendReferralRequest SendRequest(const std::string& referral_id) {
    ev1::SendReferralRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_referral_id(referral_id);
    *req.mutable_consent_recorded_on() = ToProtoDate(h_.Today());
    return req;
  }

  std::string Sent(const std::string& district) {
    const std::string id = Draft(district);
    ev1::SendReferralResponse resp;
    auto ctx = h_.Context(admin_);
    Check(h_.referrals().SendReferral(ctx.get(), SendRequest(id), &resp), "SendReferral");
    return id;
  }

  // The district's objects for reads, made once.
  const std::string& ReadPartner(const std::string& district) {
    std::string& id = read_partners_[district];
    if (id.empty()) id = Partner(district);
    return id;
  }
  const std::string& ReadReferral(const std::string& district) {
    std::string& id = read_referrals_[district];
    if (id.empty()) id = Sent(district);
    return id;
  }

  // The district's halfway house (500 places), made once.
  const std::string& House(const std::string& district) {
    std::string& id = houses_[district];
    if (id.empty()) {
      ev1::RegisterHalfwayHouseRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_name("Matrix house");
      req.set_district_code(district);
      req.set_places(500);
      ev1::RegisterHalfwayHouseResponse resp;
      auto ctx = h_.Context(admin_);
      Check(h_.houses().RegisterHalfwayHouse(ctx.get(), req, &resp), "RegisterHalfwayHouse");
      id = resp.house().house_id();
      Made(district, id);
    }
    return id;
  }

  ev1::AdmitToHalfwayHouseRequest AdmitRequest(const std::string& district) {
    ev1::AdmitToHalfwayHouseRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_house_id(House(district));
    req.set_case_id(Case(district));
    return req;
  }

  // A spell of a new case of `district` with another employer, 30 days old: its first check due.
  std::string Spell(const std::string& district) {
    ev1::StartEmploymentSpellRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(Case(district));
    req.set_other_employer_code("SELF_EMPLOYED");
    *req.mutable_started_on() = ToProtoDate(h_.Today() - 30);
    ev1::StartEmploymentSpellResponse resp;
    auto ctx = h_.Context(admin_);
    Check(h_.retention().StartEmploymentSpell(ctx.get(), req, &resp), "StartEmploymentSpell");
    Made(district, resp.spell().spell_id());
    return resp.spell().spell_id();
  }

  // The district's training programme (500 places, agency A as provider), made once.
  const std::string& Programme(const std::string& district) {
    std::string& id = programmes_[district];
    if (id.empty()) {
      ev1::RegisterTrainingProgrammeRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_code("MATRIX-" + district);
      req.set_name("Matrix programme");
      req.set_provider_partner_id(AgencyA());
      req.set_district_code(district);
      req.set_hours(500);
      req.set_places(500);
      *req.mutable_starts_on() = ToProtoDate(h_.Today() - 10);
      *req.mutable_ends_on() = ToProtoDate(h_.Today() + 50);
      ev1::RegisterTrainingProgrammeResponse resp;
      auto ctx = h_.Context(admin_);
      Check(h_.training().RegisterTrainingProgramme(ctx.get(), req, &resp),
            "RegisterTrainingProgramme");
      id = resp.programme().programme_id();
      Made(district, id);
    }
    return id;
  }

  // An open schooling item of a minor's case of `district` (one per district: a liaison keeps it
  // open).
  std::string SchoolingItem(const std::string& district) {
    auto it = schooling_items_.find(district);
    if (it != schooling_items_.end()) return it->second;
    ev1::RecordSchoolingSituationRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(Case(district, /*minor=*/true));
    ev1::RecordSchoolingSituationResponse resp;
    auto ctx = h_.Context(admin_);
    Check(h_.schooling().RecordSchoolingSituation(ctx.get(), req, &resp),
          "RecordSchoolingSituation");
    if (resp.items_size() != 1) {
      Fail("RecordSchoolingSituation opened no item");
      return ids::NewUuid();
    }
    Made(district, resp.items(0).item_id());
    schooling_items_[district] = resp.items(0).item_id();
    return resp.items(0).item_id();
  }

  ev1::EnrolInTrainingRequest EnrolRequest(const std::string& district) {
    ev1::EnrolInTrainingRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_programme_id(Programme(district));
    req.set_case_id(Case(district));
    return req;
  }

  // A fresh enrolment of `district`'s programme.
  std::string Enrolment(const std::string& district) {
    ev1::EnrolInTrainingResponse resp;
    auto ctx = h_.Context(admin_);
    Check(h_.training().EnrolInTraining(ctx.get(), EnrolRequest(district), &resp),
          "EnrolInTraining");
    Made(district, resp.enrolment().enrolment_id());
    return resp.enrolment().enrolment_id();
  }

  // A DRAFT career plan of a new case of `district`.
  std::string Plan(const std::string& district) {
    ev1::DraftCareerPlanRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(Case(district));
    req.set_goal_code("EMPLOYMENT");
    ev1::DraftCareerPlanResponse resp;
    auto ctx = h_.Context(admin_);
    Check(needs_->DraftCareerPlan(ctx.get(), req, &resp), "DraftCareerPlan");
    Made(district, resp.plan().plan_id());
    return resp.plan().plan_id();
  }

  ev1::PostOpeningRequest OpeningRequest(const std::string& district) {
    ev1::PostOpeningRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_partner_id(AgencyA());
    req.set_district_code(district);
    req.set_title("Matrix job");
    req.set_sector_code("LOGISTICS");
    req.set_hours_per_week(40);
    *req.mutable_closes_on() = ToProtoDate(h_.Today() + 30);
    req.set_places(5);
    return req;
  }

  // A fresh OPEN opening of agency A in `district`.
  std::string Opening(const std::string& district) {
    ev1::PostOpeningResponse resp;
    auto ctx = h_.Context(admin_);
    Check(openings_->PostOpening(ctx.get(), OpeningRequest(district), &resp), "PostOpening");
    Made(district, resp.opening().opening_id());
    return resp.opening().opening_id();
  }

  void InstallNeedsAndOpeningBuilders() {
    auto add = [this](const std::string& service, const std::string& method, Builder b) {
      builders_[absl::StrCat(service, "/", method)] = std::move(b);
    };
    const std::string needs = ev1::NeedsService::service_full_name();
    const std::string openings = ev1::OpeningService::service_full_name();
    add(needs, "RecordNeedsSurvey", [this](const std::string& d) {
      ev1::RecordNeedsSurveyRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_method(ev1::SURVEY_METHOD_INTERVIEW);
      req.set_wish_to_work(ev1::WORK_WISH_WANTS_WORK);
      req.set_ability_code("FULL");
      req.set_housing_code("RENTED");
      req.set_livelihood_code("STABLE");
      req.set_schooling_code("COMPLETED");
      req.set_family_code("SUPPORTIVE");
      return Own(req);
    });
    add(needs, "DraftCareerPlan", [this](const std::string& d) {
      ev1::DraftCareerPlanRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_goal_code("EMPLOYMENT");
      return Own(req);
    });
    add(needs, "AgreeCareerPlan", [this](const std::string& d) {
      ev1::AgreeCareerPlanRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_plan_id(Plan(d));
      return Own(req);
    });
    add(needs, "RecordSkillsProfile", [this](const std::string& d) {
      ev1::RecordSkillsProfileRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.add_skill_codes("FORKLIFT");
      return Own(req);
    });
    add(needs, "GetCaseNeeds", [this](const std::string& d) {
      ev1::GetCaseNeedsRequest req;
      req.set_case_id(Case(d));
      return Own(req);
    });
    add(openings, "PostOpening", [this](const std::string& d) { return Own(OpeningRequest(d)); });
    add(openings, "CloseOpening", [this](const std::string& d) {
      ev1::CloseOpeningRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_opening_id(Opening(d));
      req.set_reason_code("FILLED");
      return Own(req);
    });
    add(openings, "RecordOpeningFilled", [this](const std::string& d) {
      ev1::RecordOpeningFilledRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_opening_id(Opening(d));
      req.set_places_filled(1);
      return Own(req);
    });
    add(openings, "ListOpenings", [this](const std::string& d) {
      if (!read_openings_.count(d)) read_openings_[d] = Opening(d);
      ev1::ListOpeningsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add(openings, "RankOpeningsForCase", [this](const std::string& d) {
      if (!read_openings_.count(d)) read_openings_[d] = Opening(d);
      ev1::RankOpeningsForCaseRequest req;
      req.set_case_id(Case(d));
      return Own(req);
    });
  }

  // An APPLIED assistance record of a new case of `district`.
  std::string Assistance(const std::string& district) {
    ev1::RecordAssistanceRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(Case(district));
    req.set_kind(ev1::ASSISTANCE_KIND_TEMPORARY_RELIEF);
    req.set_status(ev1::ASSISTANCE_STATUS_APPLIED);
    req.set_amount_fen(50000);
    ev1::RecordAssistanceResponse resp;
    auto ctx = h_.Context(admin_);
    Check(h_.assistance().RecordAssistance(ctx.get(), req, &resp), "RecordAssistance");
    Made(district, resp.assistance().assistance_id());
    return resp.assistance().assistance_id();
  }

  // A volunteer registered in `district` (serving only it), made once.
  const std::string& Volunteer(const std::string& district) {
    std::string& id = volunteers_[district];
    if (id.empty()) {
      ev1::RegisterVolunteerRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_kind(ev1::VOLUNTEER_KIND_VOLUNTEER);
      req.set_name("Matrix volunteer");
      req.set_district_code(district);
      ev1::RegisterVolunteerResponse resp;
      auto ctx = h_.Context(admin_);
      Check(h_.volunteers().RegisterVolunteer(ctx.get(), req, &resp), "RegisterVolunteer");
      id = resp.volunteer().volunteer_id();
      Made(district, id);
    }
    return id;
  }

  void InstallSupportBuilders() {
    auto add = [this](const std::string& service, const std::string& method, Builder b) {
      builders_[absl::StrCat(service, "/", method)] = std::move(b);
    };
    const std::string contracts = ev1::PartnerContractService::service_full_name();
    const std::string assistance = ev1::AssistanceService::service_full_name();
    const std::string volunteers = ev1::VolunteerService::service_full_name();
    add(contracts, "RecordPartnerContract", [this](const std::string& d) {
      ev1::RecordPartnerContractRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_partner_id(ReadPartner(d));
      req.set_district_code(d);
      req.set_scope_code("JOB_PLACEMENT");
      *req.mutable_starts_on() = ToProtoDate(h_.Today());
      *req.mutable_ends_on() = ToProtoDate(h_.Today() + 365);
      req.set_amount_fen(100000);
      return Own(req);
    });
    add(contracts, "RecordPartnerEvaluation", [this](const std::string& d) {
      // A fresh partner each time: one evaluation per partner, district and period.
      ev1::RecordPartnerEvaluationRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_partner_id(Partner(d));
      req.set_district_code(d);
      *req.mutable_period_from() = ToProtoDate(h_.Today() - 30);
      *req.mutable_period_to() = ToProtoDate(h_.Today() - 1);
      auto* s = req.add_scores();
      s->set_criterion_code("OUTCOMES");
      s->set_score(80);
      req.set_result_code("GOOD");
      return Own(req);
    });
    add(contracts, "ListPartnerContracts", [this](const std::string& d) {
      ev1::ListPartnerContractsRequest req;
      req.set_partner_id(ReadPartner(d));
      return Own(req);
    });
    add(contracts, "ListPartnerEvaluations", [this](const std::string& d) {
      ev1::ListPartnerEvaluationsRequest req;
      req.set_partner_id(ReadPartner(d));
      return Own(req);
    });
    add(assistance, "RecordAssistance", [this](const std::string& d) {
      ev1::RecordAssistanceRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_kind(ev1::ASSISTANCE_KIND_HARDSHIP_PAYMENT);
      req.set_status(ev1::ASSISTANCE_STATUS_GRANTED);
      req.set_amount_fen(20000);
      return Own(req);
    });
    add(assistance, "ChangeAssistanceStatus", [this](const std::string& d) {
      ev1::ChangeAssistanceStatusRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_assistance_id(Assistance(d));
      req.set_to_status(ev1::ASSISTANCE_STATUS_GRANTED);
      return Own(req);
    });
    add(assistance, "ListAssistance", [this](const std::string& d) {
      if (!read_assistance_.count(d)) read_assistance_[d] = Assistance(d);
      ev1::ListAssistanceRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add(assistance, "SumAssistance", [this](const std::string& d) {
      if (!read_assistance_.count(d)) read_assistance_[d] = Assistance(d);
      ev1::SumAssistanceRequest req;
      req.set_district_code(d);
      req.set_year(h_.Today().year());
      return Own(req);
    });
    add(volunteers, "RegisterVolunteer", [](const std::string& d) {
      ev1::RegisterVolunteerRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_kind(ev1::VOLUNTEER_KIND_SOCIAL_ORGANISATION);
      req.set_name("Matrix organisation");
      req.set_district_code(d);
      return Own(req);
    });
    add(volunteers, "RecordVolunteerService", [this](const std::string& d) {
      ev1::RecordVolunteerServiceRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_volunteer_id(Volunteer(d));
      req.set_district_code(d);
      req.set_hours(1);  // at most 24 cells a day (each 1 hour) for the district's volunteer
      req.set_activity_code("TALK");
      return Own(req);
    });
    add(volunteers, "CommendVolunteer", [this](const std::string& d) {
      ev1::CommendVolunteerRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_volunteer_id(Volunteer(d));
      req.set_district_code(d);
      req.set_code("DISTRICT_COMMENDATION");
      return Own(req);
    });
    add(volunteers, "GetVolunteer", [this](const std::string& d) {
      ev1::GetVolunteerRequest req;
      req.set_volunteer_id(Volunteer(d));
      return Own(req);
    });
    add(volunteers, "ListVolunteers", [this](const std::string& d) {
      Volunteer(d);
      ev1::ListVolunteersRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    // A fresh team each time (joining one twice is ALREADY_EXISTS).
    add(volunteers, "JoinSupervisionTeam", [this](const std::string& d) {
      ev1::JoinSupervisionTeamRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_volunteer_id(Volunteer(d));
      req.set_district_code(d);
      req.set_supervision_team_id(ids::NewUuid());
      return Own(req);
    });
    // The volunteer joins a fresh team first (the admin), so that leaving it is allowed.
    add(volunteers, "LeaveSupervisionTeam", [this](const std::string& d) {
      const std::string team = ids::NewUuid();
      ev1::JoinSupervisionTeamRequest join;
      join.set_request_id(ids::NewUuid());
      join.set_volunteer_id(Volunteer(d));
      join.set_district_code(d);
      join.set_supervision_team_id(team);
      ev1::JoinSupervisionTeamResponse joined;
      auto ctx = h_.Context(admin_);
      Check(h_.volunteers().JoinSupervisionTeam(ctx.get(), join, &joined), "JoinSupervisionTeam");
      ev1::LeaveSupervisionTeamRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_volunteer_id(Volunteer(d));
      req.set_district_code(d);
      req.set_supervision_team_id(team);
      return Own(req);
    });
  }

  // A fresh open resettlement item of a new case of `district` (records' discharge_approaching).
  std::string ResettlementItem(const std::string& district) {
    const std::string case_id = Case(district);
    records::v1::DischargeApproaching p;
    p.set_case_id(case_id);
    p.set_district_code(district);
    *p.mutable_end_date() = ToProtoDate(h_.Today() + 20);
    if (auto st = h_.Feed("ccms.records.discharge_approaching", case_id, district, p); !st.ok()) {
      Fail(st.ToString());
    }
    ev1::ListResettlementItemsRequest req;
    req.set_case_id(case_id);
    ev1::ListResettlementItemsResponse resp;
    auto ctx = h_.Context(admin_);
    Check(h_.referrals().ListResettlementItems(ctx.get(), req, &resp), "ListResettlementItems");
    if (resp.items_size() != 1) {
      Fail("discharge_approaching opened no resettlement item");
      return ids::NewUuid();
    }
    Made(district, resp.items(0).item_id());
    return resp.items(0).item_id();
  }

  void InstallResettlementBuilders() {
    const std::string referrals = ev1::ReferralService::service_full_name();
    builders_[referrals + "/DeclineResettlement"] = [this](const std::string& d) {
      ev1::DeclineResettlementRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_item_id(ResettlementItem(d));
      req.set_reason_code("OTHER");
      return Own(req);
    };
    builders_[referrals + "/ListResettlementItems"] = [this](const std::string& d) {
      if (!resettlement_items_.count(d)) resettlement_items_[d] = ResettlementItem(d);
      ev1::ListResettlementItemsRequest req;
      req.set_district_code(d);
      return Own(req);
    };
    builders_[referrals + "/ListPlanStepsDue"] = [this](const std::string& d) {
      ev1::ListPlanStepsDueRequest req;
      req.set_district_code(d);
      req.set_overdue_only(true);
      return Own(req);
    };
  }

  void InstallBuilders() {
    InstallSupportBuilders();
    InstallNeedsAndOpeningBuilders();
    InstallResettlementBuilders();
    auto add = [this](const std::string& service, const std::string& method, Builder b) {
      builders_[absl::StrCat(service, "/", method)] = std::move(b);
    };
    const std::string partners = ev1::PartnerService::service_full_name();
    const std::string referrals = ev1::ReferralService::service_full_name();
    const std::string agency = ev1::AgencyReferralService::service_full_name();
    const std::string houses = ev1::HalfwayHouseService::service_full_name();
    add(houses, "RegisterHalfwayHouse", [](const std::string& d) {
      ev1::RegisterHalfwayHouseRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_name("Matrix house");
      req.set_district_code(d);
      req.set_places(10);
      return Own(req);
    });
    add(houses, "AdmitToHalfwayHouse",
        [this](const std::string& d) { return Own(AdmitRequest(d)); });
    add(houses, "LeaveHalfwayHouse", [this](const std::string& d) {
      ev1::AdmitToHalfwayHouseResponse placed;
      auto ctx = h_.Context(admin_);
      Check(h_.houses().AdmitToHalfwayHouse(ctx.get(), AdmitRequest(d), &placed),
            "AdmitToHalfwayHouse");
      ev1::LeaveHalfwayHouseRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_placement_id(placed.placement().placement_id());
      req.set_reason_code("RESETTLED");
      return Own(req);
    });
    add(houses, "ListHalfwayHouses", [this](const std::string& d) {
      House(d);
      ev1::ListHalfwayHousesRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add(partners, "RegisterPartner",
        [this](const std::string& d) { return Own(RegisterRequest(FreshAgency(), d)); });
    add(partners, "SuspendPartner", [this](const std::string& d) {
      ev1::SuspendPartnerRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_partner_id(Partner(d));
      req.set_reason_code("COMPLAINT");
      return Own(req);
    });
    add(partners, "ReactivatePartner", [this](const std::string& d) {
      const std::string id = Partner(d);
      ev1::SuspendPartnerRequest s;
      s.set_request_id(ids::NewUuid());
      s.set_partner_id(id);
      s.set_reason_code("COMPLAINT");
      ev1::SuspendPartnerResponse sr;
      auto ctx = h_.Context(admin_);
      Check(h_.partners().SuspendPartner(ctx.get(), s, &sr), "SuspendPartner");
      ev1::ReactivatePartnerRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_partner_id(id);
      return Own(req);
    });
    add(partners, "GetPartner", [this](const std::string& d) {
      ev1::GetPartnerRequest req;
      req.set_partner_id(ReadPartner(d));
      return Own(req);
    });
    add(partners, "ListPartners", [this](const std::string& d) {
      ReadPartner(d);
      ev1::ListPartnersRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add(referrals, "CreateReferral",
        [this](const std::string& d) { return Own(CreateRequest(d)); });
    add(referrals, "SendReferral",
        [this](const std::string& d) { return Own(SendRequest(Draft(d))); });
    add(referrals, "RecordReferralStep", [this](const std::string& d) {
      ev1::RecordReferralStepRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_referral_id(Sent(d));
      req.set_to_status(ev1::REFERRAL_STATUS_ACCEPTED);
      return Own(req);
    });
    add(referrals, "GetReferral", [this](const std::string& d) {
      ev1::GetReferralRequest req;
      req.set_referral_id(ReadReferral(d));
      return Own(req);
    });
    add(referrals, "ListReferrals", [this](const std::string& d) {
      ReadReferral(d);
      ev1::ListReferralsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add(agency, "ListAgencyReferrals", [this](const std::string& d) {
      ReadReferral(d);
      return Own(ev1::ListAgencyReferralsRequest());
    });
    add(agency, "GetAgencyReferral", [this](const std::string& d) {
      ev1::GetAgencyReferralRequest req;
      req.set_referral_id(ReadReferral(d));
      return Own(req);
    });
    add(agency, "AnswerAgencyReferral", [this](const std::string& d) {
      ev1::AnswerAgencyReferralRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_referral_id(Sent(d));
      req.set_to_status(ev1::REFERRAL_STATUS_ACCEPTED);
      return Own(req);
    });
    const std::string retention = ev1::RetentionService::service_full_name();
    const std::string training = ev1::TrainingService::service_full_name();
    add(retention, "StartEmploymentSpell", [this](const std::string& d) {
      ev1::StartEmploymentSpellRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      req.set_other_employer_code("SELF_EMPLOYED");
      return Own(req);
    });
    add(retention, "EndEmploymentSpell", [this](const std::string& d) {
      ev1::EndEmploymentSpellRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_spell_id(Spell(d));
      req.set_reason_code("RESIGNED");
      return Own(req);
    });
    add(retention, "ConfirmRetentionCheck", [this](const std::string& d) {
      ev1::ConfirmRetentionCheckRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_spell_id(Spell(d));
      req.set_day_offset(30);
      return Own(req);
    });
    add(retention, "ListRetentionChecks", [this](const std::string& d) {
      if (!read_spells_.count(d)) read_spells_[d] = Spell(d);
      ev1::ListRetentionChecksRequest req;
      req.set_district_code(d);
      req.set_list(ev1::RETENTION_LIST_DUE);
      return Own(req);
    });
    add(retention, "ListAgencyRetentionChecks", [this](const std::string& d) {
      if (!read_spells_.count(d)) read_spells_[d] = Spell(d);
      return Own(ev1::ListAgencyRetentionChecksRequest());
    });
    add(training, "RegisterTrainingProgramme", [this](const std::string& d) {
      ev1::RegisterTrainingProgrammeRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_code("M-" + ids::NewUuid().substr(24, 8));
      std::transform(req.mutable_code()->begin(), req.mutable_code()->end(),
                     req.mutable_code()->begin(), ::toupper);
      req.set_name("Matrix programme");
      req.set_provider_partner_id(AgencyA());
      req.set_district_code(d);
      req.set_hours(40);
      req.set_places(10);
      *req.mutable_starts_on() = ToProtoDate(h_.Today());
      *req.mutable_ends_on() = ToProtoDate(h_.Today() + 30);
      return Own(req);
    });
    add(training, "EnrolInTraining", [this](const std::string& d) { return Own(EnrolRequest(d)); });
    add(training, "RecordTrainingAttendance", [this](const std::string& d) {
      ev1::RecordTrainingAttendanceRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_enrolment_id(Enrolment(d));
      req.set_hours(2);
      return Own(req);
    });
    add(training, "CompleteTraining", [this](const std::string& d) {
      ev1::CompleteTrainingRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_enrolment_id(Enrolment(d));
      return Own(req);
    });
    add(training, "ListTrainingProgrammes", [this](const std::string& d) {
      Programme(d);
      ev1::ListTrainingProgrammesRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add(training, "ListTrainingEnrolments", [this](const std::string& d) {
      ev1::ListTrainingEnrolmentsRequest req;
      req.set_programme_id(Programme(d));
      return Own(req);
    });
    const std::string schooling = ev1::SchoolingService::service_full_name();
    add(schooling, "RecordSchoolingSituation", [this](const std::string& d) {
      ev1::RecordSchoolingSituationRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d, /*minor=*/true));
      return Own(req);
    });
    add(schooling, "RecordSchoolingSupport", [this](const std::string& d) {
      ev1::RecordSchoolingSupportRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_item_id(SchoolingItem(d));
      req.set_step(ev1::SCHOOLING_STEP_LIAISON);
      return Own(req);
    });
    add(schooling, "ListSchoolingItems", [this](const std::string& d) {
      SchoolingItem(d);
      ev1::ListSchoolingItemsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
  }

  EmploymentHarness h_;
  const std::string admin_;
  std::map<std::string, Builder> builders_;
  absl::Status fixture_error_;
  std::string agency_a_;
  std::map<std::string, std::string> read_partners_;
  std::map<std::string, std::string> read_referrals_;
  std::map<std::string, std::string> houses_;
  std::map<std::string, std::string> programmes_;
  std::map<std::string, std::string> read_spells_;
  std::map<std::string, std::string> schooling_items_;
  std::unique_ptr<ev1::NeedsService::Stub> needs_;
  std::unique_ptr<ev1::OpeningService::Stub> openings_;
  std::map<std::string, std::string> read_openings_;
  std::map<std::string, std::string> volunteers_;
  std::map<std::string, std::string> read_assistance_;
  std::map<std::string, std::string> resettlement_items_;
};

}  // namespace

CCMS_MATRIX_SERVER("employment", EmploymentMatrixServer);

}  // namespace ccms::testing::matrix
