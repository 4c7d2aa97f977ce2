#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds `transfer {request|consent|accept|reject|complete|list}` (TransferService: transfers of
// execution place) to `app`; the parsed one sets `*action`.
void AddTransferCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
