// `ccmsctl audit verify --service records|assessment`: recomputes a service's audit hash chain
// (ccms.ops.v1.AuditChainService, roles auditor and city_admin) and names the first row that does
// not match; exit status 1 on a mismatch.

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

void AddAuditCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
