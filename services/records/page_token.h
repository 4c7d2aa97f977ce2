#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ccms::records {

// Page tokens of the records lists: base64url of a prefix naming the list ("o1:", "t1:", ...)
// and an opaque cursor. Clients pass them back unchanged; each list checks its cursor's shape.
std::string EncodeToken(std::string_view prefix, const std::string& cursor);
// The cursor of `token`, or nullopt if it is not base64url or does not start with `prefix`.
std::optional<std::string> DecodeToken(std::string_view prefix, const std::string& token);

}  // namespace ccms::records
