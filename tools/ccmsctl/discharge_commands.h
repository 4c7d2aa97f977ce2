#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds `case {discharge|close|summary|follow-up}` (call after AddCaseCommands) and
// `discharges-due`, `follow-ups-due` and `export` to `app`; the parsed one sets `*action`.
void AddDischargeCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
