#include "services/reporting/domain/reports.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace ccms::reporting::domain {
namespace {

absl::Status Problem(const std::string& where, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("reports: ", where, ": ", what));
}

std::string Scalar(const YAML::Node& node, const char* key) {
  if (!node.IsMap()) return "";
  const YAML::Node v = node[key];
  if (!v.IsDefined() || !v.IsScalar()) return "";
  return v.as<std::string>();
}

size_t Utf8Length(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// The cells of one row by indicator id.
std::map<std::string, std::string> ByIndicator(const TableContent& t,
                                               const std::vector<std::string>& cells) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < t.indicator_ids.size() && i < cells.size(); ++i) {
    out[t.indicator_ids[i]] = cells[i];
  }
  return out;
}

// The indicator ids of both tables: `after`'s order, then those only in `before`.
std::vector<std::string> Columns(const TableContent* before, const TableContent* after) {
  std::vector<std::string> out;
  if (after != nullptr) out = after->indicator_ids;
  if (before != nullptr) {
    for (const auto& id : before->indicator_ids) {
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
  }
  return out;
}

void DiffTable(const std::string& id, const TableContent* before, const TableContent* after,
               std::vector<CellChange>* out) {
  const std::vector<std::string> columns = Columns(before, after);
  std::map<std::string, std::map<std::string, std::string>> rows_before, rows_after;
  if (before != nullptr) {
    for (size_t r = 0; r < before->keys.size(); ++r) {
      rows_before[before->keys[r]] = ByIndicator(*before, before->cells[r]);
    }
  }
  if (after != nullptr) {
    for (size_t r = 0; r < after->keys.size(); ++r) {
      rows_after[after->keys[r]] = ByIndicator(*after, after->cells[r]);
    }
  }
  std::set<std::string> keys;
  for (const auto& [k, v] : rows_before) keys.insert(k);
  for (const auto& [k, v] : rows_after) keys.insert(k);
  auto compare = [&](const std::string& key, const std::map<std::string, std::string>& b,
                     const std::map<std::string, std::string>& a, bool total) {
    for (const auto& col : columns) {
      auto bi = b.find(col);
      auto ai = a.find(col);
      const std::string bv = bi == b.end() ? "" : bi->second;
      const std::string av = ai == a.end() ? "" : ai->second;
      if (bv != av) out->push_back({id, key, col, bv, av, total});
    }
  };
  // A row a table lacks counts nothing: its cells are "0" (for the columns the table has).
  auto zeros = [](const TableContent* t) {
    std::map<std::string, std::string> out;
    if (t != nullptr) {
      for (const auto& id : t->indicator_ids) out[id] = "0";
    }
    return out;
  };
  const std::map<std::string, std::string> zeros_before = zeros(before);
  const std::map<std::string, std::string> zeros_after = zeros(after);
  for (const auto& key : keys) {
    auto b = rows_before.find(key);
    auto a = rows_after.find(key);
    compare(key, b == rows_before.end() ? zeros_before : b->second,
            a == rows_after.end() ? zeros_after : a->second, false);
  }
  static const std::map<std::string, std::string> kNone;
  compare("", before == nullptr ? kNone : ByIndicator(*before, before->total),
          after == nullptr ? kNone : ByIndicator(*after, after->total), true);
}

}  // namespace

