#pragma once

#include <string>

#include "common/policy/policy.h"
#include "gtest/gtest.h"
#include "services/records/domain/records_policy.h"

namespace ccms::records::testing {

// The shipped records section as two versions: "2026.1" in force from 2026-01-01 with the
// shipped rules, and "2026.2" from the middle of a month, 2026-11-15, where a person reports
// within 5 days of the judgment (not 10) and a STRICT case reports every 3 days (not 7).
inline std::string TwoVersionsText() {
  std::string text(policy::PolicyDocument::BuiltInDefault());
  const std::string head = "records:\n  versions:\n";
  const std::string tail = "\n# Assessment service";
  const size_t begin = text.find(head);
  const size_t end = text.find(tail);
  EXPECT_NE(begin, std::string::npos);
  EXPECT_NE(end, std::string::npos);
  if (begin == std::string::npos || end == std::string::npos) return text;
  std::string first = text.substr(begin + head.size(), end - begin - head.size());
  auto replace = [](std::string* s, const std::string& from, const std::string& to) {
    const size_t pos = s->find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) s->replace(pos, from.size(), to);
  };
  replace(&first, "version: \"2026.11-default\"", "version: \"2026.1\"");
  replace(&first, "effective_from: 2020-07-01", "effective_from: 2026-01-01");
  std::string second = first;
  replace(&second, "version: \"2026.1\"", "version: \"2026.2\"");
  replace(&second, "effective_from: 2026-01-01", "effective_from: 2026-11-15");
  replace(&second, "report_within_days: 10", "report_within_days: 5");
  replace(&second, "report: \"7d\"", "report: \"3d\"");
  return text.substr(0, begin + head.size()) + first + "\n" + second + text.substr(end);
}

inline domain::RecordsPolicies TwoVersions() {
  auto doc = policy::PolicyDocument::Parse(TwoVersionsText(), "two-versions.yaml");
  EXPECT_TRUE(doc.ok()) << doc.status();
  auto policies = domain::LoadRecordsPolicies(*doc);
  EXPECT_TRUE(policies.ok()) << policies.status();
  return *policies;
}

}  // namespace ccms::records::testing
