#include "services/records/handler_support.h"

#include "absl/strings/ascii.h"

namespace ccms::records {

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
