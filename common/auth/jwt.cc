#include "common/auth/jwt.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <climits>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace ccms::auth {
namespace {

using nlohmann::json;

// Bounds the work an unauthenticated caller can make us do.
constexpr size_t kMaxTokenBytes = 8192;
constexpr size_t kMaxSubjectBytes = 256;
constexpr size_t kMinHmacSecretBytes = 32;
constexpr int kMinRsaBits = 2048;
constexpr std::string_view kAllDistricts = "*";

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

// libjwt 1.10 returns plain malloc'd strings (there is no jwt_free_str yet).
struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using CStrPtr = std::unique_ptr<char, FreeDeleter>;

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Debian's Abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW=0, so
// absl::string_view is a distinct type and needs an explicit conversion.
absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

// Refuses to prompt for a passphrase: without it OpenSSL (and libjwt) would
// read one from the terminal when handed an encrypted PEM.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return 0; }

std::optional<jwt_alg_t> ParseAlgorithm(std::string_view name) {
  if (name == "HS256") return JWT_ALG_HS256;
  if (name == "RS256") return JWT_ALG_RS256;
  if (name == "ES256") return JWT_ALG_ES256;
  return std::nullopt;
}

// Reads a PEM public (or private) key; nullptr if OpenSSL cannot.
PkeyPtr ReadPem(std::string_view pem, bool private_key) {
  if (pem.size() > INT_MAX) return nullptr;
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return nullptr;
  PkeyPtr pkey(private_key ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr)
                           : PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  // Leave no parse errors behind on this thread's OpenSSL error queue.
  ERR_clear_error();
  return pkey;
}

// Checks that `pkey` fits `alg`: RSA >= 2048 bits, or EC on P-256.
bool KeyMatchesAlgorithm(EVP_PKEY* pkey, jwt_alg_t alg) {
  switch (alg) {
    case JWT_ALG_RS256:
      return EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA && EVP_PKEY_get_bits(pkey) >= kMinRsaBits;
    case JWT_ALG_ES256: {
      if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) return false;
      char group[64] = {};
      size_t group_len = 0;
      if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                         &group_len) != 1) {
        ERR_clear_error();
        return false;
      }
      return std::string_view(group, group_len) == "prime256v1";
    }
    default:
      return false;
  }
}

// Checks `key` is usable for `alg`, as a public key (verifying) or as a
// private key (signing). Messages name the problem, never the key.
absl::Status CheckKey(jwt_alg_t alg, std::string_view key, bool private_key) {
  if (key.empty()) return absl::InvalidArgumentError("token key is empty");
  if (key.size() > INT_MAX) {
    return absl::InvalidArgumentError("token key is too long");
  }
  if (alg == JWT_ALG_HS256) {
    if (key.size() < kMinHmacSecretBytes) {
      return absl::InvalidArgumentError("HS256 secret must be at least 32 bytes");
    }
    return absl::OkStatus();
  }
  // A verifier only ever needs the public half; refusing private keys keeps
  // signing material out of service configuration.
  if (!private_key && absl::StrContains(AbslView(key), "PRIVATE KEY")) {
    return absl::InvalidArgumentError("verifier key must be a PEM public key, not a private key");
  }
  PkeyPtr pkey = ReadPem(key, private_key);
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(
        private_key ? "token key is not a readable unencrypted PEM private key"
                    : "token key is not a readable PEM public key");
  }
  if (!KeyMatchesAlgorithm(pkey.get(), alg)) {
    return absl::InvalidArgumentError(alg == JWT_ALG_RS256
                                          ? "RS256 needs an RSA key of at least 2048 bits"
                                          : "ES256 needs an EC key on P-256");
  }
  return absl::OkStatus();
}

absl::Status Unauthenticated(std::string_view message) {
  return absl::UnauthenticatedError(AbslView(message));
}

// Reads a NumericDate claim. Absent → nullopt with OK; present but not a
// finite number → error.
absl::StatusOr<std::optional<absl::Time>> ReadTime(const json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::optional<absl::Time>();
  if (!it->is_number()) {
    return Unauthenticated(absl::StrCat("token ", name, " is not a number"));
  }
  const double seconds = it->get<double>();
  if (!std::isfinite(seconds)) {
    return Unauthenticated(absl::StrCat("token ", name, " is not a number"));
  }
  // absl::Seconds saturates to +/-InfiniteDuration for huge values, which
  // still compares correctly.
  return std::optional<absl::Time>(absl::UnixEpoch() + absl::Seconds(seconds));
}

