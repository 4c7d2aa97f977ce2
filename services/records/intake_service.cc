#include "services/records/intake_service.h"


#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/domain/access.h"

namespace ccms::records {
namespace {

using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

constexpr char kFamilyContactContext[] = "supervision_teams.family_contact_cipher";

constexpr char kInvestigationIdContext[] = "investigations.id_cipher";

constexpr size_t kMaxVolunteers = 20;

constexpr size_t kMaxPresentStaff = 20;

// Staff, office and volunteer ids: letters, digits, - and _.
bool IsStaffId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// Names and phone numbers: printable single-line text (a newline separates the two in the
// family contact's ciphertext).
bool IsLine(const std::string& text, size_t max_bytes) {
  if (text.size() > max_bytes) return false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\0') return false;
  }
  return true;
}

std::optional<domain::CommissioningBodyKind> FromProto(v1::CommissioningBodyKind k) {
  switch (k) {
    case v1::COMMISSIONING_BODY_KIND_COURT:
      return domain::CommissioningBodyKind::kCourt;
    case v1::COMMISSIONING_BODY_KIND_PROCURATORATE:
      return domain::CommissioningBodyKind::kProcuratorate;
    case v1::COMMISSIONING_BODY_KIND_PUBLIC_SECURITY:
      return domain::CommissioningBodyKind::kPublicSecurity;
    case v1::COMMISSIONING_BODY_KIND_PRISON:
      return domain::CommissioningBodyKind::kPrison;
    default:
      return std::nullopt;
  }
}

v1::CommissioningBodyKind ToProto(domain::CommissioningBodyKind k) {
  switch (k) {
    case domain::CommissioningBodyKind::kCourt:
      return v1::COMMISSIONING_BODY_KIND_COURT;
    case domain::CommissioningBodyKind::kProcuratorate:
      return v1::COMMISSIONING_BODY_KIND_PROCURATORATE;
    case domain::CommissioningBodyKind::kPublicSecurity:
      return v1::COMMISSIONING_BODY_KIND_PUBLIC_SECURITY;
    case domain::CommissioningBodyKind::kPrison:
      return v1::COMMISSIONING_BODY_KIND_PRISON;
  }
  return v1::COMMISSIONING_BODY_KIND_UNSPECIFIED;
}

v1::InvestigationStatus ToProto(domain::InvestigationStatus s) {
  switch (s) {
    case domain::InvestigationStatus::kCommissioned:
      return v1::INVESTIGATION_STATUS_COMMISSIONED;
    case domain::InvestigationStatus::kConcluded:
      return v1::INVESTIGATION_STATUS_CONCLUDED;
    case domain::InvestigationStatus::kWithdrawn:
      return v1::INVESTIGATION_STATUS_WITHDRAWN;
  }
  return v1::INVESTIGATION_STATUS_UNSPECIFIED;
}

// The proto's sentence kinds are the domain's in the same order, UNSPECIFIED first.
domain::SentenceKind SentenceKindOf(common::v1::SentenceKind k) {
  if (k < common::v1::SENTENCE_KIND_PROBATION ||
      k > common::v1::SENTENCE_KIND_TEMPORARY_OUTSIDE_PRISON) {
    return domain::SentenceKind::kUnspecified;
  }
  return static_cast<domain::SentenceKind>(static_cast<int>(k));
}

common::v1::SentenceKind ToProtoSentenceKind(domain::SentenceKind k) {
  return static_cast<common::v1::SentenceKind>(static_cast<int>(k));
}

void HandoverToProto(const HandoverRecord& h, v1::Handover* out) {
  *out->mutable_notified_on() = ToProtoDate(h.notified_on);
  if (h.documents_received_on.has_value()) {
    *out->mutable_documents_received_on() = ToProtoDate(*h.documents_received_on);
  }
  *out->mutable_notice_due() = ToProtoDate(h.assessment.notice_due);
  *out->mutable_documents_due() = ToProtoDate(h.assessment.documents_due);
  out->set_notice_late(h.assessment.notice_late);
  out->set_documents_late(h.assessment.documents_late);
  out->set_policy_version(h.policy_version);
}

void AnnouncementToProto(const AnnouncementRecord& a, v1::IntakeAnnouncement* out) {
  out->set_announcement_id(a.announcement_id);
  *out->mutable_announced_on() = ToProtoDate(a.announced_on);
  for (const auto& id : a.present_staff_ids) out->add_present_staff_ids(id);
}

// The team as shown to staff: the family contact decrypted.
absl::Status TeamToProto(const SupervisionTeamRecord& t, const crypto::PiiCipher& cipher,
                         v1::SupervisionTeam* out) {
  out->set_team_id(t.team_id);
  out->set_officer_id(t.officer_id);
  out->set_social_worker_id(t.social_worker_id);
  for (const auto& id : t.volunteer_ids) out->add_volunteer_ids(id);
  *out->mutable_effective_on() = ToProtoDate(t.effective_on);
  if (t.family_contact_cipher.empty()) return absl::OkStatus();
  auto plain = cipher.Decrypt(t.family_contact_cipher, kFamilyContactContext);
  if (!plain.ok()) return absl::InternalError("the family contact cannot be decrypted");
  const size_t nl = plain->find('\n');
  out->mutable_family_contact()->set_name(plain->substr(0, nl));
  if (nl != std::string::npos) out->mutable_family_contact()->set_phone(plain->substr(nl + 1));
  return absl::OkStatus();
}

}  // namespace

