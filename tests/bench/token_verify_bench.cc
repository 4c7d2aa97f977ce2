// Token verification per call, with and without the cache of verified tokens (issue 18 item 2):
// CPU time of TokenVerifier::Verify for one caller's repeated token, HS256 (the dev profile) and
// ES256 (a production key set). Google Benchmark; tests/bench/run reports the figures.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "common/auth/jwt.h"
#include "nlohmann/json.hpp"

namespace ccms::auth {
namespace {

constexpr char kSecret[] = "bench-secret-0123456789abcdef0123456789";
constexpr char kAudience[] = "ccms-records";

struct Keys {
  std::string jwks;         // public
  std::string signing_key;  // the HS256 secret or the ES256 private PEM
};

std::string Base64Url(const std::string& bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);
  return out;
}

std::string Coordinate(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return "";
  std::string bytes(32, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(bytes.data()), 32);
  BN_free(bn);
  return Base64Url(bytes);
}

Keys EcKeys() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  Keys keys;
  keys.signing_key.assign(data, static_cast<size_t>(size));
  nlohmann::json jwk = {{"kty", "EC"},
                        {"kid", "k1"},
                        {"alg", "ES256"},
                        {"crv", "P-256"},
                        {"x", Coordinate(key, OSSL_PKEY_PARAM_EC_PUB_X)},
                        {"y", Coordinate(key, OSSL_PKEY_PARAM_EC_PUB_Y)}};
  keys.jwks = nlohmann::json{{"keys", {jwk}}}.dump();
  EVP_PKEY_free(key);
  return keys;
}

// state.range(0): 0 = HS256, 1 = ES256; state.range(1): cache capacity (0 = no cache).
void BM_Verify(benchmark::State& state) {
  const bool es256 = state.range(0) == 1;
  const Keys keys = es256 ? EcKeys() : Keys{HmacKeySetJson("k1", kSecret), kSecret};
  auto set = KeySet::Parse(keys.jwks, {.allow_hmac = !es256});
  if (!set.ok()) {
    state.SkipWithError("key set");
    return;
  }
  auto verifier = TokenVerifier::Create({.keys = FixedKeySet(*set),
                                         .audience = kAudience,
                                         .require_issuer = false,
                                         .cache_capacity = static_cast<size_t>(state.range(1))});
  Principal principal;
  principal.subject = "bench-staff";
  principal.role = Role::kOfficeStaff;
  principal.districts = {"110101"};
  const absl::Time now = absl::Now();
  auto token = MintToken(principal,
                         {.algorithm = es256 ? "ES256" : "HS256",
                          .key = keys.signing_key,
                          .kid = "k1",
                          .audiences = {kAudience}},
                         now);
  if (!verifier.ok() || !token.ok()) {
    state.SkipWithError("verifier or token");
    return;
  }
  for (auto _ : state) {
    auto verified = (*verifier)->Verify(*token, now);
    benchmark::DoNotOptimize(verified);
    if (!verified.ok()) state.SkipWithError("not verified");
  }
}
BENCHMARK(BM_Verify)->ArgNames({"es256", "cache"})->ArgsProduct({{0, 1}, {0, 10000}});

}  // namespace
}  // namespace ccms::auth

BENCHMARK_MAIN();
