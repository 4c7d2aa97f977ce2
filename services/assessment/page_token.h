#pragma once

#include <string>
#include <string_view>

namespace ccms::assessment {

// Page tokens are opaque to clients: base64url of a prefix naming the list ("a1:", "d1:",
// "f1:") and the store's cursor. An empty cursor (the last page) encodes as "".
std::string EncodeToken(std::string_view prefix, const std::string& cursor);

// Reads `token` into `*cursor`: true for "" (the first page; `*cursor` untouched) or a token of
// this list whose cursor is at most 200 bytes; false for anything else.
bool DecodeToken(std::string_view prefix, const std::string& token, std::string* cursor);

}  // namespace ccms::assessment