void IntakeServiceImpl::InvestigationToProto(const InvestigationRecord& i,
                                             v1::Investigation* out) const {
  out->set_investigation_id(i.investigation_id);
  out->set_district_code(i.district_code);
  out->set_office_id(i.office_id);
  out->set_commissioning_body_kind(ToProto(i.body_kind));
  out->set_commissioning_body_name(i.body_name);
  out->set_person_name(i.person_name);
  out->set_id_number_masked(absl::StrCat("**************", i.id_last4));
  out->set_proposed_sentence_kind(ToProtoSentenceKind(i.proposed_sentence_kind));
  out->set_fast_track(i.fast_track);
  *out->mutable_commissioned_on() = ToProtoDate(i.commissioned_on);
  *out->mutable_due_on() = ToProtoDate(i.due_on);
  out->set_policy_version(i.policy_version);
  out->set_status(ToProto(i.status));
  if (i.conclusion.has_value()) {
    out->set_conclusion(*i.conclusion == domain::InvestigationConclusion::kSuitable
                            ? v1::INVESTIGATION_CONCLUSION_SUITABLE
                            : v1::INVESTIGATION_CONCLUSION_NOT_SUITABLE);
  }
  out->set_reasons(i.reasons);
  if (i.closed_on.has_value()) *out->mutable_closed_on() = ToProtoDate(*i.closed_on);
  out->set_concluded_late(i.concluded_late);
  out->set_case_id(i.case_id);
  // The rule as it stood when the due date was computed: the version in force on the day it was
  // commissioned, whose name i.policy_version keeps.
  out->set_rule(domain::InvestigationRule(i.fast_track, PolicyOn(i.commissioned_on).investigation,
                                          i.policy_version));
}

