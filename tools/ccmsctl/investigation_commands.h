// The IntakeService calls for pre-sentence investigations (`ccmsctl investigation
// {commission|conclude|withdraw|get|list}`) and for the handover and intake of a case
// (`ccmsctl case {handover|announce|team|intake-file}`).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds `investigation` to `app` and the handover and intake subcommands to its `case`
// subcommand (so call it after AddCaseCommands); the parsed one sets `*action`.
void AddInvestigationCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
