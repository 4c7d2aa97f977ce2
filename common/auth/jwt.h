#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/jwks.h"
#include "common/auth/principal.h"
#include "common/auth/verified_token_cache.h"

namespace ccms::auth {

// How a TokenVerifier checks access tokens.
struct VerifierConfig {
  // The keys, looked up by the token's `kid` header (a KeySetFile's Provider() in services, so
  // a rotated key takes effect without a restart). Each key verifies exactly one algorithm: a
  // token whose `alg` header is not its key's is rejected (no algorithm confusion).
  KeySetProvider keys;
  // Required: the token's `aud` (a string or an array) must contain it. Each service has its
  // own ("ccms-records"), so a token minted for one service is refused by the others.
  std::string audience;
  // If set, a token's `iss` must equal it.
  std::string issuer;
  // Outside the dev profile: `issuer` must be set and every token must carry it. In the dev
  // profile (false) a token without `iss` is accepted.
  bool require_issuer = true;
  // Clock skew tolerated on `exp`, `nbf` and `iat`. Must not be negative.
  absl::Duration leeway = absl::Seconds(60);
  // Verified tokens kept (VerifiedTokenCache: keyed by a hash of the token, never past its
  // `exp`, dropped when the key set is reloaded); 0 verifies every call afresh.
  size_t cache_capacity = 0;
};

// Verifies signed access tokens (JWS compact form) and turns their claims
// into a Principal.
//
// Header: `alg` and `kid` (required; the key set's key of that kid verifies the token, and it
// must be of that algorithm). Claims read: `exp` (required), `nbf` (a token is refused before
// it), `iat`, `iss`, `aud` (required), `sub` (required), `role` (required, a RoleName()),
// `districts` (a JSON array of six-digit codes, or ["*"] for all districts), `agency_id`
// (required for partners) and `office_id` (optional: office staff's office). The resulting
// Principal must pass ValidatePrincipal().
//
// Thread-safe: Verify() is const; the key set is read through the provider.
class TokenVerifier {
 public:
  // Returns InvalidArgumentError for a missing key provider or audience, a required issuer left
  // empty, or a negative leeway.
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> Create(VerifierConfig config);

  TokenVerifier(const TokenVerifier&) = delete;
  TokenVerifier& operator=(const TokenVerifier&) = delete;

  // Checks `token`'s signature and claims at time `now`, for this verifier's audience. Every
  // failure is UnauthenticatedError with a short generic message ("token expired", "token
  // signature invalid", ...) that never echoes the token.
  absl::StatusOr<Principal> Verify(std::string_view token, absl::Time now) const;
  // The same for another audience: an end user's token forwarded by a calling service must be
  // for that service's audience (x-ccms-end-user, CallExecutor).
  absl::StatusOr<Principal> VerifyForAudience(std::string_view token, absl::Time now,
                                              std::string_view audience) const;

  const std::string& audience() const { return config_.audience; }
  // The cache of verified tokens, or null (for tests and metrics).
  const VerifiedTokenCache* cache() const { return cache_.get(); }

 private:
  explicit TokenVerifier(VerifierConfig config);

  VerifierConfig config_;
  // Null when config_.cache_capacity is 0.
  std::unique_ptr<VerifiedTokenCache> cache_;
};

// What MintToken signs with and puts in a token.
struct MintOptions {
  // "HS256" (`key` = secret of at least 32 bytes) or "RS256" / "ES256" (`key` = unencrypted PEM
  // private key).
  std::string algorithm;
  std::string key;
  // Required: the `kid` header, naming the key in the verifiers' key set.
  std::string kid;
  // Required: the `aud` claim, one service's audience ("ccms-records") or several (a string
  // when there is one, an array otherwise).
  std::vector<std::string> audiences;
  // The `iss` claim, when non-empty.
  std::string issuer;
  absl::Duration ttl = absl::Hours(1);
  // The `nbf` claim, when set.
  std::optional<absl::Time> not_before;
};

// Signs a token for `principal`, valid from `now` for `options.ttl`, with `iat`, `exp`, `sub`,
// `role`, `districts` (["*"] when all_districts), `agency_id` and `office_id` (when set), `aud`,
// `iss` and `nbf` (when given), and the `kid` header. For the dev tool, the dev stack and tests.
//
// Returns InvalidArgumentError for a bad algorithm, key, kid, audience list, ttl or a principal
// failing ValidatePrincipal().
absl::StatusOr<std::string> MintToken(const Principal& principal, const MintOptions& options,
                                      absl::Time now);

// A JWKS (KeySet::Parse's format) holding one HS256 secret under `kid`: the dev stack's and the
// tests' key set. `secret` must be at least 32 bytes.
std::string HmacKeySetJson(std::string_view kid, std::string_view secret);

// Extracts the token from an Authorization header value of the form
// "Bearer <token>": the scheme is case-insensitive and surrounding spaces or
// tabs are ignored. Returns nullopt for any other scheme, a missing token, or
// a token containing whitespace. The result points into the argument.
std::optional<std::string_view> BearerToken(std::string_view authorization_header_value);

}  // namespace ccms::auth
