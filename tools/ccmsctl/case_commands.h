// `ccmsctl case ...`: the CaseService calls (open, get, list, check-in).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds `case` and its subcommands to `app`; the parsed one sets `*action`.
void AddCaseCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
