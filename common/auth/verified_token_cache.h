#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/jwks.h"
#include "common/auth/principal.h"

namespace ccms::auth {

// A bounded cache of tokens already verified, so a caller that sends the same token on every
// call pays for one signature check and one JSON parse, not one per call (13-17% of records' CPU
// before; docs/benchmarks.md).
//
// Keyed by SHA-256 of (audience, token): the token itself is never kept. An entry is used only
// while all of these hold, and is dropped otherwise:
//  - `now` is before the token's `exp` (never longer than the token; the verifier's leeway is not
//    extended to cached entries) and not before the time it was verified (a clock moved back
//    re-verifies, so `nbf` and `iat` are checked again);
//  - the key set in force is the one it was verified with (a reloaded JWKS, for example one that
//    dropped a compromised kid, empties the cache's use at once).
// Only successful verifications are cached. When full, the least recently used entry goes.
// Thread-safe.
class VerifiedTokenCache {
 public:
  // `capacity` entries at most; 0 makes a cache that keeps nothing.
  explicit VerifiedTokenCache(size_t capacity);

  VerifiedTokenCache(const VerifiedTokenCache&) = delete;
  VerifiedTokenCache& operator=(const VerifiedTokenCache&) = delete;

  // The principal verified earlier for this token and audience, if the entry still holds.
  std::optional<Principal> Find(std::string_view token, std::string_view audience,
                                const KeySet* keys_in_force, absl::Time now);

  // Records a successful verification at `now` of a token expiring at `expires_at`, with
  // `keys` (kept alive by the entry, so its address cannot be reused by a later key set).
  void Insert(std::string_view token, std::string_view audience, std::shared_ptr<const KeySet> keys,
              const Principal& principal, absl::Time expires_at, absl::Time now);

  size_t size() const;
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  struct Entry {
    std::string key;
    Principal principal;
    std::shared_ptr<const KeySet> keys;
    absl::Time verified_at;
    absl::Time expires_at;
  };
  using EntryList = std::list<Entry>;

  static std::string CacheKey(std::string_view token, std::string_view audience);

  const size_t capacity_;
  mutable absl::Mutex mu_;
  // Most recently used first.
  EntryList entries_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, EntryList::iterator> index_ ABSL_GUARDED_BY(mu_);
  uint64_t hits_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t misses_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ccms::auth
