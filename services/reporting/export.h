#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/reporting/domain/reports.h"

namespace ccms::reporting {

// A table as the exports lay it out, row by row: the headings (the breakdown's Chinese name,
// then each indicator's title), one row per breakdown value, and the total row ("合计"). A text
// that a spreadsheet would take for a formula (it begins with =, +, - or @) gets a leading '.
std::vector<std::vector<std::string>> ExportRows(const domain::TableContent& table);

// The breakdown's Chinese name as a column heading ("区县" for district; "范围" for none).
std::string BreakdownHeading(const std::string& breakdown);

// One table as CSV (RFC 4180, CRLF, UTF-8 with a byte-order mark so spreadsheets read the
// Chinese headings).
std::string TableCsv(const domain::TableContent& table);

// Told the rows written so far (headings, breakdown rows and totals of the tables done).
using RowsWritten = std::function<void(int64_t rows)>;

// Every table as a sheet of one XLSX workbook (libxlsxwriter), named by the table's title; counts
// are numbers, "<5" and the breakdown values are text; the heading and total rows are bold.
// Written to a temporary file under TMPDIR (else /tmp), read back and removed. `progress` (may
// be empty) is told after each sheet.
absl::StatusOr<std::string> SnapshotXlsx(const domain::SnapshotContent& content,
                                         const RowsWritten& progress = {});

// One file of an export.
struct ExportedFile {
  std::string name;
  std::string media_type;
  std::string content;
};

// The files' name stem: "<report>-<period start>-<scope or city>[-<office>]-v<version>".
std::string ExportStem(const domain::SnapshotContent& content, int version);

// The rows an export of `content` writes: per table its headings, rows and total.
int64_t ExportRowCount(const domain::SnapshotContent& content);

// An export of `content` as files named from `stem` ("<report>-<period start>-<scope>-v<n>"):
// CSV, one file per table ("<stem>-<table>.csv"), or XLSX, one workbook ("<stem>.xlsx").
// `progress` (may be empty) is told after each table. ExportReport and the export jobs both
// write with it, so a job's files equal the direct export's.
absl::StatusOr<std::vector<ExportedFile>> ExportFiles(const domain::SnapshotContent& content,
                                                      const std::string& stem, bool xlsx,
                                                      const RowsWritten& progress = {});

}  // namespace ccms::reporting
