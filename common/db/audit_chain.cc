#include "common/db/audit_chain.h"

#include <openssl/evp.h>

#include <pqxx/pqxx>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/db/pool.h"
#include "common/log/log.h"

namespace ccms::db {
namespace {

// Any fixed 64-bit number; one sealer per database ("ccms_aud").
constexpr int64_t kSealLockKey = 0x63636d735f617564;
// How far back a new leader looks for audit ids it skipped before (its gaps are in memory).
constexpr int64_t kGapReloadWindow = 10000;
constexpr size_t kMaxGaps = 100000;
constexpr char kDomain[] = "ccms-audit-chain/";

void AppendU32(std::string* out, size_t n) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((n >> shift) & 0xff));
}

// Fixes the text form of every column (timestamps in UTC, ISO dates) for the transaction.
void CanonicalSession(pqxx::transaction_base& tx) {
  tx.exec("SET LOCAL TimeZone = 'UTC'");
  tx.exec("SET LOCAL DateStyle = 'ISO, YMD'");
}

// "a.audit_id::text, a.at::text, ..., NULL::text" for the columns audit_log has here.
std::string ContentSelectList(pqxx::transaction_base& tx) {
  std::set<std::string> present;
  // pg_attribute, not information_schema.columns: the view's privilege checks made this 11-58 ms
  // a run, every second in every service (docs/benchmarks.md, "The lists' tails at a million").
  for (const auto& row :
       tx.exec("SELECT attname FROM pg_attribute WHERE attrelid = 'audit_log'::regclass"
               " AND attnum > 0 AND NOT attisdropped")) {
    present.insert(row[0].as<std::string>());
  }
  std::vector<std::string> items;
  for (const AuditChainColumn& c : AuditChainColumns()) {
    items.push_back(present.count(std::string(c.name))
                        ? absl::StrCat("a.", std::string(c.name), "::text")
                        : std::string("NULL::text"));
  }
  return absl::StrJoin(items, ", ");
}

// The content values of a result row, starting at column `first`.
std::vector<std::optional<std::string>> ContentValues(const pqxx::row& row, int first) {
  std::vector<std::optional<std::string>> values;
  for (size_t i = 0; i < AuditChainColumns().size(); ++i) {
    const pqxx::field f = row[static_cast<int>(first + i)];
    if (f.is_null()) {
      values.emplace_back(std::nullopt);
    } else {
      values.emplace_back(std::string(f.c_str(), f.size()));
    }
  }
  return values;
}

std::string Hex(const std::string& bytes) { return absl::BytesToHexString(bytes); }

}  // namespace

const std::vector<AuditChainColumn>& AuditChainColumns() {
  static const auto* columns = new std::vector<AuditChainColumn>{
      {"audit_id", 1},
      {"at", 1},
      {"actor", 1},
      {"actor_role", 1},
      {"action", 1},
      {"case_id", 1},
      {"result", 1},
      {"request_id", 1},
      {"investigation_id", 1},  // records' V005; NULL (so absent) elsewhere
      // common's V005, landed with the chain itself: no row was sealed without them.
      {"on_behalf_of", 1},
      {"on_behalf_of_role", 1},
  };
  return *columns;
}

std::string AuditChainGenesis() { return std::string(32, '\0'); }

std::string AuditChainHash(std::string_view prev_hash, int encoding,
                           const std::vector<std::optional<std::string>>& values) {
  std::string message(kDomain);
  message.push_back(static_cast<char>((encoding >> 8) & 0xff));
  message.push_back(static_cast<char>(encoding & 0xff));
  message.append(prev_hash);
  const auto& columns = AuditChainColumns();
  for (size_t i = 0; i < columns.size() && i < values.size(); ++i) {
    if (columns[i].since > encoding || !values[i].has_value()) continue;
    AppendU32(&message, columns[i].name.size());
    message.append(columns[i].name);
    AppendU32(&message, values[i]->size());
    message.append(*values[i]);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(message.data(), message.size(), digest, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), len);
}

