// `ccmsctl health`: calls grpc.health.v1.Health/Check on --addr.

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the `health` subcommand to `app`; when it is parsed, sets `*action`.
void AddHealthCommand(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
