// Human output (aligned tables, dates, enum labels) and machine output
// (proto3 JSON) for ccmsctl.

#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// `text` with ASCII and C1 control characters replaced by '?', so text from a
// server cannot move the cursor or recolour the terminal.
std::string Sanitize(std::string_view text);

// Terminal columns taken by UTF-8 `text`: East Asian wide characters (汉字,
// fullwidth forms) count 2, everything else 1.
size_t DisplayWidth(std::string_view text);

// Columns padded to the widest cell, separated by two spaces. Cells are
// sanitized when printed.
class Table {
 public:
  explicit Table(std::vector<std::string> header);

  void AddRow(std::vector<std::string> row);
  bool empty() const { return rows_.empty(); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Prints "key  value" lines with the values aligned.
void PrintKeyValues(const std::vector<std::pair<std::string, std::string>>& rows,
                    std::ostream& out);

// "YYYY-MM-DD", or "-" for an unset (all-zero) date.
std::string FormatProtoDate(const google::type::Date& date);

// "YYYY-MM-DD hh:mm:ss +08:00" in Asia/Shanghai, or "-" when unset.
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);

// The label of enum `value` for people and for flags: its name without
// `prefix`, lowercased ("CASE_STATUS_PENDING_INTAKE" -> "pending_intake").
// An unknown number prints as the number.
std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int value,
                      std::string_view prefix);

// Labels of every value of `type` except the zero (unspecified) one.
std::vector<std::string> EnumLabels(const google::protobuf::EnumDescriptor* type,
                                    std::string_view prefix);

// The number of the value whose EnumLabel() is `label`.
std::optional<int> ParseEnumLabel(const google::protobuf::EnumDescriptor* type,
                                  std::string_view prefix, std::string_view label);

// Prints `message` as one proto3 JSON document (lowerCamelCase field names,
// the canonical mapping) followed by a newline.
absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out);

// Prints a call's `response` to stdout: as JSON with --json, else by calling
// `print_human`. Returns the exit code.
int PrintResponse(const GlobalOptions& global, const google::protobuf::Message& response,
                  const std::function<void()>& print_human);

}  // namespace ccms::ctl
