#include "services/employment/volunteer_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
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
#include "services/employment/domain/partner_rules.h"
#include "services/employment/domain/support_rules.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(VolunteerServiceImpl, RegisterVolunteer)
CCMS_UNARY_HANDLER(VolunteerServiceImpl, RecordVolunteerService)
CCMS_UNARY_HANDLER(VolunteerServiceImpl, CommendVolunteer)
CCMS_UNARY_HANDLER(VolunteerServiceImpl, GetVolunteer)
CCMS_UNARY_HANDLER(VolunteerServiceImpl, ListVolunteers)
CCMS_UNARY_HANDLER(VolunteerServiceImpl, JoinSupervisionTeam)
CCMS_UNARY_HANDLER(VolunteerServiceImpl, LeaveSupervisionTeam)

namespace {

using domain::Action;
using grpc_util::FieldViolation;

constexpr char kKindPrefix[] = "VOLUNTEER_KIND_";
constexpr int kMaxSkills = 20;
constexpr int kMaxServed = 50;
constexpr int kMaxTeams = 50;

std::string KindName(int k) {
  return grpc_util::EnumSuffix(v1::VolunteerKind_descriptor(), k, kKindPrefix);
}
v1::VolunteerKind KindOf(const std::string& name) {
  v1::VolunteerKind k = v1::VOLUNTEER_KIND_UNSPECIFIED;
  v1::VolunteerKind_Parse(kKindPrefix + name, &k);
  return k;
}

void ToProto(const VolunteerRecord& v, v1::Volunteer* out) {
  out->set_volunteer_id(v.volunteer_id);
  out->set_kind(KindOf(v.kind));
  out->set_name(v.name);
  out->set_contact(v.contact);
  for (const auto& s : v.skill_codes) out->add_skill_codes(s);
  out->set_district_code(v.district_code);
  for (const auto& d : v.districts_served) out->add_districts_served(d);
  for (const auto& t : v.supervision_team_ids) out->add_supervision_team_ids(t);
  out->set_total_hours(v.total_hours);
  out->set_commendations(v.commendations);
  out->set_registered_by(v.registered_by);
  *out->mutable_created_at() = grpc_util::ToProtoTimestamp(v.created_at);
}

void ToProto(const VolunteerServiceRow& s, v1::VolunteerServiceRecord* out) {
  out->set_service_id(s.service_id);
  out->set_volunteer_id(s.volunteer_id);
  out->set_district_code(s.district_code);
  *out->mutable_served_on() = grpc_util::ToProtoDate(s.served_on);
  out->set_hours(s.hours);
  out->set_activity_code(s.activity_code);
  out->set_case_id(s.case_id);
  out->set_supervision_team_id(s.supervision_team_id);
  out->set_recorded_by(s.recorded_by);
}

void ToProto(const CommendationRow& m, v1::VolunteerCommendation* out) {
  out->set_commendation_id(m.commendation_id);
  out->set_volunteer_id(m.volunteer_id);
  out->set_district_code(m.district_code);
  *out->mutable_commended_on() = grpc_util::ToProtoDate(m.commended_on);
  out->set_code(m.code);
  out->set_recorded_by(m.recorded_by);
}

// The district work is recorded for: a 6-digit code of the caller's.
absl::Status WorkDistrict(const auth::Principal& principal, const std::string& district,
                          std::vector<FieldViolation>* violations) {
  if (!auth::IsDistrictCode(district)) {
    violations->push_back({"district_code", "must be a 6-digit district code"});
    return absl::OkStatus();
  }
  if (!principal.CanSeeDistrict(district)) {
    return absl::PermissionDeniedError("work is recorded for one of the caller's districts");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status VolunteerServiceImpl::DoRegisterVolunteer(const auth::Principal& principal,
                                                       const v1::RegisterVolunteerRequest& request,
                                                       v1::RegisterVolunteerResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kManagePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  std::vector<FieldViolation> violations;
  const std::string kind = KindName(request.kind());
  if (kind.empty()) violations.push_back({"kind", "is required"});
  const std::string name(absl::StripAsciiWhitespace(request.name()));
  if (name.empty() || name.size() > 200) {
    violations.push_back({"name", "is required, at most 200 bytes"});
  }
  if (request.contact().size() > 200) {
    violations.push_back({"contact", "must be at most 200 bytes"});
  }
  std::vector<std::string> skills(request.skill_codes().begin(), request.skill_codes().end());
  if (skills.size() > kMaxSkills || !domain::AllCodesKnown(skills, policy.volunteer_skill_codes)) {
    violations.push_back(
        {"skill_codes", "at most 20 codes of policy employment.volunteer.skill_codes, each once"});
  }
  if (!auth::IsDistrictCode(request.district_code())) {
    violations.push_back({"district_code", "must be a 6-digit district code"});
  }
  std::vector<std::string> served(request.districts_served().begin(),
                                  request.districts_served().end());
  if (served.size() > kMaxServed) {
    violations.push_back({"districts_served", "must list at most 50 districts"});
  } else if (auto st = domain::NormalizeDistricts(request.district_code(), &served); !st.ok()) {
    violations.push_back({"districts_served", "every entry is a 6-digit district code"});
  }
  std::vector<std::string> teams;
  if (request.supervision_team_ids_size() > kMaxTeams) {
    violations.push_back({"supervision_team_ids", "must list at most 50 team ids"});
  } else {
    for (const auto& t : request.supervision_team_ids()) {
      if (!grpc_util::CheckUuidField(t, "supervision_team_ids", "team ids (UUIDs)").ok()) {
        violations.push_back({"supervision_team_ids", "every entry is a team id (UUID)"});
        break;
      }
      const std::string id = absl::AsciiStrToLower(t);
      if (std::find(teams.begin(), teams.end(), id) == teams.end()) teams.push_back(id);
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (!principal.CanSeeDistrict(request.district_code())) {
    return absl::PermissionDeniedError(
        "a volunteer is registered by one of the caller's districts");
  }
  VolunteerRecord v;
  v.volunteer_id = ids::NewUuid();
  v.kind = kind;
  v.name = name;
  v.contact = request.contact();
  v.skill_codes = skills;
  v.district_code = request.district_code();
  v.districts_served = served;
  v.supervision_team_ids = teams;
  v.registered_by = principal.subject;
  v.created_at = now;
  v1::VolunteerRegistered e;
  e.set_volunteer_id(v.volunteer_id);
  e.set_kind(kind);
  e.set_district_code(v.district_code);
  for (const auto& d : served) e.add_districts_served(d);
  for (const auto& s : skills) e.add_skill_codes(s);
  for (const auto& t : teams) e.add_supervision_team_ids(t);
  *e.mutable_on() = grpc_util::ToProtoDate(today);
  auto saved =
      store_.Register(principal, v,
                      {kafka::MakeEnvelope("ccms.employment.volunteer_registered", v.volunteer_id,
                                           v.district_code, now, now, principal.subject, e)},
                      absl::AsciiStrToLower(request.request_id()));
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_volunteer());
  return absl::OkStatus();
}

absl::Status VolunteerServiceImpl::DoRecordVolunteerService(
    const auth::Principal& principal, const v1::RecordVolunteerServiceRequest& request,
    v1::RecordVolunteerServiceResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.volunteer_id(), "volunteer_id",
                                          "a volunteer id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  std::vector<FieldViolation> violations;
  const absl::CivilDay served_on =
      grpc_util::DayNotInFuture(request.served_on(), "served_on", today, &violations);
  if (request.hours() < 1 || request.hours() > domain::kMaxVolunteerHoursPerDay) {
    violations.push_back({"hours", "must be 1 to 24 (never negative)"});
  }
  if (!domain::HasCode(policy.volunteer_activity_codes, request.activity_code())) {
    violations.push_back(
        {"activity_code", "must be a code of policy employment.volunteer.activity_codes"});
  }
  grpc_util::OptionalUuidField(request.case_id(), "case_id", "a case id (UUID)", &violations);
  grpc_util::OptionalUuidField(request.supervision_team_id(), "supervision_team_id",
                               "a team id (UUID)", &violations);
  if (auto st = WorkDistrict(principal, request.district_code(), &violations); !st.ok()) {
    return st;
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  const std::string team_id = absl::AsciiStrToLower(request.supervision_team_id());
  int hours_that_day = 0;
  auto decide = [&](const VolunteerServiceView& v) -> absl::StatusOr<VolunteerServiceWrite> {
    if (auto st = domain::CheckVolunteerHours(request.hours(), v.hours_before); !st.ok()) {
      return st;
    }
    if (!team_id.empty() &&
        std::find(v.volunteer.supervision_team_ids.begin(), v.volunteer.supervision_team_ids.end(),
                  team_id) == v.volunteer.supervision_team_ids.end()) {
      return absl::FailedPreconditionError(
          "the volunteer is not on this supervision team: join it first (JoinSupervisionTeam)");
    }
    if (v.case_view.has_value() && v.case_view->status == domain::CaseStatus::kClosed) {
      return absl::FailedPreconditionError("the case is closed: no service recorded for it");
    }
    VolunteerServiceWrite w;
    VolunteerServiceRow& s = w.service;
    s.service_id = ids::NewUuid();
    s.volunteer_id = v.volunteer.volunteer_id;
    s.district_code = request.district_code();
    s.served_on = served_on;
    s.hours = request.hours();
    s.activity_code = request.activity_code();
    s.case_id = case_id;
    s.supervision_team_id = team_id;
    s.recorded_by = principal.subject;
    hours_that_day = v.hours_before + s.hours;
    v1::VolunteerServiceRecorded e;
    e.set_service_id(s.service_id);
    e.set_volunteer_id(s.volunteer_id);
    e.set_district_code(s.district_code);
    *e.mutable_served_on() = grpc_util::ToProtoDate(served_on);
    e.set_hours(s.hours);
    e.set_activity_code(s.activity_code);
    e.set_case_id(s.case_id);
    e.set_supervision_team_id(s.supervision_team_id);
    w.events.push_back(kafka::MakeEnvelope("ccms.employment.volunteer_service_recorded",
                                           s.volunteer_id, s.district_code, now, now,
                                           principal.subject, e));
    return w;
  };
  auto saved = store_.RecordService(principal, absl::AsciiStrToLower(request.volunteer_id()),
                                    request.district_code(), case_id, served_on,
                                    absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_service());
  response->set_hours_that_day(hours_that_day);
  return absl::OkStatus();
}

absl::Status VolunteerServiceImpl::DoCommendVolunteer(const auth::Principal& principal,
                                                      const v1::CommendVolunteerRequest& request,
                                                      v1::CommendVolunteerResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kManagePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.volunteer_id(), "volunteer_id",
                                          "a volunteer id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  std::vector<FieldViolation> violations;
  const absl::CivilDay on =
      grpc_util::DayNotInFuture(request.commended_on(), "commended_on", today, &violations);
  if (!domain::HasCode(policy.volunteer_commendation_codes, request.code())) {
    violations.push_back(
        {"code", "must be a code of policy employment.volunteer.commendation_codes"});
  }
  if (auto st = WorkDistrict(principal, request.district_code(), &violations); !st.ok()) {
    return st;
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  CommendationRow m;
  m.commendation_id = ids::NewUuid();
  m.volunteer_id = absl::AsciiStrToLower(request.volunteer_id());
  m.district_code = request.district_code();
  m.commended_on = on;
  m.code = request.code();
  m.recorded_by = principal.subject;
  v1::VolunteerCommended e;
  e.set_commendation_id(m.commendation_id);
  e.set_volunteer_id(m.volunteer_id);
  e.set_district_code(m.district_code);
  *e.mutable_commended_on() = grpc_util::ToProtoDate(on);
  e.set_code(m.code);
  auto saved =
      store_.Commend(principal, m,
                     {kafka::MakeEnvelope("ccms.employment.volunteer_commended", m.volunteer_id,
                                          m.district_code, now, now, principal.subject, e)},
                     absl::AsciiStrToLower(request.request_id()));
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_commendation());
  return absl::OkStatus();
}

absl::Status VolunteerServiceImpl::DoGetVolunteer(const auth::Principal& principal,
                                                  const v1::GetVolunteerRequest& request,
                                                  v1::GetVolunteerResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.volunteer_id(), "volunteer_id",
                                          "a volunteer id (UUID)");
      !st.ok()) {
    return st;
  }
  auto detail = store_.Get(principal, absl::AsciiStrToLower(request.volunteer_id()));
  if (!detail.ok()) return detail.status();
  ToProto(detail->volunteer, response->mutable_volunteer());
  for (const auto& s : detail->services) ToProto(s, response->add_services());
  for (const auto& m : detail->commendations) ToProto(m, response->add_commendations());
  return absl::OkStatus();
}

absl::Status VolunteerServiceImpl::DoListVolunteers(const auth::Principal& principal,
                                                    const v1::ListVolunteersRequest& request,
                                                    v1::ListVolunteersResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::DistrictFilterField(request.district_code(), &violations);
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  grpc_util::OptionalUuidField(request.page_token(), "page_token", "a token of this list",
                               &violations);
  if (request.kind() != v1::VOLUNTEER_KIND_UNSPECIFIED && KindName(request.kind()).empty()) {
    violations.push_back({"kind", "is not a volunteer kind"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  VolunteerFilter f;
  f.district_code = request.district_code();
  f.kind = KindName(request.kind());
  f.page_size = page_size;
  f.after_id = absl::AsciiStrToLower(request.page_token());
  auto page = store_.List(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& v : page->items) ToProto(v, response->add_volunteers());
  response->set_next_page_token(page->next_id);
  return absl::OkStatus();
}

absl::Status VolunteerServiceImpl::ChangeTeam(const auth::Principal& principal, bool join,
                                              const std::string& request_id,
                                              const std::string& volunteer_id,
                                              const std::string& district,
                                              const std::string& team_id,
                                              const google::type::Date& on_field,
                                              const char* on_name, v1::Volunteer* out) {
  if (auto st = domain::Authorize(principal, Action::kManagePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request_id); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(volunteer_id, "volunteer_id", "a volunteer id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay on = grpc_util::DayNotInFuture(on_field, on_name, today, &violations);
  if (!grpc_util::CheckUuidField(team_id, "supervision_team_id", "a team id (UUID)").ok()) {
    violations.push_back({"supervision_team_id", "is required: records' team id (UUID)"});
  }
  if (auto st = WorkDistrict(principal, district, &violations); !st.ok()) return st;
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::string team = absl::AsciiStrToLower(team_id);
  const std::string id = absl::AsciiStrToLower(volunteer_id);
  auto decide = [&](const VolunteerRecord& v) -> absl::StatusOr<VolunteerTeamWrite> {
    auto teams = join ? domain::JoinTeam(v.supervision_team_ids, team)
                      : domain::LeaveTeam(v.supervision_team_ids, team);
    if (!teams.ok()) return teams.status();
    VolunteerTeamWrite w;
    w.team_ids = *std::move(teams);
    v1::VolunteerTeamChanged e;
    e.set_volunteer_id(id);
    e.set_district_code(district);
    e.set_supervision_team_id(team);
    e.set_change(join ? "JOINED" : "LEFT");
    *e.mutable_on() = grpc_util::ToProtoDate(on);
    e.set_team_count(static_cast<int>(w.team_ids.size()));
    w.events.push_back(kafka::MakeEnvelope("ccms.employment.volunteer_team_changed", id, district,
                                           now, now, principal.subject, e));
    return w;
  };
  auto saved =
      store_.ChangeTeams(principal, id, district,
                         join ? "JoinSupervisionTeam" : "LeaveSupervisionTeam",
                         absl::AsciiStrToLower(request_id), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, out);
  return absl::OkStatus();
}

absl::Status VolunteerServiceImpl::DoJoinSupervisionTeam(
    const auth::Principal& principal, const v1::JoinSupervisionTeamRequest& request,
    v1::JoinSupervisionTeamResponse* response) {
  return ChangeTeam(principal, /*join=*/true, request.request_id(), request.volunteer_id(),
                    request.district_code(), request.supervision_team_id(), request.joined_on(),
                    "joined_on", response->mutable_volunteer());
}

absl::Status VolunteerServiceImpl::DoLeaveSupervisionTeam(
    const auth::Principal& principal, const v1::LeaveSupervisionTeamRequest& request,
    v1::LeaveSupervisionTeamResponse* response) {
  return ChangeTeam(principal, /*join=*/false, request.request_id(), request.volunteer_id(),
                    request.district_code(), request.supervision_team_id(), request.left_on(),
                    "left_on", response->mutable_volunteer());
}

}  // namespace ccms::employment
