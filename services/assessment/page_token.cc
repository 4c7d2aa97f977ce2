#include "services/assessment/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ccms::assessment {

std::string EncodeToken(std::string_view prefix, const std::string& cursor) {
  if (cursor.empty()) return "";
  return absl::WebSafeBase64Escape(absl::StrCat(std::string(prefix), cursor));
}

bool DecodeToken(std::string_view prefix, const std::string& token, std::string* cursor) {
  if (token.empty()) return true;
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(token, &decoded) ||
      !absl::StartsWith(decoded, std::string(prefix))) {
    return false;
  }
  *cursor = decoded.substr(prefix.size());
  return cursor->size() <= 200;
}

}  // namespace ccms::assessment
