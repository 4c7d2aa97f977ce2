#include "common/policy/policy.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/str_join.h"
#include "common/time/calendar.h"

namespace ccms::policy {

struct PolicyDocument::Tree {
  YAML::Node root;
};

PolicyDocument::PolicyDocument() = default;
PolicyDocument::PolicyDocument(PolicyDocument&&) noexcept = default;
PolicyDocument& PolicyDocument::operator=(PolicyDocument&&) noexcept = default;
PolicyDocument::~PolicyDocument() = default;

absl::StatusOr<PolicyDocument> PolicyDocument::Parse(std::string_view yaml,
                                                     std::string_view origin) {
  PolicyDocument doc;
  doc.origin_ = std::string(origin);
  doc.tree_ = std::make_unique<Tree>();
  try {
    doc.tree_->root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError("policy " + doc.origin_ + ": not valid YAML (line " +
                                      std::to_string(e.mark.line + 1) + ")");
  }
  if (!doc.tree_->root.IsMap()) {
    return absl::InvalidArgumentError("policy " + doc.origin_ + ": must be a YAML mapping");
  }
  return doc;
}

absl::StatusOr<std::vector<PolicyDocument::VersionHeader>> PolicyDocument::Versions(
    std::string_view section) const {
  const std::string where = "policy " + origin_ + ": " + std::string(section);
  const YAML::Node& root = tree_->root;
  const YAML::Node s = root[std::string(section)];
  if (!s || !s.IsMap()) {
    return absl::InvalidArgumentError(
        where + ": is required, a mapping with `versions:` (see deploy/policy/default.yaml)");
  }
  const YAML::Node list = s["versions"];
  if (!list || !list.IsSequence() || list.size() == 0) {
    return absl::InvalidArgumentError(
        where +
        ".versions: is required, a non-empty list of versions, each with version: and "
        "effective_from: (see deploy/policy/default.yaml)");
  }
  std::vector<VersionHeader> out;
  std::vector<std::string> problems;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node v = list[i];
    const std::string item = where + ".versions[" + std::to_string(i) + "]";
    if (!v.IsMap()) {
      problems.push_back(item + ": must be a mapping");
      continue;
    }
    VersionHeader h;
    h.index = i;
    const YAML::Node name = v["version"];
    if (!name || !name.IsScalar() || name.Scalar().empty()) {
      problems.push_back(item + ".version: is required");
      continue;
    }
    h.name = name.Scalar();
    const YAML::Node from = v["effective_from"];
    std::optional<absl::CivilDay> day;
    if (from && from.IsScalar()) day = time::ParseDate(from.Scalar());
    if (!day.has_value()) {
      problems.push_back(where + " version " + h.name +
                         ": effective_from: is required, a date YYYY-MM-DD");
      continue;
    }
    h.effective_from = *day;
    out.push_back(std::move(h));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return out;
}

absl::StatusOr<PolicyDocument> PolicyDocument::Load() {
  const char* path = std::getenv("CCMS_POLICY_FILE");
  if (path == nullptr || *path == '\0') return Parse(BuiltInDefault(), "built-in default");
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(std::string("CCMS_POLICY_FILE: cannot read ") + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str(), path);
}

namespace {

// Follows a dotted key; an undefined node if any step is missing.
YAML::Node Find(const YAML::Node& root, std::string_view key) {
  YAML::Node node;
  node.reset(root);
  size_t start = 0;
  while (start <= key.size()) {
    const size_t dot = key.find('.', start);
    const std::string part(
        key.substr(start, dot == std::string_view::npos ? key.size() - start : dot - start));
    if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    YAML::Node next = node[part];
    if (!next) return YAML::Node(YAML::NodeType::Undefined);
    node.reset(next);  // operator= would overwrite the tree
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return node;
}

}  // namespace

PolicyReader::PolicyReader(const PolicyDocument& doc, std::string_view section,
                           const PolicyDocument::VersionHeader& version)
    : doc_(doc), section_(section), version_(version) {}

namespace {

// The node of `key` ("records.intake.x") in version `index` of its section; undefined if the
// key is not in `section` or any step is missing.
YAML::Node FindIn(const YAML::Node& root, const std::string& section, size_t index,
                  std::string_view key) {
  const std::string prefix = section + ".";
  if (key.substr(0, prefix.size()) != prefix) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node list = root[section]["versions"];
  if (!list.IsSequence() || index >= list.size()) return YAML::Node(YAML::NodeType::Undefined);
  return Find(list[index], key.substr(prefix.size()));
}

}  // namespace

void PolicyReader::Problem(std::string_view key, std::string_view what) {
  problems_.push_back(std::string(key) + ": " + std::string(what));
}

bool PolicyReader::Has(std::string_view key) const {
  return FindIn(doc_.tree_->root, section_, version_.index, key).IsDefined();
}

int64_t PolicyReader::Int(std::string_view key, int64_t min, int64_t max) {
  YAML::Node n = FindIn(doc_.tree_->root, section_, version_.index, key);
  if (!n.IsDefined()) {
    Problem(key, "is required");
    return min;
  }
  try {
    const int64_t v = n.as<int64_t>();
    if (v < min || v > max) {
      Problem(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return min;
    }
    return v;
  } catch (const YAML::Exception&) {
    Problem(key, "must be a whole number");
    return min;
  }
}

double PolicyReader::Number(std::string_view key, double min, double max) {
  YAML::Node n = FindIn(doc_.tree_->root, section_, version_.index, key);
  if (!n.IsDefined()) {
    Problem(key, "is required");
    return min;
  }
  try {
    const double v = n.as<double>();
    if (!(v >= min && v <= max)) {
      Problem(key, "is out of range");
      return min;
    }
    return v;
  } catch (const YAML::Exception&) {
    Problem(key, "must be a number");
    return min;
  }
}

bool PolicyReader::Bool(std::string_view key) {
  YAML::Node n = FindIn(doc_.tree_->root, section_, version_.index, key);
  if (!n.IsDefined()) {
    Problem(key, "is required");
    return false;
  }
  try {
    return n.as<bool>();
  } catch (const YAML::Exception&) {
    Problem(key, "must be true or false");
    return false;
  }
}

std::string PolicyReader::String(std::string_view key) {
  YAML::Node n = FindIn(doc_.tree_->root, section_, version_.index, key);
  if (!n.IsDefined() || !n.IsScalar() || n.Scalar().empty()) {
    Problem(key, "is required");
    return "";
  }
  return n.Scalar();
}

std::vector<int64_t> PolicyReader::IntList(std::string_view key, int64_t min, int64_t max) {
  YAML::Node n = FindIn(doc_.tree_->root, section_, version_.index, key);
  std::vector<int64_t> out;
  if (!n.IsDefined() || !n.IsSequence() || n.size() == 0) {
    Problem(key, "must be a non-empty list");
    return out;
  }
  try {
    for (const auto& item : n) {
      const int64_t v = item.as<int64_t>();
      if (v < min || v > max) {
        Problem(key,
                "items must be between " + std::to_string(min) + " and " + std::to_string(max));
        return {};
      }
      out.push_back(v);
    }
  } catch (const YAML::Exception&) {
    Problem(key, "must be a list of whole numbers");
    return {};
  }
  return out;
}

std::vector<std::string> PolicyReader::StringList(std::string_view key) {
  YAML::Node n = FindIn(doc_.tree_->root, section_, version_.index, key);
  std::vector<std::string> out;
  if (!n.IsDefined() || !n.IsSequence()) {
    Problem(key, "must be a list (possibly empty: [])");
    return out;
  }
  for (const auto& item : n) {
    if (!item.IsScalar()) {
      Problem(key, "items must be plain values");
      return {};
    }
    out.push_back(item.Scalar());
  }
  return out;
}

absl::Status PolicyReader::Finish() const {
  if (problems_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError("policy " + doc_.origin() + ": " + section_ + " version " +
                                    version_.name + ": " + absl::StrJoin(problems_, "; "));
}

}  // namespace ccms::policy

namespace ccms::policy {
namespace internal {
std::string_view DefaultPolicyText();  // generated from deploy/policy/default.yaml
}  // namespace internal

std::string_view PolicyDocument::BuiltInDefault() { return internal::DefaultPolicyText(); }

}  // namespace ccms::policy
