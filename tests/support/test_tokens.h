#pragma once

// Tokens and verifiers of one HS256 key set, for unit tests that need a CallExecutor or a
// signed token without a key-set file (the dev profile: no issuer required).

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "common/auth/jwt.h"

namespace ccms::testing {

inline constexpr char kUnitTestKid[] = "unit-key-1";
inline constexpr char kUnitTestAudience[] = "ccms-test";

// A verifier of `secret` (at least 32 bytes) as kUnitTestKid, for `audience`.
inline std::unique_ptr<auth::TokenVerifier> HmacVerifier(
    const std::string& secret, const std::string& audience = kUnitTestAudience) {
  auto keys = auth::KeySet::Parse(auth::HmacKeySetJson(kUnitTestKid, secret), {.allow_hmac = true});
  if (!keys.ok()) throw std::runtime_error(std::string(keys.status().message()));
  auto verifier = auth::TokenVerifier::Create(
      {.keys = auth::FixedKeySet(*std::move(keys)), .audience = audience, .require_issuer = false});
  if (!verifier.ok()) throw std::runtime_error(std::string(verifier.status().message()));
  return *std::move(verifier);
}

// A token for `principal` signed with `secret` as kUnitTestKid, for `audiences`.
inline std::string HmacToken(const auth::Principal& principal, const std::string& secret,
                             std::vector<std::string> audiences = {kUnitTestAudience},
                             absl::Duration ttl = absl::Minutes(5)) {
  auto token = auth::MintToken(principal,
                               {.algorithm = "HS256",
                                .key = secret,
                                .kid = kUnitTestKid,
                                .audiences = std::move(audiences),
                                .ttl = ttl},
                               absl::Now());
  if (!token.ok()) throw std::runtime_error(std::string(token.status().message()));
  return *token;
}

}  // namespace ccms::testing
