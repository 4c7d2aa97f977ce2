#include "services/records/records_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/domain/access.h"

namespace ccms::records {
namespace {

using grpc_util::FieldViolation;
using grpc_util::FromProtoDate;
using grpc_util::ToProtoDate;
using grpc_util::ToProtoTimestamp;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr char kPageTokenPrefix[] = "c1:";

domain::SentenceKind FromProto(common::v1::SentenceKind k) {
  switch (k) {
    case common::v1::SENTENCE_KIND_PROBATION:
      return domain::SentenceKind::kProbation;
    case common::v1::SENTENCE_KIND_PAROLE:
      return domain::SentenceKind::kParole;
    case common::v1::SENTENCE_KIND_PUBLIC_SURVEILLANCE:
      return domain::SentenceKind::kPublicSurveillance;
    case common::v1::SENTENCE_KIND_TEMPORARY_OUTSIDE_PRISON:
      return domain::SentenceKind::kTemporaryOutsidePrison;
    default:
      return domain::SentenceKind::kUnspecified;
  }
}

common::v1::SentenceKind ToProto(domain::SentenceKind k) {
  switch (k) {
    case domain::SentenceKind::kProbation:
      return common::v1::SENTENCE_KIND_PROBATION;
    case domain::SentenceKind::kParole:
      return common::v1::SENTENCE_KIND_PAROLE;
    case domain::SentenceKind::kPublicSurveillance:
      return common::v1::SENTENCE_KIND_PUBLIC_SURVEILLANCE;
    case domain::SentenceKind::kTemporaryOutsidePrison:
      return common::v1::SENTENCE_KIND_TEMPORARY_OUTSIDE_PRISON;
    default:
      return common::v1::SENTENCE_KIND_UNSPECIFIED;
  }
}

domain::CaseStatus FromProto(v1::CaseStatus s) {
  switch (s) {
    case v1::CASE_STATUS_PENDING_INTAKE:
      return domain::CaseStatus::kPendingIntake;
    case v1::CASE_STATUS_ACTIVE:
      return domain::CaseStatus::kActive;
    case v1::CASE_STATUS_DISCHARGED:
      return domain::CaseStatus::kDischarged;
    case v1::CASE_STATUS_REVOKED:
      return domain::CaseStatus::kRevoked;
    case v1::CASE_STATUS_TRANSFERRED_OUT:
      return domain::CaseStatus::kTransferredOut;
    default:
      return domain::CaseStatus::kUnspecified;
  }
}

v1::CaseStatus ToProto(domain::CaseStatus s) {
  switch (s) {
    case domain::CaseStatus::kPendingIntake:
      return v1::CASE_STATUS_PENDING_INTAKE;
    case domain::CaseStatus::kActive:
      return v1::CASE_STATUS_ACTIVE;
    case domain::CaseStatus::kDischarged:
      return v1::CASE_STATUS_DISCHARGED;
    case domain::CaseStatus::kRevoked:
      return v1::CASE_STATUS_REVOKED;
    case domain::CaseStatus::kTransferredOut:
      return v1::CASE_STATUS_TRANSFERRED_OUT;
    default:
      return v1::CASE_STATUS_UNSPECIFIED;
  }
}

common::v1::Sex ToProto(domain::Sex s) {
  switch (s) {
    case domain::Sex::kMale:
      return common::v1::SEX_MALE;
    case domain::Sex::kFemale:
      return common::v1::SEX_FEMALE;
    default:
      return common::v1::SEX_UNSPECIFIED;
  }
}

void ToProto(const CaseRecord& c, v1::Case* out) {
  out->set_case_id(c.case_id);
  out->set_case_number(c.case_number);
  out->set_status(ToProto(c.status));
  auto* p = out->mutable_person();
  p->set_person_id(c.person_id);
  p->set_name(c.name);
  p->set_id_number_masked(absl::StrCat("**************", c.id_last4));
  *p->mutable_birth_date() = ToProtoDate(c.birth_date);
  p->set_sex(ToProto(c.sex));
  p->set_phone(c.phone);
  p->set_household_address(c.household_address);
  p->set_residence_address(c.residence_address);
  auto* s = out->mutable_sentence();
  s->set_kind(ToProto(c.sentence_kind));
  s->set_offence_category(c.offence_category);
  s->set_deciding_authority(c.deciding_authority);
  *s->mutable_judgment_effective_date() = ToProtoDate(c.judgment_effective_date);
  *s->mutable_start_date() = ToProtoDate(c.start_date);
  *s->mutable_end_date() = ToProtoDate(c.end_date);
  s->set_prohibition_orders(c.prohibition_orders);
  auto* a = out->mutable_assignment();
  a->set_district_code(c.district_code);
  a->set_office_id(c.office_id);
  a->set_officer_id(c.officer_id);
  a->set_social_worker_id(c.social_worker_id);
  out->set_minor(c.minor);
  *out->mutable_intake_deadline() = ToProtoDate(c.intake_deadline);
  if (c.intake_reported_on.has_value()) {
    *out->mutable_intake_reported_on() = ToProtoDate(*c.intake_reported_on);
  }
  out->set_intake_late(c.intake_late);
  *out->mutable_created_at() = ToProtoTimestamp(c.created_at);
  *out->mutable_updated_at() = ToProtoTimestamp(c.updated_at);
  out->set_version(c.version);
}

// Reads an optional date field; a malformed one becomes a violation.
std::optional<absl::CivilDay> DateField(const google::type::Date& d, const char* field,
                                        std::vector<FieldViolation>* violations) {
  bool invalid = false;
  auto day = FromProtoDate(d, &invalid);
  if (invalid) violations->push_back({field, "is not a valid calendar date"});
  return day;
}

absl::Status CheckRequestId(const std::string& request_id) {
  if (!ids::IsUuid(request_id)) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"request_id", "is required: a UUID chosen by the client, reused on retries"}});
  }
  return absl::OkStatus();
}