const ReportDef* ReportDefs::Find(std::string_view id) const {
  for (const auto& r : reports) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

absl::StatusOr<ReportDefs> ParseReportDefs(std::string_view yaml, const IndicatorDefs& indicators) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Problem("file", absl::StrCat("not YAML (line ", e.mark.line + 1, ")"));
  }
  ReportDefs defs;
  defs.version = Scalar(root, "version");
  if (defs.version.empty()) return Problem("version", "required");
  if (!root.IsMap() || !root["reports"].IsSequence())
    return Problem("reports", "a list is required");
  try {
    for (const YAML::Node& n : root["reports"]) {
      ReportDef r;
      r.id = Scalar(n, "id");
      const std::string at = absl::StrCat("report ", r.id.empty() ? "?" : r.id);
      if (r.id.empty()) return Problem(at, "id is required");
      if (defs.Find(r.id) != nullptr) return Problem(at, "duplicate id");
      r.title = Scalar(n, "title");
      if (r.title.empty()) return Problem(at, "title is required");
      const auto period = ParsePeriodKind(Scalar(n, "period"));
      if (!period.has_value())
        return Problem(at, "period must be day, week, month, quarter or year");
      r.period = *period;
      if (!n["tables"].IsSequence() || n["tables"].size() == 0) {
        return Problem(at, "tables: at least one is required");
      }
      for (const YAML::Node& tn : n["tables"]) {
        ReportTableDef t;
        t.id = Scalar(tn, "id");
        const std::string tat = absl::StrCat(at, " table ", t.id.empty() ? "?" : t.id);
        if (t.id.empty()) return Problem(tat, "id is required");
        for (const auto& other : r.tables) {
          if (other.id == t.id) return Problem(tat, "duplicate id");
        }
        t.title = Scalar(tn, "title");
        if (t.title.empty()) return Problem(tat, "title is required");
        // The title names the table's sheet in the XLSX export: at most 31 characters, none of
        // []:*?/\, unique within the report.
        if (Utf8Length(t.title) > 31 || t.title.find_first_of("[]:*?/\\") != std::string::npos) {
          return Problem(tat, "title must be at most 31 characters without []:*?/\\");
        }
        for (const auto& other : r.tables) {
          if (other.title == t.title) return Problem(tat, "duplicate title");
        }
        t.breakdown = Scalar(tn, "breakdown");
        if (!t.breakdown.empty() && !IsDimension(t.breakdown)) {
          return Problem(tat, absl::StrCat("unknown breakdown ", t.breakdown));
        }
        if (!tn["indicators"].IsSequence() || tn["indicators"].size() == 0) {
          return Problem(tat, "indicators: at least one is required");
        }
        for (const YAML::Node& in : tn["indicators"]) {
          const std::string id = in.IsScalar() ? in.as<std::string>() : "";
          const IndicatorDef* d = indicators.Find(id);
          if (d == nullptr) return Problem(tat, absl::StrCat("unknown indicator ", id));
          if (!t.breakdown.empty() && std::find(d->breakdowns.begin(), d->breakdowns.end(),
                                                t.breakdown) == d->breakdowns.end()) {
            return Problem(tat, absl::StrCat("indicator ", id, " has no breakdown ", t.breakdown));
          }
          if (std::find(t.indicator_ids.begin(), t.indicator_ids.end(), id) !=
              t.indicator_ids.end()) {
            return Problem(tat, absl::StrCat("indicator ", id, " twice"));
          }
          t.indicator_ids.push_back(id);
        }
        r.tables.push_back(std::move(t));
      }
      defs.reports.push_back(std::move(r));
    }
  } catch (const YAML::Exception&) {
    return Problem("reports", "malformed entry");
  }
  if (defs.reports.empty()) return Problem("reports", "at least one is required");
  return defs;
}

std::string PolicyVersion(int minor_threshold) {
  return absl::StrCat("minor_threshold=", minor_threshold);
}

SnapshotContent ComputeSnapshot(const ReportDef& report, const ReportDefs& reports,
                                const IndicatorDefs& indicators, Period period,
                                const std::string& scope, const ReportInput& input,
                                const std::set<std::string>& visible, int minor_threshold,
                                const std::string& office) {
  SnapshotContent out;
  out.report_id = report.id;
  out.scope = scope;
  out.office_id = office;
  out.period = period;
  out.definitions_version = indicators.version;
  out.reports_version = reports.version;
  out.policy_version = PolicyVersion(minor_threshold);
  for (const ReportTableDef& t : report.tables) {
    std::vector<const IndicatorDef*> defs;
    for (const auto& id : t.indicator_ids) defs.push_back(indicators.Find(id));
    const ReportTable table = ComputeReport(defs, period, t.breakdown, input, visible, office);
    TableContent c;
    c.id = t.id;
    c.title = t.title;
    c.breakdown = t.breakdown;
    c.indicator_ids = t.indicator_ids;
    for (const auto* d : defs) c.headings.push_back(d->title);
    c.keys = table.keys;
    for (size_t r = 0; r < table.keys.size(); ++r) {
      std::vector<std::string> row;
      for (size_t i = 0; i < defs.size(); ++i) {
        row.push_back(
            CellText(*defs[i], t.breakdown, table.keys[r], table.rows[r][i], minor_threshold));
      }
      c.cells.push_back(std::move(row));
    }
    for (size_t i = 0; i < defs.size(); ++i) c.total.push_back(absl::StrCat(table.total[i]));
    out.tables.push_back(std::move(c));
  }
  return out;
}

std::vector<CellChange> DiffSnapshots(const SnapshotContent& before, const SnapshotContent& after) {
  std::vector<CellChange> out;
  auto find = [](const SnapshotContent& s, const std::string& id) -> const TableContent* {
    for (const auto& t : s.tables) {
      if (t.id == id) return &t;
    }
    return nullptr;
  };
  for (const auto& t : after.tables) DiffTable(t.id, find(before, t.id), &t, &out);
  for (const auto& t : before.tables) {
    if (find(after, t.id) == nullptr) DiffTable(t.id, &t, nullptr, &out);
  }
  return out;
}

absl::StatusOr<ExportSchedule> LoadExportSchedule(const policy::PolicyDocument& policy) {
  return policy::LoadSchedule<ExportRules>(
      policy, "reporting", [](policy::PolicyReader& r) -> absl::StatusOr<ExportRules> {
        ExportRules rules;
        rules.retention_days = static_cast<int>(r.Int("reporting.export.retention_days", 1, 366));
        return rules;
      });
}

}  // namespace ccms::reporting::domain