// The JWS header's `alg` and `kid`.
struct Header {
  std::string algorithm;
  std::string kid;
};

// Compact JWS: three base64url segments. Reads the header before libjwt sees the token, because
// libjwt picks the verification algorithm from the header: given an RSA public key's PEM text
// and a token claiming HS256, it happily checks an HMAC keyed with that text (algorithm
// confusion). The caller compares `alg` with the algorithm of the key `kid` names.
absl::StatusOr<Header> ReadHeader(std::string_view token) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) {
    return Unauthenticated("token malformed");
  }
  if (parts[2].empty()) return Unauthenticated("token is not signed");
  std::string header_text;
  if (!absl::WebSafeBase64Unescape(AbslView(parts[0]), &header_text)) {
    return Unauthenticated("token malformed");
  }
  const json header = json::parse(header_text, nullptr,
                                  /*allow_exceptions=*/false);
  if (!header.is_object()) return Unauthenticated("token malformed");
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || !ParseAlgorithm(alg->get<std::string>())) {
    return Unauthenticated("token algorithm not accepted");
  }
  // RFC 7515 4.1.11: extensions we do not understand must be rejected.
  if (header.contains("crit")) {
    return Unauthenticated("token has critical extensions");
  }
  auto kid = header.find("kid");
  if (kid == header.end() || !kid->is_string() || kid->get_ref<const std::string&>().empty()) {
    return Unauthenticated("token has no key id (kid)");
  }
  return Header{alg->get<std::string>(), kid->get<std::string>()};
}

absl::StatusOr<Principal> PrincipalFromClaims(const json& claims) {
  Principal principal;

  auto sub = claims.find("sub");
  if (sub == claims.end()) return Unauthenticated("token has no subject");
  if (!sub->is_string() || sub->get_ref<const std::string&>().empty() ||
      sub->get_ref<const std::string&>().size() > kMaxSubjectBytes) {
    return Unauthenticated("token subject invalid");
  }
  principal.subject = sub->get<std::string>();

  auto role = claims.find("role");
  if (role == claims.end()) return Unauthenticated("token has no role");
  if (!role->is_string()) return Unauthenticated("token role unknown");
  std::optional<Role> parsed_role = ParseRole(role->get_ref<const std::string&>());
  if (!parsed_role.has_value()) return Unauthenticated("token role unknown");
  principal.role = *parsed_role;

  auto districts = claims.find("districts");
  if (districts != claims.end()) {
    if (!districts->is_array()) {
      return Unauthenticated("token districts invalid");
    }
    for (const json& code : *districts) {
      if (!code.is_string()) return Unauthenticated("token districts invalid");
      const std::string& text = code.get_ref<const std::string&>();
      if (text == kAllDistricts) {
        principal.all_districts = true;
      } else {
        principal.districts.push_back(text);
      }
    }
    // "*" stands alone; mixing it with codes hints at a minting bug.
    if (principal.all_districts && districts->size() != 1) {
      return Unauthenticated("token districts invalid");
    }
  }

  auto agency = claims.find("agency_id");
  if (agency != claims.end()) {
    if (!agency->is_string()) return Unauthenticated("token agency invalid");
    principal.agency_id = agency->get<std::string>();
  }

  auto office = claims.find("office_id");
  if (office != claims.end()) {
    if (!office->is_string()) return Unauthenticated("token office invalid");
    principal.office_id = office->get<std::string>();
  }

  if (absl::Status status = ValidatePrincipal(principal); !status.ok()) {
    return Unauthenticated(absl::StrCat("token rejected: ", status.message()));
  }
  return principal;
}

