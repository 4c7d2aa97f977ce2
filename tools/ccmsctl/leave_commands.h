// The LeaveService calls for leave (请假外出): `ccmsctl leave {request|approve|reject|cancel|
// return|list|not-returned|grant-standing|revoke-standing}`.

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the `leave` subcommand and its subcommands to `app`; the parsed one sets `*action`.
void AddLeaveCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
