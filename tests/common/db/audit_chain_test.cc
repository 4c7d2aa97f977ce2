// The audit chain's canonical encoding: fixed vectors (computed independently, with Python's
// hashlib over the encoding documented in common/db/audit_chain.h), so a change of the encoding,
// which would make every sealed row fail verification, cannot pass unnoticed.
#include "common/db/audit_chain.h"

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace ccms::db {
namespace {

using Values = std::vector<std::optional<std::string>>;

Values First() {
  return {"1",          "2026-11-30 04:00:00.123456+00",
          "officer-7",  "office_staff",
          "GetCase",    "0b0f3c2e-6a3e-4f55-9a55-1f7d3c1b2a10",
          "OK",         "req-1",
          std::nullopt, std::nullopt,
          std::nullopt};
}

Values Second() {
  return {"2",          "2026-11-30 04:00:01+00",
          "auditor-1",  "auditor",
          "ListAudit",  std::nullopt,
          "DENIED",     "",
          std::nullopt, std::nullopt,
          std::nullopt};
}

TEST(AuditChainHashTest, FixedVectors) {
  const std::string first = AuditChainHash(AuditChainGenesis(), 1, First());
  EXPECT_EQ(absl::BytesToHexString(first),
            "dfd8e235bc4e391a403cc6678ea47b0ce7ca4ced1f7d9bfb26fbf1e5eea1a8bb");
  EXPECT_EQ(absl::BytesToHexString(AuditChainHash(first, 1, Second())),
            "f0662446c976c5cd0100a23f03da972ae43d20d2b7fe97135cb771d216da7236");
}

TEST(AuditChainHashTest, EveryColumnAndThePreviousHashCount) {
  const std::string base = AuditChainHash(AuditChainGenesis(), 1, First());
  for (size_t i = 0; i < First().size(); ++i) {
    Values changed = First();
    changed[i] = changed[i].has_value() ? *changed[i] + "x" : "x";
    EXPECT_NE(AuditChainHash(AuditChainGenesis(), 1, changed), base) << i;
  }
  EXPECT_NE(AuditChainHash(std::string(32, '\1'), 1, First()), base);
  // An empty string is not a NULL.
  Values empty_case = First();
  empty_case[5] = "";
  Values null_case = First();
  null_case[5] = std::nullopt;
  EXPECT_NE(AuditChainHash(AuditChainGenesis(), 1, empty_case),
            AuditChainHash(AuditChainGenesis(), 1, null_case));
  // Lengths are encoded: moving a character between neighbouring columns changes the hash.
  Values moved = First();
  moved[2] = "officer-";
  moved[3] = "7office_staff";
  EXPECT_NE(AuditChainHash(AuditChainGenesis(), 1, moved), base);
}

TEST(AuditChainHashTest, EveryColumnIsInTheCurrentEncoding) {
  EXPECT_EQ(AuditChainColumns().size(), First().size());
  for (const auto& c : AuditChainColumns()) EXPECT_LE(c.since, kAuditChainEncoding) << c.name;
}

}  // namespace
}  // namespace ccms::db
