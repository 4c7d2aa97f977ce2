#include "tools/ccmsctl/case_commands.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ccms/records/v1/case_service.grpc.pb.h"
#include "ccms/records/v1/records_types.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

using ::ccms::records::v1::Case;
using ::ccms::records::v1::CaseService;

constexpr char kStatusPrefix[] = "CASE_STATUS_";
constexpr char kKindPrefix[] = "SENTENCE_KIND_";
constexpr char kSexPrefix[] = "SEX_";

struct OpenFlags {
  std::string file;
  std::string request_id;
};

struct CheckInFlags {
  std::string case_id;
  std::string on;
  std::string request_id;
  int64_t version = 0;
};

struct ListFlags {
  std::string district;
  std::string office;
  std::string status;
  std::string kind;
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

std::unique_ptr<CaseService::Stub> NewStub(const GlobalOptions& global) {
  return CaseService::NewStub(Connect(global));
}

std::string StatusLabel(int status) {
  return EnumLabel(records::v1::CaseStatus_descriptor(), status, kStatusPrefix);
}

std::string KindLabel(int kind) {
  return EnumLabel(common::v1::SentenceKind_descriptor(), kind, kKindPrefix);
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

std::string OrDash(const std::string& value) { return value.empty() ? "-" : value; }

void PrintCaseSummary(const Case& c) {
  PrintKeyValues({{"case number", c.case_number()},
                  {"case id", c.case_id()},
                  {"status", StatusLabel(c.status())},
                  {"intake deadline", FormatProtoDate(c.intake_deadline())}},
                 std::cout);
}

void PrintCaseDetail(const Case& c) {
  const auto& p = c.person();
  const auto& s = c.sentence();
  const auto& a = c.assignment();
  PrintKeyValues(
      {
          {"case number", c.case_number()},
          {"case id", c.case_id()},
          {"status", StatusLabel(c.status())},
          {"name", p.name()},
          {"id number", OrDash(p.id_number_masked())},
          {"sex", EnumLabel(common::v1::Sex_descriptor(), p.sex(), kSexPrefix)},
          {"birth date", FormatProtoDate(p.birth_date())},
          {"minor", YesNo(c.minor())},
          {"phone", OrDash(p.phone())},
          {"household address", OrDash(p.household_address())},
          {"residence address", OrDash(p.residence_address())},
          {"sentence kind", KindLabel(s.kind())},
          {"offence category", OrDash(s.offence_category())},
          {"deciding authority", OrDash(s.deciding_authority())},
          {"judgment effective", FormatProtoDate(s.judgment_effective_date())},
          {"sentence start", FormatProtoDate(s.start_date())},
          {"sentence end", FormatProtoDate(s.end_date())},
          {"prohibition orders", OrDash(s.prohibition_orders())},
          {"district", a.district_code()},
          {"office", OrDash(a.office_id())},
          {"officer", OrDash(a.officer_id())},
          {"social worker", OrDash(a.social_worker_id())},
          {"intake deadline", FormatProtoDate(c.intake_deadline())},
          {"intake reported on", FormatProtoDate(c.intake_reported_on())},
          {"intake late", YesNo(c.intake_late())},
          {"created", FormatTimestamp(c.created_at())},
          {"updated", FormatTimestamp(c.updated_at())},
          {"version", std::to_string(c.version())},
      },
      std::cout);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

int RunOpen(const GlobalOptions& global, const OpenFlags& flags) {
  if (int rc = RequireToken(global); rc != kExitOk) return rc;
  absl::StatusOr<std::string> json = ReadFile(flags.file);
  if (!json.ok()) return ReportLocalError(json.status());
  // protobuf's JSON parser tolerates some malformed input (trailing commas)
  // and reports no line numbers, so check the syntax strictly first.
  try {
    if (!nlohmann::json::parse(*json).is_object()) {
      return ReportLocalError(absl::InvalidArgumentError(
          flags.file + ": must hold one JSON object (an OpenCaseRequest)"));
    }
  } catch (const nlohmann::json::parse_error& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 1, ...".
    std::string_view what = e.what();
    if (size_t end = what.find("] "); end != std::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    return ReportLocalError(
        absl::InvalidArgumentError(flags.file + ": malformed JSON: " + std::string(what)));
  }
  records::v1::OpenCaseRequest request;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed = google::protobuf::util::JsonStringToMessage(*json, &request, options);
  if (!parsed.ok()) {
    return ReportLocalError(absl::InvalidArgumentError(
        flags.file +
        ": not a valid OpenCaseRequest (proto3 JSON): " + parsed.message().ToString()));
  }
  if (!flags.request_id.empty()) {
    request.set_request_id(flags.request_id);
  } else if (request.request_id().empty()) {
    request.set_request_id(NewRequestId());
  }
  records::v1::OpenCaseResponse response;
  auto context = NewCallContext(global, /*with_token=*/true);
  grpc::Status status = NewStub(global)->OpenCase(context.get(), request, &response);
  if (!status.ok()) return ReportRpcError(status, global);
  return PrintResponse(global, response, [&] { PrintCaseSummary(response.case_()); });
}

int RunGet(const GlobalOptions& global, const std::string& case_id) {
  if (int rc = RequireToken(global); rc != kExitOk) return rc;
  records::v1::GetCaseRequest request;
  request.set_case_id(case_id);
  records::v1::GetCaseResponse response;
  auto context = NewCallContext(global, /*with_token=*/true);
  grpc::Status status = NewStub(global)->GetCase(context.get(), request, &response);
  if (!status.ok()) return ReportRpcError(status, global);
  return PrintResponse(global, response, [&] { PrintCaseDetail(response.case_()); });
}

int RunList(const GlobalOptions& global, const ListFlags& flags) {
  if (int rc = RequireToken(global); rc != kExitOk) return rc;
  records::v1::ListCasesRequest request;
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  request.set_district_code(flags.district);
  request.set_office_id(flags.office);
  if (!flags.status.empty()) {  // The flag's IsMember check makes these set.
    request.set_status(static_cast<records::v1::CaseStatus>(
        ParseEnumLabel(records::v1::CaseStatus_descriptor(), kStatusPrefix, flags.status)
            .value_or(0)));
  }
  if (!flags.kind.empty()) {
    request.set_sentence_kind(static_cast<common::v1::SentenceKind>(
        ParseEnumLabel(common::v1::SentenceKind_descriptor(), kKindPrefix, flags.kind)
            .value_or(0)));
  }

  auto stub = NewStub(global);
  records::v1::ListCasesResponse all;  // Every page, for --all.
  while (true) {
    records::v1::ListCasesResponse page;
    auto context = NewCallContext(global, /*with_token=*/true);
    grpc::Status status = stub->ListCases(context.get(), request, &page);
    if (!status.ok()) return ReportRpcError(status, global);
    for (Case& c : *page.mutable_cases()) *all.add_cases() = std::move(c);
    all.set_next_page_token(page.next_page_token());
    if (!flags.all || page.next_page_token().empty()) break;
    if (page.next_page_token() == request.page_token()) {
      return ReportLocalError(
          absl::InternalError("the server returned the same page token again; stopping"));
    }
    request.set_page_token(page.next_page_token());
  }

  return PrintResponse(global, all, [&] {
    if (all.cases().empty()) {
      std::cout << "no cases\n";
    } else {
      Table table({"CASE ID", "CASE NUMBER", "STATUS", "DISTRICT", "OFFICE", "KIND", "NAME",
                   "INTAKE DEADLINE"});
      for (const Case& c : all.cases()) {
        table.AddRow({c.case_id(), c.case_number(), StatusLabel(c.status()),
                      c.assignment().district_code(), OrDash(c.assignment().office_id()),
                      KindLabel(c.sentence().kind()), c.person().name(),
                      FormatProtoDate(c.intake_deadline())});
      }
      table.Print(std::cout);
    }
    if (!all.next_page_token().empty()) {
      std::cerr << "more cases: --page-token " << all.next_page_token() << " (or --all)\n";
    }
  });
}

int RunCheckIn(const GlobalOptions& global, const CheckInFlags& flags) {
  if (int rc = RequireToken(global); rc != kExitOk) return rc;
  records::v1::RecordIntakeCheckInRequest request;
  request.set_case_id(flags.case_id);
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  if (!flags.on.empty()) {
    // The flag's DateValidator guarantees a valid date.
    *request.mutable_reported_on() = grpc_util::ToProtoDate(*time::ParseDate(flags.on));
  }
  request.set_version(flags.version);
  records::v1::RecordIntakeCheckInResponse response;
  auto context = NewCallContext(global, /*with_token=*/true);
  grpc::Status status = NewStub(global)->RecordIntakeCheckIn(context.get(), request, &response);
  if (!status.ok()) return ReportRpcError(status, global);
  return PrintResponse(global, response, [&] {
    const Case& c = response.case_();
    PrintKeyValues({{"case number", c.case_number()},
                    {"case id", c.case_id()},
                    {"status", StatusLabel(c.status())},
                    {"intake reported on", FormatProtoDate(c.intake_reported_on())},
                    {"intake late", YesNo(c.intake_late())},
                    {"version", std::to_string(c.version())}},
                   std::cout);
  });
}

void AddOpen(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<OpenFlags>();
  CLI::App* cmd =
      parent.add_subcommand("open", "Open a case from a proto3 JSON OpenCaseRequest file");
  cmd->footer(
      "Example file: docs/examples/case.json. OpenCase is idempotent by "
      "request_id: without one in the file or --request-id, a new one is "
      "generated and printed to stderr as 'request_id: ...', so a failed "
      "call can be retried with it.");
  cmd->add_option("--file", flags->file, "proto3 JSON of an OpenCaseRequest")->required();
  cmd->add_option("--request-id", flags->request_id,
                  "Idempotency key; overrides the file's request_id")
      ->check(UuidValidator());
  cmd->callback(
      [flags, &global, action] { *action = [flags, &global] { return RunOpen(global, *flags); }; });
}

void AddGet(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto case_id = std::make_shared<std::string>();
  CLI::App* cmd = parent.add_subcommand("get", "Show one case");
  cmd->add_option("CASE_ID", *case_id, "The case id (a UUID)")->required()->check(UuidValidator());
  cmd->callback([case_id, &global, action] {
    *action = [case_id, &global] { return RunGet(global, *case_id); };
  });
}

void AddList(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<ListFlags>();
  CLI::App* cmd =
      parent.add_subcommand("list", "List the cases visible to the caller, one page at a time");
  cmd->add_option("--district", flags->district, "Only this district code")
      ->check(DistrictValidator());
  cmd->add_option("--office", flags->office, "Only this office (司法所) id");
  cmd->add_option("--status", flags->status, "Only cases in this status")
      ->check(CLI::IsMember(EnumLabels(records::v1::CaseStatus_descriptor(), kStatusPrefix)));
  cmd->add_option("--kind", flags->kind, "Only this sentence kind")
      ->check(CLI::IsMember(EnumLabels(common::v1::SentenceKind_descriptor(), kKindPrefix)));
  cmd->add_option("--page-size", flags->page_size,
                  "Cases per page (server default 50, at most 500)")
      ->check(CLI::Range(1, 500));
  cmd->add_option("--page-token", flags->page_token,
                  "Continue from a previous page's next_page_token");
  cmd->add_flag("--all", flags->all, "Follow next_page_token until the last page");
  cmd->callback(
      [flags, &global, action] { *action = [flags, &global] { return RunList(global, *flags); }; });
}

void AddCheckIn(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<CheckInFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "check-in", "Record the intake check-in (报到): pending_intake -> active");
  cmd->footer(
      "Without --request-id a new one is generated and printed to stderr as "
      "'request_id: ...', so a failed call can be retried with it.");
  cmd->add_option("CASE_ID", flags->case_id, "The case id (a UUID)")
      ->required()
      ->check(UuidValidator());
  cmd->add_option("--on", flags->on, "Day the person reported; default: today in Asia/Shanghai")
      ->check(DateValidator());
  cmd->add_option("--request-id", flags->request_id, "Idempotency key, to retry a call")
      ->check(UuidValidator());
  cmd->add_option("--version", flags->version,
                  "Only if the case is still at this version (optimistic "
                  "concurrency); default: any")
      ->check(CLI::PositiveNumber);
  cmd->callback([flags, &global, action] {
    *action = [flags, &global] { return RunCheckIn(global, *flags); };
  });
}

}  // namespace

void AddCaseCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cases = app.add_subcommand("case", "Supervision case files (ccms-records)");
  cases->require_subcommand(1);
  cases->fallthrough();
  AddOpen(*cases, global, action);
  AddGet(*cases, global, action);
  AddList(*cases, global, action);
  AddCheckIn(*cases, global, action);
}

}  // namespace ccms::ctl
