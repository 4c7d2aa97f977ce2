// Fuzzes access-token verification (common/auth/jwt.h): the Authorization header is the first
// thing an unauthenticated caller controls. The first byte picks what the rest is:
//   0: an Authorization header value, or a bare token, for an HS256 and an ES256 verifier;
//   1: the claims (JSON) of a token the fuzzer gets signed with the HS256 secret, so the claim
//      checks behind the signature are reached;
//   2: a header (JSON), a newline and the claims, signed the same way.

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using ccms::auth::TokenVerifier;

constexpr char kSecret[] = "fuzzing-secret-0123456789abcdef0123456789";
const absl::Time kNow = absl::FromUnixSeconds(1796428800);  // 2026-12-05

std::string Base64Url(std::string_view bytes);

// A key set of one P-256 public key made at start (the private half is never used).
std::string NewEcJwks() {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  CCMS_FUZZ_CHECK(pkey != nullptr);
  unsigned char point[65];
  size_t length = 0;
  CCMS_FUZZ_CHECK(EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, point,
                                                  sizeof(point), &length) == 1 &&
                  length == 65);
  EVP_PKEY_free(pkey);
  const std::string x(reinterpret_cast<const char*>(point + 1), 32);
  const std::string y(reinterpret_cast<const char*>(point + 33), 32);
  return R"({"keys":[{"kty":"EC","kid":"fuzz-ec","crv":"P-256","x":")" + Base64Url(x) +
         R"(","y":")" + Base64Url(y) + R"("}]})";
}

struct Verifiers {
  std::unique_ptr<TokenVerifier> hs256;
  std::unique_ptr<TokenVerifier> es256;
};

const Verifiers& GetVerifiers() {
  static const Verifiers* verifiers = [] {
    auto* v = new Verifiers;
    auto hs_keys = ccms::auth::KeySet::Parse(ccms::auth::HmacKeySetJson("fuzz", kSecret),
                                             {.allow_hmac = true});
    CCMS_FUZZ_CHECK(hs_keys.ok());
    auto hs = TokenVerifier::Create({.keys = ccms::auth::FixedKeySet(*hs_keys),
                                     .audience = "ccms-fuzz",
                                     .issuer = "",
                                     .require_issuer = false,
                                     .leeway = absl::Seconds(60)});
    CCMS_FUZZ_CHECK(hs.ok());
    v->hs256 = std::move(*hs);
    auto es_keys = ccms::auth::KeySet::Parse(NewEcJwks());
    CCMS_FUZZ_CHECK(es_keys.ok());
    auto es = TokenVerifier::Create({.keys = ccms::auth::FixedKeySet(*es_keys),
                                     .audience = "ccms",
                                     .issuer = "ccms-fuzz",
                                     .require_issuer = true,
                                     .leeway = absl::Seconds(60)});
    CCMS_FUZZ_CHECK(es.ok());
    v->es256 = std::move(*es);
    return v;
  }();
  return *verifiers;
}

std::string Base64Url(std::string_view bytes) {
  return absl::WebSafeBase64Escape(absl::string_view(bytes.data(), bytes.size()));
}

std::string SignHs256(std::string_view header, std::string_view claims) {
  const std::string signing_input = Base64Url(header) + "." + Base64Url(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  CCMS_FUZZ_CHECK(HMAC(EVP_sha256(), kSecret, sizeof(kSecret) - 1,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size(), mac, &mac_length) != nullptr);
  return signing_input + "." +
         Base64Url(std::string_view(reinterpret_cast<const char*>(mac), mac_length));
}

void Check(const TokenVerifier& verifier, std::string_view token) {
  absl::StatusOr<ccms::auth::Principal> principal = verifier.Verify(token, kNow);
  if (principal.ok()) {
    CCMS_FUZZ_CHECK(ccms::auth::ValidatePrincipal(*principal).ok());
  } else {
    CCMS_FUZZ_CHECK(principal.status().code() == absl::StatusCode::kUnauthenticated);
    // Messages are short and generic; they never echo the token.
    if (token.size() >= 16) {
      const absl::string_view message = principal.status().message();
      CCMS_FUZZ_CHECK(std::string_view(message.data(), message.size()).find(token) ==
                      std::string_view::npos);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Verifiers& verifiers = GetVerifiers();
  const std::string_view rest = ccms::fuzz::AsText(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      std::optional<std::string_view> bearer = ccms::auth::BearerToken(rest);
      if (bearer.has_value()) {
        CCMS_FUZZ_CHECK(!bearer->empty());
        CCMS_FUZZ_CHECK(bearer->data() >= rest.data() &&
                        bearer->data() + bearer->size() <= rest.data() + rest.size());
      }
      const std::string_view token = bearer.value_or(rest);
      Check(*verifiers.hs256, token);
      Check(*verifiers.es256, token);
      break;
    }
    case 1:
      Check(*verifiers.hs256, SignHs256(R"({"alg":"HS256","typ":"JWT","kid":"fuzz"})", rest));
      break;
    default: {
      const size_t newline = rest.find('\n');
      if (newline == std::string_view::npos) return 0;
      Check(*verifiers.hs256, SignHs256(rest.substr(0, newline), rest.substr(newline + 1)));
      break;
    }
  }
  return 0;
}