absl::Status CheckCaseId(const std::string& case_id) {
  if (!ids::IsUuid(case_id)) {
    return grpc_util::InvalidArgumentWithViolations({{"case_id", "must be a case id (UUID)"}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RecordsServiceImpl::DoOpenCase(const auth::Principal& principal,
                                            const v1::OpenCaseRequest& request,
                                            v1::OpenCaseResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kOpen); !st.ok()) return st;
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;

  std::vector<FieldViolation> violations;
  domain::NewCase in;
  const auto& person = request.person();
  in.name = std::string(absl::StripAsciiWhitespace(person.name()));
  in.id_number = std::string(absl::StripAsciiWhitespace(person.id_number()));
  in.birth_date = DateField(person.birth_date(), "person.birth_date", &violations);
  in.sex = person.sex() == common::v1::SEX_MALE     ? domain::Sex::kMale
           : person.sex() == common::v1::SEX_FEMALE ? domain::Sex::kFemale
                                                    : domain::Sex::kUnspecified;
  in.phone = std::string(absl::StripAsciiWhitespace(person.phone()));
  in.household_address = person.household_address();
  in.residence_address = person.residence_address();
  const auto& sentence = request.sentence();
  in.sentence_kind = FromProto(sentence.kind());
  in.offence_category = sentence.offence_category();
  in.deciding_authority = sentence.deciding_authority();
  in.judgment_effective_date = DateField(sentence.judgment_effective_date(),
                                         "sentence.judgment_effective_date", &violations);
  in.supervision_start_date = DateField(sentence.start_date(), "sentence.start_date", &violations);
  in.supervision_end_date = DateField(sentence.end_date(), "sentence.end_date", &violations);
  in.prohibition_orders = sentence.prohibition_orders();
  const auto& assignment = request.assignment();
  in.district_code = std::string(absl::StripAsciiWhitespace(assignment.district_code()));
  in.office_id = assignment.office_id();
  in.officer_id = assignment.officer_id();
  in.social_worker_id = assignment.social_worker_id();

  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  domain::ValidatedCase validated;
  for (auto& v : domain::ValidateNewCase(in, today, &validated)) {
    // A malformed date was reported already; the domain sees it as missing.
    bool dup = false;
    for (const auto& seen : violations) dup = dup || seen.field == v.field;
    if (!dup) violations.push_back({v.field, v.description});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (auto st = domain::Authorize(principal, domain::CaseAction::kOpen, in.district_code);
      !st.ok()) {
    return st;
  }

  OpenCaseCommand cmd;
  cmd.request_id = absl::AsciiStrToLower(request.request_id());
  cmd.case_id = ids::NewUuid();
  cmd.id_cipher = cipher_.Encrypt(validated.resident_id.normalized, "persons.id_cipher");
  cmd.id_hash = cipher_.KeyedHash(validated.resident_id.normalized);
  cmd.id_last4 = validated.resident_id.normalized.substr(14);
  cmd.case_year = static_cast<int>(today.year());
  cmd.input = std::move(in);
  cmd.validated = validated;

  auto record = store_.OpenCase(principal, cmd, [&](const CaseRecord& c) {
    v1::CaseOpened payload;
    payload.set_case_id(c.case_id);
    payload.set_case_number(c.case_number);
    payload.set_district_code(c.district_code);
    payload.set_office_id(c.office_id);
    payload.set_sentence_kind(ToProto(c.sentence_kind));
    *payload.mutable_judgment_effective_date() = ToProtoDate(c.judgment_effective_date);
    *payload.mutable_supervision_start_date() = ToProtoDate(c.start_date);
    *payload.mutable_supervision_end_date() = ToProtoDate(c.end_date);
    *payload.mutable_intake_deadline() = ToProtoDate(c.intake_deadline);
    payload.set_minor(c.minor);
    return kafka::MakeEnvelope("ccms.records.case_opened", c.case_id, c.district_code, now, now,
                               principal.subject, payload);
  });
  if (!record.ok()) return record.status();
  ToProto(*record, response->mutable_case_());
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoRecordIntakeCheckIn(
    const auth::Principal& principal, const v1::RecordIntakeCheckInRequest& request,
    v1::RecordIntakeCheckInResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordIntake); !st.ok()) {
    return st;
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  auto reported_on = DateField(request.reported_on(), "reported_on", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  IntakeCheckInCommand cmd;
  cmd.request_id = absl::AsciiStrToLower(request.request_id());
  cmd.case_id = absl::AsciiStrToLower(request.case_id());
  if (request.version() != 0) cmd.expected_version = request.version();

  auto decide = [&](const CaseRecord& c) -> absl::StatusOr<IntakeOutcome> {
    if (auto st = domain::CheckIntakeTransition(c.status); !st.ok()) return st;
    const absl::CivilDay on = reported_on.value_or(today);
    if (auto st = domain::CheckReportedOn(on, c.judgment_effective_date, today); !st.ok()) {
      return grpc_util::InvalidArgumentWithViolations({{"reported_on", std::string(st.message())}});
    }
    const auto assessment = domain::AssessIntake(c.judgment_effective_date, on, {});
    return IntakeOutcome{on, assessment.late};
  };
  auto record = store_.RecordIntakeCheckIn(principal, cmd, decide, [&](const CaseRecord& c) {
    v1::IntakeReported payload;
    payload.set_case_id(c.case_id);
    payload.set_district_code(c.district_code);
    *payload.mutable_reported_on() = ToProtoDate(*c.intake_reported_on);
    payload.set_days_after_effective(
        static_cast<int32_t>(*c.intake_reported_on - c.judgment_effective_date));
    payload.set_late(c.intake_late);
    return kafka::MakeEnvelope("ccms.records.intake_reported", c.case_id, c.district_code, now, now,
                               principal.subject, payload);
  });
  if (!record.ok()) return record.status();
  ToProto(*record, response->mutable_case_());
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoGetCase(const auth::Principal& principal,
                                           const v1::GetCaseRequest& request,
                                           v1::GetCaseResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  auto record = store_.GetCase(principal, absl::AsciiStrToLower(request.case_id()));
  if (!record.ok()) return record.status();
  ToProto(*record, response->mutable_case_());
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoListCases(const auth::Principal& principal,
                                             const v1::ListCasesRequest& request,
                                             v1::ListCasesResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  CaseFilter filter;
  filter.page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    violations.push_back({"page_size", absl::StrCat("must be between 1 and ", kMaxPageSize)});
  }
  if (!request.page_token().empty()) {
    std::string decoded;
    if (!absl::WebSafeBase64Unescape(request.page_token(), &decoded) ||
        !absl::StartsWith(decoded, kPageTokenPrefix) ||
        !ids::IsUuid(decoded.substr(sizeof(kPageTokenPrefix) - 1))) {
      violations.push_back({"page_token", "is not a token from a previous ListCases response"});
    } else {
      filter.after_case_id = decoded.substr(sizeof(kPageTokenPrefix) - 1);
    }
  }
  filter.district_code = request.district_code();
  if (!filter.district_code.empty() && !auth::IsDistrictCode(filter.district_code)) {
    violations.push_back({"district_code", "must be a 6-digit district code"});
  }
  filter.office_id = request.office_id();
  filter.status = FromProto(request.status());
  filter.sentence_kind = FromProto(request.sentence_kind());
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  auto page = store_.ListCases(principal, filter);
  if (!page.ok()) return page.status();
  for (const auto& c : page->cases) ToProto(c, response->add_cases());
  if (!page->last_case_id.empty()) {
    response->set_next_page_token(
        absl::WebSafeBase64Escape(absl::StrCat(kPageTokenPrefix, page->last_case_id)));
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* RecordsServiceImpl::OpenCase(grpc::CallbackServerContext* context,
                                                       const v1::OpenCaseRequest* request,
                                                       v1::OpenCaseResponse* response) {
  return executor_.Run(context, [this, request, response](const auth::Principal& p) {
    return DoOpenCase(p, *request, response);
  });
}

grpc::ServerUnaryReactor* RecordsServiceImpl::RecordIntakeCheckIn(
    grpc::CallbackServerContext* context, const v1::RecordIntakeCheckInRequest* request,
    v1::RecordIntakeCheckInResponse* response) {
  return executor_.Run(context, [this, request, response](const auth::Principal& p) {
    return DoRecordIntakeCheckIn(p, *request, response);
  });
}

grpc::ServerUnaryReactor* RecordsServiceImpl::GetCase(grpc::CallbackServerContext* context,
                                                      const v1::GetCaseRequest* request,
                                                      v1::GetCaseResponse* response) {
  return executor_.Run(context, [this, request, response](const auth::Principal& p) {
    return DoGetCase(p, *request, response);
  });
}

grpc::ServerUnaryReactor* RecordsServiceImpl::ListCases(grpc::CallbackServerContext* context,
                                                        const v1::ListCasesRequest* request,
                                                        v1::ListCasesResponse* response) {
  return executor_.Run(context, [this, request, response](const auth::Principal& p) {
    return DoListCases(p, *request, response);
  });
}

}  // namespace ccms::records
