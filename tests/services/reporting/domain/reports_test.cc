// The report definitions (services/reporting/reports.yaml), snapshots computed from them, their
// canonical text and checksum, diffs between versions, the exports' layout, and privacy over every
// table of every report.
#include "services/reporting/domain/reports.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "services/reporting/export.h"
#include "services/reporting/snapshot_codec.h"
#include "services/reporting/wiring.h"

namespace ccms::reporting::domain {
namespace {

using D = absl::CivilDay;

const IndicatorDefs& Indicators() {
  static const IndicatorDefs* defs = [] {
    auto d = ParseIndicatorDefs(ShippedIndicators());
    EXPECT_TRUE(d.ok()) << d.status();
    return new IndicatorDefs(*std::move(d));
  }();
  return *defs;
}

const ReportDefs& Reports() {
  static const ReportDefs* defs = [] {
    auto d = ParseReportDefs(ShippedReports(), Indicators());
    EXPECT_TRUE(d.ok()) << d.status();
    return new ReportDefs(*std::move(d));
  }();
  return *defs;
}

// Cases of three districts and five offices, many minors, spread over 2026 (a few in each
// office, so minors' counts by office fall under the threshold and above it).
std::vector<Timeline> Cases(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Timeline> out;
  const std::vector<std::string> districts = {"110101", "110102", "110105"};
  for (int c = 0; c < n; ++c) {
    std::vector<Occurrence> occ;
    Occurrence o;
    o.event_id = absl::StrCat("e", c, "-0");
    o.kind = kCaseOpened;
    o.on = D(2026, 1, 1) + static_cast<int>(rng() % 300);
    o.district = districts[rng() % districts.size()];
    o.office = absl::StrCat(o.district, "-o", rng() % 5);
    o.sentence_kind = rng() % 2 ? "PROBATION" : "PAROLE";
    o.sex = rng() % 2 ? "MALE" : "FEMALE";
    o.age_band = rng() % 3 == 0 ? "16_TO_17" : "26_TO_35";
    o.offence_category = "theft";
    o.minor = rng() % 3 == 0;
    o.deadline = o.on + 10;
    occ.push_back(o);
    Occurrence r = o;
    r.event_id = absl::StrCat("e", c, "-1");
    r.kind = kIntakeReported;
    r.on = o.on + 2;
    occ.push_back(r);
    if (rng() % 4 == 0) {
      Occurrence k = o;
      k.event_id = absl::StrCat("e", c, "-2");
      k.kind = kClosed;
      k.code = "DISCHARGED";
      k.on = o.on + 30 + static_cast<int>(rng() % 60);
      occ.push_back(k);
    }
    out.push_back(BuildTimeline(occ));
  }
  return out;
}

ReportInput InputOf(const std::vector<Timeline>& timelines) {
  ReportInput input;
  for (const auto& t : timelines) input.timelines.push_back(&t);
  input.case_ids.resize(timelines.size());
  return input;
}

TEST(ReportsTest, ShippedReportsAreTheDailyMonthlyQuarterlyAndAnnual) {
  ASSERT_FALSE(Reports().version.empty());
  const std::vector<std::pair<std::string, PeriodKind>> want = {{"daily", PeriodKind::kDay},
                                                                {"monthly", PeriodKind::kMonth},
                                                                {"quarterly", PeriodKind::kQuarter},
                                                                {"annual", PeriodKind::kYear}};
  for (const auto& [id, kind] : want) {
    const ReportDef* r = Reports().Find(id);
    ASSERT_NE(r, nullptr) << id;
    EXPECT_EQ(r->period, kind) << id;
    EXPECT_FALSE(r->tables.empty()) << id;
  }
}

TEST(ReportsTest, DefinitionProblemsAreNamed) {
  auto bad = [](const std::string& yaml) {
    return std::string(ParseReportDefs(yaml, Indicators()).status().message());
  };
  EXPECT_NE(bad("reports: []").find("version"), std::string::npos);
  const std::string head = "version: x\nreports:\n  - id: m\n    title: 月报\n";
  EXPECT_NE(bad(head + "    period: fortnight\n    tables: []\n").find("period"),
            std::string::npos);
  EXPECT_NE(bad(head + "    period: month\n    tables: []\n").find("tables"), std::string::npos);
  const std::string table =
      head + "    period: month\n    tables:\n      - id: t\n        title: 表\n";
  EXPECT_NE(bad(table + "        indicators: [nobody]\n").find("unknown indicator nobody"),
            std::string::npos);
  EXPECT_NE(bad(table + "        breakdown: name\n        indicators: [on_register]\n")
                .find("unknown breakdown name"),
            std::string::npos);
  // minors_on_register has no breakdown by minor.
  EXPECT_NE(bad(table + "        breakdown: minor\n        indicators: [minors_on_register]\n")
                .find("has no breakdown minor"),
            std::string::npos);
  EXPECT_NE(
      bad("version: x\nreports:\n  - id: m\n    title: 月报\n    period: month\n"
          "    tables:\n      - id: t\n        title: a/b\n        indicators: [on_register]\n")
          .find("title"),
      std::string::npos);
  EXPECT_TRUE(ParseReportDefs(table + "        indicators: [on_register]\n", Indicators()).ok());
}

TEST(ReportsTest, MinorsSmallCountsBelowTheDistrictAreWithheldInEveryTableOfEveryReport) {
  const std::vector<Timeline> timelines = Cases(400, 7);
  const ReportInput input = InputOf(timelines);
  int withheld = 0;
  int shown_minor_cells = 0;
  for (const ReportDef& report : Reports().reports) {
    for (D day = D(2026, 1, 15); day < D(2027, 1, 1); day += 45) {
      const Period period = PeriodContaining(report.period, day);
      const SnapshotContent s =
          ComputeSnapshot(report, Reports(), Indicators(), period, "", input, {}, 5);
      ASSERT_EQ(s.tables.size(), report.tables.size());
      for (size_t ti = 0; ti < report.tables.size(); ++ti) {
        const ReportTableDef& def = report.tables[ti];
        const TableContent& t = s.tables[ti];
        std::vector<const IndicatorDef*> defs;
        for (const auto& id : def.indicator_ids) defs.push_back(Indicators().Find(id));
        const ReportTable raw = ComputeReport(defs, period, def.breakdown, input, {});
        ASSERT_EQ(t.keys, raw.keys);
        for (size_t r = 0; r < raw.keys.size(); ++r) {
          for (size_t i = 0; i < defs.size(); ++i) {
            const int64_t n = raw.rows[r][i];
            const std::string& cell = t.cells[r][i];
            const bool minors =
                defs[i]->OnlyMinors() || (def.breakdown == "minor" && raw.keys[r] == "true");
            if (minors && BelowDistrict(def.breakdown) && n > 0 && n < 5) {
              EXPECT_EQ(cell, "<5") << report.id << " " << def.id << " " << defs[i]->id;
              ++withheld;
            } else {
              EXPECT_EQ(cell, absl::StrCat(n)) << report.id << " " << def.id;
              if (minors && BelowDistrict(def.breakdown) && n >= 5) ++shown_minor_cells;
            }
          }
        }
        // Only counts, "<5" and codes: no name, ID number or place can be in a report.
        for (const auto& row : t.cells) {
          for (const auto& cell : row) {
            EXPECT_TRUE(cell == "<5" || cell.find_first_not_of("0123456789") == std::string::npos)
                << cell;
          }
        }
      }
    }
  }
  EXPECT_GT(withheld, 10);  // the fixture has offices with a few minors
  EXPECT_GT(shown_minor_cells, 0);
}

TEST(ReportsTest, EveryIndicatorAndBreakdownBelowTheDistrictWithholdsMinorsSmallCounts) {
  const std::vector<Timeline> timelines = Cases(150, 11);
  const ReportInput input = InputOf(timelines);
  const Period period = PeriodContaining(PeriodKind::kYear, D(2026, 6, 1));
  for (const auto& d : Indicators().indicators) {
    for (const auto& breakdown : d.breakdowns) {
      const ReportTable t = ComputeReport({&d}, period, breakdown, input, {});
      for (size_t r = 0; r < t.keys.size(); ++r) {
        const std::string text = CellText(d, breakdown, t.keys[r], t.rows[r][0], 5);
        if (d.OnlyMinors() && BelowDistrict(breakdown) && t.rows[r][0] > 0 && t.rows[r][0] < 5) {
          EXPECT_EQ(text, "<5") << d.id << " " << breakdown;
        }
      }
    }
  }
}

TEST(ReportsTest, CanonicalTextIsStableAndRoundTrips) {
  const std::vector<Timeline> timelines = Cases(60, 3);
  const SnapshotContent s = ComputeSnapshot(*Reports().Find("monthly"), Reports(), Indicators(),
                                            PeriodContaining(PeriodKind::kMonth, D(2026, 5, 1)),
                                            "110101", InputOf(timelines), {"110101"}, 5);
  EXPECT_EQ(s.policy_version, "minor_threshold=5");
  EXPECT_EQ(s.definitions_version, Indicators().version);
  EXPECT_EQ(s.reports_version, Reports().version);
  const std::string text = CanonicalText(s);
  auto back = ParseCanonicalText(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, s);
  EXPECT_EQ(CanonicalText(*back), text);
  EXPECT_EQ(Sha256Hex(text).size(), 64u);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Only district 110101 is counted.
  for (const auto& t : s.tables) {
    if (t.breakdown == "district") {
      for (const auto& k : t.keys) EXPECT_EQ(k, "110101");
    }
  }
  EXPECT_FALSE(ParseCanonicalText("{}").ok());
  EXPECT_FALSE(ParseCanonicalText("not json").ok());
}

TEST(ReportsTest, DiffListsExactlyTheChangedCells) {
  SnapshotContent a;
  a.tables.push_back({"register",
                      "在册",
                      "district",
                      {"on_register", "received"},
                      {"在册", "接收"},
                      {"110101", "110102"},
                      {{"3", "1"}, {"2", "0"}},
                      {"5", "1"}});
  SnapshotContent b = a;
  EXPECT_TRUE(DiffSnapshots(a, b).empty());
  b.tables[0].cells[1][1] = "1";  // 110102 received one more, back-dated
  b.tables[0].total[1] = "2";
  b.tables[0].keys.push_back("110105");  // a row that was not there
  b.tables[0].cells.push_back({"1", "0"});
  b.tables[0].total[0] = "6";
  const std::vector<CellChange> want = {
      {"register", "110102", "received", "0", "1", false},
      {"register", "110105", "on_register", "0", "1", false},  // a new row: its zeros are no change
      {"register", "", "on_register", "5", "6", true},
      {"register", "", "received", "1", "2", true},
  };
  EXPECT_EQ(DiffSnapshots(a, b), want);
  // A table only in one version: every cell.
  SnapshotContent c = a;
  c.tables.clear();
  EXPECT_EQ(DiffSnapshots(a, c).size(), 6u);
}

TEST(ReportsTest, ExportsLayTheTableOutWithChineseHeadingsAndATotal) {
  TableContent t{"offices",
                 "司法所",
                 "office",
                 {"on_register", "minors_on_register"},
                 {"在册社区矫正对象", "在册未成年人"},
                 {"=cmd|x", "o,1"},
                 {{"12", "<5"}, {"3", "0"}},
                 {"15", "2"}};
  const auto rows = ExportRows(t);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"司法所", "在册社区矫正对象", "在册未成年人"}));
  EXPECT_EQ(rows[1][0], "'=cmd|x");  // never a formula
  EXPECT_EQ(rows[3], (std::vector<std::string>{"合计", "15", "2"}));
  EXPECT_EQ(TableCsv(t),
            "\xEF\xBB\xBF司法所,在册社区矫正对象,在册未成年人\r\n'=cmd|x,12,<5\r\n\"o,1\",3,0\r\n"
            "合计,15,2\r\n");
  SnapshotContent s;
  s.tables.push_back(t);
  auto xlsx = SnapshotXlsx(s);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_EQ(xlsx->substr(0, 2), "PK");  // a zip container
}

}  // namespace
}  // namespace ccms::reporting::domain

