#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/policy/policy.h"
#include "common/policy/schedule.h"
#include "services/reporting/domain/indicators.h"
#include "services/reporting/domain/period.h"

namespace ccms::reporting::domain {

// One table of a report (services/reporting/reports.yaml): indicators, in column order, broken
// down by one dimension ("" for the total only). One sheet of the XLSX export.
struct ReportTableDef {
  std::string id;
  std::string title;
  std::string breakdown;
  std::vector<std::string> indicator_ids;
};

// A report definition: the daily, monthly, quarterly and annual reports.
struct ReportDef {
  std::string id;
  std::string title;
  PeriodKind period = PeriodKind::kMonth;
  std::vector<ReportTableDef> tables;
};

struct ReportDefs {
  std::string version;
  std::vector<ReportDef> reports;

  const ReportDef* Find(std::string_view id) const;
};

// Parses and validates the report definitions against the indicators: a version, unique report
// ids, a known period, at least one table with a unique id and a title, known indicators, each
// allowing the table's breakdown. Errors name the report, the table and the field.
absl::StatusOr<ReportDefs> ParseReportDefs(std::string_view yaml, const IndicatorDefs& indicators);

// A computed table of a snapshot: cells as reports show them (a count or "<5").
struct TableContent {
  std::string id;
  std::string title;
  std::string breakdown;
  std::vector<std::string> indicator_ids;
  std::vector<std::string> headings;
  std::vector<std::string> keys;                // one per row, sorted
  std::vector<std::vector<std::string>> cells;  // cells[row][indicator]
  std::vector<std::string> total;               // one per indicator

  bool operator==(const TableContent&) const = default;
};

// What a snapshot says: which report, for which scope and period, under which versions, and every
// cell. Its canonical text (services/reporting/snapshot_codec.h) is what the checksum covers.
struct SnapshotContent {
  std::string report_id;
  std::string scope;      // "" for the city, else a district code
  std::string office_id;  // one office of the scope's district; "" for every office
  Period period;
  std::string definitions_version;
  std::string reports_version;
  std::string policy_version;
  std::vector<TableContent> tables;

  bool operator==(const SnapshotContent&) const = default;
};

// The privacy policy's version a snapshot records: "minor_threshold=<threshold>".
std::string PolicyVersion(int minor_threshold);

// Computes every table of `report` over `period` from `input`, counting the districts in
// `visible` (empty: all) and, when `office` is not empty, that office's states only (the scope's
// office), minors' small counts below the district shown as "<threshold". Pure.
SnapshotContent ComputeSnapshot(const ReportDef& report, const ReportDefs& reports,
                                const IndicatorDefs& indicators, Period period,
                                const std::string& scope, const ReportInput& input,
                                const std::set<std::string>& visible, int minor_threshold,
                                const std::string& office = "");

// One cell that differs between two snapshots.
struct CellChange {
  std::string table_id;
  std::string row_key;  // "" in the total row
  std::string indicator_id;
  std::string before;  // "" where the row, the column or the table is absent
  std::string after;
  bool total = false;

  bool operator==(const CellChange&) const = default;
};

// The cells of `before` and `after` that differ: tables matched by id, rows by key, columns by
// indicator id; a row a table lacks counts "0" in each of the table's columns (a report lists
// only the values something was counted for), a missing column or table is ""; in the order of
// `after`'s tables (then tables only in `before`), rows by key, the total row last, columns in
// `after`'s order (then columns only in `before`).
std::vector<CellChange> DiffSnapshots(const SnapshotContent& before, const SnapshotContent& after);

// Reporting's section of the policy (deploy/policy/default.yaml, `reporting:`): how long a
// finished export job's files are kept (reporting.export.retention_days, 1 to 366).
struct ExportRules {
  int retention_days = 7;
};
using ExportSchedule = policy::Schedule<ExportRules>;
absl::StatusOr<ExportSchedule> LoadExportSchedule(const policy::PolicyDocument& policy);

}  // namespace ccms::reporting::domain
