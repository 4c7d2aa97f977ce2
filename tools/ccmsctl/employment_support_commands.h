// `ccmsctl employment {contract|evaluation|assistance|volunteer} ...`: partner contracts and
// evaluations, welfare and relief, volunteers (issue 15 items 1, 8, 10), sent to
// --employment-addr (CCMS_EMPLOYMENT_ADDR).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the four groups under `employment` (`group`); the parsed one sets `*action`.
void AddEmploymentSupportCommands(CLI::App* group, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
