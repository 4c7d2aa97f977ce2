#include "common/server/main_support.h"

#include <iostream>
#include <string>

#include "common/log/log.h"

namespace ccms::server {

std::optional<int> ParseMainFlags(std::string_view binary, int argc, char** argv,
                                  MainFlags* flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--migrate-only") {
      flags->migrate_only = true;
      continue;
    }
    std::cerr << "usage: " << binary
              << " [--migrate-only]\n"
                 "Settings come from CCMS_* environment variables; see README.md and "
                 "docs/operations.md.\n";
    return arg == "--help" ? 0 : 2;
  }
  return std::nullopt;
}

int FailStartup(std::string_view binary, const absl::Status& status) {
  log::Error("startup_failed", {{"error", status.message()}});
  std::cerr << binary << ": " << status.message() << "\n";
  return 2;
}

}  // namespace ccms::server