absl::Status IntakeServiceImpl::DoCommissionInvestigation(
    const auth::Principal& principal, const v1::CommissionInvestigationRequest& request,
    v1::CommissionInvestigationResponse* response) {
  constexpr char kAction[] = "CommissionInvestigation";
  if (auto st = domain::Authorize(principal, domain::CaseAction::kInvestigate); !st.ok()) {
    return AuditDenied(principal, kAction, "", request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const std::string district(absl::StripAsciiWhitespace(request.district_code()));
  if (!auth::IsDistrictCode(district)) {
    violations.push_back({"district_code", "must be a 6-digit district code"});
  }
  if (!request.office_id().empty() && !IsStaffId(request.office_id())) {
    violations.push_back({"office_id", "letters, digits, - and _ only"});
  }
  const auto body_kind = FromProto(request.commissioning_body_kind());
  if (!body_kind.has_value()) {
    violations.push_back({"commissioning_body_kind", "is required"});
  }
  const std::string body_name(absl::StripAsciiWhitespace(request.commissioning_body_name()));
  if (body_name.empty() || !IsLine(body_name, 200)) {
    violations.push_back({"commissioning_body_name", "is required (one line, at most 200 bytes)"});
  }
  const std::string person_name(absl::StripAsciiWhitespace(request.person_name()));
  if (person_name.empty() || !IsLine(person_name, 100)) {
    violations.push_back({"person_name", "is required (one line, at most 100 bytes)"});
  }
  const std::string id_text(absl::StripAsciiWhitespace(request.id_number()));
  auto resident = domain::ParseResidentId(id_text, today);
  if (id_text.empty()) {
    violations.push_back({"id_number", "is required"});
  } else if (!resident.ok()) {
    violations.push_back({"id_number", std::string(resident.status().message())});
  }
  const domain::SentenceKind sentence_kind = SentenceKindOf(request.proposed_sentence_kind());
  if (sentence_kind == domain::SentenceKind::kUnspecified) {
    violations.push_back({"proposed_sentence_kind", "is required"});
  }
  auto commissioned = DateField(request.commissioned_on(), "commissioned_on", &violations);
  if (commissioned.has_value() && *commissioned > today) {
    violations.push_back({"commissioned_on", "must not be in the future"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (auto st = domain::Authorize(principal, domain::CaseAction::kInvestigate, district);
      !st.ok()) {
    return AuditDenied(principal, kAction, "", request.request_id(), st);
  }

  NewInvestigation n;
  n.request_id = absl::AsciiStrToLower(request.request_id());
  InvestigationRecord& rec = n.record;
  rec.investigation_id = ids::NewUuid();
  rec.district_code = district;
  rec.office_id = request.office_id();
  rec.body_kind = *body_kind;
  rec.body_name = body_name;
  rec.person_name = person_name;
  rec.id_last4 = resident->normalized.substr(14);
  rec.proposed_sentence_kind = sentence_kind;
  rec.fast_track = request.fast_track();
  rec.commissioned_on = commissioned.value_or(today);
  // Counted from the day it was commissioned, by the version in force then.
  const domain::RecordsPolicy& policy = PolicyOn(rec.commissioned_on);
  rec.due_on =
      domain::InvestigationDueOn(rec.commissioned_on, rec.fast_track, policy.investigation);
  rec.policy_version = policy.version;
  n.id_cipher = cipher_.Encrypt(resident->normalized, kInvestigationIdContext);
  n.id_hash = cipher_.KeyedHash(resident->normalized);

  auto stored = store_.CommissionInvestigation(principal, n, [&](const InvestigationRecord& i) {
    v1::InvestigationCommissioned payload;
    payload.set_investigation_id(i.investigation_id);
    payload.set_district_code(i.district_code);
    payload.set_commissioning_body_kind(
        std::string(domain::CommissioningBodyKindName(i.body_kind)));
    payload.set_proposed_sentence_kind(ToProtoSentenceKind(i.proposed_sentence_kind));
    payload.set_fast_track(i.fast_track);
    *payload.mutable_commissioned_on() = ToProtoDate(i.commissioned_on);
    *payload.mutable_due_on() = ToProtoDate(i.due_on);
    payload.set_policy_version(i.policy_version);
    // No case yet: the investigation id is the envelope's key.
    return kafka::MakeEnvelope("ccms.records.investigation_commissioned", i.investigation_id,
                               i.district_code, now, now, principal.subject, payload);
  });
  if (!stored.ok()) return stored.status();
  InvestigationToProto(*stored, response->mutable_investigation());
  return absl::OkStatus();
}

absl::Status IntakeServiceImpl::CloseInvestigation(
    const auth::Principal& principal, const std::string& action, const std::string& request_id,
    const std::string& investigation_id, std::optional<domain::InvestigationConclusion> conclusion,
    const google::type::Date& on_date, const char* on_field, const std::string& text,
    v1::Investigation* out) {
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  auto on = DayNotInFuture(on_date, on_field, today);
  if (!on.ok()) return on.status();
  InvestigationChange change{absl::AsciiStrToLower(request_id),
                             absl::AsciiStrToLower(investigation_id), action,
                             conclusion.has_value() ? "" : text};
  auto stored = store_.ChangeInvestigation(
      principal, change,
      [&](InvestigationRecord& i) -> absl::Status {
        absl::Status st = domain::CheckInvestigationClosing(i.status, i.commissioned_on, *on);
        if (absl::IsInvalidArgument(st)) {
          return grpc_util::InvalidArgumentWithViolations({{on_field, std::string(st.message())}});
        }
        if (!st.ok()) return st;
        i.closed_on = *on;
        i.concluded_late = *on > i.due_on;
        if (conclusion.has_value()) {
          i.status = domain::InvestigationStatus::kConcluded;
          i.conclusion = conclusion;
          i.reasons = text;
        } else {
          i.status = domain::InvestigationStatus::kWithdrawn;
        }
        return absl::OkStatus();
      },
      [&](const InvestigationRecord& i) {
        v1::InvestigationConcluded payload;
        payload.set_investigation_id(i.investigation_id);
        payload.set_district_code(i.district_code);
        payload.set_status(std::string(domain::InvestigationStatusName(i.status)));
        if (i.conclusion.has_value()) {
          payload.set_conclusion(std::string(domain::InvestigationConclusionName(*i.conclusion)));
        }
        *payload.mutable_closed_on() = ToProtoDate(*i.closed_on);
        *payload.mutable_due_on() = ToProtoDate(i.due_on);
        payload.set_late(i.concluded_late);
        return kafka::MakeEnvelope(conclusion.has_value() ? "ccms.records.investigation_concluded"
                                                          : "ccms.records.investigation_withdrawn",
                                   i.investigation_id, i.district_code, now, now, principal.subject,
                                   payload);
      });
  if (!stored.ok()) return stored.status();
  InvestigationToProto(*stored, out);
  return absl::OkStatus();
}

absl::Status IntakeServiceImpl::DoRecordInvestigationConclusion(
    const auth::Principal& principal, const v1::RecordInvestigationConclusionRequest& request,
    v1::RecordInvestigationConclusionResponse* response) {
  constexpr char kAction[] = "RecordInvestigationConclusion";
  if (auto st = domain::Authorize(principal, domain::CaseAction::kInvestigate); !st.ok()) {
    return AuditDenied(principal, kAction, "", request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  if (!ids::IsUuid(request.investigation_id())) {
    violations.push_back({"investigation_id", "must be an investigation id (UUID)"});
  }
  std::optional<domain::InvestigationConclusion> conclusion;
  if (request.conclusion() == v1::INVESTIGATION_CONCLUSION_SUITABLE) {
    conclusion = domain::InvestigationConclusion::kSuitable;
  } else if (request.conclusion() == v1::INVESTIGATION_CONCLUSION_NOT_SUITABLE) {
    conclusion = domain::InvestigationConclusion::kNotSuitable;
  } else {
    violations.push_back({"conclusion", "is required: SUITABLE or NOT_SUITABLE"});
  }
  if (absl::StripAsciiWhitespace(request.reasons()).empty()) {
    violations.push_back({"reasons", "are required"});
  } else if (request.reasons().size() > 8000) {
    violations.push_back({"reasons", "are too long (at most 8000 bytes)"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  return CloseInvestigation(principal, kAction, request.request_id(), request.investigation_id(),
                            conclusion, request.concluded_on(), "concluded_on", request.reasons(),
                            response->mutable_investigation());
}

absl::Status IntakeServiceImpl::DoWithdrawInvestigation(
    const auth::Principal& principal, const v1::WithdrawInvestigationRequest& request,
    v1::WithdrawInvestigationResponse* response) {
  constexpr char kAction[] = "WithdrawInvestigation";
  if (auto st = domain::Authorize(principal, domain::CaseAction::kInvestigate); !st.ok()) {
    return AuditDenied(principal, kAction, "", request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckUuidField(request.investigation_id(), "investigation_id",
                               "an investigation id (UUID)");
      !st.ok()) {
    return st;
  }
  if (auto st = CheckText(request.reason(), "reason", 8000); !st.ok()) return st;
  return CloseInvestigation(principal, kAction, request.request_id(), request.investigation_id(),
                            std::nullopt, request.withdrawn_on(), "withdrawn_on", request.reason(),
                            response->mutable_investigation());
}

absl::Status IntakeServiceImpl::DoGetInvestigation(const auth::Principal& principal,
                                                   const v1::GetInvestigationRequest& request,
                                                   v1::GetInvestigationResponse* response,
                                                   const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "GetInvestigation", "", call_id, st);
  }
  if (auto st = CheckUuidField(request.investigation_id(), "investigation_id",
                               "an investigation id (UUID)");
      !st.ok()) {
    return st;
  }
  auto rec = store_.GetInvestigation(principal, absl::AsciiStrToLower(request.investigation_id()),
                                     call_id);
  if (!rec.ok()) return rec.status();
  InvestigationToProto(*rec, response->mutable_investigation());
  return absl::OkStatus();
}

absl::Status IntakeServiceImpl::DoListInvestigations(const auth::Principal& principal,
                                                     const v1::ListInvestigationsRequest& request,
                                                     v1::ListInvestigationsResponse* response,
                                                     const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "ListInvestigations", "", call_id, st);
  }
  std::vector<FieldViolation> violations;
  InvestigationFilter filter;
  filter.district_code = request.district_code();
  DistrictFilterField(filter.district_code, &violations);
  switch (request.status()) {
    case v1::INVESTIGATION_STATUS_UNSPECIFIED:
      break;
    case v1::INVESTIGATION_STATUS_COMMISSIONED:
      filter.status = domain::InvestigationStatus::kCommissioned;
      break;
    case v1::INVESTIGATION_STATUS_CONCLUDED:
      filter.status = domain::InvestigationStatus::kConcluded;
      break;
    case v1::INVESTIGATION_STATUS_WITHDRAWN:
      filter.status = domain::InvestigationStatus::kWithdrawn;
      break;
    default:
      violations.push_back({"status", "is not a known status"});
  }
  const int page_size = CheckPageSize(request.page_size(), 50, 500, &violations);
  if (!request.page_token().empty()) {
    auto cursor = DecodeToken("i1:", request.page_token());
    if (!cursor.has_value() || !ids::IsUuid(*cursor)) {
      violations.push_back({"page_token", "is not a token from a previous response"});
    } else {
      filter.after_investigation_id = *cursor;
    }
  }
  auto as_of = DateField(request.as_of(), "as_of", &violations);
  if (as_of.has_value() && !request.overdue_only()) {
    violations.push_back({"as_of", "is used with overdue_only only"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::CivilDay day = as_of.value_or(time::ShanghaiDay(clock_.Now()));
  if (request.overdue_only()) filter.overdue_as_of = day;
  filter.limit = page_size + 1;
  auto rows = store_.ListInvestigations(principal, filter, call_id);
  if (!rows.ok()) return rows.status();
  for (size_t k = 0; k < rows->size() && static_cast<int>(k) < page_size; ++k) {
    const InvestigationRecord& i = (*rows)[k];
    v1::Investigation* out = response->add_investigations();
    InvestigationToProto(i, out);
    if (request.overdue_only()) {
      // Working days by the calendar of the version that set the due date.
      const auto overdue =
          domain::InvestigationOverdueOn(i.commissioned_on, i.due_on, i.closed_on, day,
                                         PolicyOn(i.commissioned_on).investigation.calendar);
      out->set_calendar_days_overdue(overdue.calendar_days);
      out->set_working_days_overdue(overdue.working_days);
    }
  }
  if (static_cast<int>(rows->size()) > page_size) {
    response->set_next_page_token(EncodeToken("i1:", (*rows)[page_size - 1].investigation_id));
  }
  response->set_policy_version(PolicyOn(day).version);
  return absl::OkStatus();
}

absl::Status IntakeServiceImpl::DoRecordHandoverNotification(
    const auth::Principal& principal, const v1::RecordHandoverNotificationRequest& request,
    v1::RecordHandoverNotificationResponse* response) {
  constexpr char kAction[] = "RecordHandoverNotification";
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordIntake); !st.ok()) {
    return AuditDenied(principal, kAction, request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  auto notified = DateField(request.notified_on(), "notified_on", &violations);
  auto documents = DateField(request.documents_received_on(), "documents_received_on", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  HandoverRecord h;
  h.notified_on = notified.value_or(today);
  h.documents_received_on = documents;
  auto stored = store_.RecordHandover(
      principal, MutationOf(request.request_id(), request.case_id(), kAction), h,
      [&](const CaseRecord& c, HandoverRecord& rec) -> absl::Status {
        std::vector<FieldViolation> bad;
        for (const auto& v : domain::CheckHandoverDates(c.judgment_effective_date, rec.notified_on,
                                                        rec.documents_received_on, today)) {
          bad.push_back({v.field, v.description});
        }
        if (!bad.empty()) return grpc_util::InvalidArgumentWithViolations(bad);
        // Counted from the judgment's effective date, by the version in force then.
        const domain::RecordsPolicy& policy = PolicyOn(c.judgment_effective_date);
        rec.assessment = domain::AssessHandover(c.judgment_effective_date, rec.notified_on,
                                                rec.documents_received_on, policy.handover);
        rec.policy_version = policy.version;
        h = rec;  // the event below reads the assessment
        return absl::OkStatus();
      },
      [&](const CaseRecord& c) {
        v1::HandoverNotificationRecorded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        *payload.mutable_notified_on() = ToProtoDate(h.notified_on);
        if (h.documents_received_on.has_value()) {
          *payload.mutable_documents_received_on() = ToProtoDate(*h.documents_received_on);
        }
        payload.set_notice_late(h.assessment.notice_late);
        payload.set_documents_late(h.assessment.documents_late);
        payload.set_policy_version(h.policy_version);
        return kafka::MakeEnvelope("ccms.records.handover_notification_recorded", c.case_id,
                                   c.district_code, now, now, principal.subject, payload);
      });
  if (!stored.ok()) return stored.status();
  HandoverToProto(*stored, response->mutable_handover());
  return absl::OkStatus();
}

absl::Status IntakeServiceImpl::DoRecordIntakeAnnouncement(
    const auth::Principal& principal, const v1::RecordIntakeAnnouncementRequest& request,
    v1::RecordIntakeAnnouncementResponse* response) {
  constexpr char kAction[] = "RecordIntakeAnnouncement";
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordIntake); !st.ok()) {
    return AuditDenied(principal, kAction, request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  auto announced = DateField(request.announced_on(), "announced_on", &violations);
  if (request.present_staff_ids_size() == 0) {
    violations.push_back({"present_staff_ids", "name at least one member of staff present"});
  } else if (static_cast<size_t>(request.present_staff_ids_size()) > kMaxPresentStaff) {
    violations.push_back({"present_staff_ids", "at most 20"});
  }
  for (const auto& id : request.present_staff_ids()) {
    if (!IsStaffId(id)) {
      violations.push_back({"present_staff_ids", "staff ids: letters, digits, - and _ only"});
      break;
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  AnnouncementRecord a{ids::NewUuid(),
                       announced.value_or(today),
                       {request.present_staff_ids().begin(), request.present_staff_ids().end()}};
  auto stored = store_.RecordIntakeAnnouncement(
      principal, MutationOf(request.request_id(), request.case_id(), kAction), a,
      [&](const CaseRecord& c) -> absl::Status {
        absl::Status st =
            domain::CheckAnnouncementDate(a.announced_on, c.intake_reported_on, today);
        if (absl::IsInvalidArgument(st)) {
          return grpc_util::InvalidArgumentWithViolations(
              {{"announced_on", std::string(st.message())}});
        }
        return st;
      },
      [&](const CaseRecord& c) {
        v1::IntakeAnnounced payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_announcement_id(a.announcement_id);
        *payload.mutable_announced_on() = ToProtoDate(a.announced_on);
        return kafka::MakeEnvelope("ccms.records.intake_announced", c.case_id, c.district_code, now,
                                   now, principal.subject, payload);
      });
  if (!stored.ok()) return stored.status();
  AnnouncementToProto(*stored, response->mutable_announcement());
  return absl::OkStatus();
}

absl::Status IntakeServiceImpl::DoSetSupervisionTeam(const auth::Principal& principal,
                                                     const v1::SetSupervisionTeamRequest& request,
                                                     v1::SetSupervisionTeamResponse* response) {
  constexpr char kAction[] = "SetSupervisionTeam";
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordIntake); !st.ok()) {
    return AuditDenied(principal, kAction, request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  if (!IsStaffId(request.officer_id())) {
    violations.push_back({"officer_id", "is required (letters, digits, - and _)"});
  }
  if (!request.social_worker_id().empty() && !IsStaffId(request.social_worker_id())) {
    violations.push_back({"social_worker_id", "letters, digits, - and _ only"});
  }
  if (static_cast<size_t>(request.volunteer_ids_size()) > kMaxVolunteers) {
    violations.push_back({"volunteer_ids", "at most 20"});
  }
  for (const auto& id : request.volunteer_ids()) {
    if (!IsStaffId(id)) {
      violations.push_back({"volunteer_ids", "volunteer ids: letters, digits, - and _ only"});
      break;
    }
  }
  const auto& family = request.family_contact();
  const std::string family_name(absl::StripAsciiWhitespace(family.name()));
  const std::string family_phone(absl::StripAsciiWhitespace(family.phone()));
  if (!IsLine(family_name, 100)) {
    violations.push_back({"family_contact.name", "one line, at most 100 bytes"});
  }
  if (!IsLine(family_phone, 32)) {
    violations.push_back({"family_contact.phone", "one line, at most 32 bytes"});
  }
  if (family_name.empty() != family_phone.empty()) {
    violations.push_back({family_name.empty() ? "family_contact.name" : "family_contact.phone",
                          "give both the family contact's name and phone, or neither"});
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  auto effective = DateField(request.effective_on(), "effective_on", &violations);
  if (effective.has_value() && *effective > today) {
    violations.push_back({"effective_on", "must not be in the future"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  SupervisionTeamRecord team;
  team.team_id = ids::NewUuid();
  team.officer_id = request.officer_id();
  team.social_worker_id = request.social_worker_id();
  team.volunteer_ids.assign(request.volunteer_ids().begin(), request.volunteer_ids().end());
  if (!family_name.empty()) {
    team.family_contact_cipher =
        cipher_.Encrypt(absl::StrCat(family_name, "\n", family_phone), kFamilyContactContext);
  }
  team.effective_on = effective.value_or(today);
  auto stored = store_.SetSupervisionTeam(
      principal, MutationOf(request.request_id(), request.case_id(), kAction), team,
      [&](const CaseRecord& c) {
        v1::SupervisionTeamChanged payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_team_id(team.team_id);
        payload.set_officer_id(team.officer_id);
        payload.set_social_worker_id(team.social_worker_id);
        for (const auto& id : team.volunteer_ids) payload.add_volunteer_ids(id);
        *payload.mutable_effective_on() = ToProtoDate(team.effective_on);
        return kafka::MakeEnvelope("ccms.records.supervision_team_changed", c.case_id,
                                   c.district_code, now, now, principal.subject, payload);
      });
  if (!stored.ok()) return stored.status();
  return TeamToProto(*stored, cipher_, response->mutable_team());
}

absl::Status IntakeServiceImpl::DoGetHandoverAndIntake(
    const auth::Principal& principal, const v1::GetHandoverAndIntakeRequest& request,
    v1::GetHandoverAndIntakeResponse* response, const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "GetHandoverAndIntake", request.case_id(), call_id, st);
  }
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  auto got =
      store_.GetHandoverAndIntake(principal, absl::AsciiStrToLower(request.case_id()), call_id);
  if (!got.ok()) return got.status();
  if (got->handover.has_value()) HandoverToProto(*got->handover, response->mutable_handover());
  if (got->announcement.has_value()) {
    AnnouncementToProto(*got->announcement, response->mutable_announcement());
  }
  if (got->team.has_value()) return TeamToProto(*got->team, cipher_, response->mutable_team());
  return absl::OkStatus();
}

CCMS_UNARY_HANDLER(IntakeServiceImpl, CommissionInvestigation)
CCMS_UNARY_HANDLER(IntakeServiceImpl, RecordInvestigationConclusion)
CCMS_UNARY_HANDLER(IntakeServiceImpl, WithdrawInvestigation)
CCMS_UNARY_HANDLER_WITH_CALL_ID(IntakeServiceImpl, GetInvestigation)
CCMS_UNARY_HANDLER_WITH_CALL_ID(IntakeServiceImpl, ListInvestigations)
CCMS_UNARY_HANDLER(IntakeServiceImpl, RecordHandoverNotification)
CCMS_UNARY_HANDLER(IntakeServiceImpl, RecordIntakeAnnouncement)
CCMS_UNARY_HANDLER(IntakeServiceImpl, SetSupervisionTeam)
CCMS_UNARY_HANDLER_WITH_CALL_ID(IntakeServiceImpl, GetHandoverAndIntake)

}  // namespace ccms::records
