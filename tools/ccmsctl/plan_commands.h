// `ccmsctl plan ...` and `ccmsctl catalogue ...`: the education service's correction plans
// (CorrectionPlanService) and catalogue (CatalogueService), sent to --education-addr
// (CCMS_EDUCATION_ADDR).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the `plan` and `catalogue` subcommands to `app`; the parsed one sets `*action`.
void AddPlanCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
