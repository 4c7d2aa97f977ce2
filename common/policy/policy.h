#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ccms::policy {

// The rules that differ by province or city (contact frequencies, thresholds, windows): one
// versioned YAML document per deployment (deploy/policy/default.yaml ships the defaults and is
// compiled in). Every decision taken from it records version(). Services read their own section
// with a PolicyReader into a typed struct at start; a missing or malformed key stops the start
// with the key's name.
class PolicyDocument {
 public:
  // Parses YAML text; `origin` names it in messages (a path, or "built-in default").
  static absl::StatusOr<PolicyDocument> Parse(std::string_view yaml, std::string_view origin);
  // Reads the file named by CCMS_POLICY_FILE, else the built-in default.
  static absl::StatusOr<PolicyDocument> Load();
  // deploy/policy/default.yaml as compiled in.
  static std::string_view BuiltInDefault();

  PolicyDocument(PolicyDocument&&) noexcept;
  PolicyDocument& operator=(PolicyDocument&&) noexcept;
  ~PolicyDocument();

  const std::string& version() const { return version_; }
  const std::string& origin() const { return origin_; }

 private:
  friend class PolicyReader;
  struct Tree;
  PolicyDocument();

  std::string version_;
  std::string origin_;
  std::unique_ptr<Tree> tree_;
};

// Typed reads by dotted key ("records.intake.report_within_days"). Each bad read records a
// problem and returns the fallback; Finish() names every problem at once.
class PolicyReader {
 public:
  explicit PolicyReader(const PolicyDocument& doc) : doc_(doc) {}

  int64_t Int(std::string_view key, int64_t min, int64_t max);
  double Number(std::string_view key, double min, double max);
  bool Bool(std::string_view key);
  std::string String(std::string_view key);
  std::vector<int64_t> IntList(std::string_view key, int64_t min, int64_t max);
  // A list of scalars as text; an empty list is allowed (e.g. no public holidays listed).
  std::vector<std::string> StringList(std::string_view key);
  bool Has(std::string_view key) const;

  absl::Status Finish() const;

 private:
  void Problem(std::string_view key, std::string_view what);

  const PolicyDocument& doc_;
  std::vector<std::string> problems_;
};

}  // namespace ccms::policy