namespace ccms::reporting::domain {
namespace {

// An office's snapshot (issue 16 item 7): every table counts that office's states only, as
// RunReport does for office staff; its canonical text names the office, and the text of every
// other snapshot has no office key (its checksum is what it was before offices had snapshots).
TEST(ReportsTest, AnOfficesSnapshotCountsThatOfficeAndNamesIt) {
  const std::vector<Timeline> timelines = Cases(120, 7);
  const ReportInput input = InputOf(timelines);
  const Period month = PeriodContaining(PeriodKind::kMonth, D(2026, 6, 1));
  const ReportDef& monthly = *Reports().Find("monthly");
  const SnapshotContent district =
      ComputeSnapshot(monthly, Reports(), Indicators(), month, "110101", input, {"110101"}, 5);
  const SnapshotContent office = ComputeSnapshot(monthly, Reports(), Indicators(), month, "110101",
                                                 input, {"110101"}, 5, "110101-o2");
  EXPECT_EQ(district.office_id, "");
  EXPECT_EQ(office.office_id, "110101-o2");
  EXPECT_EQ(CanonicalText(district).find("\"office\":"), std::string::npos);
  EXPECT_NE(CanonicalText(office).find("\"office\":\"110101-o2\""), std::string::npos);
  auto back = ParseCanonicalText(CanonicalText(office));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, office);
  EXPECT_NE(Sha256Hex(CanonicalText(district)), Sha256Hex(CanonicalText(office)));
  EXPECT_EQ(ExportStem(office, 3), "monthly-2026-06-01-110101-110101-o2-v3");
  EXPECT_EQ(ExportStem(district, 3), "monthly-2026-06-01-110101-v3");