absl::StatusOr<int64_t> AuditSealer::SealOnce(pqxx::connection& conn) {
  int64_t total = 0;
  try {
    for (int batch = 0; batch < options_.max_batches_per_run; ++batch) {
      pqxx::work tx(conn);
      CanonicalSession(tx);
      if (!tx.exec("SELECT pg_try_advisory_xact_lock(" + std::to_string(kSealLockKey) + ")")[0][0]
               .as<bool>()) {
        // Another instance seals; what this one remembered may be stale when it leads again.
        gaps_.clear();
        gaps_loaded_ = false;
        return total;
      }
      const std::string select = ContentSelectList(tx);
      int64_t seq = 0;
      std::string prev = AuditChainGenesis();
      pqxx::result head =
          tx.exec("SELECT seq, encode(hash, 'hex') FROM audit_chain ORDER BY seq DESC LIMIT 1");
      if (!head.empty()) {
        seq = head[0][0].as<int64_t>();
        prev = absl::HexStringToBytes(head[0][1].as<std::string>());
      }
      const int64_t max_id =
          tx.exec("SELECT coalesce(max(audit_id), 0) FROM audit_chain")[0][0].as<int64_t>();
      const absl::Time now = absl::Now();
      std::map<int64_t, absl::Time> gaps = gaps_;
      if (!gaps_loaded_) {
        for (const auto& row :
             tx.exec_params("SELECT g FROM generate_series(greatest(1, $1::bigint - $2::bigint), "
                            "$1::bigint) g "
                            "WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.audit_id = g)",
                            max_id, kGapReloadWindow)) {
          gaps.emplace(row[0].as<int64_t>(), now);
        }
      }
      std::erase_if(gaps, [&](const auto& g) { return now - g.second > options_.gap_expiry; });

      std::vector<std::pair<int64_t, std::vector<std::optional<std::string>>>> rows;
      if (!gaps.empty()) {
        std::vector<std::string> ids;
        for (const auto& [id, unused] : gaps) ids.push_back(std::to_string(id));
        for (const auto& row :
             tx.exec_params(absl::StrCat("SELECT a.audit_id, ", select,
                                         " FROM audit_log a WHERE a.audit_id = ANY($1::bigint[]) "
                                         "ORDER BY a.audit_id"),
                            absl::StrCat("{", absl::StrJoin(ids, ","), "}"))) {
          const int64_t id = row[0].as<int64_t>();
          gaps.erase(id);
          rows.emplace_back(id, ContentValues(row, 1));
        }
      }
      int64_t expected = max_id + 1;
      int64_t fresh = 0;
      for (const auto& row : tx.exec_params(
               absl::StrCat("SELECT a.audit_id, ", select,
                            " FROM audit_log a WHERE a.audit_id > $1 ORDER BY a.audit_id LIMIT $2"),
               max_id, options_.batch_size)) {
        const int64_t id = row[0].as<int64_t>();
        // Ids skipped here belong to transactions still open (or rolled back): looked for again.
        if (id - expected <= static_cast<int64_t>(kMaxGaps)) {
          for (int64_t g = expected; g < id; ++g) gaps.emplace(g, now);
        }
        expected = id + 1;
        rows.emplace_back(id, ContentValues(row, 1));
        ++fresh;
      }
      while (gaps.size() > kMaxGaps) gaps.erase(gaps.begin());
      // One statement per batch; every value is a number or hex this code made.
      std::vector<std::string> tuples;
      for (const auto& [id, values] : rows) {
        const std::string hash = AuditChainHash(prev, kAuditChainEncoding, values);
        tuples.push_back(absl::StrCat("(", ++seq, ",", id, ",", kAuditChainEncoding, ",decode('",
                                      Hex(prev), "','hex'),decode('", Hex(hash), "','hex'))"));
        prev = hash;
      }
      if (!tuples.empty()) {
        tx.exec(
            absl::StrCat("INSERT INTO audit_chain (seq, audit_id, encoding, prev_hash, hash) "
                         "VALUES ",
                         absl::StrJoin(tuples, ",")));
      }
      tx.commit();
      gaps_ = std::move(gaps);
      gaps_loaded_ = true;
      total += static_cast<int64_t>(rows.size());
      if (fresh < options_.batch_size) break;
    }
    return total;
  } catch (...) {
    return MapCurrentException("seal audit rows");
  }
}

