// ccmsctl: the operators' command-line client for the ccms gRPC services.
//
//   ccmsctl [--addr HOST:PORT] [--token T] [--json] [--timeout SECONDS]
//           [--ca-file PEM [--cert-file PEM --key-file PEM] [--server-name NAME]]
//           token | health | case {open|get|list|check-in} ...
//           case {contact|lost|found|violation|sanction|correct|commend|sanctions|timeline}
//           overdue | audit ...
//           instruments | assessment | due | level | crisis | points ...  (--assessment-addr)
//           service-file {get|list|open|contact} ...                       (--education-addr)
//           plan {get|draft|revise|agree|approve|activate|close|overdue} ... (--education-addr)
//           catalogue {add|list|theme} ...                                  (--education-addr)
//           session {schedule|cancel|move|get|list|enrol|withdraw|attend}   (--education-addr)
//           community-service {project-add|projects|profile|join|record|verify|waive|get}
//           report {indicators|run} ...  (--reporting-addr)
//           employment {partner|referral|agency} ...  (--employment-addr)
//
// Global options may come before or after the subcommand. Exit codes: 0 ok,
// 1 failed call or local error, 2 usage error.

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "absl/strings/ascii.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/activity_commands.h"
#include "tools/ccmsctl/assessment_commands.h"
#include "tools/ccmsctl/care_commands.h"
#include "tools/ccmsctl/hours_commands.h"
#include "tools/ccmsctl/case_commands.h"
#include "tools/ccmsctl/audit_commands.h"
#include "tools/ccmsctl/dead_letter_commands.h"
#include "tools/ccmsctl/discharge_commands.h"
#include "tools/ccmsctl/education_commands.h"
#include "tools/ccmsctl/employment_commands.h"
#include "tools/ccmsctl/follow_through_commands.h"
#include "tools/ccmsctl/session_commands.h"
#include "tools/ccmsctl/community_service_commands.h"
#include "tools/ccmsctl/global_options.h"
#include "tools/ccmsctl/health_command.h"
#include "tools/ccmsctl/investigation_commands.h"
#include "tools/ccmsctl/plan_commands.h"
#include "tools/ccmsctl/leave_commands.h"
#include "tools/ccmsctl/order_commands.h"
#include "tools/ccmsctl/report_commands.h"
#include "tools/ccmsctl/token_command.h"
#include "tools/ccmsctl/transfer_commands.h"

namespace ccms::ctl {
namespace {

int Main(int argc, char** argv) {
  GlobalOptions global;
  Action action;

  CLI::App app(
      "ccmsctl: operators' client for the ccms (社区矫正) gRPC services.\n"
      "Errors print as 'error: <CODE>: <message>' with one '  - field: "
      "problem' line per invalid field; exit 0 ok, 1 failed, 2 usage.",
      "ccmsctl");
  // Set before adding subcommands, which inherit it: global options are
  // accepted after the subcommand too.
  app.fallthrough();
  app.footer(
      "Global options (--addr, --token, --json, --timeout, and TLS: --ca-file, --cert-file, "
      "--key-file, --server-name) may also follow the subcommand; under `token`, --key-file is "
      "the token signing key.");
  app.require_subcommand(1);
  app.add_option("--addr", global.addr, "Server address HOST:PORT")
      ->envname("CCMS_RECORDS_ADDR")
      ->capture_default_str();
  app.add_option("--assessment-addr", global.assessment_addr,
                 "Assessment service address HOST:PORT")
      ->envname("CCMS_ASSESSMENT_ADDR")
      ->capture_default_str();
  app.add_option("--education-addr", global.education_addr, "Education service address HOST:PORT")
      ->envname("CCMS_EDUCATION_ADDR")
      ->capture_default_str();
  app.add_option("--reporting-addr", global.reporting_addr, "Reporting service address HOST:PORT")
      ->envname("CCMS_REPORTING_ADDR")
      ->capture_default_str();
  app.add_option("--employment-addr", global.employment_addr,
                 "Employment service address HOST:PORT")
      ->envname("CCMS_EMPLOYMENT_ADDR")
      ->capture_default_str();
  app.add_option("--token", global.token, "Bearer token sent as `authorization` metadata")
      ->envname("CCMS_TOKEN");
  app.add_flag("--json", global.json, "Print the response as one proto3 JSON document");
  app.add_option("--timeout", global.timeout_seconds, "Deadline of each call, in seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 3600.0));
  // TLS: on when a CA is given (the dev stack's .run/env sets all four settings).
  app.add_option("--ca-file", global.ca_file,
                 "CA (PEM) to verify the server against; TLS when set, else plaintext")
      ->envname("CCMS_GRPC_CA_FILE");
  app.add_option("--cert-file", global.cert_file, "Client certificate (PEM) to present")
      ->envname("CCMS_GRPC_CLIENT_CERT_FILE");
  app.add_option("--key-file", global.key_file, "Private key (PEM) of --cert-file")
      ->envname("CCMS_GRPC_CLIENT_KEY_FILE");
  app.add_option("--server-name", global.server_name,
                 "Name checked in the server's certificate instead of the address's host")
      ->envname("CCMS_GRPC_TLS_SERVER_NAME");

  AddTokenCommand(app, &action);
  AddHealthCommand(app, global, &action);
  AddCaseCommands(app, global, &action);
  AddActivityCommands(app, global, &action);   // Adds to `case`: after AddCaseCommands.
  AddFollowThroughCommands(app, global, &action);  // Adds to `case` too.
  AddDischargeCommands(app, global, &action);  // Adds to `case` too.
  AddTransferCommands(app, global, &action);
  AddInvestigationCommands(app, global, &action);  // Adds to `case` too.
  AddAssessmentCommands(app, global, &action);
  AddEducationCommands(app, global, &action);
  AddPlanCommands(app, global, &action);
  AddCareCommands(app, global, &action);  // education's care lists
  // education: the hours ledger, intake / discharge windows, individual education
  AddHoursCommands(app, global, &action);
  AddEmploymentCommands(app, global, &action);
  AddSessionCommands(app, global, &action);
  AddLeaveCommands(app, global, &action);
  AddOrderCommands(app, global, &action);
  AddDeadLetterCommands(app, global, &action);
  AddReportCommands(app, global, &action);
  AddAuditCommands(app, global, &action);
  AddCommunityServiceCommands(app, global, &action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);  // Prints help, or the error and a hint.
    return rc == 0 ? kExitOk : kExitUsage;
  }
  // A token pasted from a file or terminal often carries a newline, which
  // gRPC metadata does not allow.
  global.token = std::string(absl::StripAsciiWhitespace(global.token));
  // Every subcommand but `token` (which calls nobody) talks to a server.
  absl::Status tls = app.got_subcommand("token") ? absl::OkStatus() : LoadTls(&global);
  if (!tls.ok()) {
    ReportLocalError(tls);
    return kExitUsage;
  }
  if (!action) {  // Unreachable: require_subcommand guarantees an action.
    std::cerr << app.help();
    return kExitUsage;
  }
  return action();
}

}  // namespace
}  // namespace ccms::ctl

int main(int argc, char** argv) {
  try {
    return ccms::ctl::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "error: INTERNAL: " << e.what() << "\n";
    return ccms::ctl::kExitFailure;
  }
}
