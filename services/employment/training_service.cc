#include "services/employment/training_service.h"

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
#include "services/employment/domain/age_rule.h"
#include "services/employment/domain/referral_machine.h"
#include "services/employment/domain/training_rules.h"
#include "services/employment/retention_service.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(TrainingServiceImpl, RegisterTrainingProgramme)
CCMS_UNARY_HANDLER(TrainingServiceImpl, EnrolInTraining)
CCMS_UNARY_HANDLER(TrainingServiceImpl, RecordTrainingAttendance)
CCMS_UNARY_HANDLER(TrainingServiceImpl, CompleteTraining)
CCMS_UNARY_HANDLER(TrainingServiceImpl, ListTrainingProgrammes)
CCMS_UNARY_HANDLER(TrainingServiceImpl, ListTrainingEnrolments)

namespace {

using domain::Action;
using domain::EnrolmentStatus;
using grpc_util::FieldViolation;

void ToProto(const ProgrammeRecord& t, v1::TrainingProgramme* out) {
  out->set_programme_id(t.programme_id);
  out->set_code(t.code);
  out->set_name(t.name);
  out->set_provider_partner_id(t.provider_partner_id);
  out->set_district_code(t.district_code);
  out->set_hours(t.hours);
  out->set_places(t.places);
  out->set_taken(t.taken);
  *out->mutable_starts_on() = grpc_util::ToProtoDate(t.starts_on);
  *out->mutable_ends_on() = grpc_util::ToProtoDate(t.ends_on);
}

// The enrolment as staff and the provider partner see it (reviewed allow-list: no case id).
void ToProto(const EnrolmentRecord& e, v1::TrainingEnrolment* out) {
  out->set_enrolment_id(e.enrolment_id);
  out->set_enrolment_code(e.enrolment_code);
  out->set_programme_id(e.programme_id);
  switch (e.status) {
    case EnrolmentStatus::kEnrolled:
      out->set_status(v1::TRAINING_ENROLMENT_STATUS_ENROLLED);
      break;
    case EnrolmentStatus::kCompleted:
      out->set_status(v1::TRAINING_ENROLMENT_STATUS_COMPLETED);
      break;
    case EnrolmentStatus::kWithdrawn:
      out->set_status(v1::TRAINING_ENROLMENT_STATUS_WITHDRAWN);
      break;
  }
  *out->mutable_enrolled_on() = grpc_util::ToProtoDate(e.enrolled_on);
  out->set_hours_attended(e.hours_attended);
  if (e.completed_on.has_value()) {
    *out->mutable_completed_on() = grpc_util::ToProtoDate(*e.completed_on);
  }
  out->set_certificate_obtained(e.certificate_obtained);
}

std::string AgeBasisName(domain::AgeBasis b) {
  switch (b) {
    case domain::AgeBasis::kCaseFacts:
      return "CASE_FACTS";
    case domain::AgeBasis::kBirthDate:
      return "BIRTH_DATE";
    case domain::AgeBasis::kNotNeeded:
      return "NOT_NEEDED";
  }
  return "";
}

// An INVALID_ARGUMENT of a rule ("field: what") as a field violation; other statuses unchanged.
absl::Status AsViolation(const absl::Status& st, const char* field) {
  if (st.code() != absl::StatusCode::kInvalidArgument) return st;
  std::string what(st.message());
  const std::string prefix = absl::StrCat(field, ": ");
  if (absl::StartsWith(what, prefix)) what = what.substr(prefix.size());
  return grpc_util::InvalidArgumentWithViolations({{field, what}});
}

bool Serves(const PartnerBrief& p, const std::string& district) {
  for (const auto& d : p.districts_served) {
    if (d == district) return true;
  }
  return false;
}

}  // namespace

events::v1::Envelope TrainingEvent(std::string_view type, const EnrolmentRecord& e,
                                   const ProgrammeRecord& t, absl::CivilDay on,
                                   std::string_view recorded_by_kind, absl::Time now,
                                   const std::string& actor) {
  v1::TrainingEnrolmentChanged ev;
  ev.set_enrolment_id(e.enrolment_id);
  ev.set_programme_id(t.programme_id);
  ev.set_case_id(e.case_id);
  ev.set_district_code(e.district_code);
  ev.set_programme_code(t.code);
  ev.set_provider_partner_id(t.provider_partner_id);
  *ev.mutable_on() = grpc_util::ToProtoDate(on);
  ev.set_hours_attended(e.hours_attended);
  ev.set_programme_hours(t.hours);
  ev.set_certificate_obtained(e.certificate_obtained);
  ev.set_places(t.places);
  ev.set_taken(t.taken);
  ev.set_recorded_by_kind(std::string(recorded_by_kind));
  return kafka::MakeEnvelope(type, e.case_id, e.district_code, now, now, actor, ev);
}

absl::Status TrainingServiceImpl::AuthorizeStaffOrProvider(const auth::Principal& principal,
                                                           Action staff_action) {
  if (principal.role == auth::Role::kPartner) return CheckPartnerAgency(partners_, principal);
  return domain::Authorize(principal, staff_action);
}

