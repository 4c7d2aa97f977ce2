#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ccms::auth {

// One verification key of a key set: its `kid`, the one algorithm it verifies ("HS256", "RS256"
// or "ES256") and the key material as libjwt takes it (the HS256 secret's bytes, or the PEM of
// an RSA / EC public key).
struct VerificationKey {
  std::string kid;
  std::string algorithm;
  std::string material;
};

// What a key set may hold.
struct KeySetOptions {
  // Shared secrets (kty "oct", HS256) are for the dev profile only (DESIGN §6): outside it a
  // key set holding one is refused.
  bool allow_hmac = false;
};

// The keys tokens are verified with, from a JSON Web Key Set (RFC 7517):
//   {"keys": [{"kty": "oct", "kid": "k1", "alg": "HS256", "k": "<base64url secret>"},
//             {"kty": "RSA", "kid": "k2", "alg": "RS256", "n": "...", "e": "AQAB"},
//             {"kty": "EC",  "kid": "k3", "alg": "ES256", "crv": "P-256", "x": "...", "y": "..."}]}
// Every key needs a unique non-empty `kid`. `alg`, when present, must be the one its `kty`
// implies (oct HS256, RSA RS256, EC ES256); `use`, when present, must be "sig". HS256 secrets
// are at least 32 bytes, RSA moduli at least 2048 bits, EC keys on P-256. Public keys only:
// a key with private members ("d", "p", ...) is refused, so signing material stays out of
// service configuration. Other members are ignored. Immutable; key material is cleansed on
// destruction.
class KeySet {
 public:
  // InvalidArgumentError naming the key (by position and kid, never its material) and the
  // problem; an empty set is refused too.
  static absl::StatusOr<std::shared_ptr<const KeySet>> Parse(std::string_view jwks_json,
                                                             KeySetOptions options = {});

  KeySet(const KeySet&) = delete;
  KeySet& operator=(const KeySet&) = delete;
  ~KeySet();

  // The key named `kid`, or nullptr.
  const VerificationKey* Find(std::string_view kid) const;
  // The kids, in file order (logs, tests).
  std::vector<std::string> Kids() const;
  size_t size() const { return keys_.size(); }

 private:
  KeySet() = default;
  std::vector<VerificationKey> keys_;
};

// Gives the key set in force; called once per verified token.
using KeySetProvider = std::function<std::shared_ptr<const KeySet>()>;

// A provider of one fixed set (tests, tools).
KeySetProvider FixedKeySet(std::shared_ptr<const KeySet> keys);

// A key-set file (CCMS_JWT_KEYS_FILE) that is re-read when it changes, so a key is rotated
// without a restart: add the new key, sign with it, remove the old one later.
//
// Current() looks at the file's inode, size and modification time at most once per
// `check_interval`; when they changed, it reads and parses the file and swaps the set in. A new
// file that cannot be read or parsed is reported to `on_reload` (and logged by the caller); the
// set in force is kept until a good file replaces it. Thread-safe.
class KeySetFile {
 public:
  // Called after each reload attempt: OK with the new set, or the reason it was refused.
  using ReloadListener = std::function<void(const absl::Status&, const KeySet* loaded)>;

  // Reads and parses `path` now: its error (naming the path) if the first set is bad.
  static absl::StatusOr<std::unique_ptr<KeySetFile>> Open(
      std::string path, KeySetOptions options, absl::Duration check_interval = absl::Seconds(1),
      ReloadListener on_reload = nullptr);

  // The set in force, after a reload if the file changed and the interval has passed.
  std::shared_ptr<const KeySet> Current();

  // A provider reading this file (which must outlive it).
  KeySetProvider Provider() {
    return [this] { return Current(); };
  }

  const std::string& path() const { return path_; }

 private:
  struct Stamp {
    uint64_t inode = 0;
    int64_t size = -1;
    int64_t mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  KeySetFile(std::string path, KeySetOptions options, absl::Duration check_interval,
             ReloadListener on_reload);
  // Reads the file's stamp; false if it cannot be stat'ed.
  bool StampOf(Stamp* out) const;
  // Reads and parses the file as it is now.
  absl::StatusOr<std::shared_ptr<const KeySet>> Load() const;

  const std::string path_;
  const KeySetOptions options_;
  const absl::Duration check_interval_;
  const ReloadListener on_reload_;
  absl::Mutex mu_;
  std::shared_ptr<const KeySet> current_ ABSL_GUARDED_BY(mu_);
  Stamp stamp_ ABSL_GUARDED_BY(mu_);
  absl::Time last_check_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace ccms::auth
