#include "common/auth/verified_token_cache.h"

#include <openssl/evp.h>

#include <utility>

namespace ccms::auth {

VerifiedTokenCache::VerifiedTokenCache(size_t capacity) : capacity_(capacity) {}

std::string VerifiedTokenCache::CacheKey(std::string_view token, std::string_view audience) {
  std::string input;
  input.reserve(audience.size() + 1 + token.size());
  input.append(audience);
  // The separator cannot occur in an audience or a token (base64url and dots).
  input.push_back('\n');
  input.append(token);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return std::string();  // cannot happen with a built-in digest; the caller skips the cache
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::optional<Principal> VerifiedTokenCache::Find(std::string_view token, std::string_view audience,
                                                  const KeySet* keys_in_force, absl::Time now) {
  if (capacity_ == 0) return std::nullopt;
  const std::string key = CacheKey(token, audience);
  if (key.empty()) return std::nullopt;
  absl::MutexLock lock(&mu_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return std::nullopt;
  }
  const Entry& entry = *it->second;
  if (now >= entry.expires_at || now < entry.verified_at || entry.keys.get() != keys_in_force) {
    entries_.erase(it->second);
    index_.erase(it);
    ++misses_;
    return std::nullopt;
  }
  entries_.splice(entries_.begin(), entries_, it->second);
  ++hits_;
  return entry.principal;
}

void VerifiedTokenCache::Insert(std::string_view token, std::string_view audience,
                                std::shared_ptr<const KeySet> keys, const Principal& principal,
                                absl::Time expires_at, absl::Time now) {
  if (capacity_ == 0 || now >= expires_at) return;
  std::string key = CacheKey(token, audience);
  if (key.empty()) return;
  absl::MutexLock lock(&mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    entries_.erase(it->second);
    index_.erase(it);
  }
  while (entries_.size() >= capacity_) {
    index_.erase(entries_.back().key);
    entries_.pop_back();
  }
  Principal cached = principal;
  cached.token.clear();  // the cache never holds a token
  entries_.push_front(Entry{key, std::move(cached), std::move(keys), now, expires_at});
  index_.emplace(std::move(key), entries_.begin());
}

size_t VerifiedTokenCache::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

uint64_t VerifiedTokenCache::hits() const {
  absl::MutexLock lock(&mu_);
  return hits_;
}

uint64_t VerifiedTokenCache::misses() const {
  absl::MutexLock lock(&mu_);
  return misses_;
}

}  // namespace ccms::auth
