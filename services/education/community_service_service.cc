#include "services/education/community_service_service.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "ccms/education/v1/education_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/education/domain/access.h"

namespace ccms::education {

CCMS_UNARY_HANDLER(CommunityServiceServiceImpl, AddServiceProject)
CCMS_UNARY_HANDLER(CommunityServiceServiceImpl, ListServiceProjects)
CCMS_UNARY_HANDLER(CommunityServiceServiceImpl, SetServiceProfile)
CCMS_UNARY_HANDLER(CommunityServiceServiceImpl, JoinServiceProject)
CCMS_UNARY_HANDLER(CommunityServiceServiceImpl, RecordServiceActivity)
CCMS_UNARY_HANDLER(CommunityServiceServiceImpl, VerifyServiceActivity)
CCMS_UNARY_HANDLER(CommunityServiceServiceImpl, WaiveCommunityService)
CCMS_UNARY_HANDLER(CommunityServiceServiceImpl, GetCommunityService)

namespace {

using domain::Action;
using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

constexpr char kRecordedType[] = "ccms.education.community_service_recorded";
constexpr char kWaivedType[] = "ccms.education.community_service_waived";
constexpr size_t kMaxTextBytes = 200;
constexpr int kMaxCodes = 20;

const std::set<std::string>& AgeBands() {
  static const auto* bands = new std::set<std::string>{
      "UNDER_16", "16_TO_17", "18_TO_25", "26_TO_35", "36_TO_45", "46_TO_59", "60_AND_OVER"};
  return *bands;
}

bool IsCode(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// A list of codes: at most kMaxCodes, each `valid`, none twice.
std::vector<std::string> CodeList(const google::protobuf::RepeatedPtrField<std::string>& in,
                                  const char* field,
                                  const std::function<bool(const std::string&)>& valid,
                                  const char* what, std::vector<FieldViolation>* violations) {
  std::vector<std::string> out(in.begin(), in.end());
  std::set<std::string> seen;
  bool bad = static_cast<int>(out.size()) > kMaxCodes;
  for (const auto& c : out) bad = bad || !valid(c) || !seen.insert(c).second;
  if (bad) violations->push_back({field, std::string("must be at most 20 distinct ") + what});
  return out;
}

std::optional<domain::Effort> EffortOf(v1::ServiceEffort e) {
  return domain::EffortOf(
      grpc_util::EnumSuffix(v1::ServiceEffort_descriptor(), e, "SERVICE_EFFORT_"));
}

v1::ServiceEffort ToProtoEffort(domain::Effort e) {
  return e == domain::Effort::kFull ? v1::SERVICE_EFFORT_FULL : v1::SERVICE_EFFORT_LIGHT;
}

void ToProto(const ServiceProjectRecord& p, v1::ServiceProject* out) {
  out->set_project_id(p.project_id);
  out->set_district_code(p.district_code);
  out->set_title(p.title);
  out->set_organiser(p.organiser);
  out->set_mode(p.mode == "CENTRALIZED" ? v1::SERVICE_MODE_CENTRALIZED
                                        : v1::SERVICE_MODE_DISPERSED);
  for (const auto& b : p.fit.age_bands) out->add_age_bands(b);
  for (const auto& s : p.fit.sexes) out->add_sexes(s);
  out->set_effort(ToProtoEffort(p.fit.effort));
  for (const auto& s : p.fit.skills) out->add_skills(s);
  out->set_capacity(p.fit.capacity);
  out->set_joined(p.fit.joined);
  *out->mutable_starts_on() = ToProtoDate(p.fit.starts_on);
  *out->mutable_ends_on() = ToProtoDate(p.fit.ends_on);
  out->set_created_by(p.created_by);
}

v1::ActivityStatus ToProtoStatus(const std::string& s) {
  v1::ActivityStatus out = v1::ACTIVITY_STATUS_UNSPECIFIED;
  v1::ActivityStatus_Parse("ACTIVITY_STATUS_" + s, &out);
  return out;
}

void ToProto(const ServiceActivityRecord& a, v1::ServiceActivity* out) {
  out->set_activity_id(a.activity_id);
  out->set_case_id(a.case_id);
  out->set_project_id(a.project_id);
  out->set_self_initiated(a.self_initiated);
  out->set_organiser(a.organiser);
  *out->mutable_served_on() = ToProtoDate(a.served_on);
  out->set_minutes(a.minutes);
  out->set_status(ToProtoStatus(a.status));
  out->set_recorded_by(a.recorded_by);
  out->set_verified_by(a.verified_by);
  if (a.verified_on.has_value()) *out->mutable_verified_on() = ToProtoDate(*a.verified_on);
}

void ToProto(const ServiceWaiverRecord& w, v1::ServiceWaiver* out) {
  out->set_waiver_id(w.waiver_id);
  out->set_case_id(w.case_id);
  out->set_reason(w.reason == "HEALTH" ? v1::WAIVER_REASON_HEALTH : v1::WAIVER_REASON_OTHER);
  *out->mutable_from_day() = ToProtoDate(w.from_day);
  *out->mutable_until_day() = ToProtoDate(w.until_day);
  out->set_decided_by(w.decided_by);
}

void ToProto(const ServiceProfileRecord& p, v1::ServiceProfile* out) {
  out->set_max_effort(ToProtoEffort(p.facts.max_effort));
  for (const auto& s : p.facts.skills) out->add_skills(s);
  out->set_updated_by(p.updated_by);
  *out->mutable_updated_at() = grpc_util::ToProtoTimestamp(p.updated_at);
}

std::optional<domain::ServiceProfileFacts> FactsOf(const CommunityServiceState& s) {
  if (!s.profile.has_value()) return std::nullopt;
  return s.profile->facts;
}

absl::Status CheckActive(const CommunityServiceState& s) {
  if (s.case_row.view.status != domain::CaseStatus::kActive) {
    return absl::FailedPreconditionError("the case is not active");
  }
  return absl::OkStatus();
}

events::v1::Envelope RecordedEvent(const CommunityServiceState& s, const ServiceActivityRecord& a,
                                   absl::Time now, const std::string& actor) {
  v1::CommunityServiceRecorded e;
  e.set_case_id(a.case_id);
  e.set_district_code(s.case_row.view.district_code);
  e.set_activity_id(a.activity_id);
  e.set_project_id(a.project_id);
  e.set_self_initiated(a.self_initiated);
  *e.mutable_served_on() = ToProtoDate(a.served_on);
  e.set_minutes(a.minutes);
  return kafka::MakeEnvelope(kRecordedType, a.case_id, s.case_row.view.district_code, now, now,
                             actor, e);
}

}  // namespace

const domain::CommunityServicePolicy& CommunityServiceServiceImpl::Policy() const {
  return policies_.InForce(time::ShanghaiDay(clock_.Now())).community_service;
}

absl::Status CommunityServiceServiceImpl::DoAddServiceProject(
    const auth::Principal& principal, const v1::AddServiceProjectRequest& request,
    v1::AddServiceProjectResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kApprove); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  if (!auth::IsDistrictCode(request.district_code())) {
    violations.push_back({"district_code", "must be a 6-digit district code"});
  } else if (!principal.CanSeeDistrict(request.district_code())) {
    return absl::PermissionDeniedError("the district is outside the caller's districts");
  }
  const std::string title(absl::StripAsciiWhitespace(request.title()));
  if (title.empty() || request.title().size() > kMaxTextBytes) {
    violations.push_back({"title", "is required, at most 200 bytes"});
  }
  const std::string organiser(absl::StripAsciiWhitespace(request.organiser()));
  if (organiser.empty() || request.organiser().size() > kMaxTextBytes) {
    violations.push_back({"organiser", "is required, at most 200 bytes"});
  }
  const std::string mode =
      grpc_util::EnumSuffix(v1::ServiceMode_descriptor(), request.mode(), "SERVICE_MODE_");
  if (mode.empty()) violations.push_back({"mode", "is required: a ServiceMode"});
  const std::optional<domain::Effort> effort = EffortOf(request.effort());
  if (!effort.has_value()) violations.push_back({"effort", "is required: a ServiceEffort"});
  ServiceProjectRecord p;
  p.fit.age_bands = CodeList(
      request.age_bands(), "age_bands",
      [](const std::string& b) { return AgeBands().count(b) > 0; }, "age bands (18_TO_25, ...)",
      &violations);
  p.fit.sexes = CodeList(
      request.sexes(), "sexes", [](const std::string& s) { return s == "MALE" || s == "FEMALE"; },
      "sexes (MALE, FEMALE)", &violations);
  p.fit.skills =
      CodeList(request.skills(), "skills", IsCode, "upper-case skill codes", &violations);
  const domain::CommunityServicePolicy& policy = Policy();
  if (request.capacity() < 1 || request.capacity() > policy.max_capacity) {
    violations.push_back({"capacity", "must be 1 to the policy's community_service.max_capacity"});
  }
  const auto starts = grpc_util::RequiredDateField(request.starts_on(), "starts_on", &violations);
  const auto ends = grpc_util::RequiredDateField(request.ends_on(), "ends_on", &violations);
  if (starts.has_value() && ends.has_value() && *ends < *starts) {
    violations.push_back({"ends_on", "must not be before starts_on"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  p.project_id = ids::NewUuid();
  p.district_code = request.district_code();
  p.title = title;
  p.organiser = organiser;
  p.mode = mode;
  p.fit.effort = *effort;
  p.fit.capacity = request.capacity();
  p.fit.starts_on = *starts;
  p.fit.ends_on = *ends;
  p.created_by = principal.subject;
  p.created_at = clock_.Now();
  auto saved = store_.AddProject(principal, absl::AsciiStrToLower(request.request_id()), p);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_project());
  return absl::OkStatus();
}

absl::Status CommunityServiceServiceImpl::DoListServiceProjects(
    const auth::Principal& principal, const v1::ListServiceProjectsRequest& request,
    v1::ListServiceProjectsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::OptionalUuidField(request.case_id(), "case_id", "a case id (UUID)", &violations);
  if (request.case_id().empty()) {
    grpc_util::CheckListDistrict(principal, request.district_code(), &violations);
  } else {
    grpc_util::DistrictFilterField(request.district_code(), &violations);
  }
  ServiceProjectFilter f;
  f.page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  grpc_util::OptionalUuidField(request.page_token(), "page_token", "a token of this list",
                               &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  f.after_project_id = absl::AsciiStrToLower(request.page_token());
  f.district_code = request.district_code();
  std::optional<CommunityServiceState> person;
  if (!request.case_id().empty()) {
    // The published list for one person: the case's district, open today, suitable.
    auto state = store_.Get(principal, absl::AsciiStrToLower(request.case_id()),
                            "ListServiceProjects", std::nullopt, nullptr);
    if (!state.ok()) return state.status();
    if (!f.district_code.empty() && f.district_code != state->case_row.view.district_code) {
      return grpc_util::InvalidArgumentWithViolations(
          {{"district_code", "must be empty or the case's district"}});
    }
    f.district_code = state->case_row.view.district_code;
    f.open_on = time::ShanghaiDay(clock_.Now());
    person = *std::move(state);
  }
  auto page = store_.ListProjects(principal, "ListServiceProjects", f);
  if (!page.ok()) return page.status();
  for (const auto& p : page->items) {
    if (person.has_value() &&
        (CheckActive(*person).ok() == false ||
         !domain::CheckSuits(p.fit, person->case_row.view, FactsOf(*person)).ok())) {
      continue;
    }
    ToProto(p, response->add_items());
  }
  response->set_next_page_token(page->next_project_id);
  return absl::OkStatus();
}

absl::Status CommunityServiceServiceImpl::DoSetServiceProfile(
    const auth::Principal& principal, const v1::SetServiceProfileRequest& request,
    v1::SetServiceProfileResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const std::optional<domain::Effort> effort = EffortOf(request.max_effort());
  if (!effort.has_value()) violations.push_back({"max_effort", "is required: a ServiceEffort"});
  ServiceProfileRecord p;
  p.facts.skills =
      CodeList(request.skills(), "skills", IsCode, "upper-case skill codes", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  p.facts.max_effort = *effort;
  p.updated_by = principal.subject;
  p.updated_at = clock_.Now();
  auto decide =
      [&](const CommunityServiceState& s,
          const std::optional<ServiceProjectRecord>&) -> absl::StatusOr<CommunityServiceWrite> {
    if (auto st = CheckActive(s); !st.ok()) return st;
    CommunityServiceWrite w;
    w.profile = p;  // health stays in education: no event
    return w;
  };
  auto state =
      store_.Mutate(principal, absl::AsciiStrToLower(request.case_id()), "SetServiceProfile",
                    absl::AsciiStrToLower(request.request_id()), "", decide);
  if (!state.ok()) return state.status();
  if (state->profile.has_value()) ToProto(*state->profile, response->mutable_profile());
  return absl::OkStatus();
}

absl::Status CommunityServiceServiceImpl::DoJoinServiceProject(
    const auth::Principal& principal, const v1::JoinServiceProjectRequest& request,
    v1::JoinServiceProjectResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.project_id(), "project_id", "a project id (UUID)");
      !st.ok()) {
    return st;
  }
  const std::string project_id = absl::AsciiStrToLower(request.project_id());
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  auto decide = [&](const CommunityServiceState& s,
                    const std::optional<ServiceProjectRecord>& project)
      -> absl::StatusOr<CommunityServiceWrite> {
    if (auto st = CheckActive(s); !st.ok()) return st;
    for (const auto& joined : s.projects) {
      if (joined.project_id == project_id) {
        return absl::AlreadyExistsError("the case has already joined the project");
      }
    }
    if (auto st = domain::CheckOpen(project->fit, today); !st.ok()) return st;
    if (auto st = domain::CheckSuits(project->fit, s.case_row.view, FactsOf(s)); !st.ok()) {
      return st;
    }
    CommunityServiceWrite w;
    w.join = true;
    return w;
  };
  auto state =
      store_.Mutate(principal, absl::AsciiStrToLower(request.case_id()), "JoinServiceProject",
                    absl::AsciiStrToLower(request.request_id()), project_id, decide);
  if (!state.ok()) return state.status();
  for (const auto& p : state->projects) {
    if (p.project_id == project_id) ToProto(p, response->mutable_project());
  }
  return absl::OkStatus();
}

absl::Status CommunityServiceServiceImpl::DoRecordServiceActivity(
    const auth::Principal& principal, const v1::RecordServiceActivityRequest& request,
    v1::RecordServiceActivityResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const std::string organiser(absl::StripAsciiWhitespace(request.organiser()));
  if (request.self_initiated()) {
    if (!request.project_id().empty()) {
      violations.push_back({"project_id", "must be empty for a self-initiated activity"});
    }
    if (organiser.empty() || request.organiser().size() > kMaxTextBytes) {
      violations.push_back({"organiser",
                            "is required for a self-initiated activity, at most 200 "
                            "bytes"});
    }
  } else {
    if (!ids::IsUuid(request.project_id())) {
      violations.push_back({"project_id", "must be a project id (UUID), or self_initiated set"});
    }
    if (!request.organiser().empty()) {
      violations.push_back({"organiser", "is only for a self-initiated activity"});
    }
  }
  const absl::CivilDay served_on =
      grpc_util::DayNotInFuture(request.served_on(), "served_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  const std::string project_id = absl::AsciiStrToLower(request.project_id());
  const domain::CommunityServicePolicy& policy = Policy();
  std::string activity_id;
  auto decide = [&](const CommunityServiceState& s,
                    const std::optional<ServiceProjectRecord>& project)
      -> absl::StatusOr<CommunityServiceWrite> {
    if (auto st =
            domain::CheckActivity(s.case_row.view, served_on, request.minutes(), today, policy);
        !st.ok()) {
      return st;
    }
    if (project.has_value()) {
      const bool joined = std::any_of(s.projects.begin(), s.projects.end(),
                                      [&](const auto& p) { return p.project_id == project_id; });
      if (!joined) return absl::FailedPreconditionError("the case has not joined the project");
      if (served_on < project->fit.starts_on || served_on > project->fit.ends_on) {
        return absl::InvalidArgumentError("served_on: outside the project's days");
      }
    }
    ServiceActivityRecord a;
    a.activity_id = ids::NewUuid();
    a.case_id = case_id;
    a.project_id = project_id;
    a.self_initiated = request.self_initiated();
    a.organiser = organiser;
    a.served_on = served_on;
    a.minutes = request.minutes();
    // Self-initiated activity counts once staff verified it (seed 7.6.3).
    a.status = a.self_initiated ? "PENDING_VERIFICATION" : "CREDITED";
    a.recorded_by = principal.subject;
    a.created_at = now;
    CommunityServiceWrite w;
    if (a.status == "CREDITED") w.events.push_back(RecordedEvent(s, a, now, principal.subject));
    activity_id = a.activity_id;
    w.new_activity = std::move(a);
    return w;
  };
  auto state = store_.Mutate(principal, case_id, "RecordServiceActivity",
                             absl::AsciiStrToLower(request.request_id()), project_id, decide);
  if (!state.ok()) return state.status();
  for (const auto& a : state->activities) {
    if (a.activity_id == activity_id) ToProto(a, response->mutable_activity());
  }
  return absl::OkStatus();
}

absl::Status CommunityServiceServiceImpl::DoVerifyServiceActivity(
    const auth::Principal& principal, const v1::VerifyServiceActivityRequest& request,
    v1::VerifyServiceActivityResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kApprove); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.activity_id(), "activity_id", "an activity id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const std::string activity_id = absl::AsciiStrToLower(request.activity_id());
  auto decide =
      [&](const CommunityServiceState& s,
          const std::optional<ServiceProjectRecord>&) -> absl::StatusOr<CommunityServiceWrite> {
    auto it = std::find_if(s.activities.begin(), s.activities.end(),
                           [&](const auto& a) { return a.activity_id == activity_id; });
    if (it == s.activities.end()) return absl::NotFoundError("activity not found");
    if (it->status != "PENDING_VERIFICATION") {
      return absl::FailedPreconditionError("the activity is not waiting for verification");
    }
    ServiceActivityRecord a = *it;
    a.status = request.accept() ? "CREDITED" : "REJECTED";
    a.verified_by = principal.subject;
    a.verified_on = time::ShanghaiDay(now);
    CommunityServiceWrite w;
    if (request.accept()) w.events.push_back(RecordedEvent(s, a, now, principal.subject));
    w.verified = std::move(a);
    return w;
  };
  auto state =
      store_.Mutate(principal, absl::AsciiStrToLower(request.case_id()), "VerifyServiceActivity",
                    absl::AsciiStrToLower(request.request_id()), "", decide);
  if (!state.ok()) return state.status();
  for (const auto& a : state->activities) {
    if (a.activity_id == activity_id) ToProto(a, response->mutable_activity());
  }
  return absl::OkStatus();
}

absl::Status CommunityServiceServiceImpl::DoWaiveCommunityService(
    const auth::Principal& principal, const v1::WaiveCommunityServiceRequest& request,
    v1::WaiveCommunityServiceResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kApprove); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const std::string reason =
      grpc_util::EnumSuffix(v1::WaiverReason_descriptor(), request.reason(), "WAIVER_REASON_");
  if (reason.empty()) violations.push_back({"reason", "is required: a WaiverReason"});
  const auto from = grpc_util::RequiredDateField(request.from_day(), "from_day", &violations);
  const auto until = grpc_util::RequiredDateField(request.until_day(), "until_day", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::Time now = clock_.Now();
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  const domain::CommunityServicePolicy& policy = Policy();
  std::string waiver_id;
  auto decide =
      [&](const CommunityServiceState& s,
          const std::optional<ServiceProjectRecord>&) -> absl::StatusOr<CommunityServiceWrite> {
    if (auto st =
            domain::CheckWaiver(s.case_row.view, *from, *until, time::ShanghaiDay(now), policy);
        !st.ok()) {
      return st;
    }
    ServiceWaiverRecord x;
    x.waiver_id = ids::NewUuid();
    x.case_id = case_id;
    x.reason = reason;
    x.from_day = *from;
    x.until_day = *until;
    x.decided_by = principal.subject;
    x.created_at = now;
    v1::CommunityServiceWaived e;
    e.set_case_id(case_id);
    e.set_district_code(s.case_row.view.district_code);
    e.set_waiver_id(x.waiver_id);
    e.set_reason(reason);
    *e.mutable_from_day() = ToProtoDate(x.from_day);
    *e.mutable_until_day() = ToProtoDate(x.until_day);
    CommunityServiceWrite w;
    w.events.push_back(kafka::MakeEnvelope(kWaivedType, case_id, s.case_row.view.district_code, now,
                                           now, principal.subject, e));
    waiver_id = x.waiver_id;
    w.waiver = std::move(x);
    return w;
  };
  auto state = store_.Mutate(principal, case_id, "WaiveCommunityService",
                             absl::AsciiStrToLower(request.request_id()), "", decide);
  if (!state.ok()) return state.status();
  for (const auto& w : state->waivers) {
    if (w.waiver_id == waiver_id) ToProto(w, response->mutable_waiver());
  }
  return absl::OkStatus();
}

absl::Status CommunityServiceServiceImpl::DoGetCommunityService(
    const auth::Principal& principal, const v1::GetCommunityServiceRequest& request,
    v1::GetCommunityServiceResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  std::optional<absl::CivilMonth> month;
  if (request.year() != 0 || request.month() != 0) {
    if (request.year() < 2000 || request.year() > 2100 || request.month() < 1 ||
        request.month() > 12) {
      return grpc_util::InvalidArgumentWithViolations(
          {{"month", "year (2000-2100) and month (1-12) go together"}});
    }
    month = absl::CivilMonth(request.year(), request.month());
  }
  ServiceMonthTotals totals;
  auto state = store_.Get(principal, absl::AsciiStrToLower(request.case_id()),
                          "GetCommunityService", month, &totals);
  if (!state.ok()) return state.status();
  if (state->profile.has_value()) ToProto(*state->profile, response->mutable_profile());
  for (const auto& p : state->projects) ToProto(p, response->add_projects());
  for (const auto& a : state->activities) ToProto(a, response->add_activities());
  for (const auto& w : state->waivers) ToProto(w, response->add_waivers());
  if (month.has_value()) {
    v1::ServiceMonth* m = response->mutable_month();
    m->set_year(static_cast<int>(month->year()));
    m->set_month(month->month());
    m->set_credited_minutes(totals.credited_minutes);
    m->set_pending_minutes(totals.pending_minutes);
    m->set_waived_days(totals.waived_days);
  }
  return absl::OkStatus();
}

}  // namespace ccms::education