  // Each table equals ComputeReport over the office; the office table has that office's row only.
  int64_t counted = 0;
  for (size_t t = 0; t < monthly.tables.size(); ++t) {
    const ReportTableDef& def = monthly.tables[t];
    std::vector<const IndicatorDef*> defs;
    for (const auto& id : def.indicator_ids) defs.push_back(Indicators().Find(id));
    const ReportTable expected =
        ComputeReport(defs, month, def.breakdown, input, {"110101"}, "110101-o2");
    ASSERT_EQ(office.tables[t].keys, expected.keys) << def.id;
    for (size_t i = 0; i < defs.size(); ++i) {
      EXPECT_EQ(office.tables[t].total[i], absl::StrCat(expected.total[i])) << def.id;
      counted += expected.total[i];
    }
    if (def.breakdown == "office") {
      for (const auto& k : office.tables[t].keys) EXPECT_EQ(k, "110101-o2");
    }
  }
  EXPECT_GT(counted, 0);  // the office has cases in June
  EXPECT_NE(office, district);
}

TEST(ReportsTest, ExportRetentionComesFromThePolicy) {
  auto policy = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "built-in");
  ASSERT_TRUE(policy.ok()) << policy.status();
  auto schedule = LoadExportSchedule(*policy);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  EXPECT_EQ(schedule->InForce(D(2026, 12, 6)).retention_days, 7);
  auto bad = policy::PolicyDocument::Parse(
      "reporting:\n  versions:\n    - version: x\n      effective_from: 2020-01-01\n"
      "      export: {retention_days: 0}\n",
      "test");
  ASSERT_TRUE(bad.ok()) << bad.status();
  auto refused = LoadExportSchedule(*bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("reporting.export.retention_days"), std::string::npos)
      << refused.status();
}

}  // namespace
}  // namespace ccms::reporting::domain
