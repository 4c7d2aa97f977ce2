#include "services/records/handler_support.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
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

// Page tokens of the lists below: a prefix and an opaque cursor, base64url.
std::string EncodeToken(std::string_view prefix, const std::string& cursor) {
  return absl::WebSafeBase64Escape(absl::StrCat(std::string(prefix), cursor));
}
std::optional<std::string> DecodeToken(std::string_view prefix, const std::string& token) {
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(token, &decoded) ||
      !absl::StartsWith(decoded, std::string(prefix))) {
    return std::nullopt;
  }
  return decoded.substr(prefix.size());
}

}  // namespace ccms::records
