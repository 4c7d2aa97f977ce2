#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/policy/schedule.h"

namespace ccms::policy {

// The rules that differ by province or city (contact frequencies, thresholds, windows): one YAML
// document per deployment (deploy/policy/default.yaml ships the defaults and is compiled in).
// Each service has its own top-level section, and the section lists the service's versions,
// oldest first, each complete and in force from its date:
//
//   records:
//     versions:
//       - version: "2026.1"
//         effective_from: 2026-01-01
//         intake: {...}            # every key of the section, in every version
//       - version: "2026.2"
//         effective_from: 2026-07-01
//         intake: {...}
//   assessment:
//     versions: [...]
//
// A service reads and checks only its own section (LoadSchedule) into a Schedule of typed
// structs at start; a missing or malformed key stops the start naming the key and the version.
// Every decision taken from a version records its name.
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

  const std::string& origin() const { return origin_; }

  // One entry of a section's `versions` list.
  struct VersionHeader {
    std::string name;               // its `version`
    absl::CivilDay effective_from;  // its `effective_from`, YYYY-MM-DD (a Shanghai day)
    size_t index = 0;               // position in the list
  };
  // The versions of `section` ("records"), checked one by one: a non-empty list of mappings,
  // each with a `version` name and an `effective_from` date. Order and uniqueness are checked by
  // Schedule::Make.
  absl::StatusOr<std::vector<VersionHeader>> Versions(std::string_view section) const;

 private:
  friend class PolicyReader;
  struct Tree;
  PolicyDocument();

  std::string origin_;
  std::unique_ptr<Tree> tree_;
};

// Typed reads of one version of one section, by dotted key named from the section
// ("records.intake.report_within_days" reads intake.report_within_days of that version). Each
// bad read records a problem and returns the fallback; Finish() names every problem at once,
// with the file and the version.
class PolicyReader {
 public:
  PolicyReader(const PolicyDocument& doc, std::string_view section,
               const PolicyDocument::VersionHeader& version);

  int64_t Int(std::string_view key, int64_t min, int64_t max);
  double Number(std::string_view key, double min, double max);
  bool Bool(std::string_view key);
  std::string String(std::string_view key);
  std::vector<int64_t> IntList(std::string_view key, int64_t min, int64_t max);
  // A list of scalars as text; an empty list is allowed (e.g. no public holidays listed).
  std::vector<std::string> StringList(std::string_view key);
  bool Has(std::string_view key) const;
  // A problem the caller found in a value it read (e.g. an interval that does not parse).
  void Problem(std::string_view key, std::string_view what);

  const std::string& version() const { return version_.name; }
  absl::Status Finish() const;

 private:
  const PolicyDocument& doc_;
  std::string section_;
  PolicyDocument::VersionHeader version_;
  std::vector<std::string> problems_;
};

// Reads every version of `section` with `load`, a callable
// `absl::StatusOr<T>(PolicyReader&)` that reads one version (it may call Finish() itself), and
// checks the list: at least one version, unique names, effective dates strictly increasing.
// Problems of every version are named at once.
template <typename T, typename Load>
absl::StatusOr<Schedule<T>> LoadSchedule(const PolicyDocument& doc, std::string_view section,
                                         Load load) {
  auto headers = doc.Versions(section);
  if (!headers.ok()) return headers.status();
  std::vector<typename Schedule<T>::Version> versions;
  std::vector<std::string> problems;
  for (const PolicyDocument::VersionHeader& h : *headers) {
    PolicyReader reader(doc, section, h);
    absl::StatusOr<T> rules = load(reader);
    if (rules.ok()) {
      if (absl::Status st = reader.Finish(); !st.ok()) {
        problems.emplace_back(st.message());
        continue;
      }
      versions.push_back({h.name, h.effective_from, *std::move(rules)});
    } else {
      problems.emplace_back(rules.status().message());
    }
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return Schedule<T>::Make(std::move(versions),
                           "policy " + doc.origin() + ": " + std::string(section) + ".versions");
}

}  // namespace ccms::policy
