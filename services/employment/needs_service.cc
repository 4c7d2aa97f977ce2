#include "services/employment/needs_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ccms/employment/v1/employment_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/employment/domain/access.h"
#include "services/employment/domain/needs_rules.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(NeedsServiceImpl, RecordNeedsSurvey)
CCMS_UNARY_HANDLER(NeedsServiceImpl, DraftCareerPlan)
CCMS_UNARY_HANDLER(NeedsServiceImpl, AgreeCareerPlan)
CCMS_UNARY_HANDLER(NeedsServiceImpl, RecordSkillsProfile)
CCMS_UNARY_HANDLER(NeedsServiceImpl, GetCaseNeeds)

namespace {

using domain::Action;
using domain::PlanStatus;
using grpc_util::FieldViolation;

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& r) {
  return {r.begin(), r.end()};
}

// A rule's INVALID_ARGUMENT "field: what" as a field violation; other statuses unchanged.
absl::Status AsViolation(const absl::Status& st) {
  if (st.code() != absl::StatusCode::kInvalidArgument) return st;
  const std::string what(st.message());
  const size_t colon = what.find(": ");
  if (colon == std::string::npos) return grpc_util::InvalidArgumentWithViolations({{"", what}});
  return grpc_util::InvalidArgumentWithViolations(
      {{what.substr(0, colon), what.substr(colon + 2)}});
}

std::string MethodName(v1::SurveyMethod m) {
  switch (m) {
    case v1::SURVEY_METHOD_INTERVIEW:
      return "INTERVIEW";
    case v1::SURVEY_METHOD_HOME_VISIT:
      return "HOME_VISIT";
    default:
      return "";
  }
}

v1::SurveyMethod MethodOf(const std::string& s) {
  if (s == "INTERVIEW") return v1::SURVEY_METHOD_INTERVIEW;
  if (s == "HOME_VISIT") return v1::SURVEY_METHOD_HOME_VISIT;
  return v1::SURVEY_METHOD_UNSPECIFIED;
}

std::string WishName(v1::WorkWish w) {
  switch (w) {
    case v1::WORK_WISH_WANTS_WORK:
      return "WANTS_WORK";
    case v1::WORK_WISH_NOT_NOW:
      return "NOT_NOW";
    case v1::WORK_WISH_DOES_NOT_WANT:
      return "DOES_NOT_WANT";
    default:
      return "";
  }
}

v1::WorkWish WishOf(const std::string& s) {
  if (s == "WANTS_WORK") return v1::WORK_WISH_WANTS_WORK;
  if (s == "NOT_NOW") return v1::WORK_WISH_NOT_NOW;
  if (s == "DOES_NOT_WANT") return v1::WORK_WISH_DOES_NOT_WANT;
  return v1::WORK_WISH_UNSPECIFIED;
}

void ToProto(const SurveyRecord& s, v1::NeedsSurvey* out) {
  out->set_survey_id(s.survey_id);
  out->set_case_id(s.case_id);
  out->set_method(MethodOf(s.answers.method));
  *out->mutable_surveyed_on() = grpc_util::ToProtoDate(s.surveyed_on);
  out->set_wish_to_work(WishOf(s.answers.wish_to_work));
  out->set_ability_code(s.answers.ability_code);
  for (const auto& c : s.answers.skill_gap_codes) out->add_skill_gap_codes(c);
  out->set_housing_code(s.answers.housing_code);
  out->set_livelihood_code(s.answers.livelihood_code);
  out->set_schooling_code(s.answers.schooling_code);
  out->set_family_code(s.answers.family_code);
  out->set_policy_version(s.policy_version);
}

void ToProto(const PlanRecord& p, v1::CareerPlan* out) {
  out->set_plan_id(p.plan_id);
  out->set_case_id(p.case_id);
  out->set_version(p.version);
  switch (p.status) {
    case PlanStatus::kDraft:
      out->set_status(v1::CAREER_PLAN_STATUS_DRAFT);
      break;
    case PlanStatus::kAgreed:
      out->set_status(v1::CAREER_PLAN_STATUS_AGREED);
      break;
    case PlanStatus::kSuperseded:
      out->set_status(v1::CAREER_PLAN_STATUS_SUPERSEDED);
      break;
  }
  out->set_goal_code(p.goal_code);
  for (const auto& c : p.sector_codes) out->add_sector_codes(c);
  for (const auto& c : p.target_skill_codes) out->add_target_skill_codes(c);
  *out->mutable_drafted_on() = grpc_util::ToProtoDate(p.drafted_on);
  if (p.agreed_on.has_value()) *out->mutable_agreed_on() = grpc_util::ToProtoDate(*p.agreed_on);
}

