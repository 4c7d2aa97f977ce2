#include "tools/ccmsctl/records_command_support.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {

std::string EnumFlag::Label(int value) const {
  std::string label = EnumLabel(type_, value, prefix_);
  if (!drop_.empty() && label.starts_with(drop_)) label.erase(0, drop_.size());
  std::replace(label.begin(), label.end(), '_', '-');
  return label;
}

std::string EnumFlag::LabelOrDash(int value) const { return value == 0 ? "-" : Label(value); }

std::vector<std::string> EnumFlag::Labels() const {
  std::vector<std::string> labels;
  for (int i = 0; i < type_->value_count(); ++i) {
    const int number = type_->value(i)->number();
    if (number != 0) labels.push_back(Label(number));
  }
  return labels;
}

int EnumFlag::Parse(std::string_view label) const {
  for (int i = 0; i < type_->value_count(); ++i) {
    const int number = type_->value(i)->number();
    if (number != 0 && Label(number) == label) return number;
  }
  return 0;
}

std::string OrDash(const std::string& value) { return value.empty() ? "-" : value; }

std::string YesNo(bool value) { return value ? "yes" : "no"; }

google::type::Date ProtoDate(const std::string& yyyy_mm_dd) {
  return grpc_util::ToProtoDate(*time::ParseDate(yyyy_mm_dd));
}

absl::StatusOr<std::string> TextOrFile(const std::string& text, const std::string& file) {
  if (file.empty()) return text;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError("cannot read " + file + ": " + std::strerror(errno));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string content = buffer.str();
  if (content.ends_with('\n')) content.pop_back();
  if (content.ends_with('\r')) content.pop_back();
  return content;
}

void HintNextPage(std::string_view what, const std::string& next_page_token) {
  if (next_page_token.empty()) return;
  std::cerr << "more " << what << ": --page-token " << next_page_token << " (or --all)\n";
}

void AddCaseId(CLI::App* cmd, std::string* case_id) {
  cmd->add_option("CASE_ID", *case_id, "The case id (a UUID)")->required()->check(UuidValidator());
}

void AddRequestId(CLI::App* cmd, std::string* request_id) {
  cmd->footer(kRequestIdFooter);
  cmd->add_option("--request-id", *request_id, "Idempotency key, to retry a call")
      ->check(UuidValidator());
}

void AddOn(CLI::App* cmd, std::string* on, const std::string& what) {
  cmd->add_option("--on", *on, what + "; default: today in Asia/Shanghai")->check(DateValidator());
}

void AddTextOrFile(CLI::App* cmd, const std::string& name, std::string* text, std::string* file,
                   const std::string& what) {
  CLI::Option* text_option = cmd->add_option("--" + name, *text, what);
  CLI::Option* file_option =
      cmd->add_option("--" + name + "-file", *file, "Read the " + name + " from this file")
          ->check(CLI::ExistingFile);
  text_option->excludes(file_option);
}

void AddPaging(CLI::App* cmd, int* page_size, std::string* page_token, bool* all,
               const std::string& what, int max) {
  cmd->add_option("--page-size", *page_size, what + " per page (server default 100)")
      ->check(CLI::Range(1, max));
  cmd->add_option("--page-token", *page_token, "Continue from a previous page's next_page_token");
  cmd->add_flag("--all", *all, "Follow next_page_token until the last page");
}

}  // namespace ccms::ctl
