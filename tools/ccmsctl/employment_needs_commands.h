// `ccmsctl employment needs ...` and `ccmsctl employment opening ...`: needs surveys, career
// plans, skills profiles, job openings and their ranking for a case (docs/employment.md).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds `needs` and `opening` under the `employment` group; the parsed one sets `*action`.
void AddEmploymentNeedsCommands(CLI::App* group, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
