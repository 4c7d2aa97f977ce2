#include "services/reporting/domain/indicators.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ccms::reporting::domain {
namespace {

const std::set<std::string>& FlowEvents() {
  static const std::set<std::string> kEvents = {kCaseOpened,     kClosed,       kSanction,
                                                kViolation,      kContact,      kLostContact,
                                                kIntakeReported, kLevelChanged, kService};
  return kEvents;
}

absl::Status Problem(const std::string& where, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("indicators: ", where, ": ", what));
}

// A scalar or a sequence of scalars, as a set of strings.
absl::StatusOr<std::set<std::string>> Values(const YAML::Node& n, const std::string& where) {
  std::set<std::string> out;
  if (n.IsScalar()) {
    out.insert(n.as<std::string>());
  } else if (n.IsSequence()) {
    for (const auto& v : n) {
      if (!v.IsScalar()) return Problem(where, "values must be scalars");
      out.insert(v.as<std::string>());
    }
  } else {
    return Problem(where, "a value or a list of values is required");
  }
  if (out.empty()) return Problem(where, "at least one value is required");
  return out;
}

std::string Scalar(const YAML::Node& node, const char* key) {
  if (!node.IsMap()) return "";
  const YAML::Node v = node[key];
  if (!v.IsDefined() || !v.IsScalar()) return "";
  return v.as<std::string>();
}

bool Matches(const IndicatorDef& def, const CaseState& s) {
  for (const auto& [dim, values] : def.where) {
    if (!values.contains(DimensionValue(s, dim))) return false;
  }
  return true;
}

}  // namespace

bool IndicatorDef::OnlyMinors() const {
  auto it = where.find("minor");
  return it != where.end() && it->second == std::set<std::string>{"true"};
}

const IndicatorDef* IndicatorDefs::Find(std::string_view id) const {
  for (const auto& d : indicators) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

absl::StatusOr<IndicatorDefs> ParseIndicatorDefs(std::string_view yaml) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Problem("file", absl::StrCat("not YAML (line ", e.mark.line + 1, ")"));
  }
  IndicatorDefs defs;
  defs.version = Scalar(root, "version");
  if (defs.version.empty()) return Problem("version", "required");
  if (!root.IsMap() || !root["indicators"].IsSequence()) {
    return Problem("indicators", "a list is required");
  }
  try {
    for (const YAML::Node& n : root["indicators"]) {
      IndicatorDef d;
      d.id = Scalar(n, "id");
      const std::string at = absl::StrCat("indicator ", d.id.empty() ? "?" : d.id);
      if (d.id.empty()) return Problem(at, "id is required");
      if (defs.Find(d.id) != nullptr) return Problem(at, "duplicate id");
      d.title = Scalar(n, "title");
      if (d.title.empty()) return Problem(at, "title is required");
      d.formula = Scalar(n, "formula");
      if (d.formula.empty()) return Problem(at, "formula is required");
      const std::string kind = Scalar(n, "kind");
      if (kind == "stock") {
        d.kind = IndicatorDef::Kind::kStock;
      } else if (kind == "flow") {
        d.kind = IndicatorDef::Kind::kFlow;
      } else {
        return Problem(at, "kind must be stock or flow");
      }
      const std::string count = Scalar(n, "count");
      if (count == "people") {
        d.count = IndicatorDef::Count::kPeople;
      } else if (count == "person_times") {
        d.count = IndicatorDef::Count::kPersonTimes;
      } else {
        return Problem(at, "count must be people or person_times");
      }
      if (d.kind == IndicatorDef::Kind::kStock && d.count == IndicatorDef::Count::kPersonTimes) {
        return Problem(at, "a stock indicator counts people");
      }
      if (n["event"].IsDefined()) {
        if (d.kind == IndicatorDef::Kind::kStock) {
          return Problem(at, "a stock indicator has no event");
        }
        auto events = Values(n["event"], at + " event");
        if (!events.ok()) return events.status();
        d.events = *std::move(events);
      }
      if (d.kind == IndicatorDef::Kind::kFlow) {
        if (d.events.empty()) return Problem(at, "a flow indicator needs a known event");
        for (const auto& e : d.events) {
          if (!FlowEvents().contains(e)) return Problem(at, "a flow indicator needs a known event");
        }
      }
      if (n["codes"].IsDefined()) {
        auto codes = Values(n["codes"], at + " codes");
        if (!codes.ok()) return codes.status();
        d.codes = *std::move(codes);
      }
      if (n["where"].IsDefined()) {
        if (!n["where"].IsMap()) return Problem(at, "where must be a mapping");
        for (const auto& kv : n["where"]) {
          const std::string dim = kv.first.as<std::string>();
          if (!IsDimension(dim)) return Problem(at, absl::StrCat("unknown dimension ", dim));
          auto values = Values(kv.second, absl::StrCat(at, " where ", dim));
          if (!values.ok()) return values.status();
          d.where[dim] = *std::move(values);
        }
      }
      if (n["breakdowns"].IsDefined()) {
        if (!n["breakdowns"].IsSequence()) return Problem(at, "breakdowns must be a list");
        for (const auto& b : n["breakdowns"]) {
          const std::string dim = b.IsScalar() ? b.as<std::string>() : "";
          if (!IsDimension(dim)) return Problem(at, absl::StrCat("unknown breakdown ", dim));
          d.breakdowns.push_back(dim);
        }
      }
      defs.indicators.push_back(std::move(d));
    }
  } catch (const YAML::Exception&) {
    return Problem("indicators", "malformed entry");
  }
  if (defs.indicators.empty()) return Problem("indicators", "at least one is required");
  return defs;
}

