// `ccmsctl employment ...`: the employment service's calls (partner register, referrals, and the
// partner API a partner agency's own certificate and token use), sent to --employment-addr
// (CCMS_EMPLOYMENT_ADDR).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds `employment {partner|referral|agency} ...` to `app`; the parsed one sets `*action`.
void AddEmploymentCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
