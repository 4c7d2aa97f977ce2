#include "services/assessment/domain/instrument.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ccms::assessment::domain {
namespace {

bool IsCode(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

double Round2(double x) { return std::round(x * 100.0) / 100.0; }

// node[key] of a mapping; an undefined node for anything else (yaml-cpp throws BadSubscript when
// a scalar is subscripted).
YAML::Node Child(const YAML::Node& node, const char* key) {
  if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  return node[key];
}

class Reader {
 public:
  void Problem(const std::string& where, const std::string& what) {
    problems_.push_back(absl::StrCat(where, ": ", what));
  }
  std::string Str(const YAML::Node& n, const std::string& where, bool required = true) {
    if (!n) {
      if (required) Problem(where, "is required");
      return "";
    }
    if (!n.IsScalar()) {
      Problem(where, "must be a string");
      return "";
    }
    return n.Scalar();
  }
  double Num(const YAML::Node& n, const std::string& where, double fallback, double min, double max,
             bool required = true) {
    if (!n) {
      if (required) Problem(where, "is required");
      return fallback;
    }
    try {
      const double v = n.as<double>();
      if (!(v >= min && v <= max)) {  // NaN is out of range too
        Problem(where, absl::StrCat("must be between ", min, " and ", max));
        return fallback;
      }
      return v;
    } catch (const YAML::Exception&) {
      Problem(where, "must be a number");
      return fallback;
    }
  }
  int Int(const YAML::Node& n, const std::string& where, int min, int max) {
    const double v = Num(n, where, min, min, max);
    if (v != std::floor(v)) {
      Problem(where, "must be a whole number");
      return min;
    }
    return static_cast<int>(v);
  }
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

}  // namespace

const Item* Instrument::FindItem(std::string_view item_id) const {
  for (const auto& item : items) {
    if (item.id == item_id) return &item;
  }
  return nullptr;
}

absl::StatusOr<Instrument> ParseInstrument(std::string_view yaml, std::string_view origin) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        "instrument ", std::string(origin), ": not valid YAML (line ", e.mark.line + 1, ")"));
  }
  if (!root.IsMap()) {
    return absl::InvalidArgumentError(
        absl::StrCat("instrument ", std::string(origin), ": must be a YAML mapping"));
  }
  Reader r;
  Instrument in;
  in.id = r.Str(root["id"], "id");
  if (!in.id.empty() && !IsCode(in.id)) r.Problem("id", "must be lowercase letters, digits, '_'");
  in.version = r.Int(root["version"], "version", 1, 1000000);
  const std::string kind = r.Str(root["kind"], "kind");
  in.kind = ParseInstrumentKind(kind).value_or(InstrumentKind::kUnspecified);
  if (!kind.empty() && in.kind == InstrumentKind::kUnspecified) {
    r.Problem("kind", "must be SOCIAL_RISK or PSYCH_SCREENING");
  }
  in.title = r.Str(root["title"], "title");
  const YAML::Node cutoffs = root["cutoffs"];
  if (cutoffs && !cutoffs.IsMap()) r.Problem("cutoffs", "must be a mapping");
  in.medium_from = r.Num(Child(cutoffs, "medium_from"), "cutoffs.medium_from", 0, 0.01, 1e6);
  in.high_from = r.Num(Child(cutoffs, "high_from"), "cutoffs.high_from", 0, 0.01, 1e6);
  if (in.medium_from > 0 && in.high_from > 0 && in.medium_from >= in.high_from) {
    r.Problem("cutoffs", "medium_from must be below high_from");
  }

  std::set<std::string> subscale_ids;
  const YAML::Node subscales = root["subscales"];
  if (!subscales || !subscales.IsSequence() || subscales.size() == 0) {
    r.Problem("subscales", "must be a non-empty list");
  } else {
    for (size_t i = 0; i < subscales.size(); ++i) {
      const std::string where = absl::StrCat("subscales[", i, "]");
      if (!subscales[i].IsMap()) {
        r.Problem(where, "must be a mapping");
        continue;
      }
      Subscale s;
      s.id = r.Str(subscales[i]["id"], where + ".id");
      if (!s.id.empty() && !IsCode(s.id)) r.Problem(where + ".id", "must be a code");
      if (!s.id.empty() && !subscale_ids.insert(s.id).second) {
        r.Problem(where + ".id", "is a duplicate");
      }
      s.title = r.Str(subscales[i]["title"], where + ".title");
      s.abnormal_from =
          r.Num(subscales[i]["abnormal_from"], where + ".abnormal_from", 0, 0, 1e6, false);
      in.subscales.push_back(std::move(s));
    }
  }

  std::set<std::string> item_ids;
  const YAML::Node items = root["items"];
  if (!items || !items.IsSequence() || items.size() == 0) {
    r.Problem("items", "must be a non-empty list");
  } else {
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string where = absl::StrCat("items[", i, "]");
      const YAML::Node n = items[i];
      if (!n.IsMap()) {
        r.Problem(where, "must be a mapping");
        continue;
      }
      Item item;
      item.id = r.Str(n["id"], where + ".id");
      if (!item.id.empty() && !IsCode(item.id)) r.Problem(where + ".id", "must be a code");
      if (!item.id.empty() && !item_ids.insert(item.id).second) {
        r.Problem(where + ".id", "is a duplicate");
      }
      item.subscale = r.Str(n["subscale"], where + ".subscale");
      if (!item.subscale.empty() && !subscale_ids.count(item.subscale)) {
        r.Problem(where + ".subscale", "is not a declared sub-scale");
      }
      item.text = r.Str(n["text"], where + ".text");
      item.weight = r.Num(n["weight"], where + ".weight", 1.0, 0, 10);
      const YAML::Node options = n["options"];
      if (!options || !options.IsSequence() || options.size() < 2) {
        r.Problem(where + ".options", "must list at least two options");
      } else {
        std::set<std::string> option_ids;
        for (size_t j = 0; j < options.size(); ++j) {
          const std::string ow = absl::StrCat(where, ".options[", j, "]");
          if (!options[j].IsMap()) {
            r.Problem(ow, "must be a mapping");
            continue;
          }
          AnswerOption o;
          o.id = r.Str(options[j]["id"], ow + ".id");
          if (!o.id.empty() && !IsCode(o.id)) r.Problem(ow + ".id", "must be a code");
          if (!o.id.empty() && !option_ids.insert(o.id).second) {
            r.Problem(ow + ".id", "is a duplicate");
          }
          o.text = r.Str(options[j]["text"], ow + ".text");
          o.score = r.Int(options[j]["score"], ow + ".score", 0, 1000);
          const std::string crisis = r.Str(options[j]["crisis"], ow + ".crisis", false);
          if (!crisis.empty()) {
            o.crisis = ParseCrisisKind(crisis).value_or(CrisisKind::kUnspecified);
            if (o.crisis == CrisisKind::kUnspecified) {
              r.Problem(ow + ".crisis", "must be SELF_HARM, SUICIDE, VIOLENCE or OTHER");
            }
          }
          item.options.push_back(std::move(o));
        }
      }
      in.items.push_back(std::move(item));
    }
  }
  if (!r.problems().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("instrument ", std::string(origin), ": ", absl::StrJoin(r.problems(), "; ")));
  }
  return in;
}

