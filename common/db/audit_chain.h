#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <pqxx/connection>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ccms::db {

// The audit log's hash chain (common migration V004, docs/security.md "Audit log"): every
// audit_log row gets, in the order the sealer seals it, one audit_chain row whose hash covers the
// previous chain row's hash and the audit row's content. Editing or deleting a sealed audit row,
// or a chain row, breaks the chain from there on; VerifyAuditChain names the first such row.

// One content column of audit_log in the canonical encoding. `since` is the first encoding that
// covers it: a column added later (with a default that old rows now show) is one more line here
// with since = the new kAuditChainEncoding, so rows sealed before keep verifying.
struct AuditChainColumn {
  std::string_view name;
  int since;
};

// Every content column, in encoding order. THE one place to add a column.
const std::vector<AuditChainColumn>& AuditChainColumns();

// The encoding new rows are sealed with.
inline constexpr int kAuditChainEncoding = 1;

// The chain row hash (32 raw bytes): SHA-256 of "ccms-audit-chain/" + encoding (2 bytes, big
// endian) + prev_hash (32 bytes; 32 zero bytes before the first row) + for each column of
// AuditChainColumns() with since <= encoding whose value is not NULL, in that order: name length
// (4 bytes BE), name, value length (4 bytes BE), value. `values` line up with AuditChainColumns()
// and hold PostgreSQL's text form of each column with TimeZone UTC and DateStyle ISO (NULL, or a
// column the table does not have: nullopt). A NULL and an absent column encode alike, so adding
// a nullable column without a default changes no sealed row.
std::string AuditChainHash(std::string_view prev_hash, int encoding,
                           const std::vector<std::optional<std::string>>& values);

// The genesis "previous hash": 32 zero bytes.
std::string AuditChainGenesis();

struct AuditSealerOptions {
  int batch_size = 5000;
  int max_batches_per_run = 20;
  // An audit_id skipped when a higher one was sealed (a transaction still open, or one rolled
  // back) is looked for again on each run for this long, then given up (verify then reports it
  // unsealed if it ever commits).
  absl::Duration gap_expiry = absl::Minutes(10);
};

// Appends audit_chain rows for audit_log rows not yet sealed: new ones in audit_id order, and
// ones that committed late with a lower audit_id than an already sealed one. One sealer at a time
// per database (a transaction-level advisory lock; another instance's run skips). Not thread-safe:
// one periodic task calls it.
class AuditSealer {
 public:
  explicit AuditSealer(AuditSealerOptions options = {}) : options_(options) {}
  // One run; how many rows it sealed (0 when another instance holds the lock).
  absl::StatusOr<int64_t> SealOnce(pqxx::connection& conn);

 private:
  AuditSealerOptions options_;
  bool gaps_loaded_ = false;
  std::map<int64_t, absl::Time> gaps_;  // audit_id -> when first missed
};

enum class AuditChainProblem {
  kNone = 0,
  kContentChanged,   // the audit row's content no longer gives the sealed hash
  kRowMissing,       // a sealed audit row is gone
  kChainBroken,      // a chain row is missing or its prev_hash is not the previous hash
  kUnsealed,         // an audit row older than the grace was never sealed
  kUnknownEncoding,  // sealed by a newer release
};

std::string_view AuditChainProblemName(AuditChainProblem problem);

struct AuditChainReport {
  int64_t rows_verified = 0;
  int64_t head_seq = 0;
  std::string head_hash;  // raw 32 bytes, empty when the chain is empty
  AuditChainProblem problem = AuditChainProblem::kNone;
  int64_t audit_id = 0;  // the first row that does not match
  int64_t seq = 0;       // its chain position (0 for kUnsealed)
  std::string detail;    // what did not match, without any row content
  int64_t unsealed_rows = 0;
};

// Recomputes the chain from its first row, `batch_size` chain rows at a time in one read-only
// snapshot (bounded memory), stopping at the first problem; then looks for audit rows older than
// `unsealed_grace` that were never sealed.
absl::StatusOr<AuditChainReport> VerifyAuditChain(pqxx::connection& conn,
                                                  absl::Duration unsealed_grace,
                                                  int batch_size = 1000);

}  // namespace ccms::db
