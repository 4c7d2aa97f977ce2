// `ccmsctl session ...`: the education service's SessionService calls (schedule a session or a
// series, cancel, move, get, list, enrol, withdraw, attendance), sent to --education-addr
// (CCMS_EDUCATION_ADDR).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the `session` subcommands to `app`; the parsed one sets `*action`.
void AddSessionCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
