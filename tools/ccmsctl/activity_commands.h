// The calls for supervision activity: `ccmsctl case
// {contact|lost|found|violation|sanction|correct|commend|sanctions|timeline}` (SupervisionService,
// SanctionService, CaseService), `ccmsctl overdue` (SupervisionService) and `ccmsctl audit`
// (AuditService).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the activity subcommands to `app`'s `case` subcommand (so call it after
// AddCaseCommands), and `overdue` and `audit` to `app`; the parsed one sets
// `*action`.
void AddActivityCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