absl::Status TrainingServiceImpl::DoRegisterTrainingProgramme(
    const auth::Principal& principal, const v1::RegisterTrainingProgrammeRequest& request,
    v1::RegisterTrainingProgrammeResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kManagePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.provider_partner_id(), "provider_partner_id",
                                          "a partner id (UUID)");
      !st.ok()) {
    return st;
  }
  std::vector<FieldViolation> violations;
  const std::string name(absl::StripAsciiWhitespace(request.name()));
  if (name.empty() || name.size() > 200) {
    violations.push_back({"name", "is required, at most 200 bytes"});
  }
  if (!auth::IsDistrictCode(request.district_code())) {
    violations.push_back({"district_code", "must be a 6-digit district code"});
  }
  const auto starts_on =
      grpc_util::RequiredDateField(request.starts_on(), "starts_on", &violations);
  const auto ends_on = grpc_util::RequiredDateField(request.ends_on(), "ends_on", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (auto st = domain::CheckProgramme(request.code(), request.hours(), request.places(),
                                       *starts_on, *ends_on);
      !st.ok()) {
    const std::string what(st.message());
    const size_t colon = what.find(": ");
    return grpc_util::InvalidArgumentWithViolations(
        {{what.substr(0, colon), what.substr(colon + 2)}});
  }
  if (!principal.CanSeeDistrict(request.district_code())) {
    return absl::PermissionDeniedError(
        "a programme is registered by one of the caller's districts");
  }
  auto decide = [&](const PartnerBrief& partner) -> absl::StatusOr<ProgrammeRecord> {
    if (partner.status != "ACTIVE") {
      return absl::FailedPreconditionError("the provider partner is suspended");
    }
    if (!Serves(partner, request.district_code())) {
      return absl::FailedPreconditionError("the provider partner does not serve the district");
    }
    ProgrammeRecord t;
    t.programme_id = ids::NewUuid();
    t.code = request.code();
    t.name = name;
    t.provider_partner_id = partner.partner_id;
    t.agency_id = partner.agency_id;
    t.district_code = request.district_code();
    t.hours = request.hours();
    t.places = request.places();
    t.starts_on = *starts_on;
    t.ends_on = *ends_on;
    t.registered_by = principal.subject;
    return t;
  };
  auto saved = store_.Register(principal, absl::AsciiStrToLower(request.provider_partner_id()),
                               absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_programme());
  return absl::OkStatus();
}

