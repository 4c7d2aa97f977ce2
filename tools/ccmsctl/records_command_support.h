// Helpers shared by the ccmsctl files that call the ccms.records.v1 services (CaseService,
// SupervisionService, ...): enum flags, common options (case id, request id, --on, paging), calls
// and paging.

#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "google/type/date.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "tools/ccmsctl/global_options.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/rpc_client.h"

namespace ccms::ctl {

inline constexpr char kRequestIdFooter[] =
    "Without --request-id a new one is generated and printed to stderr as "
    "'request_id: ...', so a failed call can be retried with it.";

// How flags and tables spell a proto enum's values: the name without `prefix`
// (and then without `drop`), lowercased, words joined by hyphens, e.g.
// VIOLATION_KIND_LATE_REPORTING -> late-reporting.
class EnumFlag {
 public:
  EnumFlag(const google::protobuf::EnumDescriptor* type, std::string_view prefix,
           std::string_view drop = "")
      : type_(type), prefix_(prefix), drop_(drop) {}

  std::string Label(int value) const;
  // Label(), or "-" for the zero (unspecified) value.
  std::string LabelOrDash(int value) const;
  // The labels of every value but the zero one, for the flag's IsMember check.
  std::vector<std::string> Labels() const;
  // The value whose Label() is `label`; 0 (unspecified) if none, which the
  // flag's IsMember check rules out.
  int Parse(std::string_view label) const;

 private:
  const google::protobuf::EnumDescriptor* type_;
  std::string_view prefix_;
  std::string_view drop_;
};

std::string OrDash(const std::string& value);
std::string YesNo(bool value);
// A date flag the DateValidator has checked.
google::type::Date ProtoDate(const std::string& yyyy_mm_dd);
// The value of a `--notes TEXT | --notes-file F` pair: the file's content
// (without its final newline) when `file` is set, else `text`.
absl::StatusOr<std::string> TextOrFile(const std::string& text, const std::string& file);
// Tells on stderr how to get the page after `out`, if there is one.
void HintNextPage(std::string_view what, const std::string& next_page_token);

void AddCaseId(CLI::App* cmd, std::string* case_id);
// --request-id, and the footer that explains its default.
void AddRequestId(CLI::App* cmd, std::string* request_id);
void AddOn(CLI::App* cmd, std::string* on, const std::string& what);
// `--NAME TEXT` and `--NAME-file F`, at most one of them.
void AddTextOrFile(CLI::App* cmd, const std::string& name, std::string* text, std::string* file,
                   const std::string& what);
void AddPaging(CLI::App* cmd, int* page_size, std::string* page_token, bool* all,
               const std::string& what, int max);

// A unary method of a generated gRPC stub, e.g. &records::v1::CaseService::Stub::GetCase. The
// stub type comes from the method, so Call and FetchPages reach the service that declares it.
template <typename Stub, typename Request, typename Response>
using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

// One call of `method` with the token and deadline of `global` (no token: an error); a failure
// is reported. Returns the exit code.
template <typename Stub, typename Request, typename Response>
int Call(const GlobalOptions& global, Method<Stub, Request, Response> method,
         const Request& request, Response* response) {
  if (int rc = RequireToken(global); rc != kExitOk) return rc;
  auto stub = std::make_unique<Stub>(Connect(global));
  auto context = NewCallContext(global, /*with_token=*/true);
  grpc::Status status = ((*stub).*method)(context.get(), request, response);
  if (!status.ok()) return ReportRpcError(status, global);
  return kExitOk;
}

// Calls `method` for the page `request` names, or with `all` for it and every
// page after it, merging the pages into `*out`. Returns the exit code.
template <typename Stub, typename Request, typename Response>
int FetchPages(const GlobalOptions& global, Method<Stub, Request, Response> method, bool all,
               Request request, Response* out) {
  if (int rc = RequireToken(global); rc != kExitOk) return rc;
  auto stub = std::make_unique<Stub>(Connect(global));
  while (true) {
    Response page;
    auto context = NewCallContext(global, /*with_token=*/true);
    grpc::Status status = ((*stub).*method)(context.get(), request, &page);
    if (!status.ok()) return ReportRpcError(status, global);
    out->MergeFrom(page);  // Appends the repeated items.
    out->set_next_page_token(page.next_page_token());
    if (!all || page.next_page_token().empty()) return kExitOk;
    if (page.next_page_token() == request.page_token()) {
      return ReportLocalError(
          absl::InternalError("the server returned the same page token again; stopping"));
    }
    request.set_page_token(page.next_page_token());
  }
}

// Makes `run(global, *flags)` the action when `cmd` is the parsed subcommand.
template <typename Flags>
void SetAction(CLI::App* cmd, const GlobalOptions& global, Action* action,
               std::shared_ptr<Flags> flags, int (*run)(const GlobalOptions&, const Flags&)) {
  cmd->callback([flags, &global, action, run] {
    *action = [flags, &global, run] { return run(global, *flags); };
  });
}

}  // namespace ccms::ctl