Instrument WithWeights(const Instrument& instrument, const std::map<std::string, double>& weights) {
  Instrument out = instrument;
  for (auto& item : out.items) {
    if (auto it = weights.find(item.id); it != weights.end()) item.weight = it->second;
  }
  return out;
}

RiskLevel RiskFor(const Instrument& instrument, double total) {
  const double t = Round2(total);
  if (t >= instrument.high_from) return RiskLevel::kHigh;
  if (t >= instrument.medium_from) return RiskLevel::kMedium;
  return RiskLevel::kLow;
}

std::vector<AnswerViolation> Score(const Instrument& instrument,
                                   const std::vector<AnswerInput>& answers, ScoredAssessment* out) {
  std::vector<AnswerViolation> violations;
  std::map<std::string, const AnswerOption*> chosen;
  for (size_t i = 0; i < answers.size(); ++i) {
    const auto& a = answers[i];
    const Item* item = instrument.FindItem(a.item_id);
    if (item == nullptr) {
      violations.push_back(
          {absl::StrCat("answers[", i, "].item_id"), "is not an item of this instrument version"});
      continue;
    }
    const AnswerOption* option = nullptr;
    for (const auto& o : item->options) {
      if (o.id == a.option_id) option = &o;
    }
    if (option == nullptr) {
      violations.push_back({absl::StrCat("answers[", i, "].option_id"),
                            absl::StrCat("is not an option of item ", item->id)});
      continue;
    }
    if (!chosen.emplace(item->id, option).second) {
      violations.push_back(
          {absl::StrCat("answers[", i, "].item_id"), "answers an item already answered"});
    }
  }
  for (const auto& item : instrument.items) {
    if (!chosen.count(item.id) && violations.size() < 50) {
      violations.push_back({"answers", absl::StrCat("item ", item.id, " is not answered")});
    }
  }
  if (!violations.empty()) return violations;

  ScoredAssessment s;
  std::map<std::string, double> sub;
  for (const auto& item : instrument.items) {
    const AnswerOption* o = chosen.at(item.id);
    const double points = o->score * item.weight;
    s.total += points;
    sub[item.subscale] += points;
    if (o->crisis != CrisisKind::kUnspecified &&
        std::find(s.crisis.begin(), s.crisis.end(), o->crisis) == s.crisis.end()) {
      s.crisis.push_back(o->crisis);
    }
  }
  s.total = Round2(s.total);
  s.risk = RiskFor(instrument, s.total);
  s.abnormal = s.risk == RiskLevel::kHigh;
  for (const auto& sc : instrument.subscales) {
    SubScoreResult r;
    r.subscale = sc.id;
    r.score = Round2(sub[sc.id]);
    r.abnormal = sc.abnormal_from > 0 && r.score >= sc.abnormal_from;
    s.abnormal = s.abnormal || r.abnormal;
    s.sub_scores.push_back(r);
  }
  *out = std::move(s);
  return {};
}

}  // namespace ccms::assessment::domain
