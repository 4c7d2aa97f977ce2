#pragma once

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

// Every table as a sheet of one XLSX workbook (libxlsxwriter), named by the table's title; counts
// are numbers, "<5" and the breakdown values are text; the heading and total rows are bold.
// Written to a temporary file under TMPDIR (else /tmp), read back and removed.
absl::StatusOr<std::string> SnapshotXlsx(const domain::SnapshotContent& content);

}  // namespace ccms::reporting
