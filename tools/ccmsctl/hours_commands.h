// `ccmsctl hours ...`: education's monthly hours ledger, intake / discharge windows and individual
// education stepped up (issue 14 items 6-8; docs/education.md, "Hours ledger"), sent to
// --education-addr (CCMS_EDUCATION_ADDR).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds `hours` and its subcommands to `app`; the parsed one sets `*action`.
void AddHoursCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
