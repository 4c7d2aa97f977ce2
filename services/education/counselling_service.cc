#include "services/education/counselling_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ccms/education/v1/education_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "services/education/domain/access.h"
#include "services/education/domain/counselling_rules.h"

namespace ccms::education {

CCMS_UNARY_HANDLER(CounsellingServiceImpl, RegisterExpert)
CCMS_UNARY_HANDLER(CounsellingServiceImpl, ListExperts)
CCMS_UNARY_HANDLER(CounsellingServiceImpl, RecordCounsellingSession)
CCMS_UNARY_HANDLER(CounsellingServiceImpl, UpdatePsychFile)
CCMS_UNARY_HANDLER(CounsellingServiceImpl, GetPsychFile)
CCMS_UNARY_HANDLER(CounsellingServiceImpl, MakeReferral)
CCMS_UNARY_HANDLER(CounsellingServiceImpl, RecordReferralOutcome)
CCMS_UNARY_HANDLER(CounsellingServiceImpl, ListUrgentContacts)

namespace {

using domain::Action;
using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;
using grpc_util::ToProtoTimestamp;

constexpr size_t kMaxPsychFileBytes = 20000;
constexpr size_t kMaxDisplayNameBytes = 200;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr char kSessionRecordedType[] = "ccms.education.counselling_session_recorded";
constexpr char kReferralMadeType[] = "ccms.education.referral_made";

// "THERAPY" for COUNSELLING_KIND_THERAPY; "" for 0 or an unknown number.
template <typename E>
std::string CodeOf(E value, std::string_view prefix) {
  if (static_cast<int>(value) == 0) return "";
  const auto* v = google::protobuf::GetEnumDescriptor<E>()->FindValueByNumber(value);
  if (v == nullptr) return "";
  return v->name().substr(prefix.size());
}
template <typename E>
E EnumOf(const std::string& code, std::string_view prefix) {
  const auto* v =
      google::protobuf::GetEnumDescriptor<E>()->FindValueByName(std::string(prefix) + code);
  return v == nullptr ? static_cast<E>(0) : static_cast<E>(v->number());
}

constexpr char kExpertPrefix[] = "EXPERT_KIND_";
constexpr char kKindPrefix[] = "COUNSELLING_KIND_";
constexpr char kReasonPrefix[] = "REFERRAL_REASON_";
constexpr char kOutcomePrefix[] = "REFERRAL_OUTCOME_";

// An agency id as partner certificates name it: 1-64 letters, digits, '-', '_' or '.'.
bool IsAgencyId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

bool IsCode(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void ToProto(const ExpertRecord& e, v1::Expert* out) {
  out->set_expert_id(e.expert_id);
  out->set_district_code(e.district_code);
  out->set_kind(EnumOf<v1::ExpertKind>(e.kind, kExpertPrefix));
  out->set_agency_id(e.agency_id);
  out->set_display_name(e.display_name);
  out->set_qualification_code(e.qualification_code);
  out->set_therapy_qualified(e.therapy_qualified);
  *out->mutable_created_at() = ToProtoTimestamp(e.created_at);
}

void ToProto(const CounsellingSessionRecord& s, v1::CounsellingSession* out) {
  out->set_session_id(s.session_id);
  out->set_case_id(s.case_id);
  out->set_expert_id(s.expert_id);
  out->set_kind(EnumOf<v1::CounsellingKind>(s.kind, kKindPrefix));
  *out->mutable_held_at() = ToProtoTimestamp(s.held_at);
  out->set_duration_minutes(s.duration_minutes);
  out->set_recorded_by(s.recorded_by);
  for (const auto& f : s.urgent_flag_ids) out->add_urgent_flag_ids(f);
}

void ToProto(const ReferralRecord& r, v1::Referral* out) {
  out->set_referral_id(r.referral_id);
  out->set_case_id(r.case_id);
  out->set_institution_agency_id(r.institution_agency_id);
  out->set_reason(EnumOf<v1::ReferralReason>(r.reason, kReasonPrefix));
  *out->mutable_referred_on() = ToProtoDate(r.referred_on);
  out->set_outcome(EnumOf<v1::ReferralOutcome>(r.outcome, kOutcomePrefix));
  if (r.outcome_on.has_value()) *out->mutable_outcome_on() = ToProtoDate(*r.outcome_on);
  out->set_referred_by(r.referred_by);
}

void ToProto(const UrgentContactRecord& u, absl::Time now, v1::UrgentContact* out) {
  out->set_flag_id(u.flag_id);
  out->set_case_id(u.case_id);
  out->set_district_code(u.district_code);
  out->set_crisis_kind(u.crisis_kind);
  *out->mutable_raised_at() = ToProtoTimestamp(u.raised_at);
  *out->mutable_due_at() = ToProtoTimestamp(u.due_at);
  if (u.met_at.has_value()) *out->mutable_met_at() = ToProtoTimestamp(*u.met_at);
  out->set_met_by_session_id(u.met_by_session_id);
  out->set_overdue(domain::UrgentOverdue(u.due_at, u.met_at.has_value(), now));
  out->set_policy_version(u.policy_version);
}

absl::Status FileToProto(const PsychFileRecord& f, const crypto::PiiCipher& cipher,
                         v1::PsychFile* out) {
  auto text = cipher.Decrypt(f.text_blob, CounsellingServiceImpl::kPsychFileContext);
  if (!text.ok()) return absl::InternalError("the psychological file cannot be read");
  out->set_case_id(f.case_id);
  out->set_text(*text);
  out->set_version(f.version);
  out->set_updated_by(f.updated_by);
  *out->mutable_updated_at() = ToProtoTimestamp(f.updated_at);
  return absl::OkStatus();
}

void FromViolations(const std::vector<domain::Violation>& vs, std::vector<FieldViolation>* out) {
  for (const auto& v : vs) out->push_back({v.field, v.description});
}

int PageSize(int requested, std::vector<FieldViolation>* violations) {
  return grpc_util::CheckPageSize(requested, kDefaultPageSize, kMaxPageSize, violations);
}

}  // namespace

absl::Status CounsellingServiceImpl::DoRegisterExpert(const auth::Principal& principal,
                                                      const v1::RegisterExpertRequest& request,
                                                      v1::RegisterExpertResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  if (!auth::IsDistrictCode(request.district_code())) {
    violations.push_back({"district_code", "must be a 6-digit district code"});
  }
  const std::string kind = CodeOf(request.kind(), kExpertPrefix);
  if (kind.empty()) {
    violations.push_back(
        {"kind", "is required: PROFESSIONAL, PARTNER_CENTRE, SOCIAL_WORKER or VOLUNTEER"});
  }
  const std::string name(absl::StripAsciiWhitespace(request.display_name()));
  if (name.empty() || request.display_name().size() > kMaxDisplayNameBytes) {
    violations.push_back({"display_name", "is required, at most 200 bytes"});
  }
  if (!request.qualification_code().empty() && !IsCode(request.qualification_code())) {
    violations.push_back(
        {"qualification_code", "must be an upper-case code (letters, digits, _), at most 40"});
  }
  if (!request.agency_id().empty() && !IsAgencyId(request.agency_id())) {
    violations.push_back({"agency_id", "must be 1-64 letters, digits, '-', '_' or '.'"});
  }
  if (!kind.empty()) {
    FromViolations(
        domain::CheckExpertRegistration(kind, request.agency_id(), request.therapy_qualified()),
        &violations);
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (!principal.CanSeeDistrict(request.district_code())) {
    return absl::PermissionDeniedError("the district is outside the caller's districts");
  }
  ExpertRecord e;
  e.expert_id = ids::NewUuid();
  e.district_code = request.district_code();
  e.kind = kind;
  e.agency_id = request.agency_id();
  e.display_name = name;
  e.qualification_code = request.qualification_code();
  e.therapy_qualified = kind == "PROFESSIONAL" || request.therapy_qualified();
  e.created_by = principal.subject;
  e.created_at = clock_.Now();
  auto saved = store_.RegisterExpert(principal, absl::AsciiStrToLower(request.request_id()), e);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_expert());
  return absl::OkStatus();
}

absl::Status CounsellingServiceImpl::DoListExperts(const auth::Principal& principal,
                                                   const v1::ListExpertsRequest& request,
                                                   v1::ListExpertsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::CheckListDistrict(principal, request.district_code(), &violations);
  const int page_size = PageSize(request.page_size(), &violations);
  grpc_util::OptionalUuidField(request.page_token(), "page_token", "a token of this list",
                               &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto page = store_.ListExperts(principal, request.district_code(), page_size,
                                 absl::AsciiStrToLower(request.page_token()));
  if (!page.ok()) return page.status();
  for (const auto& e : page->items) ToProto(e, response->add_items());
  response->set_next_page_token(page->next_expert_id);
  return absl::OkStatus();
}

absl::Status CounsellingServiceImpl::DoRecordCounsellingSession(
    const auth::Principal& principal, const v1::RecordCounsellingSessionRequest& request,
    v1::RecordCounsellingSessionResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.expert_id(), "expert_id", "an expert id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  std::vector<FieldViolation> violations;
  const std::string kind = CodeOf(request.kind(), kKindPrefix);
  if (kind.empty()) violations.push_back({"kind", "is required: EDUCATION, GUIDANCE or THERAPY"});
  absl::Time held_at = now;
  if (request.has_held_at()) {
    bool invalid = false;
    auto t = grpc_util::FromProtoTimestamp(request.held_at(), &invalid);
    if (invalid || !t.has_value()) {
      violations.push_back({"held_at", "is not a valid time"});
    } else if (*t > now) {
      violations.push_back({"held_at", "is in the future"});
    } else {
      held_at = *t;
    }
  }
  if (request.duration_minutes() < 1 || request.duration_minutes() > 480) {
    violations.push_back({"duration_minutes", "must be between 1 and 480"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  const std::string expert_id = absl::AsciiStrToLower(request.expert_id());
  std::string session_id;
  auto decide = [&](const CareState& s,
                    const std::optional<ExpertRecord>& expert) -> absl::StatusOr<CareWrite> {
    if (auto st = domain::CheckCounsellingSession(s.case_row.view, expert->Facts(), kind,
                                                  time::ShanghaiDay(held_at));
        !st.ok()) {
      return st;
    }
    CounsellingSessionRecord x;
    x.session_id = ids::NewUuid();
    x.case_id = case_id;
    x.expert_id = expert_id;
    x.kind = kind;
    x.held_at = held_at;
    x.duration_minutes = request.duration_minutes();
    x.recorded_by = principal.subject;
    bool late = false;
    for (const auto& u : s.urgent) {
      if (u.met_at.has_value() || !domain::MeetsUrgentContact(u.raised_at, held_at)) continue;
      x.urgent_flag_ids.push_back(u.flag_id);
      late = late || held_at > u.due_at;
    }
    v1::CounsellingSessionRecorded e;
    e.set_case_id(case_id);
    e.set_district_code(s.case_row.view.district_code);
    e.set_session_id(x.session_id);
    e.set_expert_id(expert_id);
    e.set_kind(kind);
    *e.mutable_held_on() = ToProtoDate(time::ShanghaiDay(held_at));
    e.set_duration_minutes(x.duration_minutes);
    for (const auto& f : x.urgent_flag_ids) e.add_urgent_flag_ids(f);
    e.set_urgent_contact_late(late);
    CareWrite w;
    w.events.push_back(kafka::MakeEnvelope(kSessionRecordedType, case_id,
                                           s.case_row.view.district_code, held_at, now,
                                           principal.subject, e));
    session_id = x.session_id;
    w.session = std::move(x);
    return w;
  };
  auto state = store_.Mutate(principal, case_id, "RecordCounsellingSession",
                             absl::AsciiStrToLower(request.request_id()), expert_id, decide);
  if (!state.ok()) return state.status();
  for (const auto& x : state->sessions) {
    if (x.session_id == session_id) ToProto(x, response->mutable_session());
  }
  return absl::OkStatus();
}

absl::Status CounsellingServiceImpl::DoUpdatePsychFile(const auth::Principal& principal,
                                                       const v1::UpdatePsychFileRequest& request,
                                                       v1::UpdatePsychFileResponse* response) {
  if (auto st = domain::AuthorizePsychFile(principal); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  if (request.version() < 0) violations.push_back({"version", "must be 0 or more"});
  if (absl::StripAsciiWhitespace(request.text()).empty() ||
      request.text().size() > kMaxPsychFileBytes) {
    violations.push_back({"text", "is required, at most 20000 bytes"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::Time now = clock_.Now();
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  auto decide = [&](const CareState& s,
                    const std::optional<ExpertRecord>&) -> absl::StatusOr<CareWrite> {
    if (s.case_row.view.status == domain::CaseStatus::kClosed) {
      return absl::FailedPreconditionError("the case is closed");
    }
    const int current = s.file.has_value() ? s.file->version : 0;
    if (request.version() != current) {
      return absl::AbortedError(absl::StrCat("the psychological file is at version ", current,
                                             ", not ", request.version(), "; read it again"));
    }
    PsychFileRecord f;
    f.case_id = case_id;
    f.text_blob = cipher_.Encrypt(request.text(), kPsychFileContext);
    f.version = current + 1;
    f.updated_by = principal.subject;
    f.updated_at = now;
    CareWrite w;
    w.file = std::move(f);
    return w;
  };
  auto state = store_.Mutate(principal, case_id, "UpdatePsychFile",
                             absl::AsciiStrToLower(request.request_id()), "", decide);
  if (!state.ok()) return state.status();
  if (!state->file.has_value()) return absl::InternalError("the psychological file was not kept");
  return FileToProto(*state->file, cipher_, response->mutable_file());
}

absl::Status CounsellingServiceImpl::DoGetPsychFile(const auth::Principal& principal,
                                                    const v1::GetPsychFileRequest& request,
                                                    v1::GetPsychFileResponse* response) {
  if (auto st = domain::AuthorizePsychFile(principal); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  auto state = store_.Get(principal, absl::AsciiStrToLower(request.case_id()));
  if (!state.ok()) return state.status();
  if (state->file.has_value()) {
    if (auto st = FileToProto(*state->file, cipher_, response->mutable_file()); !st.ok()) return st;
  }
  for (const auto& x : state->sessions) ToProto(x, response->add_sessions());
  for (const auto& r : state->referrals) ToProto(r, response->add_referrals());
  for (const auto& u : state->urgent) ToProto(u, now, response->add_urgent_contacts());
  return absl::OkStatus();
}

absl::Status CounsellingServiceImpl::DoMakeReferral(const auth::Principal& principal,
                                                    const v1::MakeReferralRequest& request,
                                                    v1::MakeReferralResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  if (!IsAgencyId(request.institution_agency_id())) {
    violations.push_back(
        {"institution_agency_id", "is required: 1-64 letters, digits, '-', '_' or '.'"});
  }
  const std::string reason = CodeOf(request.reason(), kReasonPrefix);
  if (reason.empty()) {
    violations.push_back({"reason",
                          "is required: SEVERE_DISTRESS, PSYCHIATRIC_ASSESSMENT, SUBSTANCE_USE, "
                          "TRAUMA or OTHER"});
  }
  const absl::CivilDay referred_on =
      grpc_util::DayNotInFuture(request.referred_on(), "referred_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  std::string referral_id;
  auto decide = [&](const CareState& s,
                    const std::optional<ExpertRecord>&) -> absl::StatusOr<CareWrite> {
    const domain::CaseView& c = s.case_row.view;
    if (c.status == domain::CaseStatus::kClosed) {
      return absl::FailedPreconditionError("the case is closed");
    }
    if (c.supervision_start.has_value() && referred_on < *c.supervision_start) {
      return absl::InvalidArgumentError(
          absl::StrCat("referred_on is before the supervision start (",
                       time::FormatDate(*c.supervision_start), ")"));
    }
    ReferralRecord r;
    r.referral_id = ids::NewUuid();
    r.case_id = case_id;
    r.institution_agency_id = request.institution_agency_id();
    r.reason = reason;
    r.referred_on = referred_on;
    r.outcome = "PENDING";
    r.referred_by = principal.subject;
    v1::ReferralMade e;
    e.set_case_id(case_id);
    e.set_district_code(c.district_code);
    e.set_referral_id(r.referral_id);
    e.set_institution_agency_id(r.institution_agency_id);
    e.set_reason(reason);
    *e.mutable_referred_on() = ToProtoDate(referred_on);
    CareWrite w;
    w.events.push_back(kafka::MakeEnvelope(kReferralMadeType, case_id, c.district_code, now, now,
                                           principal.subject, e));
    referral_id = r.referral_id;
    w.new_referral = std::move(r);
    return w;
  };
  auto state = store_.Mutate(principal, case_id, "MakeReferral",
                             absl::AsciiStrToLower(request.request_id()), "", decide);
  if (!state.ok()) return state.status();
  for (const auto& r : state->referrals) {
    if (r.referral_id == referral_id) ToProto(r, response->mutable_referral());
  }
  return absl::OkStatus();
}

absl::Status CounsellingServiceImpl::DoRecordReferralOutcome(
    const auth::Principal& principal, const v1::RecordReferralOutcomeRequest& request,
    v1::RecordReferralOutcomeResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.referral_id(), "referral_id", "a referral id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::vector<FieldViolation> violations;
  const std::string outcome = CodeOf(request.outcome(), kOutcomePrefix);
  if (outcome.empty() || outcome == "PENDING") {
    violations.push_back({"outcome", "is required: ACCEPTED, DECLINED, COMPLETED or NO_SHOW"});
  }
  const absl::CivilDay outcome_on =
      grpc_util::DayNotInFuture(request.outcome_on(), "outcome_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  const std::string referral_id = absl::AsciiStrToLower(request.referral_id());
  auto decide = [&](const CareState& s,
                    const std::optional<ExpertRecord>&) -> absl::StatusOr<CareWrite> {
    for (const auto& r : s.referrals) {
      if (r.referral_id != referral_id) continue;
      if (auto st =
              domain::CheckReferralOutcome(r.outcome, outcome, r.referred_on, outcome_on, today);
          !st.ok()) {
        return st;
      }
      ReferralRecord next = r;
      next.outcome = outcome;
      next.outcome_on = outcome_on;
      CareWrite w;
      w.referral_outcome = std::move(next);
      return w;
    }
    return absl::NotFoundError("referral not found");
  };
  auto state = store_.Mutate(principal, case_id, "RecordReferralOutcome",
                             absl::AsciiStrToLower(request.request_id()), "", decide);
  if (!state.ok()) return state.status();
  for (const auto& r : state->referrals) {
    if (r.referral_id == referral_id) ToProto(r, response->mutable_referral());
  }
  return absl::OkStatus();
}

absl::Status CounsellingServiceImpl::DoListUrgentContacts(
    const auth::Principal& principal, const v1::ListUrgentContactsRequest& request,
    v1::ListUrgentContactsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::CheckListDistrict(principal, request.district_code(), &violations);
  UrgentFilter f;
  f.page_size = PageSize(request.page_size(), &violations);
  if (!request.page_token().empty()) {
    std::vector<std::string> parts = absl::StrSplit(request.page_token(), absl::MaxSplits('/', 1));
    int64_t micros = 0;
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &micros) || parts[1].empty() ||
        parts[1].size() > 128) {
      violations.push_back({"page_token", "is not a token of this list"});
    } else {
      f.after_due_at = absl::FromUnixMicros(micros);
      f.after_flag_id = parts[1];
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  f.district_code = request.district_code();
  f.overdue_only = request.overdue_only();
  f.now = clock_.Now();
  auto page = store_.ListUrgent(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& u : page->items) ToProto(u, f.now, response->add_items());
  response->set_next_page_token(page->next_token);
  return absl::OkStatus();
}

}  // namespace ccms::education
