#include "tools/ccmsctl/output.h"

#include <algorithm>
#include <cstdint>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/time/calendar.h"
#include "google/protobuf/util/json_util.h"
#include "tools/ccmsctl/rpc_client.h"

namespace ccms::ctl {
namespace {

// Decodes one UTF-8 sequence at text[*pos]; advances *pos. Invalid bytes
// decode as themselves, one byte each.
uint32_t NextCodePoint(std::string_view text, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(*pos);
  size_t length = 1;
  uint32_t code_point = lead;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
  }
  if (length == 1 || *pos + length > text.size()) {
    *pos += 1;
    return lead;
  }
  for (size_t i = 1; i < length; ++i) {
    const unsigned char next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) {
      *pos += 1;
      return lead;
    }
    code_point = (code_point << 6) | (next & 0x3F);
  }
  *pos += length;
  return code_point;
}

bool IsWide(uint32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

void PrintPadded(std::ostream& out, const std::string& cell, size_t width) {
  out << cell;
  for (size_t w = DisplayWidth(cell); w < width; ++w) out << ' ';
}

}  // namespace

std::string Sanitize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      out += '?';
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      out += '?';  // U+0080..U+009F, the C1 controls (CSI is U+009B).
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  size_t pos = 0;
  while (pos < text.size()) width += IsWide(NextCodePoint(text, &pos)) ? 2 : 1;
  return width;
}

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {}

void Table::AddRow(std::vector<std::string> row) {
  row.resize(header_.size());
  for (std::string& cell : row) cell = Sanitize(cell);
  rows_.push_back(std::move(row));
}

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths(header_.size(), 0);
  for (size_t i = 0; i < header_.size(); ++i) {
    widths[i] = DisplayWidth(header_[i]);
    for (const auto& row : rows_) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  const auto print_row = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i + 1 == row.size()) {
        out << row[i];  // No trailing spaces after the last column.
      } else {
        PrintPadded(out, row[i], widths[i]);
        out << "  ";
      }
    }
    out << "\n";
  };
  print_row(header_);
  for (const auto& row : rows_) print_row(row);
}

void PrintKeyValues(const std::vector<std::pair<std::string, std::string>>& rows,
                    std::ostream& out) {
  size_t width = 0;
  for (const auto& [key, value] : rows) {
    width = std::max(width, DisplayWidth(key));
  }
  for (const auto& [key, value] : rows) {
    PrintPadded(out, key, width);
    out << "  " << Sanitize(value) << "\n";
  }
}

std::string FormatProtoDate(const google::type::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "-";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "-";
  const absl::Time t =
      absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Ez", t, time::ShanghaiTimeZone());
}

std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int value,
                      std::string_view prefix) {
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByNumber(value);
  if (v == nullptr) return std::to_string(value);
  std::string_view name = v->name();
  if (absl::StartsWith(absl::string_view(name.data(), name.size()),
                       absl::string_view(prefix.data(), prefix.size()))) {
    name.remove_prefix(prefix.size());
  }
  return absl::AsciiStrToLower(std::string(name));
}

std::vector<std::string> EnumLabels(const google::protobuf::EnumDescriptor* type,
                                    std::string_view prefix) {
  std::vector<std::string> labels;
  for (int i = 0; i < type->value_count(); ++i) {
    const int number = type->value(i)->number();
    if (number != 0) labels.push_back(EnumLabel(type, number, prefix));
  }
  return labels;
}

std::optional<int> ParseEnumLabel(const google::protobuf::EnumDescriptor* type,
                                  std::string_view prefix, std::string_view label) {
  for (int i = 0; i < type->value_count(); ++i) {
    const int number = type->value(i)->number();
    if (number != 0 && EnumLabel(type, number, prefix) == label) return number;
  }
  return std::nullopt;
}

absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError("cannot print the response as JSON: " + status.message().ToString());
  }
  out << json << "\n";
  return absl::OkStatus();
}

int PrintResponse(const GlobalOptions& global, const google::protobuf::Message& response,
                  const std::function<void()>& print_human) {
  if (global.json) {
    absl::Status status = PrintJson(response, std::cout);
    if (!status.ok()) return ReportLocalError(status);
  } else {
    print_human();
  }
  return kExitOk;
}

}  // namespace ccms::ctl
