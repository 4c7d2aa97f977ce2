#include "tools/ccmsctl/employment_command_support.h"

#include <iostream>

#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"

namespace ccms::ctl::employment_cli {

GlobalOptions ForEmployment(const GlobalOptions& global) {
  GlobalOptions options = global;
  options.addr = global.employment_addr;
  return options;
}

std::string OrDash(const std::string& value) { return value.empty() ? "-" : value; }

std::string YesNo(bool value) { return value ? "yes" : "no"; }

void SetDate(const std::string& text, google::type::Date* out) {
  if (text.empty()) return;
  if (auto d = time::ParseDate(text)) *out = grpc_util::ToProtoDate(*d);
}

void PrintNextPage(const std::string& token) {
  if (!token.empty()) std::cout << "next page: --page-token " << token << "\n";
}

}  // namespace ccms::ctl::employment_cli
