#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/time/calendar.h"

namespace ccms::policy {

// The versions of one service's policy, each in force from its date (a Shanghai calendar day)
// until the next one's. A rule applied to a day takes InForce(day): a province that changes its
// contact frequencies on 1 July does not rewrite June's deadlines.
//
// Days before the first version's date take the first version: it is the oldest rule the
// deployment has written down, and a case opened today may count from a judgment of last year.
// Its effective_from records when the deployment adopted it; write an earlier version to make a
// different rule hold for those days. Every decision still names the version it used.
template <typename T>
class Schedule {
 public:
  struct Version {
    std::string name;
    absl::CivilDay effective_from;
    T rules;
  };

  // At least one version, names unique and non-empty, dates strictly increasing; `what` names the
  // schedule in messages (e.g. "policy /etc/ccms/policy.yaml: records").
  static absl::StatusOr<Schedule> Make(std::vector<Version> versions, const std::string& what) {
    if (versions.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": at least one version is required"));
    }
    std::set<std::string> names;
    for (size_t i = 0; i < versions.size(); ++i) {
      const Version& v = versions[i];
      if (v.name.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": version ", i + 1, " has no name (version: is required)"));
      }
      if (!names.insert(v.name).second) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": version ", v.name, " is listed twice (names must be unique)"));
      }
      if (i > 0 && !(versions[i - 1].effective_from < v.effective_from)) {
        return absl::InvalidArgumentError(absl::StrCat(
            what, ": version ", v.name, " takes effect on ", time::FormatDate(v.effective_from),
            ", not after version ", versions[i - 1].name, " (",
            time::FormatDate(versions[i - 1].effective_from),
            "): list versions oldest first, each on a later day"));
      }
    }
    return Schedule(std::move(versions));
  }

  // The version in force on `day`: the last whose effective_from is on or before it, or the first.
  const Version& VersionOn(absl::CivilDay day) const {
    size_t i = 0;
    while (i + 1 < versions_.size() && versions_[i + 1].effective_from <= day) ++i;
    return versions_[i];
  }
  const T& InForce(absl::CivilDay day) const { return VersionOn(day).rules; }
  // The newest version (what a file's readers see at a glance; start-up logs name it).
  const Version& Latest() const { return versions_.back(); }
  const std::vector<Version>& versions() const { return versions_; }
  // "2026.1 from 2026-01-01, 2026.2 from 2026-07-01", for the start-up log.
  std::string Summary() const {
    std::string out;
    for (const Version& v : versions_) {
      absl::StrAppend(&out, out.empty() ? "" : ", ", v.name, " from ",
                      time::FormatDate(v.effective_from));
    }
    return out;
  }

 private:
  explicit Schedule(std::vector<Version> versions) : versions_(std::move(versions)) {}

  std::vector<Version> versions_;
};

}  // namespace ccms::policy
