#include "services/education/service_file_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ccms/education/v1/education_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/education/domain/access.h"
#include "services/education/domain/service_file_rules.h"

namespace ccms::education {

CCMS_UNARY_HANDLER(ServiceFileServiceImpl, OpenServiceFile)
CCMS_UNARY_HANDLER(ServiceFileServiceImpl, RecordFirstContact)
CCMS_UNARY_HANDLER(ServiceFileServiceImpl, GetServiceFile)
CCMS_UNARY_HANDLER(ServiceFileServiceImpl, ListServiceFiles)

namespace {

using domain::Action;
using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;
using grpc_util::ToProtoTimestamp;

constexpr size_t kMaxAnalysisBytes = 8000;
constexpr size_t kMaxIdLength = 128;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr char kServiceFileOpenedType[] = "ccms.education.service_file_opened";
constexpr char kFirstContactRecordedType[] = "ccms.education.first_contact_recorded";

v1::CaseStatus ToProto(domain::CaseStatus s) {
  switch (s) {
    case domain::CaseStatus::kPendingIntake:
      return v1::CASE_STATUS_PENDING_INTAKE;
    case domain::CaseStatus::kActive:
      return v1::CASE_STATUS_ACTIVE;
    case domain::CaseStatus::kClosed:
      return v1::CASE_STATUS_CLOSED;
  }
  return v1::CASE_STATUS_UNSPECIFIED;
}

// FACE_TO_FACE for CONTACT_FORM_FACE_TO_FACE; "" for UNSPECIFIED.
std::string FormName(v1::ContactForm f) {
  if (f == v1::CONTACT_FORM_UNSPECIFIED || !v1::ContactForm_IsValid(f)) return "";
  return v1::ContactForm_Name(f).substr(std::string_view("CONTACT_FORM_").size());
}
v1::ContactForm FormOf(const std::string& name) {
  v1::ContactForm f = v1::CONTACT_FORM_UNSPECIFIED;
  v1::ContactForm_Parse("CONTACT_FORM_" + name, &f);
  return f;
}
std::string ReasonName(v1::ContactReason r) {
  if (r == v1::CONTACT_REASON_UNSPECIFIED || !v1::ContactReason_IsValid(r)) return "";
  return v1::ContactReason_Name(r).substr(std::string_view("CONTACT_REASON_").size());
}
v1::ContactReason ReasonOf(const std::string& name) {
  v1::ContactReason r = v1::CONTACT_REASON_UNSPECIFIED;
  v1::ContactReason_Parse("CONTACT_REASON_" + name, &r);
  return r;
}

void SetDate(const std::optional<absl::CivilDay>& d, google::type::Date* out) {
  if (d.has_value()) *out = ToProtoDate(*d);
}

void FromViolations(const std::vector<domain::Violation>& vs, std::vector<FieldViolation>* out) {
  for (const auto& v : vs) out->push_back({v.field, v.description});
}

}  // namespace

void ServiceFileServiceImpl::Fill(const ServiceFileState& s, absl::CivilDay today,
                                  v1::ServiceFileStatus* out) const {
  const domain::CaseView& c = s.case_row.view;
  v1::CaseView* cv = out->mutable_case_view();
  cv->set_case_id(c.case_id);
  cv->set_district_code(c.district_code);
  cv->set_office_id(c.office_id);
  cv->set_status(ToProto(c.status));
  cv->set_minor(c.minor);
  SetDate(c.supervision_start, cv->mutable_supervision_start());
  SetDate(c.supervision_end, cv->mutable_supervision_end());
  SetDate(c.intake_reported_on, cv->mutable_intake_reported_on());
  SetDate(c.intake_announced_on, cv->mutable_intake_announced_on());
  SetDate(c.closed_on, cv->mutable_closed_on());
  cv->set_sex(c.sex);
  cv->set_age_band(c.age_band);
  cv->set_offence_category(c.offence_category);
  cv->set_on_leave_today(s.on_leave_today);
  if (s.file.has_value()) {
    const ServiceFileRecord& f = *s.file;
    v1::ServiceFile* pf = out->mutable_service_file();
    pf->set_case_id(f.case_id);
    pf->set_file_id(f.file_id);
    *pf->mutable_opened_on() = ToProtoDate(f.opened_on);
    for (const auto& code : f.cause_codes) pf->add_cause_codes(code);
    for (const auto& code : f.need_codes) pf->add_need_codes(code);
    pf->set_analysis(f.analysis);
    pf->set_opened_by(f.opened_by);
    *pf->mutable_created_at() = ToProtoTimestamp(f.created_at);
  }
  if (s.contact.has_value()) {
    const FirstContactRecord& k = *s.contact;
    v1::FirstContact* pc = out->mutable_first_contact();
    pc->set_case_id(k.case_id);
    pc->set_contact_id(k.contact_id);
    *pc->mutable_contacted_on() = ToProtoDate(k.contacted_on);
    pc->set_form(FormOf(k.form));
    pc->set_reason(ReasonOf(k.reason));
    pc->set_worker_id(k.worker_id);
    pc->set_late(k.late);
    *pc->mutable_created_at() = ToProtoTimestamp(k.created_at);
  }
  SetDate(s.case_row.first_contact_due_on, out->mutable_first_contact_due_on());
  SetDate(s.case_row.service_file_due_on, out->mutable_service_file_due_on());
  const bool open = c.status == domain::CaseStatus::kActive;
  out->set_first_contact_overdue(
      open && domain::Overdue(s.case_row.first_contact_due_on, s.contact.has_value(), today));
  out->set_service_file_overdue(
      open && domain::Overdue(s.case_row.service_file_due_on, s.file.has_value(), today));
  out->set_policy_version(s.case_row.due_policy_version);
}

absl::Status ServiceFileServiceImpl::DoOpenServiceFile(const auth::Principal& principal,
                                                       const v1::OpenServiceFileRequest& request,
                                                       v1::OpenServiceFileResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay opened_on =
      grpc_util::DayNotInFuture(request.opened_on(), "opened_on", today, &violations);
  // Codes are checked against the policy in force on the day the file is opened.
  const domain::EducationPolicy& policy = policies_.InForce(opened_on);
  const std::vector<std::string> causes(request.cause_codes().begin(), request.cause_codes().end());
  const std::vector<std::string> needs(request.need_codes().begin(), request.need_codes().end());
  FromViolations(domain::CheckCodes(causes, policy.cause_codes, "cause_codes"), &violations);
  FromViolations(domain::CheckCodes(needs, policy.need_codes, "need_codes"), &violations);
  if (request.analysis().size() > kMaxAnalysisBytes) {
    violations.push_back({"analysis", "must be at most 8000 bytes"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  auto decide = [&](const ServiceFileState& s) -> absl::StatusOr<ServiceFileWrite> {
    if (s.file.has_value()) {
      return absl::AlreadyExistsError("the case's service file is already open");
    }
    if (auto st = domain::CheckOpenServiceFile(s.case_row.view, opened_on, today); !st.ok()) {
      return st;
    }
    ServiceFileWrite w;
    ServiceFileRecord f;
    f.file_id = ids::NewUuid();
    f.case_id = case_id;
    f.opened_on = opened_on;
    f.cause_codes = causes;
    f.need_codes = needs;
    f.analysis = request.analysis();
    f.opened_by = principal.subject;
    f.late = domain::Late(s.case_row.service_file_due_on, opened_on);
    f.created_at = now;
    v1::ServiceFileOpened e;
    e.set_case_id(case_id);
    e.set_district_code(s.case_row.view.district_code);
    e.set_file_id(f.file_id);
    *e.mutable_opened_on() = ToProtoDate(opened_on);
    for (const auto& code : causes) e.add_cause_codes(code);
    for (const auto& code : needs) e.add_need_codes(code);
    e.set_late(f.late);
    e.set_policy_version(s.case_row.due_policy_version);
    w.events.push_back(kafka::MakeEnvelope(kServiceFileOpenedType, case_id,
                                           s.case_row.view.district_code, now, now,
                                           principal.subject, e));
    w.file = std::move(f);
    return w;
  };
  auto state = store_.Mutate(principal, case_id, "OpenServiceFile",
                             absl::AsciiStrToLower(request.request_id()), today, decide);
  if (!state.ok()) return state.status();
  Fill(*state, today, response->mutable_status());
  return absl::OkStatus();
}

absl::Status ServiceFileServiceImpl::DoRecordFirstContact(
    const auth::Principal& principal, const v1::RecordFirstContactRequest& request,
    v1::RecordFirstContactResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay contacted_on =
      grpc_util::DayNotInFuture(request.contacted_on(), "contacted_on", today, &violations);
  const std::string form = FormName(request.form());
  if (form.empty()) {
    violations.push_back({"form", "is required: FACE_TO_FACE, HOME_VISIT, PHONE or REMOTE"});
  }
  const std::string reason =
      request.reason() == v1::CONTACT_REASON_UNSPECIFIED ? "INTAKE" : ReasonName(request.reason());
  if (reason.empty()) violations.push_back({"reason", "must be INTAKE or REFERRAL"});
  const std::string worker_id = request.worker_id().empty()
                                    ? principal.subject
                                    : std::string(absl::StripAsciiWhitespace(request.worker_id()));
  if (worker_id.size() > kMaxIdLength) {
    violations.push_back({"worker_id", "must be at most 128 characters"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  auto decide = [&](const ServiceFileState& s) -> absl::StatusOr<ServiceFileWrite> {
    if (s.contact.has_value()) {
      return absl::AlreadyExistsError("the case's first contact is already recorded");
    }
    if (auto st = domain::CheckFirstContact(s.case_row.view, contacted_on, today); !st.ok()) {
      return st;
    }
    ServiceFileWrite w;
    FirstContactRecord c;
    c.contact_id = ids::NewUuid();
    c.case_id = case_id;
    c.contacted_on = contacted_on;
    c.form = form;
    c.reason = reason;
    c.worker_id = worker_id;
    c.late = domain::Late(s.case_row.first_contact_due_on, contacted_on);
    c.recorded_by = principal.subject;
    c.created_at = now;
    v1::FirstContactRecorded e;
    e.set_case_id(case_id);
    e.set_district_code(s.case_row.view.district_code);
    e.set_contact_id(c.contact_id);
    *e.mutable_contacted_on() = ToProtoDate(contacted_on);
    e.set_form(request.form());
    e.set_reason(ReasonOf(reason));
    e.set_late(c.late);
    e.set_policy_version(s.case_row.due_policy_version);
    w.events.push_back(kafka::MakeEnvelope(kFirstContactRecordedType, case_id,
                                           s.case_row.view.district_code, now, now,
                                           principal.subject, e));
    w.contact = std::move(c);
    return w;
  };
  auto state = store_.Mutate(principal, case_id, "RecordFirstContact",
                             absl::AsciiStrToLower(request.request_id()), today, decide);
  if (!state.ok()) return state.status();
  Fill(*state, today, response->mutable_status());
  return absl::OkStatus();
}

absl::Status ServiceFileServiceImpl::DoGetServiceFile(const auth::Principal& principal,
                                                      const v1::GetServiceFileRequest& request,
                                                      v1::GetServiceFileResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  auto state = store_.Get(principal, absl::AsciiStrToLower(request.case_id()), today);
  if (!state.ok()) return state.status();
  Fill(*state, today, response->mutable_status());
  return absl::OkStatus();
}

absl::Status ServiceFileServiceImpl::DoListServiceFiles(const auth::Principal& principal,
                                                        const v1::ListServiceFilesRequest& request,
                                                        v1::ListServiceFilesResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::DistrictFilterField(request.district_code(), &violations);
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    violations.push_back({"page_size", "must be between 0 and 500"});
  }
  if (!request.page_token().empty() && !ids::IsUuid(request.page_token())) {
    violations.push_back({"page_token", "is not a token of this list"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  ServiceFileFilter f;
  f.district_code = request.district_code();
  f.overdue_only = request.overdue_only();
  f.today = today;
  f.page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  f.after_case_id = absl::AsciiStrToLower(request.page_token());
  auto page = store_.List(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& s : page->items) Fill(s, today, response->add_items());
  response->set_next_page_token(page->next_case_id);
  return absl::OkStatus();
}

}  // namespace ccms::education