std::string_view AuditChainProblemName(AuditChainProblem problem) {
  switch (problem) {
    case AuditChainProblem::kNone:
      return "NONE";
    case AuditChainProblem::kContentChanged:
      return "CONTENT_CHANGED";
    case AuditChainProblem::kRowMissing:
      return "ROW_MISSING";
    case AuditChainProblem::kChainBroken:
      return "CHAIN_BROKEN";
    case AuditChainProblem::kUnsealed:
      return "UNSEALED";
    case AuditChainProblem::kUnknownEncoding:
      return "UNKNOWN_ENCODING";
  }
  return "UNKNOWN";
}

absl::StatusOr<AuditChainReport> VerifyAuditChain(pqxx::connection& conn,
                                                  absl::Duration unsealed_grace, int batch_size) {
  AuditChainReport report;
  try {
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(conn);
    CanonicalSession(tx);
    // Long tables: the statements below may take longer than a call's usual timeout.
    tx.exec("SET LOCAL statement_timeout = '10min'");
    const std::string select = ContentSelectList(tx);
    std::string prev = AuditChainGenesis();
    int64_t last_seq = 0;
    auto fail = [&](AuditChainProblem p, int64_t audit_id, int64_t seq, std::string detail) {
      report.problem = p;
      report.audit_id = audit_id;
      report.seq = seq;
      report.detail = std::move(detail);
    };
    for (;;) {
      pqxx::result batch = tx.exec_params(
          absl::StrCat("SELECT c.seq, c.audit_id, c.encoding, encode(c.prev_hash, 'hex'), "
                       "encode(c.hash, 'hex'), a.audit_id IS NOT NULL, ",
                       select,
                       " FROM audit_chain c LEFT JOIN audit_log a ON a.audit_id = c.audit_id "
                       "WHERE c.seq > $1 ORDER BY c.seq LIMIT $2"),
          last_seq, batch_size);
      for (const auto& row : batch) {
        const int64_t seq = row[0].as<int64_t>();
        const int64_t audit_id = row[1].as<int64_t>();
        const int encoding = row[2].as<int>();
        const std::string prev_hash = absl::HexStringToBytes(row[3].as<std::string>());
        const std::string hash = absl::HexStringToBytes(row[4].as<std::string>());
        if (seq != last_seq + 1) {
          fail(AuditChainProblem::kChainBroken, audit_id, seq,
               absl::StrCat("chain rows ", last_seq + 1, "..", seq - 1, " are missing"));
          return report;
        }
        if (prev_hash != prev) {
          fail(AuditChainProblem::kChainBroken, audit_id, seq,
               "its previous hash is not the hash of the chain row before it");
          return report;
        }
        if (encoding < 1 || encoding > kAuditChainEncoding) {
          fail(AuditChainProblem::kUnknownEncoding, audit_id, seq,
               absl::StrCat("sealed with encoding ", encoding,
                            ", which this release does not know"));
          return report;
        }
        if (!row[5].as<bool>()) {
          fail(AuditChainProblem::kRowMissing, audit_id, seq, "the sealed audit row is gone");
          return report;
        }
        if (AuditChainHash(prev, encoding, ContentValues(row, 6)) != hash) {
          fail(AuditChainProblem::kContentChanged, audit_id, seq,
               "the audit row's content changed after it was sealed");
          return report;
        }
        prev = hash;
        last_seq = seq;
        ++report.rows_verified;
        report.head_seq = seq;
        report.head_hash = hash;
      }
      if (static_cast<int>(batch.size()) < batch_size) break;
    }
    pqxx::row unsealed = tx.exec_params1(
        "SELECT count(*), coalesce(min(a.audit_id), 0) FROM audit_log a "
        "WHERE a.at < now() - make_interval(secs => $1) "
        "AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.audit_id = a.audit_id)",
        absl::ToDoubleSeconds(unsealed_grace));
    report.unsealed_rows = unsealed[0].as<int64_t>();
    if (report.unsealed_rows > 0) {
      fail(AuditChainProblem::kUnsealed, unsealed[1].as<int64_t>(), 0,
           absl::StrCat(report.unsealed_rows, " audit rows older than ",
                        absl::FormatDuration(unsealed_grace), " were never sealed"));
    }
    return report;
  } catch (...) {
    return MapCurrentException("verify the audit chain");
  }
}

}  // namespace ccms::db
