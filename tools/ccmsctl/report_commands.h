// `ccmsctl report indicators|run|snapshot|publish|get|diff|export ...`: the ReportingService
// calls, sent to --reporting-addr (CCMS_REPORTING_ADDR).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the report subcommands to `app`; the parsed one sets `*action`.
void AddReportCommands(CLI::App& app, const GlobalOptions& global, Action* action);

// Adds snapshot, publish, get, diff and export under `report` (AddReportCommands calls it).
void AddSnapshotCommands(CLI::App* report, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