absl::Status TrainingServiceImpl::DoEnrolInTraining(const auth::Principal& principal,
                                                    const v1::EnrolInTrainingRequest& request,
                                                    v1::EnrolInTrainingResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.programme_id(), "programme_id",
                                          "a programme id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay enrolled_on =
      grpc_util::DayNotInFuture(request.enrolled_on(), "enrolled_on", today, &violations);
  const std::optional<absl::CivilDay> birth_date =
      grpc_util::DateField(request.birth_date(), "birth_date", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const domain::EmploymentPolicy& policy = policies_.InForce(enrolled_on);
  auto decide = [&](const EnrolmentView& v) -> absl::StatusOr<EnrolmentWrite> {
    if (auto st = domain::CheckEnrolment(v.case_view, v.programme.district_code, v.programme.places,
                                         v.programme.taken, v.already_enrolled, enrolled_on,
                                         v.programme.ends_on, today);
        !st.ok()) {
      return st;
    }
    // The 16-year rule (seeds 7.11.3) on the enrolment day, as for a training referral.
    auto age = domain::CheckMinimumAge("SKILLS_TRAINING", v.case_view.age, birth_date, enrolled_on,
                                       policy);
    if (!age.ok()) return AsViolation(age.status(), "birth_date");
    EnrolmentWrite w;
    EnrolmentRecord& e = w.enrolment;
    e.enrolment_id = ids::NewUuid();
    e.enrolment_code = "T-" + domain::ReferralCode(e.enrolment_id).substr(2);
    e.programme_id = v.programme.programme_id;
    e.case_id = v.case_view.case_id;
    e.district_code = v.programme.district_code;
    e.enrolled_on = enrolled_on;
    e.age_on_enrolment = age->age;
    e.age_basis = AgeBasisName(age->basis);
    e.recorded_by = principal.subject;
    ProgrammeRecord after = v.programme;
    after.taken += 1;
    w.events.push_back(TrainingEvent("ccms.employment.training_enrolled", e, after, enrolled_on,
                                     "STAFF", now, principal.subject));
    return w;
  };
  auto saved = store_.Enrol(principal, absl::AsciiStrToLower(request.programme_id()),
                            absl::AsciiStrToLower(request.case_id()),
                            absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(saved->first, response->mutable_enrolment());
  ToProto(saved->second, response->mutable_programme());
  return absl::OkStatus();
}

absl::Status TrainingServiceImpl::DoRecordTrainingAttendance(
    const auth::Principal& principal, const v1::RecordTrainingAttendanceRequest& request,
    v1::RecordTrainingAttendanceResponse* response) {
  if (auto st = AuthorizeStaffOrProvider(principal, Action::kWriteReferral); !st.ok()) {
    return st;
  }
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.enrolment_id(), "enrolment_id",
                                          "an enrolment id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay on = grpc_util::DayNotInFuture(request.on(), "on", today, &violations);
  if (request.hours() < 1 || request.hours() > domain::kMaxAttendanceHours) {
    violations.push_back({"hours", absl::StrCat("must be 1 to ", domain::kMaxAttendanceHours)});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const bool partner = principal.role == auth::Role::kPartner;
  auto decide = [&](const EnrolmentRecord& e,
                    const ProgrammeRecord& t) -> absl::StatusOr<EnrolmentWrite> {
    if (auto st = domain::CheckAttendance(e.status, t.starts_on, t.ends_on, t.hours,
                                          e.hours_attended, on, request.hours(), today);
        !st.ok()) {
      return st;
    }
    EnrolmentWrite w;
    w.enrolment = e;
    w.enrolment.hours_attended += request.hours();
    w.attendance = AttendanceRecord{
        on, request.hours(),
        partner ? absl::StrCat("partner:", principal.agency_id) : principal.subject,
        partner ? "PARTNER" : "STAFF"};
    return w;
  };
  auto saved = store_.Update(principal, absl::AsciiStrToLower(request.enrolment_id()),
                             "RecordTrainingAttendance",
                             absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_enrolment());
  return absl::OkStatus();
}

absl::Status TrainingServiceImpl::DoCompleteTraining(const auth::Principal& principal,
                                                     const v1::CompleteTrainingRequest& request,
                                                     v1::CompleteTrainingResponse* response) {
  if (auto st = AuthorizeStaffOrProvider(principal, Action::kWriteReferral); !st.ok()) {
    return st;
  }
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.enrolment_id(), "enrolment_id",
                                          "an enrolment id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay completed_on =
      grpc_util::DayNotInFuture(request.completed_on(), "completed_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::string kind = principal.role == auth::Role::kPartner ? "PARTNER" : "STAFF";
  auto decide = [&](const EnrolmentRecord& e,
                    const ProgrammeRecord& t) -> absl::StatusOr<EnrolmentWrite> {
    if (auto st = domain::CheckCompletion(e.status, t.starts_on, completed_on, today); !st.ok()) {
      return st;
    }
    EnrolmentWrite w;
    w.enrolment = e;
    w.enrolment.status = EnrolmentStatus::kCompleted;
    w.enrolment.completed_on = completed_on;
    w.enrolment.certificate_obtained = request.certificate_obtained();
    w.events.push_back(TrainingEvent("ccms.employment.training_completed", w.enrolment, t,
                                     completed_on, kind, now, principal.subject));
    return w;
  };
  auto saved =
      store_.Update(principal, absl::AsciiStrToLower(request.enrolment_id()), "CompleteTraining",
                    absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_enrolment());
  return absl::OkStatus();
}

absl::Status TrainingServiceImpl::DoListTrainingProgrammes(
    const auth::Principal& principal, const v1::ListTrainingProgrammesRequest& request,
    v1::ListTrainingProgrammesResponse* response) {
  if (auto st = AuthorizeStaffOrProvider(principal, Action::kRead); !st.ok()) {
    return st;
  }
  std::vector<FieldViolation> violations;
  grpc_util::DistrictFilterField(request.district_code(), &violations);
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  grpc_util::OptionalUuidField(request.page_token(), "page_token", "a token of this list",
                               &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  ProgrammeFilter f;
  f.district_code = request.district_code();
  f.page_size = page_size;
  f.after_id = absl::AsciiStrToLower(request.page_token());
  auto page = store_.ListProgrammes(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& t : page->first) ToProto(t, response->add_programmes());
  response->set_next_page_token(page->second);
  return absl::OkStatus();
}

absl::Status TrainingServiceImpl::DoListTrainingEnrolments(
    const auth::Principal& principal, const v1::ListTrainingEnrolmentsRequest& request,
    v1::ListTrainingEnrolmentsResponse* response) {
  if (auto st = AuthorizeStaffOrProvider(principal, Action::kRead); !st.ok()) {
    return st;
  }
  if (auto st = grpc_util::CheckUuidField(request.programme_id(), "programme_id",
                                          "a programme id (UUID)");
      !st.ok()) {
    return st;
  }
  std::vector<FieldViolation> violations;
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  grpc_util::OptionalUuidField(request.page_token(), "page_token", "a token of this list",
                               &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto page = store_.ListEnrolments(principal, absl::AsciiStrToLower(request.programme_id()),
                                    page_size, absl::AsciiStrToLower(request.page_token()));
  if (!page.ok()) return page.status();
  for (const auto& e : page->first) ToProto(e, response->add_enrolments());
  response->set_next_page_token(page->second);
  return absl::OkStatus();
}

}  // namespace ccms::employment