std::set<std::string> StockDimensions(const std::vector<const IndicatorDef*>& indicators,
                                      std::string_view breakdown) {
  std::set<std::string> out = {"district", "office"};
  if (!breakdown.empty()) out.insert(std::string(breakdown));
  for (const IndicatorDef* d : indicators) {
    if (d->kind != IndicatorDef::Kind::kStock) continue;
    for (const auto& [dim, values] : d->where) out.insert(dim);
  }
  return out;
}

CaseState KeepDimensions(const CaseState& s, const std::set<std::string>& dims) {
  CaseState k;
  if (dims.contains("district")) k.district = s.district;
  if (dims.contains("office")) k.office = s.office;
  if (dims.contains("sentence_kind")) k.sentence_kind = s.sentence_kind;
  if (dims.contains("sex")) k.sex = s.sex;
  if (dims.contains("age_band")) k.age_band = s.age_band;
  if (dims.contains("offence_category")) k.offence_category = s.offence_category;
  if (dims.contains("level")) k.level = s.level;
  if (dims.contains("minor")) k.minor = s.minor;
  if (dims.contains("key_attention")) k.key_attention = s.key_attention;
  if (dims.contains("lost_contact")) k.lost_contact = s.lost_contact;
  if (dims.contains("never_reported")) k.never_reported = s.never_reported;
  return k;
}

std::vector<StateCount> GroupStates(const std::vector<const Timeline*>& timelines,
                                    absl::CivilDay day, const std::set<std::string>& dimensions) {
  std::vector<StateCount> out;
  for (const Timeline* tl : timelines) {
    if (!tl->opened) continue;
    const std::optional<CaseState> s = StateOn(tl->spans, day);
    if (!s.has_value()) continue;
    CaseState kept = KeepDimensions(*s, dimensions);
    auto it =
        std::find_if(out.begin(), out.end(), [&](const StateCount& g) { return g.state == kept; });
    if (it == out.end()) {
      out.push_back({std::move(kept), 1});
    } else {
      ++it->cases;
    }
  }
  return out;
}

