// The indicators over random histories against a brute-force recomputation that replays each
// case's occurrences day by day, and the definitions file's rules (parsing, privacy).
#include "services/reporting/domain/indicators.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "services/reporting/wiring.h"

namespace ccms::reporting::domain {
namespace {

using D = absl::CivilDay;

const IndicatorDefs& Shipped() {
  static const IndicatorDefs* defs = [] {
    auto d = ParseIndicatorDefs(ShippedIndicators());
    EXPECT_TRUE(d.ok()) << d.status();
    return new IndicatorDefs(*std::move(d));
  }();
  return *defs;
}

// A random but valid history: cases opened over two years in three districts, intake reports
// (some late, some never), transfers, levels, key attention, lost contact and found again,
// sanctions, violations, contacts, services (education, assistance) and closings; recorded in a
// shuffled order (seq), so many events arrive back-dated.
std::vector<std::vector<Occurrence>> Generate(int cases, uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto between = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  const std::vector<std::string> districts = {"110101", "110102", "110105"};
  const std::vector<std::string> kinds = {"PROBATION", "PAROLE", "PUBLIC_SURVEILLANCE",
                                          "TEMPORARY_OUTSIDE_PRISON"};
  const std::vector<std::string> bands = {"16_TO_17", "18_TO_25", "26_TO_35", "46_TO_59"};
  const std::vector<std::string> levels = {"STRICT", "STANDARD", "RELAXED"};
  const std::vector<std::string> sanctions = {"ADMONITION", "WARNING", "PUBLIC_SECURITY_REFERRAL",
                                              "REVOCATION_REQUEST"};
  const std::vector<std::string> reasons = {"DISCHARGED", "DISCHARGED", "REVOKED", "DECEASED"};
  const D base(2024, 1, 1);
  std::vector<std::vector<Occurrence>> out;
  int id = 0;
  for (int c = 0; c < cases; ++c) {
    std::vector<Occurrence> occ;
    auto add = [&](const char* kind, D on) -> Occurrence& {
      Occurrence o;
      o.event_id = "e" + std::to_string(id++);
      o.kind = kind;
      o.on = on;
      o.seq = static_cast<int64_t>(rng() % 1000000);
      o.district = districts[c % districts.size()];
      occ.push_back(o);
      return occ.back();
    };
    const D start = base + between(0, 700);
    Occurrence& open = add(kCaseOpened, start);
    open.office = open.district + "-o" + std::to_string(between(1, 2));
    open.sentence_kind = pick(kinds);
    open.sex = rng() % 2 ? "MALE" : "FEMALE";
    open.age_band = pick(bands);
    open.offence_category = rng() % 2 ? "theft" : "fraud";
    open.minor = rng() % 5 == 0;
    open.deadline = start + 10;
    const int report = between(0, 9);
    if (report < 8) add(kIntakeReported, start + between(-2, report < 6 ? 9 : 40));
    const int n = between(0, 12);
    for (int i = 0; i < n; ++i) {
      const D on = start + between(-5, 500);
      switch (rng() % 10) {
        case 0: {
          Occurrence& t = add(kTransferred, on);
          t.district = pick(districts);
          t.office = t.district + "-o1";
          break;
        }
        case 1:
          add(kLevelChanged, on).level = pick(levels);
          break;
        case 2:
          add(kKeyAttention, on).flag = rng() % 2;
          break;
        case 3:
          add(kLostContact, on);
          break;
        case 4:
          add(kFoundAgain, on);
          break;
        case 5:
          add(kSanction, on).code = pick(sanctions);
          break;
        case 6:
          add(kViolation, on).code = "LATE_REPORTING";
          break;
        case 7:
          add(kService, on).code = rng() % 2 ? "EDUCATION" : "ASSISTANCE";
          break;
        default:
          add(kContact, on).code = "HOME_VISIT";
          break;
      }
    }
    if (rng() % 2) add(kClosed, start + between(1, 600)).code = pick(reasons);
    std::shuffle(occ.begin(), occ.end(), rng);
    out.push_back(std::move(occ));
  }
  return out;
}

// ---- The brute force: no spans, each day's state replayed from the occurrences. ----

bool Before(const Occurrence& a, const Occurrence& b) {
  return std::tie(a.on, a.seq, a.event_id) < std::tie(b.on, b.seq, b.event_id);
}

const Occurrence* First(const std::vector<Occurrence>& occ, const char* kind) {
  const Occurrence* best = nullptr;
  for (const auto& o : occ) {
    if (o.kind == kind && (best == nullptr || Before(o, *best))) best = &o;
  }
  return best;
}

// The state on `day` by replaying every change up to it (ignoring whether the case is on the
// register), or nullopt without an opening.
std::optional<CaseState> Replay(const std::vector<Occurrence>& occ, D day) {
  const Occurrence* open = First(occ, kCaseOpened);
  if (open == nullptr) return std::nullopt;
  CaseState s;
  s.district = open->district;
  s.office = open->office;
  s.sentence_kind = open->sentence_kind;
  s.sex = open->sex;
  s.age_band = open->age_band;
  s.offence_category = open->offence_category;
  s.minor = open->minor;
  std::vector<const Occurrence*> sorted;
  for (const auto& o : occ) sorted.push_back(&o);
  std::sort(sorted.begin(), sorted.end(),
            [](const Occurrence* a, const Occurrence* b) { return Before(*a, *b); });
  for (const Occurrence* o : sorted) {
    if (o->on > day) break;
    const std::string k = o->kind;
    if (k == kTransferred) {
      s.district = o->district;
      s.office = o->office;
    } else if (k == kLevelChanged) {
      s.level = o->level;
    } else if (k == kKeyAttention) {
      s.key_attention = o->flag;
    } else if (k == kLostContact) {
      s.lost_contact = true;
    } else if (k == kFoundAgain) {
      s.lost_contact = false;
    }
  }
  const Occurrence* report = First(occ, kIntakeReported);
  s.never_reported = day > *open->deadline && (report == nullptr || report->on > day);
  return s;
}

// On the register on `day`: from the start until the first closing (exclusive).
bool OnRegister(const std::vector<Occurrence>& occ, D day) {
  const Occurrence* open = First(occ, kCaseOpened);
  const Occurrence* closed = First(occ, kClosed);
  return open != nullptr && open->on <= day && (closed == nullptr || day < closed->on);
}

bool Holds(const IndicatorDef& d, const CaseState& s) {
  for (const auto& [dim, values] : d.where) {
    if (!values.contains(DimensionValue(s, dim))) return false;
  }
  return true;
}

// Brute-force table: key -> count, plus the total under key "*".
// Only the states of `office` count when it is set.
std::map<std::string, int64_t> Brute(const IndicatorDef& d, Period p, const std::string& breakdown,
                                     const std::vector<std::vector<Occurrence>>& cases,
                                     const std::string& office = "") {
  std::map<std::string, std::set<size_t>> people;
  std::map<std::string, int64_t> times;
  auto count = [&](size_t c, const CaseState& s) {
    if (!office.empty() && s.office != office) return;
    const std::string key = breakdown.empty() ? "" : DimensionValue(s, breakdown);
    people[key].insert(c);
    people["*"].insert(c);
    ++times[key];
    ++times["*"];
  };
  for (size_t c = 0; c < cases.size(); ++c) {
    const auto& occ = cases[c];
    const Occurrence* open = First(occ, kCaseOpened);
    const Occurrence* closed = First(occ, kClosed);
    if (d.kind == IndicatorDef::Kind::kStock) {
      if (!OnRegister(occ, p.AsOf())) continue;
      auto s = Replay(occ, p.AsOf());
      if (Holds(d, *s)) count(c, *s);
      continue;
    }
    // Flow: the change's day, its state clamped to the register's days.
    auto clamp = [&](D day) {
      if (day < open->on) return open->on;
      if (closed != nullptr && day >= closed->on) return closed->on - 1;
      return day;
    };
    if (d.events.contains(kCaseOpened)) {
      if (p.Contains(open->on)) {
        auto s = Replay(occ, open->on);
        if (Holds(d, *s)) count(c, *s);
      }
    }
    if (d.events.contains(kClosed)) {
      if (closed != nullptr && p.Contains(closed->on) &&
          (d.codes.empty() || d.codes.contains(closed->code))) {
        auto s = Replay(occ, clamp(closed->on));
        if (Holds(d, *s)) count(c, *s);
      }
    }
    for (const auto& o : occ) {
      if (o.kind == kCaseOpened || o.kind == kClosed) continue;
      if (!d.events.contains(o.kind) || !p.Contains(o.on)) continue;
      const std::string code = o.kind == kLevelChanged ? o.level : o.code;
      if (!d.codes.empty() && !d.codes.contains(code)) continue;
      auto s = Replay(occ, clamp(o.on));
      if (Holds(d, *s)) count(c, *s);
    }
  }
  std::map<std::string, int64_t> out;
  for (const auto& [k, v] : people) {
    out[k] = d.count == IndicatorDef::Count::kPeople ? static_cast<int64_t>(v.size()) : times[k];
  }
  return out;
}

TEST(IndicatorsTest, ShippedDefinitionsParse) {
  EXPECT_FALSE(Shipped().version.empty());
  EXPECT_GE(Shipped().indicators.size(), 20u);
  for (const auto& d : Shipped().indicators) {
    EXPECT_FALSE(d.formula.empty()) << d.id;
    EXPECT_FALSE(d.breakdowns.empty()) << d.id;
  }
}

TEST(IndicatorsTest, EveryIndicatorEveryMonthEveryDistrictEqualsTheBruteForce) {
  const auto cases = Generate(600, 20261205);
  std::vector<Timeline> timelines;
  for (const auto& occ : cases) timelines.push_back(BuildTimeline(occ));
  ReportInput input;
  for (size_t i = 0; i < timelines.size(); ++i) {
    input.case_ids.push_back(std::to_string(i));
    input.timelines.push_back(&timelines[i]);
  }
  std::vector<const IndicatorDef*> all;
  for (const auto& d : Shipped().indicators) all.push_back(&d);
  int compared = 0;
  for (D month(2024, 1, 1); month < D(2026, 7, 1); month = D(absl::CivilMonth(month) + 1)) {
    const Period p = PeriodContaining(PeriodKind::kMonth, month);
    for (const std::string breakdown : {"district", "sentence_kind", "level"}) {
      const ReportTable t = ComputeReport(all, p, breakdown, input, {});
      for (size_t i = 0; i < all.size(); ++i) {
        const auto brute = Brute(*all[i], p, breakdown, cases);
        std::map<std::string, int64_t> got;
        for (size_t r = 0; r < t.keys.size(); ++r) {
          if (t.rows[r][i] != 0) got[t.keys[r]] = t.rows[r][i];
        }
        if (t.total[i] != 0) got["*"] = t.total[i];
        ASSERT_EQ(got, brute) << all[i]->id << " " << breakdown << " "
                              << absl::FormatCivilTime(p.start);
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 30 * 3 * static_cast<int>(all.size()));
}

TEST(IndicatorsTest, QuarterAndYearAndDistrictScope) {
  const auto cases = Generate(300, 7);
  std::vector<Timeline> timelines;
  for (const auto& occ : cases) timelines.push_back(BuildTimeline(occ));
  ReportInput input;
  for (size_t i = 0; i < timelines.size(); ++i) input.timelines.push_back(&timelines[i]);
  input.case_ids.resize(timelines.size());
  std::vector<const IndicatorDef*> all;
  for (const auto& d : Shipped().indicators) all.push_back(&d);
  for (PeriodKind k : {PeriodKind::kQuarter, PeriodKind::kYear, PeriodKind::kWeek}) {
    const Period p = PeriodContaining(k, D(2025, 2, 28));
    const ReportTable t = ComputeReport(all, p, "district", input, {"110102"});
    for (size_t i = 0; i < all.size(); ++i) {
      const auto brute = Brute(*all[i], p, "district", cases);
      const int64_t want = brute.contains("110102") ? brute.at("110102") : 0;
      EXPECT_EQ(t.total[i], want) << all[i]->id;
      for (const auto& key : t.keys) EXPECT_EQ(key, "110102");
    }
  }
}

TEST(IndicatorsTest, AnOfficeScopeCountsThatOfficesStatesOnly) {
  const auto cases = Generate(300, 11);
  std::vector<Timeline> timelines;
  for (const auto& occ : cases) timelines.push_back(BuildTimeline(occ));
  ReportInput input;
  for (size_t i = 0; i < timelines.size(); ++i) input.timelines.push_back(&timelines[i]);
  input.case_ids.resize(timelines.size());
  std::vector<const IndicatorDef*> all;
  for (const auto& d : Shipped().indicators) all.push_back(&d);
  int nonzero = 0;
  for (D month(2024, 6, 1); month < D(2025, 6, 1); month = D(absl::CivilMonth(month) + 1)) {
    const Period p = PeriodContaining(PeriodKind::kMonth, month);
    const ReportTable t = ComputeReport(all, p, "office", input, {"110102"}, "110102-o2");
    for (size_t i = 0; i < all.size(); ++i) {
      const auto brute = Brute(*all[i], p, "office", cases, "110102-o2");
      EXPECT_EQ(t.total[i], brute.contains("*") ? brute.at("*") : 0)
          << all[i]->id << " " << absl::FormatCivilTime(p.start);
      nonzero += t.total[i] > 0 ? 1 : 0;
    }
    for (const auto& key : t.keys) EXPECT_EQ(key, "110102-o2");
    // Another district's list hides the office.
    const ReportTable none = ComputeReport(all, p, "office", input, {"110101"}, "110102-o2");
    EXPECT_TRUE(none.keys.empty());
  }
  EXPECT_GT(nonzero, 50);
}

// The projections' path (docs/reporting.md, "Reading the projections"): the states on the as-of
// day grouped by the dimensions the indicators read, the timelines holding flows only. Equal to
// the path through every case's spans for every indicator and breakdown, every month, days at
// the month ends and the leap day, weeks, quarters, years, a district's and an office's scope.
TEST(IndicatorsTest, GroupedStatesCountAsTheSpansOfEveryCase) {
  const auto cases = Generate(600, 20261206);
  std::vector<Timeline> timelines, flows_only;
  for (const auto& occ : cases) timelines.push_back(BuildTimeline(occ));
  for (const auto& t : timelines) {
    flows_only.push_back(t);
    flows_only.back().spans.clear();
  }
  ReportInput per_case, grouped;
  for (size_t i = 0; i < timelines.size(); ++i) {
    per_case.timelines.push_back(&timelines[i]);
    grouped.timelines.push_back(&flows_only[i]);
  }
  per_case.case_ids.resize(timelines.size());
  grouped.case_ids.resize(timelines.size());
  std::vector<const IndicatorDef*> all;
  for (const auto& d : Shipped().indicators) all.push_back(&d);
  std::vector<Period> periods;
  for (D month(2024, 1, 1); month < D(2026, 7, 1); month = D(absl::CivilMonth(month) + 1)) {
    periods.push_back(PeriodContaining(PeriodKind::kMonth, month));
  }
  for (D day : {D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1), D(2024, 12, 31), D(2025, 1, 1),
                D(2025, 2, 28), D(2025, 6, 30), D(2026, 3, 31)}) {
    for (PeriodKind k :
         {PeriodKind::kDay, PeriodKind::kWeek, PeriodKind::kQuarter, PeriodKind::kYear}) {
      periods.push_back(PeriodContaining(k, day));
    }
  }
  int compared = 0, nonzero = 0;
  for (const Period& p : periods) {
    for (const std::string breakdown : {"", "district", "office", "sentence_kind", "level",
                                        "age_band", "minor", "never_reported"}) {
      std::vector<const IndicatorDef*> defs;
      for (const auto* d : all) {
        if (breakdown.empty() || std::find(d->breakdowns.begin(), d->breakdowns.end(), breakdown) !=
                                     d->breakdowns.end()) {
          defs.push_back(d);
        }
      }
      if (defs.empty()) continue;
      const std::vector<StateCount> states =
          GroupStates(per_case.timelines, p.AsOf(), StockDimensions(defs, breakdown));
      grouped.stock = &states;
      for (const auto& [visible, office] :
           std::vector<std::pair<std::set<std::string>, std::string>>{
               {{}, ""}, {{"110102"}, ""}, {{"110102"}, "110102-o2"}}) {
        const ReportTable want = ComputeReport(defs, p, breakdown, per_case, visible, office);
        const ReportTable got = ComputeReport(defs, p, breakdown, grouped, visible, office);
        ASSERT_EQ(got.keys, want.keys) << breakdown << " " << absl::FormatCivilTime(p.start);
        ASSERT_EQ(got.rows, want.rows) << breakdown << " " << absl::FormatCivilTime(p.start);
        ASSERT_EQ(got.total, want.total) << breakdown << " " << absl::FormatCivilTime(p.start);
        ++compared;
        for (int64_t v : want.total) nonzero += v > 0 ? 1 : 0;
      }
    }
  }
  EXPECT_GT(compared, 1000);
  EXPECT_GT(nonzero, 10000);  // the histories count something in most cells
}

TEST(IndicatorsTest, StockDimensionsAreTheScopeTheBreakdownAndTheStockConditions) {
  const IndicatorDef* on_register = Shipped().Find("on_register");
  const IndicatorDef* minors = Shipped().Find("minors_on_register");
  const IndicatorDef* received = Shipped().Find("received");
  ASSERT_NE(on_register, nullptr);
  ASSERT_NE(minors, nullptr);
  ASSERT_NE(received, nullptr);
  EXPECT_EQ(StockDimensions({on_register}, ""), (std::set<std::string>{"district", "office"}));
  EXPECT_EQ(StockDimensions({on_register, minors}, "level"),
            (std::set<std::string>{"district", "office", "level", "minor"}));
  // A flow indicator's conditions are read from its flows, not from the grouped states.
  std::set<std::string> flow_dims = StockDimensions({received}, "sex");
  EXPECT_EQ(flow_dims, (std::set<std::string>{"district", "office", "sex"}));
  // Only the kept dimensions survive.
  CaseState s;
  s.district = "110101";
  s.office = "o1";
  s.level = "STRICT";
  s.minor = true;
  s.sex = "MALE";
  const CaseState k = KeepDimensions(s, {"district", "office", "minor"});
  EXPECT_EQ(k.district, "110101");
  EXPECT_EQ(k.office, "o1");
  EXPECT_TRUE(k.minor);
  EXPECT_EQ(k.level, "");
  EXPECT_EQ(k.sex, "");
}

TEST(IndicatorsTest, ServedPeopleCountAnyContactEducationOrAssistanceOnce) {
  // One case: a contact and an education in March, an assistance in April; another: nothing.
  std::vector<std::vector<Occurrence>> cases(2);
  auto add = [&](size_t c, const char* kind, D on, const std::string& code) {
    Occurrence o;
    o.event_id = "e" + std::to_string(c) + "-" + std::to_string(cases[c].size());
    o.kind = kind;
    o.on = on;
    o.district = "110101";
    o.office = "o1";
    o.code = code;
    o.deadline = D(2026, 3, 11);
    cases[c].push_back(o);
  };
  add(0, kCaseOpened, D(2026, 3, 1), "");
  add(0, kContact, D(2026, 3, 5), "HOME_VISIT");
  add(0, kService, D(2026, 3, 31), "EDUCATION");
  add(0, kService, D(2026, 4, 1), "ASSISTANCE");
  add(1, kCaseOpened, D(2026, 3, 1), "");
  std::vector<Timeline> timelines;
  for (const auto& occ : cases) timelines.push_back(BuildTimeline(occ));
  ReportInput input;
  for (const auto& t : timelines) input.timelines.push_back(&t);
  input.case_ids.resize(timelines.size());
  const IndicatorDef* people = Shipped().Find("served_people");
  const IndicatorDef* times = Shipped().Find("services");
  ASSERT_NE(people, nullptr);
  ASSERT_NE(times, nullptr);
  auto totals = [&](D month) {
    const ReportTable t =
        ComputeReport({people, times}, PeriodContaining(PeriodKind::kMonth, month), "", input, {});
    return std::make_pair(t.total[0], t.total[1]);
  };
  EXPECT_EQ(totals(D(2026, 3, 1)), std::make_pair(int64_t{1}, int64_t{2}));
  EXPECT_EQ(totals(D(2026, 4, 1)), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(totals(D(2026, 5, 1)), std::make_pair(int64_t{0}, int64_t{0}));
}

TEST(IndicatorsTest, MinorsSmallCountsBelowTheDistrictAreWithheldInEveryDefinition) {
  // Three minors and seven adults in one office, one minor in another.
  std::vector<std::vector<Occurrence>> cases;
  for (int i = 0; i < 11; ++i) {
    Occurrence o;
    o.event_id = "e" + std::to_string(i);
    o.kind = kCaseOpened;
    o.on = D(2026, 1, 5);
    o.district = "110101";
    o.office = i == 10 ? "o2" : "o1";
    o.sentence_kind = "PROBATION";
    o.minor = i < 3 || i == 10;
    o.deadline = D(2026, 1, 15);
    cases.push_back({o});
  }
  std::vector<Timeline> timelines;
  for (const auto& occ : cases) timelines.push_back(BuildTimeline(occ));
  ReportInput input;
  for (const auto& t : timelines) input.timelines.push_back(&t);
  input.case_ids.resize(timelines.size());
  const Period p = PeriodContaining(PeriodKind::kMonth, D(2026, 1, 1));
  int minor_cells = 0;
  for (const auto& d : Shipped().indicators) {
    for (const auto& breakdown : d.breakdowns) {
      const ReportTable t = ComputeReport({&d}, p, breakdown, input, {});
      for (size_t r = 0; r < t.keys.size(); ++r) {
        const int64_t n = t.rows[r][0];
        const std::string text = CellText(d, breakdown, t.keys[r], n, 5);
        if (d.OnlyMinors() && BelowDistrict(breakdown) && n > 0 && n < 5) {
          EXPECT_EQ(text, "<5") << d.id << " " << breakdown;
          ++minor_cells;
        } else {
          EXPECT_EQ(text, std::to_string(n)) << d.id << " " << breakdown;
        }
      }
    }
  }
  EXPECT_GE(minor_cells, 2);  // minors_on_register by office: o1 has 3, o2 has 1
  // At the district and in the total the count shows.
  const IndicatorDef* minors = Shipped().Find("minors_on_register");
  ASSERT_NE(minors, nullptr);
  EXPECT_EQ(CellText(*minors, "district", "110101", 4, 5), "4");
  EXPECT_EQ(CellText(*minors, "office", "o1", 5, 5), "5");
}

TEST(IndicatorsTest, DefinitionsFileProblemsAreNamed) {
  auto bad = [](const std::string& yaml) {
    return std::string(ParseIndicatorDefs(yaml).status().message());
  };
  EXPECT_NE(bad("indicators: []").find("version"), std::string::npos);
  const std::string head = "version: v1\nindicators:\n";
  EXPECT_NE(bad(head + "  - {id: a, title: t, formula: f, kind: stock, count: person_times}")
                .find("a stock indicator counts people"),
            std::string::npos);
  EXPECT_NE(bad(head + "  - {id: a, title: t, formula: f, kind: flow, count: people}")
                .find("known event"),
            std::string::npos);
  EXPECT_NE(bad(head + "  - {id: a, title: t, formula: f, kind: stock, count: people,"
                       " where: {name: x}}")
                .find("unknown dimension name"),
            std::string::npos);
  EXPECT_NE(bad(head + "  - {id: a, title: t, formula: f, kind: stock, count: people}\n"
                       "  - {id: a, title: t, formula: f, kind: stock, count: people}")
                .find("duplicate"),
            std::string::npos);
  EXPECT_NE(bad("version: [").find("not YAML"), std::string::npos);
  EXPECT_TRUE(ParseIndicatorDefs(head +
                                 "  - {id: a, title: t, formula: f, kind: flow, count: people,"
                                 " event: sanction, codes: WARNING, breakdowns: [district]}")
                  .ok());
  EXPECT_NE(bad(head + "  - {id: a, title: t, formula: f, kind: flow, count: people,"
                       " event: [contact, lunch]}")
                .find("known event"),
            std::string::npos);
  EXPECT_NE(bad(head + "  - {id: a, title: t, formula: f, kind: stock, count: people,"
                       " event: contact}")
                .find("a stock indicator has no event"),
            std::string::npos);
  auto both = ParseIndicatorDefs(head +
                                 "  - {id: a, title: t, formula: f, kind: flow, count: people,"
                                 " event: [contact, service]}");
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->indicators[0].events, (std::set<std::string>{"contact", "service"}));
}

}  // namespace
}  // namespace ccms::reporting::domain
