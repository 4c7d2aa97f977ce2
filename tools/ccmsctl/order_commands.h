// The OrderService calls for orders: `ccmsctl monitoring {order|renew|end|expiring}`
// (electronic monitoring orders, Law art. 29) and `ccmsctl medical {report|review|due}`
// (temporary execution outside prison).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds `monitoring` and `medical` to `app`; the parsed one sets `*action`.
void AddOrderCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
