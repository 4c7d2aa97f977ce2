// `ccmsctl community-service ...`: the education service's CommunityServiceService calls (the
// project library, the published list, a person's profile, joining, activities, verification,
// waivers, a person's community service and month), sent to --education-addr
// (CCMS_EDUCATION_ADDR).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the `community-service` subcommands to `app`; the parsed one sets `*action`.
void AddCommunityServiceCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
