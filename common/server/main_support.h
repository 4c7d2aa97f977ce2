#pragma once

#include <optional>
#include <string_view>

#include "absl/status/status.h"

namespace ccms::server {

struct MainFlags {
  bool migrate_only = false;  // apply the schema and exit (the chart's migration Job)
};

// Parses a service binary's flags (--migrate-only, --help). Returns an exit code when the
// process should stop now (help printed: 0; unknown flag: 2), nullopt to go on.
std::optional<int> ParseMainFlags(std::string_view binary, int argc, char** argv, MainFlags* flags);

// Logs and prints why a service cannot start; returns the exit code (2).
int FailStartup(std::string_view binary, const absl::Status& status);

}  // namespace ccms::server
