#include "tools/ccmsctl/report_commands.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
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
  std::string known_at;
};

// Which snapshot: --report, --day, --district (empty: the city), --office (empty: every office),
// --version.
struct SnapshotArgs {
  std::string report = "monthly";
  std::string day;
  std::string district;
  std::string office;
  std::string known_at;
  int version = 0;
  int from = 0;
  std::string checksum;
  std::string format = "xlsx";
  std::string out_dir = ".";
  bool job = false;
};

void AddSnapshotOptions(CLI::App* cmd, SnapshotArgs* args, bool with_version) {
  cmd->add_option("--report", args->report,
                  "A report definition: daily, monthly, quarterly, annual")
      ->capture_default_str();
  cmd->add_option("--day", args->day, "Any day of the period, YYYY-MM-DD (default: today)");
  cmd->add_option("--district", args->district, "A district code (default: the city)");
  cmd->add_option("--office", args->office,
                  "An office of the district (default: every office; office staff: theirs)");
  if (with_version) cmd->add_option("--version", args->version, "A version (default: the latest)");
}

// Parses --day into `out` (left unset when empty); false after printing the error.
bool DayOption(const std::string& day, google::type::Date* out) {
  if (day.empty()) return true;
  auto parsed = time::ParseDate(day);
  if (!parsed.has_value()) {
    std::cerr << "error: --day: not a date (YYYY-MM-DD)\n";
    return false;
  }
  *out = grpc_util::ToProtoDate(*parsed);
  return true;
}

void PrintSnapshotHead(const rv1::Snapshot& s) {
  PrintKeyValues(
      {{"report", s.report_id()},
       {"scope", (s.district_code().empty() ? "city" : s.district_code()) +
                     (s.office_id().empty() ? "" : " office " + s.office_id())},
       {"known at", s.has_as_known_at() ? FormatTimestamp(s.as_known_at()) : "when computed"},
       {"period", FormatProtoDate(s.period_start()) + " to " + FormatProtoDate(s.period_end()) +
                      " (exclusive)"},
       {"version", std::to_string(s.version())},
       {"status",
        s.has_published_at() ? "published " + FormatTimestamp(s.published_at()) : "draft"},
       {"computed", FormatTimestamp(s.computed_at())},
       {"definitions", s.definitions_version() + ", reports " + s.reports_version() + ", policy " +
                           s.policy_version()},
       {"checksum", s.checksum()}},
      std::cout);
}

void PrintSnapshotTables(const rv1::Snapshot& s) {
  for (const auto& t : s.tables()) {
    std::cout << "\n" << t.title() << " (" << t.id() << ")\n";
    std::vector<std::string> header = {t.breakdown()};
    for (const auto& h : t.headings()) header.push_back(h);
    Table table(header);
    for (const auto& row : t.rows()) {
      std::vector<std::string> cells = {row.key()};
      cells.insert(cells.end(), row.cells().begin(), row.cells().end());
      table.AddRow(cells);
    }
    std::vector<std::string> total = {"合计"};
    total.insert(total.end(), t.total().cells().begin(), t.total().cells().end());
    table.AddRow(total);
    table.Print(std::cout);
  }
}

void PrintChanges(const google::protobuf::RepeatedPtrField<rv1::CellChange>& changes) {
  Table table({"TABLE", "ROW", "INDICATOR", "BEFORE", "AFTER"});
  for (const auto& c : changes) {
    table.AddRow(
        {c.table_id(), c.total() ? "合计" : c.row_key(), c.indicator_id(), c.before(), c.after()});
  }
  if (table.empty()) {
    std::cout << "no cell changed\n";
  } else {
    table.Print(std::cout);
  }
}

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
  run->add_option("--known-at", args->known_at,
                  "As known at this instant (RFC 3339, 2026-02-01T00:00:00+08:00): only the events "
                  "recorded by then count, so a past report is reproduced");
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
      if (!args->known_at.empty()) {
        absl::Time known_at;
        std::string error;
        if (!absl::ParseTime(absl::RFC3339_full, args->known_at, &known_at, &error)) {
          std::cerr << "error: --known-at: not an RFC 3339 instant\n";
          return kExitUsage;
        }
        *req.mutable_as_known_at() = grpc_util::ToProtoTimestamp(known_at);
      }
      rv1::RunReportResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->RunReport(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        std::cout << "period " << FormatProtoDate(resp.period_start()) << " to "
                  << FormatProtoDate(resp.period_end()) << " (exclusive), as of "
                  << FormatProtoDate(resp.as_of()) << ", definitions "
                  << resp.definitions_version();
        if (resp.has_as_known_at()) std::cout << ", as known at " << args->known_at;
        std::cout << "\n";
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
  AddSnapshotCommands(cmd, global, action);
}

