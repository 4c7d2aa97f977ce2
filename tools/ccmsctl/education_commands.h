// `ccmsctl service-file ...`: the education service's ServiceFileService calls (first contact,
// service file, the overdue list), sent to --education-addr (CCMS_EDUCATION_ADDR).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the education subcommands to `app`; the parsed one sets `*action`.
void AddEducationCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
