// `ccmsctl instruments|assessment|due|level|crisis|points ...`: the AssessmentService calls, sent
// to --assessment-addr (CCMS_ASSESSMENT_ADDR).

#pragma once

#include <CLI/CLI.hpp>

#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Adds the assessment subcommands to `app`; the parsed one sets `*action`.
void AddAssessmentCommands(CLI::App& app, const GlobalOptions& global, Action* action);

}  // namespace ccms::ctl