void AddSnapshotCommands(CLI::App* cmd, const GlobalOptions& global, Action* action) {
  auto args = std::make_shared<SnapshotArgs>();
  CLI::App* snap =
      cmd->add_subcommand("snapshot",
                          "Run a report definition and keep it as a version (a restatement after a "
                          "published one lists the changed cells)");
  AddSnapshotOptions(snap, args.get(), false);
  snap->add_option("--known-at", args->known_at,
                   "As known at this instant (RFC 3339): only the events recorded by then count");
  snap->callback([&global, action, args] {
    *action = [&global, args] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForReporting(global);
      rv1::RunSnapshotRequest req;
      req.set_request_id(NewRequestId());
      req.set_report_id(args->report);
      if (!DayOption(args->day, req.mutable_period_day())) return kExitUsage;
      req.set_district_code(args->district);
      req.set_office_id(args->office);
      if (!args->known_at.empty()) {
        absl::Time known_at;
        std::string error;
        if (!absl::ParseTime(absl::RFC3339_full, args->known_at, &known_at, &error)) {
          std::cerr << "error: --known-at: not an RFC 3339 instant\n";
          return kExitUsage;
        }
        *req.mutable_as_known_at() = grpc_util::ToProtoTimestamp(known_at);
      }
      rv1::RunSnapshotResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->RunSnapshot(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        PrintSnapshotHead(resp.snapshot());
        if (resp.unchanged()) {
          std::cout << "unchanged: equal to published version " << resp.compared_version() << "\n";
        } else if (resp.compared_version() > 0) {
          std::cout << "restatement of published version " << resp.compared_version() << ":\n";
          PrintChanges(resp.changes());
        }
        PrintSnapshotTables(resp.snapshot());
      });
    };
  });

  auto pub = std::make_shared<SnapshotArgs>();
  CLI::App* publish = cmd->add_subcommand("publish", "Freeze a version (its checksum as reviewed)");
  AddSnapshotOptions(publish, pub.get(), false);
  publish->add_option("--version", pub->version, "The version to publish")->required();
  publish->add_option("--checksum", pub->checksum, "The version's checksum (report get shows it)")
      ->required();
  publish->callback([&global, action, pub] {
    *action = [&global, pub] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForReporting(global);
      rv1::PublishReportRequest req;
      req.set_request_id(NewRequestId());
      req.set_report_id(pub->report);
      if (!DayOption(pub->day, req.mutable_period_day())) return kExitUsage;
      req.set_district_code(pub->district);
      req.set_office_id(pub->office);
      req.set_version(pub->version);
      req.set_checksum(pub->checksum);
      rv1::PublishReportResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->PublishReport(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] { PrintSnapshotHead(resp.snapshot()); });
    };
  });

  auto get_args = std::make_shared<SnapshotArgs>();
  CLI::App* get = cmd->add_subcommand("get", "Show a version of a report and its versions");
  AddSnapshotOptions(get, get_args.get(), true);
  get->callback([&global, action, get_args] {
    *action = [&global, get_args] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForReporting(global);
      rv1::GetReportRequest req;
      req.set_report_id(get_args->report);
      if (!DayOption(get_args->day, req.mutable_period_day())) return kExitUsage;
      req.set_district_code(get_args->district);
      req.set_office_id(get_args->office);
      req.set_version(get_args->version);
      rv1::GetReportResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->GetReport(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        PrintSnapshotHead(resp.snapshot());
        Table versions({"VERSION", "COMPUTED", "KNOWN AT", "PUBLISHED", "CHECKSUM"});
        for (const auto& v : resp.versions()) {
          versions.AddRow({std::to_string(v.version()), FormatTimestamp(v.computed_at()),
                           v.has_as_known_at() ? FormatTimestamp(v.as_known_at()) : "-",
                           v.has_published_at() ? FormatTimestamp(v.published_at()) : "draft",
                           v.checksum()});
        }
        std::cout << "\n";
        versions.Print(std::cout);
        PrintSnapshotTables(resp.snapshot());
      });
    };
  });

  auto diff_args = std::make_shared<SnapshotArgs>();
  CLI::App* diff = cmd->add_subcommand("diff", "The cells that differ between two versions");
  AddSnapshotOptions(diff, diff_args.get(), false);
  diff->add_option("--from", diff_args->from, "The earlier version (default: the one before)");
  diff->add_option("--to", diff_args->version, "The later version (default: the latest)");
  diff->callback([&global, action, diff_args] {
    *action = [&global, diff_args] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForReporting(global);
      rv1::DiffReportRequest req;
      req.set_report_id(diff_args->report);
      if (!DayOption(diff_args->day, req.mutable_period_day())) return kExitUsage;
      req.set_district_code(diff_args->district);
      req.set_office_id(diff_args->office);
      req.set_from_version(diff_args->from);
      req.set_to_version(diff_args->version);
      rv1::DiffReportResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->DiffReport(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        std::cout << "version " << resp.from_version() << " to " << resp.to_version() << "\n";
        PrintChanges(resp.changes());
      });
    };
  });

  auto exp = std::make_shared<SnapshotArgs>();
  CLI::App* export_cmd =
      cmd->add_subcommand("export", "Write a version as XLSX (one sheet per table) or CSV files");
  AddSnapshotOptions(export_cmd, exp.get(), true);
  export_cmd->add_option("--format", exp->format, "xlsx or csv")
      ->check(CLI::IsMember({"xlsx", "csv"}))
      ->capture_default_str();
  export_cmd->add_option("--out-dir", exp->out_dir, "Where to write the files")
      ->capture_default_str();
  export_cmd->add_flag("--job", exp->job,
                       "Export as a job (large exports): start it, show its progress while "
                       "waiting, then fetch the files");
  export_cmd->callback([&global, action, exp] {
    *action = [&global, exp] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForReporting(global);
      const rv1::ExportFormat format =
          exp->format == "csv" ? rv1::EXPORT_FORMAT_CSV : rv1::EXPORT_FORMAT_XLSX;
      google::protobuf::RepeatedPtrField<rv1::ExportFile> files;
      if (exp->job) {
        rv1::StartExportRequest start;
        start.set_request_id(NewRequestId());
        start.set_report_id(exp->report);
        if (!DayOption(exp->day, start.mutable_period_day())) return kExitUsage;
        start.set_district_code(exp->district);
        start.set_office_id(exp->office);
        start.set_version(exp->version);
        start.set_format(format);
        rv1::StartExportResponse started;
        auto ctx = NewCallContext(options, true);
        grpc::Status st = NewStub(options)->StartExport(ctx.get(), start, &started);
        if (!st.ok()) return ReportRpcError(st, options);
        std::cerr << "export job " << started.job_id() << "\n";
        // Poll until it ends, showing its progress (rows written of the rows in all) on stderr.
        while (true) {
          rv1::GetExportJobRequest get;
          get.set_job_id(started.job_id());
          rv1::GetExportJobResponse job;
          auto poll = NewCallContext(options, true);
          st = NewStub(options)->GetExportJob(poll.get(), get, &job);
          if (!st.ok()) return ReportRpcError(st, options);
          std::cerr << "\r" << rv1::ExportJobState_Name(job.state()).substr(17) << " "
                    << job.rows_done() << "/" << job.rows_total() << " rows" << std::flush;
          if (job.state() == rv1::EXPORT_JOB_STATE_FAILED) {
            std::cerr << "\nerror: the export job failed: " << job.failure() << "\n";
            return kExitFailure;
          }
          if (job.state() == rv1::EXPORT_JOB_STATE_DONE) {
            std::cerr << "\n";
            // The files come in chunks (GetExportChunk), each one message: fetch them in order.
            for (int i = 0; i < job.files_size(); ++i) {
              rv1::ExportFile file = job.files(i);
              std::string content;
              for (int c = 0; c < file.chunk_count(); ++c) {
                rv1::GetExportChunkRequest chunk_req;
                chunk_req.set_job_id(started.job_id());
                chunk_req.set_file_index(i);
                chunk_req.set_chunk_index(c);
                rv1::GetExportChunkResponse chunk;
                auto fetch = NewCallContext(options, true);
                st = NewStub(options)->GetExportChunk(fetch.get(), chunk_req, &chunk);
                if (!st.ok()) return ReportRpcError(st, options);
                content += chunk.content();
              }
              if (static_cast<int64_t>(content.size()) != file.size_bytes()) {
                std::cerr << "error: " << file.name() << ": " << content.size() << " bytes of "
                          << file.size_bytes() << "\n";
                return kExitFailure;
              }
              file.set_content(std::move(content));
              *files.Add() = std::move(file);
            }
            if (job.has_expires_at()) {
              std::cerr << "the job's files are kept until " << FormatTimestamp(job.expires_at())
                        << "\n";
            }
            break;
          }
          absl::SleepFor(absl::Milliseconds(500));
        }
      } else {
        rv1::ExportReportRequest req;
        req.set_report_id(exp->report);
        if (!DayOption(exp->day, req.mutable_period_day())) return kExitUsage;
        req.set_district_code(exp->district);
        req.set_office_id(exp->office);
        req.set_version(exp->version);
        req.set_format(format);
        rv1::ExportReportResponse resp;
        auto ctx = NewCallContext(options, true);
        grpc::Status st = NewStub(options)->ExportReport(ctx.get(), req, &resp);
        if (!st.ok()) return ReportRpcError(st, options);
        files = resp.files();
      }
      for (const auto& f : files) {
        // The name comes from the server: keep only its last path component.
        std::string name = f.name();
        if (auto slash = name.find_last_of('/'); slash != std::string::npos) {
          name = name.substr(slash + 1);
        }
        if (name.empty() || name == "." || name == "..") {
          std::cerr << "error: the server named a file badly\n";
          return kExitFailure;
        }
        const std::string path = exp->out_dir + "/" + name;
        std::ofstream out(path, std::ios::binary);
        out << f.content();
        if (!out) {
          std::cerr << "error: cannot write " << path << "\n";
          return kExitFailure;
        }
        std::cout << path << "\n";
      }
      return kExitOk;
    };
  });

  struct WorklistArgs {
    std::string kind;
    std::string district;
    std::string office;
    int page_size = 0;
    std::string page_token;
  };
  auto wl = std::make_shared<WorklistArgs>();
  CLI::App* worklist = cmd->add_subcommand(
      "worklist", "A city-wide worklist: cases waiting for action, most urgent first (paged)");
  worklist
      ->add_option("--kind", wl->kind,
                   "never-reported, contact-overdue, crisis-flag, hours-shortfall, "
                   "discharge-due or referral-escalated (default: every kind)")
      ->check(CLI::IsMember({"never-reported", "contact-overdue", "crisis-flag", "hours-shortfall",
                             "discharge-due", "referral-escalated"}));
  worklist->add_option("--district", wl->district, "A district code (default: your districts)");
  worklist->add_option("--office", wl->office, "An office id (default: every office)");
  worklist->add_option("--page-size", wl->page_size, "Rows per page (default 100, at most 500)");
  worklist->add_option("--page-token", wl->page_token, "The next_page_token of the previous page");
  worklist->callback([&global, action, wl] {
    *action = [&global, wl] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForReporting(global);
      rv1::ListWorklistRequest req;
      const std::pair<const char*, rv1::WorklistKind> kinds[] = {
          {"never-reported", rv1::WORKLIST_KIND_NEVER_REPORTED},
          {"contact-overdue", rv1::WORKLIST_KIND_CONTACT_OVERDUE},
          {"crisis-flag", rv1::WORKLIST_KIND_CRISIS_FLAG_UNACKNOWLEDGED},
          {"hours-shortfall", rv1::WORKLIST_KIND_HOURS_SHORTFALL},
          {"discharge-due", rv1::WORKLIST_KIND_DISCHARGE_DUE},
          {"referral-escalated", rv1::WORKLIST_KIND_REFERRAL_ESCALATED}};
      for (const auto& [name, kind] : kinds) {
        if (wl->kind == name) req.set_kind(kind);
      }
      req.set_district_code(wl->district);
      req.set_office_id(wl->office);
      req.set_page_size(wl->page_size);
      req.set_page_token(wl->page_token);
      rv1::ListWorklistResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->ListWorklist(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        Table table({"KIND", "CASE", "DISTRICT", "OFFICE", "ITEM", "SINCE", "DUE", "REASON"});
        for (const auto& r : resp.rows()) {
          std::string kind = rv1::WorklistKind_Name(r.kind());
          if (kind.rfind("WORKLIST_KIND_", 0) == 0) kind = kind.substr(14);
          table.AddRow({kind, r.case_id(), r.district_code(), r.office_id(), r.item_id(),
                        FormatProtoDate(r.since()), FormatProtoDate(r.due_on()), r.reason_code()});
        }
        if (table.empty()) {
          std::cout << "nothing on the list as of " << FormatProtoDate(resp.as_of()) << "\n";
        } else {
          table.Print(std::cout);
        }
        if (!resp.next_page_token().empty()) {
          std::cout << "next page: --page-token " << resp.next_page_token() << "\n";
        }
      });
    };
  });
}

}  // namespace ccms::ctl
