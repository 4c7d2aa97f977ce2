#include "services/records/handler_support.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"

namespace ccms::records {
namespace {

using grpc_util::ToProtoDate;
using grpc_util::ToProtoTimestamp;

void ToProtoCase(const CaseRecord& c, v1::Case* out) {
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
  p->set_details_version(c.person_version);
  *p->mutable_details_effective_at() = ToProtoTimestamp(c.person_effective_at);
  auto* s = out->mutable_sentence();
  s->set_kind(ToProto(c.sentence_kind));
  s->set_offence_category(c.offence_category);
  s->set_deciding_authority(c.deciding_authority);
  *s->mutable_judgment_effective_date() = ToProtoDate(c.judgment_effective_date);
  *s->mutable_start_date() = ToProtoDate(c.start_date);
  *s->mutable_end_date() = ToProtoDate(c.end_date);
  s->set_prohibition_orders(c.prohibition_orders);
  if (c.offence_date.has_value()) *s->mutable_offence_date() = ToProtoDate(*c.offence_date);
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
  if (c.closed_on.has_value()) *out->mutable_closed_on() = ToProtoDate(*c.closed_on);
  out->set_discharge_certificate(c.discharge_certificate);
  out->set_discharge_announced(c.discharge_announced);
  if (c.discharge_summary_on.has_value()) {
    *out->mutable_discharge_summary_received_on() = ToProtoDate(*c.discharge_summary_on);
  }
}

}  // namespace

domain::LevelFacts LevelFactsOf(const CaseRecord& c) {
  return {c.intake_reported_on, c.assessed_level, c.level_effective_on};
}

void RecordsHandlers::CaseToProto(const CaseRecord& c, v1::Case* out) const {
  ToProtoCase(c, out);
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  out->set_supervision_level(
      ToProtoLevel(domain::LevelOn(LevelFactsOf(c), today, PolicyOn(today))));
}

absl::Status RecordsHandlers::AuditDenied(const auth::Principal& principal,
                                          const std::string& action, const std::string& case_id,
                                          const std::string& request_id, absl::Status status) {
  if (status.code() == absl::StatusCode::kPermissionDenied) {
    // Best effort: the denial stands even if its audit row cannot be written.
    (void)audit_.AppendAudit(principal, action, absl::AsciiStrToLower(case_id), "DENIED",
                             request_id);
  }
  return status;
}

CaseMutation MutationOf(const std::string& request_id, const std::string& case_id,
                        const char* action) {
  return {absl::AsciiStrToLower(request_id), absl::AsciiStrToLower(case_id), action};
}

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
    case v1::CASE_STATUS_DECEASED:
      return domain::CaseStatus::kDeceased;
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
    case domain::CaseStatus::kDeceased:
      return v1::CASE_STATUS_DECEASED;
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

common::v1::SupervisionLevel ToProtoLevel(domain::SupervisionLevel l) {
  switch (l) {
    case domain::SupervisionLevel::kStrict:
      return common::v1::SUPERVISION_LEVEL_STRICT;
    case domain::SupervisionLevel::kStandard:
      return common::v1::SUPERVISION_LEVEL_STANDARD;
    case domain::SupervisionLevel::kRelaxed:
      return common::v1::SUPERVISION_LEVEL_RELAXED;
  }
  return common::v1::SUPERVISION_LEVEL_UNSPECIFIED;
}

}  // namespace ccms::records
