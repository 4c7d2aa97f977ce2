// `ccmsctl token`: mints an HS256 access token with the dev key.

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the `token` subcommand to `app`; when it is parsed, sets `*action`.
void AddTokenCommand(CLI::App& app, Action* action);

}  // namespace ccms::ctl
