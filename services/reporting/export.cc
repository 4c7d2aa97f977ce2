#include "services/reporting/export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::reporting {
namespace {

std::string Guarded(const std::string& text) {
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@')) {
    return "'" + text;
  }
  return text;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

bool IsCount(const std::string& text) {
  if (text.empty() || text.size() > 15) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Removes the file when it goes out of scope.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) unlink(path.c_str());
  }
};

}  // namespace

std::string BreakdownHeading(const std::string& breakdown) {
  static const std::map<std::string, std::string> kNames = {
      {"district", "区县"},     {"office", "司法所"},      {"sentence_kind", "矫正类别"},
      {"sex", "性别"},          {"age_band", "年龄段"},    {"offence_category", "罪名类别"},
      {"level", "管理等级"},    {"minor", "未成年人"},     {"key_attention", "重点对象"},
      {"lost_contact", "脱管"}, {"never_reported", "漏管"}};
  auto it = kNames.find(breakdown);
  return it == kNames.end() ? "范围" : it->second;
}

std::vector<std::vector<std::string>> ExportRows(const domain::TableContent& t) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> head = {BreakdownHeading(t.breakdown)};
  head.insert(head.end(), t.headings.begin(), t.headings.end());
  out.push_back(std::move(head));
  for (size_t r = 0; r < t.keys.size(); ++r) {
    std::vector<std::string> row = {Guarded(t.keys[r])};
    for (const auto& c : t.cells[r]) row.push_back(Guarded(c));
    out.push_back(std::move(row));
  }
  std::vector<std::string> total = {"合计"};
  for (const auto& c : t.total) total.push_back(Guarded(c));
  out.push_back(std::move(total));
  return out;
}

std::string TableCsv(const domain::TableContent& table) {
  std::string out = "\xEF\xBB\xBF";
  for (const auto& row : ExportRows(table)) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      out += CsvField(row[i]);
    }
    out += "\r\n";
  }
  return out;
}

absl::StatusOr<std::string> SnapshotXlsx(const domain::SnapshotContent& content,
                                         const RowsWritten& progress) {
  int64_t written = 0;
  const char* dir = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(dir != nullptr && *dir != '\0' ? dir : "/tmp", "/ccms-report-XXXXXX.xlsx");
  const int fd = mkstemps(pattern.data(), 5);
  if (fd < 0) return absl::InternalError("export: no temporary file");
  close(fd);
  TempFile file{pattern};
  lxw_workbook* wb = workbook_new(file.path.c_str());
  if (wb == nullptr) return absl::InternalError("export: the workbook cannot be created");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  for (const auto& t : content.tables) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, t.title.c_str());
    if (ws == nullptr) {
      workbook_close(wb);
      return absl::InternalError("export: a sheet cannot be added");
    }
    const auto rows = ExportRows(t);
    worksheet_set_column(ws, 0, static_cast<lxw_col_t>(rows.front().size()), 16, nullptr);
    for (size_t r = 0; r < rows.size(); ++r) {
      const bool heading = r == 0 || r + 1 == rows.size();
      lxw_format* format = heading ? bold : nullptr;
      for (size_t c = 0; c < rows[r].size(); ++c) {
        const auto row = static_cast<lxw_row_t>(r);
        const auto col = static_cast<lxw_col_t>(c);
        if (r > 0 && c > 0 && IsCount(rows[r][c])) {
          worksheet_write_number(ws, row, col, std::stod(rows[r][c]), format);
        } else {
          worksheet_write_string(ws, row, col, rows[r][c].c_str(), format);
        }
      }
    }
    written += static_cast<int64_t>(rows.size());
    if (progress) progress(written);
  }
  if (workbook_close(wb) != LXW_NO_ERROR) {
    return absl::InternalError("export: the workbook cannot be written");
  }
  std::ifstream in(file.path, std::ios::binary);
  if (!in) return absl::InternalError("export: the workbook cannot be read back");
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string ExportStem(const domain::SnapshotContent& c, int version) {
  return absl::StrCat(c.report_id, "-", time::FormatDate(c.period.start), "-",
                      c.scope.empty() ? "city" : c.scope, c.office_id.empty() ? "" : "-",
                      c.office_id, "-v", version);
}

int64_t ExportRowCount(const domain::SnapshotContent& content) {
  int64_t rows = 0;
  for (const auto& t : content.tables) rows += static_cast<int64_t>(t.keys.size()) + 2;
  return rows;
}

absl::StatusOr<std::vector<ExportedFile>> ExportFiles(const domain::SnapshotContent& content,
                                                      const std::string& stem, bool xlsx,
                                                      const RowsWritten& progress) {
  std::vector<ExportedFile> files;
  if (!xlsx) {
    int64_t written = 0;
    for (const auto& t : content.tables) {
      files.push_back(
          {absl::StrCat(stem, "-", t.id, ".csv"), "text/csv; charset=utf-8", TableCsv(t)});
      written += static_cast<int64_t>(t.keys.size()) + 2;
      if (progress) progress(written);
    }
    return files;
  }
  auto workbook = SnapshotXlsx(content, progress);
  if (!workbook.ok()) return workbook.status();
  files.push_back({absl::StrCat(stem, ".xlsx"),
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   *std::move(workbook)});
  return files;
}

}  // namespace ccms::reporting
