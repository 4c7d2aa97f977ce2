#include "services/records/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ccms::records {

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
