// `ccmsctl counselling ...`, `ccmsctl legal-test ...`, `ccmsctl feedback ...`: education's care
// lists (urgent counselling contacts, retakes due, open complaints), sent to --education-addr
// (CCMS_EDUCATION_ADDR). The other care calls are made with tools/grpc_call.py (docs/education.md).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the care subcommands to `app`; the parsed one sets `*action`.
void AddCareCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