void ToProto(const ProfileRecord& p, v1::SkillsProfile* out) {
  out->set_case_id(p.case_id);
  for (const auto& c : p.skill_codes) out->add_skill_codes(c);
  for (const auto& c : p.certificates) {
    auto* o = out->add_certificates();
    o->set_certificate_code(c.certificate_code);
    o->set_issuer_code(c.issuer_code);
    if (c.obtained_on.has_value())
      *o->mutable_obtained_on() = grpc_util::ToProtoDate(*c.obtained_on);
  }
  *out->mutable_updated_on() = grpc_util::ToProtoDate(p.updated_on);
}

absl::Status CaseOpen(const domain::CaseView& c) {
  if (c.status == domain::CaseStatus::kClosed) {
    return absl::FailedPreconditionError("the case is closed: its needs are no longer recorded");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status NeedsServiceImpl::DoRecordNeedsSurvey(const auth::Principal& principal,
                                                   const v1::RecordNeedsSurveyRequest& request,
                                                   v1::RecordNeedsSurveyResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay surveyed_on =
      grpc_util::DayNotInFuture(request.surveyed_on(), "surveyed_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const domain::EmploymentPolicy& policy = policies_.InForce(surveyed_on);
  domain::SurveyAnswers a;
  a.method = MethodName(request.method());
  a.wish_to_work = WishName(request.wish_to_work());
  a.ability_code = request.ability_code();
  a.skill_gap_codes = Strings(request.skill_gap_codes());
  a.housing_code = request.housing_code();
  a.livelihood_code = request.livelihood_code();
  a.schooling_code = request.schooling_code();
  a.family_code = request.family_code();
  if (auto st = domain::CheckSurvey(a, policy); !st.ok()) return AsViolation(st);
  auto decide = [&](const domain::CaseView& c) -> absl::StatusOr<SurveyWrite> {
    if (auto st = CaseOpen(c); !st.ok()) return st;
    SurveyWrite w;
    SurveyRecord& s = w.survey;
    s.survey_id = ids::NewUuid();
    s.case_id = c.case_id;
    s.surveyed_on = surveyed_on;
    s.answers = a;
    s.policy_version = policy.version;
    s.recorded_by = principal.subject;
    v1::NeedsSurveyed ev;
    ev.set_survey_id(s.survey_id);
    ev.set_case_id(s.case_id);
    ev.set_district_code(c.district_code);
    ev.set_method(a.method);
    *ev.mutable_surveyed_on() = grpc_util::ToProtoDate(surveyed_on);
    ev.set_wish_to_work(a.wish_to_work);
    ev.set_ability_code(a.ability_code);
    for (const auto& g : a.skill_gap_codes) ev.add_skill_gap_codes(g);
    ev.set_housing_code(a.housing_code);
    ev.set_livelihood_code(a.livelihood_code);
    ev.set_schooling_code(a.schooling_code);
    ev.set_family_code(a.family_code);
    ev.set_policy_version(policy.version);
    w.events.push_back(kafka::MakeEnvelope("ccms.employment.needs_surveyed", c.case_id,
                                           c.district_code, now, now, principal.subject, ev));
    return w;
  };
  auto saved = store_.RecordSurvey(principal, absl::AsciiStrToLower(request.case_id()),
                                   absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_survey());
  return absl::OkStatus();
}

absl::Status NeedsServiceImpl::DoDraftCareerPlan(const auth::Principal& principal,
                                                 const v1::DraftCareerPlanRequest& request,
                                                 v1::DraftCareerPlanResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::vector<FieldViolation> violations;
  const absl::CivilDay drafted_on =
      grpc_util::DayNotInFuture(request.drafted_on(), "drafted_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const domain::EmploymentPolicy& policy = policies_.InForce(drafted_on);
  const std::vector<std::string> sectors = Strings(request.sector_codes());
  const std::vector<std::string> skills = Strings(request.target_skill_codes());
  if (auto st = domain::CheckPlanDraft(request.goal_code(), sectors, skills, policy); !st.ok()) {
    return AsViolation(st);
  }
  auto decide = [&](const domain::CaseView& c, int next_version) -> absl::StatusOr<PlanWrite> {
    if (auto st = CaseOpen(c); !st.ok()) return st;
    PlanWrite w;
    PlanRecord& p = w.plan;
    p.plan_id = ids::NewUuid();
    p.case_id = c.case_id;
    p.version = next_version;
    p.status = PlanStatus::kDraft;
    p.goal_code = request.goal_code();
    p.sector_codes = sectors;
    p.target_skill_codes = skills;
    p.drafted_on = drafted_on;
    p.drafted_by = principal.subject;
    return w;
  };
  auto saved = store_.DraftPlan(principal, absl::AsciiStrToLower(request.case_id()),
                                absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_plan());
  return absl::OkStatus();
}

absl::Status NeedsServiceImpl::DoAgreeCareerPlan(const auth::Principal& principal,
                                                 const v1::AgreeCareerPlanRequest& request,
                                                 v1::AgreeCareerPlanResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.plan_id(), "plan_id", "a career plan id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay agreed_on =
      grpc_util::DayNotInFuture(request.agreed_on(), "agreed_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto decide = [&](const domain::CaseView& c, const PlanRecord& plan,
                    const std::optional<PlanRecord>& agreed) -> absl::StatusOr<PlanWrite> {
    if (auto st = CaseOpen(c); !st.ok()) return st;
    if (auto st = domain::CheckPlanAgreement(plan.status, plan.drafted_on, agreed_on, today);
        !st.ok()) {
      return AsViolation(st);
    }
    if (agreed.has_value()) {
      if (auto st = domain::CheckPlanTransition(agreed->status, PlanStatus::kSuperseded);
          !st.ok()) {
        return st;
      }
    }
    PlanWrite w;
    w.plan = plan;
    w.plan.status = PlanStatus::kAgreed;
    w.plan.agreed_on = agreed_on;
    w.plan.agreed_by = principal.subject;
    v1::CareerPlanAgreed ev;
    ev.set_plan_id(plan.plan_id);
    ev.set_case_id(plan.case_id);
    ev.set_district_code(c.district_code);
    ev.set_version(plan.version);
    ev.set_goal_code(plan.goal_code);
    for (const auto& s : plan.sector_codes) ev.add_sector_codes(s);
    for (const auto& s : plan.target_skill_codes) ev.add_target_skill_codes(s);
    *ev.mutable_agreed_on() = grpc_util::ToProtoDate(agreed_on);
    ev.set_superseded_version(agreed.has_value() ? agreed->version : 0);
    w.events.push_back(kafka::MakeEnvelope("ccms.employment.career_plan_agreed", c.case_id,
                                           c.district_code, now, now, principal.subject, ev));
    return w;
  };
  auto saved = store_.AgreePlan(principal, absl::AsciiStrToLower(request.plan_id()),
                                absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_plan());
  return absl::OkStatus();
}

absl::Status NeedsServiceImpl::DoRecordSkillsProfile(const auth::Principal& principal,
                                                     const v1::RecordSkillsProfileRequest& request,
                                                     v1::RecordSkillsProfileResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::vector<FieldViolation> violations;
  std::vector<domain::Certificate> certificates;
  for (const auto& c : request.certificates()) {
    certificates.push_back(
        {c.certificate_code(), c.issuer_code(),
         grpc_util::DateField(c.obtained_on(), "certificates.obtained_on", &violations)});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::vector<std::string> skills = Strings(request.skill_codes());
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  if (auto st = domain::CheckSkillsProfile(skills, certificates, policy, today); !st.ok()) {
    return AsViolation(st);
  }
  auto decide = [&](const domain::CaseView& c) -> absl::StatusOr<ProfileRecord> {
    if (auto st = CaseOpen(c); !st.ok()) return st;
    ProfileRecord p;
    p.case_id = c.case_id;
    p.skill_codes = skills;
    p.certificates = certificates;
    p.updated_on = today;
    p.recorded_by = principal.subject;
    return p;
  };
  auto saved = store_.RecordProfile(principal, absl::AsciiStrToLower(request.case_id()),
                                    absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_profile());
  return absl::OkStatus();
}

absl::Status NeedsServiceImpl::DoGetCaseNeeds(const auth::Principal& principal,
                                              const v1::GetCaseNeedsRequest& request,
                                              v1::GetCaseNeedsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  auto needs = store_.Get(principal, absl::AsciiStrToLower(request.case_id()));
  if (!needs.ok()) return needs.status();
  for (const auto& s : needs->surveys) ToProto(s, response->add_surveys());
  for (const auto& p : needs->plans) ToProto(p, response->add_plans());
  if (needs->profile.has_value()) ToProto(*needs->profile, response->mutable_profile());
  return absl::OkStatus();
}

}  // namespace ccms::employment