ReportTable ComputeReport(const std::vector<const IndicatorDef*>& indicators, Period period,
                          std::string_view breakdown, const ReportInput& input,
                          const std::set<std::string>& visible, std::string_view office) {
  const size_t n = indicators.size();
  // Per key and indicator: people (case indexes, plus the people of grouped states) or
  // person-times; and the same for the total.
  std::map<std::string, std::vector<std::set<size_t>>> people;
  std::map<std::string, std::vector<int64_t>> grouped;
  std::map<std::string, std::vector<int64_t>> times;
  std::vector<std::set<size_t>> total_people(n);
  std::vector<int64_t> total_grouped(n, 0);
  std::vector<int64_t> total_times(n, 0);
  // A case (case_index) or a group of `weight` people (case_index = SIZE_MAX).
  auto count = [&](size_t ind, size_t case_index, const CaseState& s, int64_t weight = 1) {
    if (!visible.empty() && !visible.contains(s.district)) return;
    if (!office.empty() && s.office != office) return;
    const std::string key = breakdown.empty() ? "" : DimensionValue(s, breakdown);
    auto& p = people[key];
    auto& g = grouped[key];
    auto& t = times[key];
    if (p.empty()) {
      p.resize(n);
      g.assign(n, 0);
      t.assign(n, 0);
    }
    if (case_index == SIZE_MAX) {
      g[ind] += weight;
      total_grouped[ind] += weight;
    } else {
      p[ind].insert(case_index);
      total_people[ind].insert(case_index);
    }
    t[ind] += weight;
    total_times[ind] += weight;
  };
  const absl::CivilDay as_of = period.AsOf();
  if (input.stock != nullptr) {
    for (size_t i = 0; i < n; ++i) {
      const IndicatorDef& d = *indicators[i];
      if (d.kind != IndicatorDef::Kind::kStock) continue;
      for (const StateCount& g : *input.stock) {
        if (Matches(d, g.state)) count(i, SIZE_MAX, g.state, g.cases);
      }
    }
  }
  for (size_t c = 0; c < input.timelines.size(); ++c) {
    const Timeline& tl = *input.timelines[c];
    if (!tl.opened) continue;
    std::optional<CaseState> on_day;
    bool looked = false;
    for (size_t i = 0; i < n; ++i) {
      const IndicatorDef& d = *indicators[i];
      if (d.kind == IndicatorDef::Kind::kStock) {
        if (input.stock != nullptr) continue;  // counted from the groups above
        if (!looked) {
          on_day = StateOn(tl.spans, as_of);
          looked = true;
        }
        if (on_day.has_value() && Matches(d, *on_day)) count(i, c, *on_day);
        continue;
      }
      for (const Flow& f : tl.flows) {
        if (!d.events.contains(f.kind) || !period.Contains(f.day)) continue;
        if (!d.codes.empty() && !d.codes.contains(f.code)) continue;
        if (Matches(d, f.state)) count(i, c, f.state);
      }
    }
  }
  ReportTable out;
  for (const auto& [key, p] : people) {
    out.keys.push_back(key);
    std::vector<int64_t> row(n);
    for (size_t i = 0; i < n; ++i) {
      row[i] = indicators[i]->count == IndicatorDef::Count::kPeople
                   ? static_cast<int64_t>(p[i].size()) + grouped[key][i]
                   : times[key][i];
    }
    out.rows.push_back(std::move(row));
  }
  out.total.resize(n);
  for (size_t i = 0; i < n; ++i) {
    out.total[i] = indicators[i]->count == IndicatorDef::Count::kPeople
                       ? static_cast<int64_t>(total_people[i].size()) + total_grouped[i]
                       : total_times[i];
  }
  return out;
}

bool BelowDistrict(std::string_view breakdown) { return breakdown == "office"; }

std::string CellText(const IndicatorDef& def, std::string_view breakdown, std::string_view key,
                     int64_t count, int threshold) {
  const bool minors = def.OnlyMinors() || (breakdown == "minor" && key == "true");
  if (minors && BelowDistrict(breakdown) && count > 0 && count < threshold) {
    return absl::StrCat("<", threshold);
  }
  return absl::StrCat(count);
}

}  // namespace ccms::reporting::domain
