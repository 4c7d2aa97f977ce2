#include "tools/ccmsctl/report_commands.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "ccms/reporting/v1/reporting_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/rpc_client.h"

namespace ccms::ctl {
namespace {

namespace rv1 = reporting::v1;

GlobalOptions ForReporting(const GlobalOptions& global) {
  GlobalOptions options = global;
  options.addr = global.reporting_addr;
  return options;
}

std::unique_ptr<rv1::ReportingService::Stub> NewStub(const GlobalOptions& options) {
  return rv1::ReportingService::NewStub(Connect(options));
}

struct RunArgs {
  std::string period = "month";
  std::string day;
  std::vector<std::string> indicators;
  std::string by;
};

}  // namespace

void AddReportCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand("report", "Statistics from the reporting service");
  cmd->require_subcommand(1);
  cmd->fallthrough();
  cmd->add_subcommand("indicators", "List the indicator definitions and their version")
      ->callback([&global, action] {
        *action = [&global] {
          if (int rc = RequireToken(global); rc != kExitOk) return rc;
          const GlobalOptions options = ForReporting(global);
          rv1::ListIndicatorsResponse resp;
          auto ctx = NewCallContext(options, true);
          grpc::Status st = NewStub(options)->ListIndicators(ctx.get(), {}, &resp);
          if (!st.ok()) return ReportRpcError(st, options);
          return PrintResponse(options, resp, [&] {
            std::cout << "definitions " << resp.definitions_version() << "\n";
            Table table({"INDICATOR", "KIND", "COUNT", "TITLE"});
            for (const auto& i : resp.indicators()) {
              table.AddRow({i.id(), i.kind(), i.count(), i.title()});
            }
            table.Print(std::cout);
          });
        };
      });
  auto args = std::make_shared<RunArgs>();
  CLI::App* run = cmd->add_subcommand("run", "Compute indicators over a period, as a table");
  run->add_option("--period", args->period, "day, week, month, quarter or year")
      ->check(CLI::IsMember({"day", "week", "month", "quarter", "year"}))
      ->capture_default_str();
  run->add_option("--day", args->day, "Any day of the period, YYYY-MM-DD (default: today)");
  run->add_option("--indicator", args->indicators, "An indicator id (repeatable; default: all)");
  run->add_option("--by", args->by, "A breakdown: district, office, sentence_kind, sex, ...");
  run->callback([&global, action, args] {
    *action = [&global, args] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForReporting(global);
      rv1::RunReportRequest req;
      const std::vector<std::string> kinds = {"", "day", "week", "month", "quarter", "year"};
      for (size_t k = 1; k < kinds.size(); ++k) {
        if (kinds[k] == args->period) req.set_period_kind(static_cast<rv1::PeriodKind>(k));
      }
      if (!args->day.empty()) {
        auto day = time::ParseDate(args->day);
        if (!day.has_value()) {
          std::cerr << "error: --day: not a date (YYYY-MM-DD)\n";
          return kExitUsage;
        }
        *req.mutable_period_day() = grpc_util::ToProtoDate(*day);
      }
      for (const auto& i : args->indicators) req.add_indicator_ids(i);
      req.set_breakdown(args->by);
      rv1::RunReportResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->RunReport(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        std::cout << "period " << FormatProtoDate(resp.period_start()) << " to "
                  << FormatProtoDate(resp.period_end()) << " (exclusive), as of "
                  << FormatProtoDate(resp.as_of()) << ", definitions " << resp.definitions_version()
                  << "\n";
        std::vector<std::string> header = {resp.breakdown().empty() ? "" : resp.breakdown()};
        for (const auto& id : resp.indicator_ids()) header.push_back(id);
        Table table(header);
        for (const auto& row : resp.rows()) {
          std::vector<std::string> cells = {row.key()};
          cells.insert(cells.end(), row.cells().begin(), row.cells().end());
          table.AddRow(cells);
        }
        std::vector<std::string> total = {"TOTAL"};
        total.insert(total.end(), resp.total().cells().begin(), resp.total().cells().end());
        table.AddRow(total);
        table.Print(std::cout);
      });
    };
  });
}

}  // namespace ccms::ctl