bool AudienceMatches(const json& claims, std::string_view audience) {
  auto aud = claims.find("aud");
  if (aud == claims.end()) return false;
  if (aud->is_string()) return aud->get_ref<const std::string&>() == audience;
  if (!aud->is_array()) return false;
  for (const json& entry : *aud) {
    if (entry.is_string() && entry.get_ref<const std::string&>() == audience) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<Principal> VerifyImpl(const VerifierConfig& config,
                                     const std::shared_ptr<const KeySet>& keys,
                                     std::string_view token, absl::Time now,
                                     std::string_view audience, absl::Time* expires_at) {
  if (token.empty()) return Unauthenticated("token missing");
  if (token.size() > kMaxTokenBytes) return Unauthenticated("token too large");
  absl::StatusOr<Header> header = ReadHeader(token);
  if (!header.ok()) return header.status();
  const VerificationKey* key = keys == nullptr ? nullptr : keys->Find(header->kid);
  if (key == nullptr) return Unauthenticated("token key id (kid) unknown");
  if (key->algorithm != header->algorithm) {
    return Unauthenticated("token algorithm not accepted");
  }

  // jwt_decode needs a NUL-terminated token.
  const std::string token_copy(token);
  jwt_t* raw = nullptr;
  const int rc = jwt_decode(&raw, token_copy.c_str(),
                            reinterpret_cast<const unsigned char*>(key->material.data()),
                            static_cast<int>(key->material.size()));
  JwtPtr jwt(raw);
  ERR_clear_error();
  if (rc != 0 || jwt == nullptr) {
    return Unauthenticated("token signature invalid");
  }
  // Belt and braces after ReadHeader: libjwt reports the algorithm it
  // actually verified with (and "none" when it verified nothing).
  const char* verified_alg = jwt_alg_str(jwt_get_alg(jwt.get()));
  if (verified_alg == nullptr || key->algorithm != verified_alg) {
    return Unauthenticated("token algorithm not accepted");
  }

  CStrPtr grants(jwt_get_grants_json(jwt.get(), nullptr));
  if (grants == nullptr) return Unauthenticated("token has no claims");
  const json claims = json::parse(grants.get(), nullptr,
                                  /*allow_exceptions=*/false);
  if (!claims.is_object()) return Unauthenticated("token claims malformed");

  absl::StatusOr<std::optional<absl::Time>> exp = ReadTime(claims, "exp");
  if (!exp.ok()) return exp.status();
  if (!exp->has_value()) return Unauthenticated("token has no expiry");
  if (now >= **exp + config.leeway) return Unauthenticated("token expired");
  *expires_at = **exp;

  absl::StatusOr<std::optional<absl::Time>> nbf = ReadTime(claims, "nbf");
  if (!nbf.ok()) return nbf.status();
  if (nbf->has_value() && **nbf > now + config.leeway) {
    return Unauthenticated("token not yet valid");
  }

  absl::StatusOr<std::optional<absl::Time>> iat = ReadTime(claims, "iat");
  if (!iat.ok()) return iat.status();
  if (iat->has_value() && **iat > now + config.leeway) {
    return Unauthenticated("token issued in the future");
  }

  auto iss = claims.find("iss");
  if (iss == claims.end()) {
    if (config.require_issuer) return Unauthenticated("token has no issuer");
  } else if (!iss->is_string() ||
             (!config.issuer.empty() && iss->get_ref<const std::string&>() != config.issuer)) {
    return Unauthenticated("token issuer not accepted");
  }
  if (!AudienceMatches(claims, audience)) {
    return Unauthenticated("token audience not accepted");
  }

  return PrincipalFromClaims(claims);
}

absl::StatusOr<std::string> MintImpl(const Principal& principal, const MintOptions& options,
                                     absl::Time now) {
  std::optional<jwt_alg_t> alg = ParseAlgorithm(options.algorithm);
  if (!alg.has_value()) {
    return absl::InvalidArgumentError("unsupported token algorithm");
  }
  if (absl::Status status = CheckKey(*alg, options.key, /*private_key=*/true); !status.ok()) {
    return status;
  }
  if (options.kid.empty()) return absl::InvalidArgumentError("token kid is empty");
  if (options.audiences.empty()) return absl::InvalidArgumentError("token has no audience");
  for (const std::string& aud : options.audiences) {
    if (aud.empty()) return absl::InvalidArgumentError("token audience is empty");
  }
  if (options.ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("token ttl must be positive");
  }
  if (absl::Status status = ValidatePrincipal(principal); !status.ok()) {
    return status;
  }

  json claims = json::object();
  claims["sub"] = principal.subject;
  claims["role"] = std::string(RoleName(principal.role));
  claims["districts"] = principal.all_districts ? json::array({std::string(kAllDistricts)})
                                                : json(principal.districts);
  if (!principal.agency_id.empty()) claims["agency_id"] = principal.agency_id;
  if (!principal.office_id.empty()) claims["office_id"] = principal.office_id;
  if (!options.issuer.empty()) claims["iss"] = options.issuer;
  claims["aud"] =
      options.audiences.size() == 1 ? json(options.audiences[0]) : json(options.audiences);
  claims["iat"] = absl::ToUnixSeconds(now);
  claims["exp"] = absl::ToUnixSeconds(now + options.ttl);
  if (options.not_before.has_value()) claims["nbf"] = absl::ToUnixSeconds(*options.not_before);

  std::string claims_text;
  try {
    claims_text = claims.dump();
  } catch (const json::exception&) {
    // dump() throws on strings that are not valid UTF-8.
    return absl::InvalidArgumentError("principal is not valid UTF-8");
  }

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("cannot create token");
  JwtPtr jwt(raw);
  if (jwt_add_grants_json(jwt.get(), claims_text.c_str()) != 0 ||
      jwt_add_header(jwt.get(), "kid", options.kid.c_str()) != 0 ||
      jwt_set_alg(jwt.get(), *alg, reinterpret_cast<const unsigned char*>(options.key.data()),
                  static_cast<int>(options.key.size())) != 0) {
    ERR_clear_error();
    return absl::InternalError("cannot create token");
  }
  CStrPtr encoded(jwt_encode_str(jwt.get()));
  ERR_clear_error();
  if (encoded == nullptr) return absl::InternalError("cannot sign token");
  return std::string(encoded.get());
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view StripSpaces(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

TokenVerifier::TokenVerifier(VerifierConfig config) : config_(std::move(config)) {
  if (config_.cache_capacity > 0) {
    cache_ = std::make_unique<VerifiedTokenCache>(config_.cache_capacity);
  }
}

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(VerifierConfig config) {
  if (!config.keys) return absl::InvalidArgumentError("token verifier has no key set");
  if (config.audience.empty()) return absl::InvalidArgumentError("token audience is empty");
  if (config.require_issuer && config.issuer.empty()) {
    return absl::InvalidArgumentError("token issuer is required outside the dev profile");
  }
  if (config.leeway < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("token leeway must not be negative");
  }
  return std::unique_ptr<TokenVerifier>(new TokenVerifier(std::move(config)));
}

absl::StatusOr<Principal> TokenVerifier::Verify(std::string_view token, absl::Time now) const {
  return VerifyForAudience(token, now, config_.audience);
}

absl::StatusOr<Principal> TokenVerifier::VerifyForAudience(std::string_view token, absl::Time now,
                                                           std::string_view audience) const {
  if (audience.empty()) return absl::UnauthenticatedError("token audience not accepted");
  try {
    const std::shared_ptr<const KeySet> keys = config_.keys();
    // Oversized or empty tokens go straight to VerifyImpl's refusal, never into a hash.
    const bool cacheable = cache_ != nullptr && !token.empty() && token.size() <= kMaxTokenBytes;
    if (cacheable) {
      if (std::optional<Principal> cached = cache_->Find(token, audience, keys.get(), now)) {
        return *std::move(cached);
      }
    }
    absl::Time expires_at = absl::InfinitePast();
    absl::StatusOr<Principal> principal =
        VerifyImpl(config_, keys, token, now, audience, &expires_at);
    if (cacheable && principal.ok()) {
      cache_->Insert(token, audience, keys, *principal, expires_at, now);
    }
    return principal;
  } catch (const std::exception&) {
    // Only allocation failure can get here; never let it escape.
    return absl::UnauthenticatedError("token could not be verified");
  }
}

absl::StatusOr<std::string> MintToken(const Principal& principal, const MintOptions& options,
                                      absl::Time now) {
  try {
    return MintImpl(principal, options, now);
  } catch (const std::exception&) {
    return absl::InternalError("cannot create token");
  }
}

std::string HmacKeySetJson(std::string_view kid, std::string_view secret) {
  std::string k;
  absl::WebSafeBase64Escape(AbslView(secret), &k);
  json key = {{"kty", "oct"}, {"kid", std::string(kid)}, {"alg", "HS256"}, {"k", k}};
  std::string out = json{{"keys", json::array({key})}}.dump();
  OPENSSL_cleanse(k.data(), k.size());
  return out;
}

std::optional<std::string_view> BearerToken(std::string_view authorization_header_value) {
  constexpr std::string_view kScheme = "bearer";
  std::string_view value = StripSpaces(authorization_header_value);
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(AbslView(value.substr(0, kScheme.size())), AbslView(kScheme))) {
    return std::nullopt;
  }
  std::string_view rest = value.substr(kScheme.size());
  // The scheme must be followed by whitespace ("Bearerabc" is not a token).
  if (!IsSpace(rest.front())) return std::nullopt;
  rest = StripSpaces(rest);
  if (rest.empty()) return std::nullopt;
  for (char c : rest) {
    // Tokens are base64url and dots; any whitespace or control character
    // means a malformed (or smuggled) header value.
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
  }
  return rest;
}

}  // namespace ccms::auth
