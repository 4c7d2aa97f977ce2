// The follow-through calls of records (issue 17): `ccmsctl case outage` (OrderService
// RecordMonitoringOutage), `ccmsctl case court-decision` and `ccmsctl case detention`
// (SanctionService RecordRevocationDecision, RecordRevocationDetention). The paper file after a
// transfer is `ccmsctl transfer file` (transfer_commands.cc).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the subcommands to `app`'s `case` subcommand (call it after AddCaseCommands).
void AddFollowThroughCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
