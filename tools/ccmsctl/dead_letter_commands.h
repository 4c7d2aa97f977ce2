// `ccmsctl dead-letters list|show|requeue`: a service's dead letters
// (ccms.ops.v1.DeadLetterService, roles ops and city_admin) on --addr, which may be any service.

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

void AddDeadLetterCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
