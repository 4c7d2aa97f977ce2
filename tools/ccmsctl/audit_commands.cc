#include "tools/ccmsctl/audit_commands.h"

#include <iostream>
#include <memory>
#include <string>

#include "ccms/ops/v1/audit_chain_service.grpc.pb.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/records_command_support.h"

namespace ccms::ctl {
namespace {

namespace v1 = ::ccms::ops::v1;
using ::ccms::ops::v1::AuditChainService;

// A verification reads the whole chain: longer than a usual call.
constexpr double kVerifyTimeoutSeconds = 600;

struct VerifyFlags {
  std::string service = "records";
  int grace_minutes = 0;
};

std::string ProblemName(v1::AuditChainProblem p) {
  switch (p) {
    case v1::AUDIT_CHAIN_PROBLEM_CONTENT_CHANGED:
      return "content changed";
    case v1::AUDIT_CHAIN_PROBLEM_ROW_MISSING:
      return "row missing";
    case v1::AUDIT_CHAIN_PROBLEM_CHAIN_BROKEN:
      return "chain broken";
    case v1::AUDIT_CHAIN_PROBLEM_UNSEALED:
      return "unsealed";
    case v1::AUDIT_CHAIN_PROBLEM_UNKNOWN_ENCODING:
      return "unknown encoding";
    default:
      return "-";
  }
}

int RunVerify(const GlobalOptions& global, const VerifyFlags& flags) {
  GlobalOptions options = global;
  if (flags.service == "assessment") options.addr = global.assessment_addr;
  if (flags.service == "education") options.addr = global.education_addr;
  if (flags.service == "reporting") options.addr = global.reporting_addr;
  if (options.timeout_seconds == kDefaultTimeoutSeconds) {
    options.timeout_seconds = kVerifyTimeoutSeconds;
  }
  v1::VerifyAuditChainRequest request;
  request.set_unsealed_grace_minutes(flags.grace_minutes);
  v1::VerifyAuditChainResponse response;
  if (int rc = Call(options, &AuditChainService::Stub::VerifyAuditChain, request, &response);
      rc != kExitOk) {
    return rc;
  }
  const int printed = PrintResponse(options, response, [&] {
    PrintKeyValues({{"service", flags.service},
                    {"result", response.ok() ? "OK" : "MISMATCH"},
                    {"rows verified", std::to_string(response.rows_verified())},
                    {"head seq", std::to_string(response.head_seq())},
                    {"head hash", OrDash(response.head_hash())},
                    {"problem", ProblemName(response.problem())},
                    {"audit id", response.ok() ? "-" : std::to_string(response.audit_id())},
                    {"chain seq", response.seq() > 0 ? std::to_string(response.seq()) : "-"},
                    {"detail", OrDash(response.detail())},
                    {"unsealed rows", std::to_string(response.unsealed_rows())}},
                   std::cout);
  });
  if (printed != kExitOk) return printed;
  return response.ok() ? kExitOk : kExitFailure;
}

}  // namespace

void AddAuditCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  // `audit` alone is records' entry list (activity_commands.cc, added before this); `audit verify`
  // checks any service's chain. The list sets its action when `audit` is parsed, before verify's
  // callback runs, so verify's action wins when it is given.
  CLI::App* audit = app.get_subcommand("audit");

  auto verify = std::make_shared<VerifyFlags>();
  CLI::App* v = audit->add_subcommand(
      "verify", "Recompute the audit hash chain; name the first row that does not match (exit 1)");
  v->add_option("--service", verify->service,
                "records (--addr), assessment, education or reporting (--<service>-addr)")
      ->check(CLI::IsMember({"records", "assessment", "education", "reporting"}));
  v->add_option("--unsealed-grace-minutes", verify->grace_minutes,
                "Rows younger than this may be unsealed yet (default 10)")
      ->check(CLI::Range(0, 10080));
  SetAction(v, global, action, verify, RunVerify);
}

}  // namespace ccms::ctl
