#include "common/grpc/unary_handler.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace ccms::grpc_util {

std::string CallId(const grpc::ServerContextBase& context) {
  auto it = context.client_metadata().find("x-request-id");
  if (it == context.client_metadata().end()) return "";
  std::string id(it->second.data(), std::min<size_t>(it->second.size(), 64));
  for (char& c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
  }
  return id;
}

}  // namespace ccms::grpc_util
