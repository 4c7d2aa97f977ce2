#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"

namespace ccms::auth {

// How a TokenVerifier checks access tokens.
struct VerifierConfig {
  // "HS256", "RS256" or "ES256". Tokens with any other `alg` header are
  // rejected, so a verifier never accepts more than one algorithm.
  std::string algorithm;
  // HS256: the shared secret bytes (at least 32). RS256 / ES256: the PEM
  // public key ("-----BEGIN PUBLIC KEY-----"); RSA keys need >= 2048 bits,
  // EC keys must be on P-256.
  std::string key;
  // Optional: if set, the token's `iss` must equal it.
  std::string issuer;
  // Optional: if set, the token's `aud` (string or array) must contain it.
  std::string audience;
  // Clock skew tolerated on `exp`, `nbf` and `iat`. Must not be negative.
  absl::Duration leeway = absl::Seconds(60);
};

// Verifies signed access tokens (JWS compact form) and turns their claims
// into a Principal.
//
// Claims read: `exp` (required), `nbf`, `iat`, `iss`, `aud`, `sub`
// (required), `role` (required, a RoleName()), `districts` (a JSON array of
// six-digit codes, or ["*"] for all districts) and `agency_id` (required for
// partners). The resulting Principal must pass ValidatePrincipal().
//
// Thread-safe: Verify() is const and shares no mutable state. Not copyable,
// because it owns key material, which it cleanses on destruction.
class TokenVerifier {
 public:
  // Returns InvalidArgumentError for an unknown algorithm, an empty key, an
  // HS256 secret shorter than 32 bytes, a PEM that is not a public key of
  // the algorithm's type, or a negative leeway.
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> Create(VerifierConfig config);

  TokenVerifier(const TokenVerifier&) = delete;
  TokenVerifier& operator=(const TokenVerifier&) = delete;
  ~TokenVerifier();

  // Checks `token`'s signature and claims at time `now`. Every failure is
  // UnauthenticatedError with a short generic message ("token expired",
  // "token signature invalid", ...) that never echoes the token.
  absl::StatusOr<Principal> Verify(std::string_view token, absl::Time now) const;

 private:
  explicit TokenVerifier(VerifierConfig config);

  VerifierConfig config_;
};

// Signs a token for `principal`, valid from `now` for `ttl`, with `iat`,
// `exp`, `sub`, `role`, `districts` (["*"] when all_districts), `agency_id`
// (when set) and `iss` (when non-empty). For the dev tool and tests.
//
// `algorithm` is "HS256" (`key` = secret of at least 32 bytes) or "RS256" /
// "ES256" (`key` = unencrypted PEM private key). Returns InvalidArgumentError
// for a bad algorithm, key, ttl or a principal failing ValidatePrincipal().
absl::StatusOr<std::string> MintToken(const Principal& principal, std::string_view algorithm,
                                      std::string_view key, absl::Time now, absl::Duration ttl,
                                      std::string_view issuer = "");

// Extracts the token from an Authorization header value of the form
// "Bearer <token>": the scheme is case-insensitive and surrounding spaces or
// tabs are ignored. Returns nullopt for any other scheme, a missing token, or
// a token containing whitespace. The result points into the argument.
std::optional<std::string_view> BearerToken(std::string_view authorization_header_value);

}  // namespace ccms::auth
