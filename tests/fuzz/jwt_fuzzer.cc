// Fuzzes access-token verification (common/auth/jwt.h): the Authorization header is the first
// thing an unauthenticated caller controls. The first byte picks what the rest is:
//   0: an Authorization header value, or a bare token, for an HS256 and an ES256 verifier;
//   1: the claims (JSON) of a token the fuzzer gets signed with the HS256 secret, so the claim
//      checks behind the signature are reached;
//   2: a header (JSON), a newline and the claims, signed the same way.

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

// A P-256 public key made at start (the private half is never used).
std::string NewEcPublicKeyPem() {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  CCMS_FUZZ_CHECK(pkey != nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  CCMS_FUZZ_CHECK(PEM_write_bio_PUBKEY(bio, pkey) == 1);
  char* text = nullptr;
  const long length = BIO_get_mem_data(bio, &text);
  std::string pem(text, static_cast<size_t>(length));
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  return pem;
}

struct Verifiers {
  std::unique_ptr<TokenVerifier> hs256;
  std::unique_ptr<TokenVerifier> es256;
};

const Verifiers& GetVerifiers() {
  static const Verifiers* verifiers = [] {
    auto* v = new Verifiers;
    auto hs = TokenVerifier::Create({.algorithm = "HS256",
                                     .key = kSecret,
                                     .issuer = "",
                                     .audience = "",
                                     .leeway = absl::Seconds(60)});
    CCMS_FUZZ_CHECK(hs.ok());
    v->hs256 = std::move(*hs);
    auto es = TokenVerifier::Create({.algorithm = "ES256",
                                     .key = NewEcPublicKeyPem(),
                                     .issuer = "ccms-fuzz",
                                     .audience = "ccms",
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
      Check(*verifiers.hs256, SignHs256(R"({"alg":"HS256","typ":"JWT"})", rest));
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
