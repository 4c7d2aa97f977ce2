// Helpers shared by the ccmsctl files that call the employment service (employment_commands.cc,
// employment_needs_commands.cc, employment_support_commands.cc): its address, date flags, enum
// labels, paging hints and one call.

#pragma once

#include <functional>
#include <memory>
#include <string>

#include "google/protobuf/descriptor.h"
#include "google/type/date.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "tools/ccmsctl/global_options.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/rpc_client.h"

namespace ccms::ctl::employment_cli {

// `global` aimed at the employment service (--employment-addr, CCMS_EMPLOYMENT_ADDR).
GlobalOptions ForEmployment(const GlobalOptions& global);

std::string OrDash(const std::string& value);
std::string YesNo(bool value);
// Sets `*out` from a YYYY-MM-DD flag the DateValidator has checked; leaves it unset when empty.
void SetDate(const std::string& text, google::type::Date* out);
// Tells how to ask for the next page, if there is one.
void PrintNextPage(const std::string& token);

// The value of `Enum` whose label (EnumLabel with `prefix`) is `label`; 0 if none (the flag's
// IsMember check rules that out).
template <typename Enum>
Enum Parse(const google::protobuf::EnumDescriptor* type, const char* prefix,
           const std::string& label) {
  return static_cast<Enum>(ParseEnumLabel(type, prefix, label).value_or(0));
}

// Runs one call against the employment service with the token and deadline of `global` and
// prints its answer with `print` (or as JSON); a failure is reported. Returns the exit code.
template <typename Response>
int Call(const GlobalOptions& global,
         const std::function<grpc::Status(const std::shared_ptr<grpc::Channel>&,
                                          grpc::ClientContext*, Response*)>& rpc,
         const std::function<void(const Response&)>& print) {
  if (int rc = RequireToken(global); rc != kExitOk) return rc;
  const GlobalOptions options = ForEmployment(global);
  Response resp;
  auto ctx = NewCallContext(options, true);
  grpc::Status st = rpc(Connect(options), ctx.get(), &resp);
  if (!st.ok()) return ReportRpcError(st, options);
  return PrintResponse(options, resp, [&] { print(resp); });
}

}  // namespace ccms::ctl::employment_cli
