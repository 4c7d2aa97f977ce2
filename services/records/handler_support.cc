#include "services/records/handler_support.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"

namespace ccms::records {

using grpc_util::FieldViolation;
using grpc_util::FromProtoDate;

// Reads an optional date field; a malformed one becomes a violation.
std::optional<absl::CivilDay> DateField(const google::type::Date& d, const char* field,
                                        std::vector<FieldViolation>* violations) {
  bool invalid = false;
  auto day = FromProtoDate(d, &invalid);
  if (invalid) violations->push_back({field, "is not a valid calendar date (years 1900 to 2199)"});
  return day;
}

std::optional<absl::CivilDay> RequiredDateField(const google::type::Date& d, const char* field,
                                                std::vector<FieldViolation>* violations) {
  bool invalid = false;
  auto day = FromProtoDate(d, &invalid);
  if (invalid) {
    violations->push_back({field, "is not a valid calendar date (years 1900 to 2199)"});
  } else if (!day.has_value()) {
    violations->push_back({field, "is required"});
  }
  return day;
}

void CheckListDistrict(const auth::Principal& principal, const std::string& district,
                       std::vector<FieldViolation>* violations) {
  if (!district.empty() && !auth::IsDistrictCode(district)) {
    violations->push_back({"district_code", "must be a 6-digit district code"});
  }
  if (district.empty() && !principal.all_districts) {
    violations->push_back({"district_code", "is required"});
  }
}

int CheckPageSize(int requested, int default_size, int max_size,
                  std::vector<FieldViolation>* violations) {
  if (requested < 0 || requested > max_size) {
    violations->push_back({"page_size", absl::StrCat("must be between 1 and ", max_size)});
  }
  return requested == 0 ? default_size : requested;
}

absl::Status CheckRequestId(const std::string& request_id) {
  if (!ids::IsUuid(request_id)) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"request_id", "is required: a UUID chosen by the client, reused on retries"}});
  }
  return absl::OkStatus();
}

// The caller's x-request-id (an identifier; kept short and printable for the audit log).
std::string CallId(const grpc::ServerContextBase& context) {
  auto it = context.client_metadata().find("x-request-id");
  if (it == context.client_metadata().end()) return "";
  std::string id(it->second.data(), std::min<size_t>(it->second.size(), 64));
  for (char& c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
  }
  return id;
}

absl::Status CheckCaseId(const std::string& case_id) {
  if (!ids::IsUuid(case_id)) {
    return grpc_util::InvalidArgumentWithViolations({{"case_id", "must be a case id (UUID)"}});
  }
  return absl::OkStatus();
}

// A date field that defaults to today and may not lie in the future.
absl::StatusOr<absl::CivilDay> DayNotInFuture(const google::type::Date& d, const char* field,
                                              absl::CivilDay today) {
  std::vector<FieldViolation> violations;
  auto day = DateField(d, field, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::CivilDay value = day.value_or(today);
  if (value > today) {
    return grpc_util::InvalidArgumentWithViolations({{field, "must not be in the future"}});
  }
  return value;
}

absl::Status CheckText(const std::string& text, const char* field, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return grpc_util::InvalidArgumentWithViolations(
        {{field, absl::StrCat("is too long (at most ", max_bytes, " bytes)")}});
  }
  return absl::OkStatus();
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
