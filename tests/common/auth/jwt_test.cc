#include "common/auth/jwt.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace ccms::auth {
namespace {

using nlohmann::json;

const absl::Time kNow = absl::FromUnixSeconds(1'750'000'000);
constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-test-secret";
constexpr char kOtherSecret[] = "fedcba9876543210fedcba9876543210-test-secret";
constexpr char kKid[] = "k1";
constexpr char kAudience[] = "ccms-test";

// --- Key and token helpers --------------------------------------------------

struct PemPair {
  std::string private_pem;
  std::string public_pem;
};

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

PemPair ToPem(EVP_PKEY* pkey) {
  PemPair pair;
  std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), &BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> pub(BIO_new(BIO_s_mem()), &BIO_free);
  if (PEM_write_bio_PrivateKey(priv.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1 &&
      PEM_write_bio_PUBKEY(pub.get(), pkey) == 1) {
    pair.private_pem = BioToString(priv.get());
    pair.public_pem = BioToString(pub.get());
  }
  EVP_PKEY_free(pkey);
  return pair;
}

PemPair NewRsaKey(unsigned int bits) { return ToPem(EVP_RSA_gen(bits)); }
PemPair NewEcKey(const char* curve) { return ToPem(EVP_EC_gen(curve)); }

// Signs arbitrary claims with libjwt directly, so tests can build tokens that
// MintToken() (rightly) refuses to produce.
std::string SignRaw(jwt_alg_t alg, const std::string& key, const json& claims,
                    const std::string& kid = kKid) {
  jwt_t* jwt = nullptr;
  if (jwt_new(&jwt) != 0) return "";
  std::string out;
  if (jwt_add_grants_json(jwt, claims.dump().c_str()) == 0 &&
      jwt_add_header(jwt, "kid", kid.c_str()) == 0 &&
      jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) == 0) {
    char* encoded = jwt_encode_str(jwt);
    if (encoded != nullptr) out = encoded;
    std::free(encoded);
  }
  jwt_free(jwt);
  return out;
}

std::string B64Url(const std::string& text) {
  std::string out;
  absl::WebSafeBase64Escape(text, &out);
  return out;
}

// Builders instead of designated initializers, which -Wextra flags when a
// member is left out.
Principal Listed(std::string subject, Role role, std::vector<std::string> districts,
                 std::string agency_id = "") {
  Principal p;
  p.subject = std::move(subject);
  p.role = role;
  p.districts = std::move(districts);
  p.agency_id = std::move(agency_id);
  return p;
}

Principal Everywhere(std::string subject, Role role) {
  Principal p;
  p.subject = std::move(subject);
  p.role = role;
  p.all_districts = true;
  return p;
}

// The JWK of a PEM public key (RSA, or EC on P-256 / P-384), as `kid`.
json JwkOfPem(const std::string& pem, const std::string& kid) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  EVP_PKEY* pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (pkey == nullptr) return json::object();
  json jwk = {{"kid", kid}};
  if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA) {
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n);
    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e);
    auto bytes = [](const BIGNUM* bn) {
      std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
      BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
      return out;
    };
    jwk["kty"] = "RSA";
    jwk["n"] = B64Url(bytes(n));
    jwk["e"] = B64Url(bytes(e));
    BN_free(n);
    BN_free(e);
  } else {
    unsigned char point[133];
    size_t len = 0;
    char group[64] = {};
    size_t group_len = 0;
    EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &len);
    EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                   &group_len);
    const size_t half = (len - 1) / 2;
    jwk["kty"] = "EC";
    jwk["crv"] = std::string(group) == "prime256v1" ? "P-256" : "P-384";
    jwk["x"] = B64Url(std::string(reinterpret_cast<char*>(point) + 1, half));
    jwk["y"] = B64Url(std::string(reinterpret_cast<char*>(point) + 1 + half, half));
  }
  EVP_PKEY_free(pkey);
  return jwk;
}

json OctJwk(const std::string& secret, const std::string& kid) {
  return {{"kty", "oct"}, {"kid", kid}, {"k", B64Url(secret)}};
}

std::string Jwks(std::vector<json> keys) { return json{{"keys", keys}}.dump(); }

std::shared_ptr<const KeySet> ParsedSet(const std::string& jwks) {
  auto set = KeySet::Parse(jwks, {.allow_hmac = true});
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : nullptr;
}

// A verifier config of one key, kid k1, of `algorithm` (the HS256 secret, or a PEM public key),
// for kAudience, in the dev profile (no issuer required).
VerifierConfig Config(std::string algorithm, std::string key) {
  VerifierConfig config;
  config.keys = FixedKeySet(
      ParsedSet(Jwks({algorithm == "HS256" ? OctJwk(key, kKid) : JwkOfPem(key, kKid)})));
  config.audience = kAudience;
  config.require_issuer = false;
  return config;
}

// The production profile's issuer check.
VerifierConfig WithIssuer(VerifierConfig config, std::string issuer) {
  config.issuer = std::move(issuer);
  config.require_issuer = true;
  return config;
}

// MintToken as the tests mostly use it: kid k1, for kAudience.
absl::StatusOr<std::string> Mint(const Principal& principal, std::string algorithm, std::string key,
                                 absl::Time now, absl::Duration ttl, std::string issuer = "") {
  MintOptions options;
  options.algorithm = std::move(algorithm);
  options.key = std::move(key);
  options.kid = kKid;
  options.audiences = {kAudience};
  options.issuer = std::move(issuer);
  options.ttl = ttl;
  return MintToken(principal, options, now);
}

VerifierConfig WithAudience(VerifierConfig config, std::string audience) {
  config.audience = std::move(audience);
  return config;
}

VerifierConfig WithLeeway(VerifierConfig config, absl::Duration leeway) {
  config.leeway = leeway;
  return config;
}

json BaseClaims() {
  return {{"sub", "user-1"},
          {"role", "social_worker"},
          {"districts", {"110101", "110102"}},
          {"aud", kAudience},
          {"iat", absl::ToUnixSeconds(kNow)},
          {"exp", absl::ToUnixSeconds(kNow + absl::Minutes(15))}};
}

std::unique_ptr<TokenVerifier> MakeVerifier(VerifierConfig config) {
  absl::StatusOr<std::unique_ptr<TokenVerifier>> verifier =
      TokenVerifier::Create(std::move(config));
  EXPECT_TRUE(verifier.ok()) << verifier.status();
  return verifier.ok() ? *std::move(verifier) : nullptr;
}

std::unique_ptr<TokenVerifier> HsVerifier() { return MakeVerifier(Config("HS256", kSecret)); }

// Expects `token` to be rejected as unauthenticated with a message that
// mentions `fragment` and never repeats the token itself.
void ExpectRejected(const TokenVerifier& verifier, const std::string& token,
                    std::string_view fragment, absl::Time now = kNow) {
  absl::StatusOr<Principal> result = verifier.Verify(token, now);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  const std::string message(result.status().message());
  EXPECT_TRUE(absl::StrContains(message, std::string(fragment)))
      << "message: " << message << ", wanted: " << fragment;
  if (!token.empty()) {
    EXPECT_FALSE(absl::StrContains(message, token));
  }
  EXPECT_FALSE(absl::StrContains(message, kSecret));
}

class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = new PemPair(NewRsaKey(2048));
    other_rsa_ = new PemPair(NewRsaKey(2048));
    ec_ = new PemPair(NewEcKey("P-256"));
    other_ec_ = new PemPair(NewEcKey("P-256"));
  }
  static void TearDownTestSuite() {
    delete rsa_;
    delete other_rsa_;
    delete ec_;
    delete other_ec_;
  }

  static PemPair* rsa_;
  static PemPair* other_rsa_;
  static PemPair* ec_;
  static PemPair* other_ec_;
};

PemPair* JwtTest::rsa_ = nullptr;
PemPair* JwtTest::other_rsa_ = nullptr;
PemPair* JwtTest::ec_ = nullptr;
PemPair* JwtTest::other_ec_ = nullptr;

// --- Round trips ------------------------------------------------------------

class RoleRoundTripTest : public ::testing::TestWithParam<Principal> {};

TEST_P(RoleRoundTripTest, MintThenVerifyGivesSamePrincipal) {
  const Principal& in = GetParam();
  absl::StatusOr<std::string> token = Mint(in, "HS256", kSecret, kNow, absl::Minutes(15));
  ASSERT_TRUE(token.ok()) << token.status();
  auto verifier = HsVerifier();
  ASSERT_NE(verifier, nullptr);
  absl::StatusOr<Principal> out = verifier->Verify(*token, kNow);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->subject, in.subject);
  EXPECT_EQ(out->role, in.role);
  EXPECT_EQ(out->all_districts, in.all_districts);
  EXPECT_EQ(out->districts, in.districts);
  EXPECT_EQ(out->agency_id, in.agency_id);
  EXPECT_EQ(out->office_id, in.office_id);
}

INSTANTIATE_TEST_SUITE_P(
    AllRoles, RoleRoundTripTest,
    ::testing::Values(Listed("staff-1", Role::kOfficeStaff, {"110101"}),
                      Listed("sw-1", Role::kSocialWorker, {"110101", "110105"}),
                      Everywhere("admin-1", Role::kCityAdmin),
                      Listed("auditor-1", Role::kAuditor, {"310101"}),
                      Listed("partner-1", Role::kPartner, {}, "agency-42"),
                      Listed("partner-2", Role::kPartner, {"110101"}, "agency-43"),
                      Everywhere("ops-1", Role::kOps), Everywhere("svc-records", Role::kService)),
    [](const ::testing::TestParamInfo<Principal>& param_info) {
      std::string name(RoleName(param_info.param.role));
      return name + "_" + std::to_string(param_info.index);
    });

TEST_F(JwtTest, Rs256RoundTrip) {
  const Principal in = Everywhere("u", Role::kAuditor);
  absl::StatusOr<std::string> token = Mint(in, "RS256", rsa_->private_pem, kNow, absl::Minutes(5));
  ASSERT_TRUE(token.ok()) << token.status();
  auto verifier = MakeVerifier(Config("RS256", rsa_->public_pem));
  ASSERT_NE(verifier, nullptr);
  absl::StatusOr<Principal> out = verifier->Verify(*token, kNow);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->role, Role::kAuditor);
  EXPECT_TRUE(out->all_districts);
}

TEST_F(JwtTest, Es256RoundTripUsesJoseSignatureFormat) {
  const Principal in = Everywhere("u", Role::kOps);
  absl::StatusOr<std::string> token = Mint(in, "ES256", ec_->private_pem, kNow, absl::Minutes(5));
  ASSERT_TRUE(token.ok()) << token.status();
  // JWS ES256 signatures are raw R||S (64 bytes = 86 base64url chars), not
  // DER; other JOSE libraries reject the DER form.
  EXPECT_EQ(token->size() - token->rfind('.') - 1, 86u);
  auto verifier = MakeVerifier(Config("ES256", ec_->public_pem));
  ASSERT_NE(verifier, nullptr);
  absl::StatusOr<Principal> out = verifier->Verify(*token, kNow);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->subject, "u");
}

TEST_F(JwtTest, IssuerMustMatchWhenConfigured) {
  const Principal in = Everywhere("u", Role::kOps);
  auto verifier = MakeVerifier(WithIssuer(Config("HS256", kSecret), "ccms-idp"));
  ASSERT_NE(verifier, nullptr);
  absl::StatusOr<std::string> good = Mint(in, "HS256", kSecret, kNow, absl::Minutes(5), "ccms-idp");
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(verifier->Verify(*good, kNow).ok());
  absl::StatusOr<std::string> other =
      Mint(in, "HS256", kSecret, kNow, absl::Minutes(5), "evil-idp");
  ASSERT_TRUE(other.ok());
  ExpectRejected(*verifier, *other, "issuer");
  absl::StatusOr<std::string> none = Mint(in, "HS256", kSecret, kNow, absl::Minutes(5));
  ASSERT_TRUE(none.ok());
  ExpectRejected(*verifier, *none, "issuer");
}

TEST_F(JwtTest, AudienceMustMatchWhenConfigured) {
  auto verifier = MakeVerifier(WithAudience(Config("HS256", kSecret), "ccms-records"));
  ASSERT_NE(verifier, nullptr);
  json claims = BaseClaims();
  claims["aud"] = "ccms-records";
  EXPECT_TRUE(verifier->Verify(SignRaw(JWT_ALG_HS256, kSecret, claims), kNow).ok());
  claims["aud"] = {"other", "ccms-records"};
  EXPECT_TRUE(verifier->Verify(SignRaw(JWT_ALG_HS256, kSecret, claims), kNow).ok());
  claims["aud"] = "other";
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "audience");
  claims.erase("aud");
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "audience");
}

// --- Signatures and algorithms ----------------------------------------------

TEST_F(JwtTest, WrongHmacKeyRejected) {
  auto verifier = HsVerifier();
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kOtherSecret, BaseClaims()),
                 "signature invalid");
}

TEST_F(JwtTest, WrongRsaKeyRejected) {
  auto verifier = MakeVerifier(Config("RS256", rsa_->public_pem));
  ExpectRejected(*verifier, SignRaw(JWT_ALG_RS256, other_rsa_->private_pem, BaseClaims()),
                 "signature invalid");
}

TEST_F(JwtTest, WrongEcKeyRejected) {
  auto verifier = MakeVerifier(Config("ES256", ec_->public_pem));
  ExpectRejected(*verifier, SignRaw(JWT_ALG_ES256, other_ec_->private_pem, BaseClaims()),
                 "signature invalid");
}

TEST_F(JwtTest, TamperedPayloadRejected) {
  auto verifier = HsVerifier();
  const std::string token = SignRaw(JWT_ALG_HS256, kSecret, BaseClaims());
  ASSERT_TRUE(verifier->Verify(token, kNow).ok());
  json escalated = BaseClaims();
  escalated["role"] = "city_admin";
  escalated["districts"] = {"*"};
  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  const std::string tampered =
      token.substr(0, first + 1) + B64Url(escalated.dump()) + token.substr(second);
  ExpectRejected(*verifier, tampered, "signature invalid");
}

TEST_F(JwtTest, TamperedSignatureRejected) {
  auto verifier = HsVerifier();
  std::string token = SignRaw(JWT_ALG_HS256, kSecret, BaseClaims());
  char& c = token[token.size() - 5];
  c = c == 'A' ? 'B' : 'A';
  ExpectRejected(*verifier, token, "signature invalid");
}

TEST_F(JwtTest, MalformedTokensRejected) {
  auto verifier = HsVerifier();
  const std::string token = SignRaw(JWT_ALG_HS256, kSecret, BaseClaims());
  ExpectRejected(*verifier, "", "token missing");
  ExpectRejected(*verifier, "not-a-token", "malformed");
  ExpectRejected(*verifier, "a.b", "malformed");
  ExpectRejected(*verifier, token + ".extra", "malformed");
  ExpectRejected(*verifier, "!!!." + token.substr(token.find('.') + 1), "malformed");
  ExpectRejected(*verifier, std::string(9000, 'a'), "too large");
}

TEST_F(JwtTest, AlgNoneTokenRejected) {
  auto verifier = HsVerifier();
  const std::string header = B64Url(R"({"alg":"none"})");
  const std::string payload = B64Url(BaseClaims().dump());
  ExpectRejected(*verifier, header + "." + payload + ".", "not signed");
  ExpectRejected(*verifier, header + "." + payload + ".c2ln", "algorithm not accepted");
  const std::string typed = B64Url(R"({"alg":"none","typ":"JWT"})");
  ExpectRejected(*verifier, typed + "." + payload + ".", "not signed");
}

TEST_F(JwtTest, CriticalHeaderRejected) {
  auto verifier = HsVerifier();
  const std::string header = B64Url(R"({"alg":"HS256","crit":["exp"]})");
  const std::string token = SignRaw(JWT_ALG_HS256, kSecret, BaseClaims());
  ExpectRejected(*verifier, header + token.substr(token.find('.')), "critical");
}

// An attacker who knows the RSA public key signs an HS256 token with the PEM
// text as the HMAC secret. libjwt 1.10 alone would accept it (see
// LibjwtAloneAcceptsAlgorithmConfusion); TokenVerifier must not.
TEST_F(JwtTest, Hs256TokenWithRsaPublicKeyAsSecretRejected) {
  auto verifier = MakeVerifier(Config("RS256", rsa_->public_pem));
  json claims = BaseClaims();
  claims["role"] = "city_admin";
  claims["districts"] = {"*"};
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, rsa_->public_pem, claims),
                 "algorithm not accepted");
}

TEST_F(JwtTest, Hs256TokenWithEcPublicKeyAsSecretRejected) {
  auto verifier = MakeVerifier(Config("ES256", ec_->public_pem));
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, ec_->public_pem, BaseClaims()),
                 "algorithm not accepted");
}

TEST_F(JwtTest, OtherAsymmetricAlgorithmRejected) {
  auto rs = MakeVerifier(Config("RS256", rsa_->public_pem));
  ExpectRejected(*rs, SignRaw(JWT_ALG_ES256, ec_->private_pem, BaseClaims()),
                 "algorithm not accepted");
  ExpectRejected(*rs, SignRaw(JWT_ALG_RS512, rsa_->private_pem, BaseClaims()),
                 "algorithm not accepted");
  auto hs = HsVerifier();
  ExpectRejected(*hs, SignRaw(JWT_ALG_HS512, kSecret, BaseClaims()), "algorithm not accepted");
}

// Documents why TokenVerifier checks the header itself: this is libjwt's
// behaviour, not ours.
TEST_F(JwtTest, LibjwtAloneAcceptsAlgorithmConfusion) {
  const std::string token = SignRaw(JWT_ALG_HS256, rsa_->public_pem, BaseClaims());
  jwt_t* jwt = nullptr;
  const int rc = jwt_decode(&jwt, token.c_str(),
                            reinterpret_cast<const unsigned char*>(rsa_->public_pem.data()),
                            static_cast<int>(rsa_->public_pem.size()));
  ASSERT_EQ(rc, 0);
  ASSERT_NE(jwt, nullptr);
  EXPECT_EQ(jwt_get_alg(jwt), JWT_ALG_HS256);
  jwt_free(jwt);
}

// --- Time claims ------------------------------------------------------------

TEST_F(JwtTest, ExpiredRejectedAfterLeeway) {
  auto verifier = HsVerifier();
  const std::string token = SignRaw(JWT_ALG_HS256, kSecret, BaseClaims());
  const absl::Time exp = kNow + absl::Minutes(15);
  EXPECT_TRUE(verifier->Verify(token, exp).ok());
  EXPECT_TRUE(verifier->Verify(token, exp + absl::Seconds(59)).ok());
  ExpectRejected(*verifier, token, "expired", exp + absl::Seconds(60));
  ExpectRejected(*verifier, token, "expired", exp + absl::Hours(24));
}

TEST_F(JwtTest, ZeroLeewayIsStrict) {
  auto verifier = MakeVerifier(WithLeeway(Config("HS256", kSecret), absl::ZeroDuration()));
  const std::string token = SignRaw(JWT_ALG_HS256, kSecret, BaseClaims());
  const absl::Time exp = kNow + absl::Minutes(15);
  EXPECT_TRUE(verifier->Verify(token, exp - absl::Seconds(1)).ok());
  ExpectRejected(*verifier, token, "expired", exp);
}

TEST_F(JwtTest, MissingOrNonNumericExpiryRejected) {
  auto verifier = HsVerifier();
  json claims = BaseClaims();
  claims.erase("exp");
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "no expiry");
  claims["exp"] = "tomorrow";
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "not a number");
}

TEST_F(JwtTest, FractionalExpiryAccepted) {
  auto verifier = HsVerifier();
  json claims = BaseClaims();
  claims["exp"] = absl::ToUnixSeconds(kNow) + 30.5;
  EXPECT_TRUE(verifier->Verify(SignRaw(JWT_ALG_HS256, kSecret, claims), kNow).ok());
}

TEST_F(JwtTest, NotYetValidRejected) {
  auto verifier = HsVerifier();
  json claims = BaseClaims();
  claims["nbf"] = absl::ToUnixSeconds(kNow + absl::Minutes(5));
  const std::string token = SignRaw(JWT_ALG_HS256, kSecret, claims);
  ExpectRejected(*verifier, token, "not yet valid");
  EXPECT_TRUE(verifier->Verify(token, kNow + absl::Minutes(5) - absl::Seconds(60)).ok());
}

TEST_F(JwtTest, IssuedInTheFutureRejected) {
  auto verifier = HsVerifier();
  json claims = BaseClaims();
  claims["iat"] = absl::ToUnixSeconds(kNow + absl::Minutes(2));
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "issued in the future");
  claims["iat"] = absl::ToUnixSeconds(kNow + absl::Seconds(30));
  EXPECT_TRUE(verifier->Verify(SignRaw(JWT_ALG_HS256, kSecret, claims), kNow).ok());
}

// --- Identity claims --------------------------------------------------------

TEST_F(JwtTest, MissingSubjectRejected) {
  auto verifier = HsVerifier();
  json claims = BaseClaims();
  claims.erase("sub");
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "no subject");
  claims["sub"] = "";
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "subject invalid");
  claims["sub"] = 42;
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "subject invalid");
}

TEST_F(JwtTest, MissingRoleRejected) {
  auto verifier = HsVerifier();
  json claims = BaseClaims();
  claims.erase("role");
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "no role");
}

TEST_F(JwtTest, UnknownRoleRejected) {
  auto verifier = HsVerifier();
  json claims = BaseClaims();
  for (const json& role : {json("superuser"), json("City_Admin"), json(3), json::array({"ops"})}) {
    claims["role"] = role;
    ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "role unknown");
  }
}

TEST_F(JwtTest, AllDistrictsOnlyForCityWideRoles) {
  auto verifier = HsVerifier();
  json claims = BaseClaims();
  claims["districts"] = {"*"};
  for (const char* role : {"office_staff", "social_worker", "partner"}) {
    claims["role"] = role;
    claims["agency_id"] = "agency-1";
    ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "all districts");
  }
  for (const char* role : {"city_admin", "auditor", "ops", "service"}) {
    claims["role"] = role;
    absl::StatusOr<Principal> p = verifier->Verify(SignRaw(JWT_ALG_HS256, kSecret, claims), kNow);
    ASSERT_TRUE(p.ok()) << role << " " << p.status();
    EXPECT_TRUE(p->all_districts);
    EXPECT_TRUE(p->districts.empty());
  }
}

TEST_F(JwtTest, BadDistrictsRejected) {
  auto verifier = HsVerifier();
  json claims = BaseClaims();
  claims["districts"] = {"11010"};
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "bad district code");
  claims["districts"] = {"110101", "11010a"};
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "bad district code");
  claims["districts"] = {110101};
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "districts invalid");
  claims["districts"] = "110101";
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "districts invalid");
  claims["role"] = "city_admin";
  claims["districts"] = {"*", "110101"};
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "districts invalid");
}

TEST_F(JwtTest, DistrictsRequiredExceptForPartners) {
  auto verifier = HsVerifier();
  json claims = BaseClaims();
  claims["districts"] = json::array();
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "no districts");
  claims.erase("districts");
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "no districts");
  claims["role"] = "partner";
  claims["agency_id"] = "agency-9";
  absl::StatusOr<Principal> p = verifier->Verify(SignRaw(JWT_ALG_HS256, kSecret, claims), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_FALSE(p->all_districts);
  EXPECT_TRUE(p->districts.empty());
  EXPECT_FALSE(p->CanSeeDistrict("110101"));
}

TEST_F(JwtTest, PartnerWithoutAgencyRejected) {
  auto verifier = HsVerifier();
  json claims = BaseClaims();
  claims["role"] = "partner";
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "agency");
  claims["agency_id"] = "";
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "agency");
  claims["agency_id"] = 7;
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "agency");
}

TEST_F(JwtTest, OfficeClaimRoundTripsAndIsChecked) {
  auto verifier = HsVerifier();
  Principal in = Listed("staff-9", Role::kOfficeStaff, {"110101"});
  in.office_id = "office-1";
  absl::StatusOr<std::string> token = Mint(in, "HS256", kSecret, kNow, absl::Minutes(15));
  ASSERT_TRUE(token.ok()) << token.status();
  absl::StatusOr<Principal> out = verifier->Verify(*token, kNow);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->office_id, "office-1");

  json claims = BaseClaims();
  claims["role"] = "office_staff";  // of two districts
  claims["office_id"] = "office-1";
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "office");
  claims["districts"] = json::array({"110101"});
  ASSERT_TRUE(verifier->Verify(SignRaw(JWT_ALG_HS256, kSecret, claims), kNow).ok());
  claims["office_id"] = 7;
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "office");
  claims["office_id"] = "office 1";
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "office");
  claims["office_id"] = std::string(65, 'o');
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "office");
  claims["office_id"] = "office-1";
  claims["role"] = "district_bureau";
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "office");
}

TEST_F(JwtTest, VerifiedPrincipalSeesOnlyItsDistricts) {
  auto verifier = HsVerifier();
  absl::StatusOr<Principal> p =
      verifier->Verify(SignRaw(JWT_ALG_HS256, kSecret, BaseClaims()), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->CanSeeDistrict("110101"));
  EXPECT_TRUE(p->CanSeeDistrict("110102"));
  EXPECT_FALSE(p->CanSeeDistrict("110103"));
}

// --- Configuration ----------------------------------------------------------

TEST_F(JwtTest, CreateRejectsBadConfig) {
  auto expect_invalid = [](VerifierConfig config) {
    absl::StatusOr<std::unique_ptr<TokenVerifier>> v = TokenVerifier::Create(std::move(config));
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  };
  VerifierConfig no_keys = Config("HS256", kSecret);
  no_keys.keys = nullptr;
  expect_invalid(no_keys);
  VerifierConfig no_audience = Config("HS256", kSecret);
  no_audience.audience.clear();
  expect_invalid(no_audience);
  // Outside the dev profile an issuer is required.
  VerifierConfig production = Config("HS256", kSecret);
  production.require_issuer = true;
  expect_invalid(production);
  expect_invalid(WithLeeway(Config("HS256", kSecret), absl::Seconds(-1)));
  EXPECT_TRUE(TokenVerifier::Create(Config("HS256", std::string(32, 'k'))).ok());
  EXPECT_TRUE(TokenVerifier::Create(WithIssuer(Config("HS256", kSecret), "https://idp")).ok());
}

// --- Key sets (JWKS) ----------------------------------------------------------

TEST_F(JwtTest, KeySetParsesEveryKeyTypeAndEachVerifiesItsOwnTokens) {
  json rsa = JwkOfPem(rsa_->public_pem, "rsa-1");
  rsa["alg"] = "RS256";
  rsa["use"] = "sig";
  json ec = JwkOfPem(ec_->public_pem, "ec-1");
  ec["alg"] = "ES256";
  json oct = OctJwk(kSecret, "hs-1");
  oct["alg"] = "HS256";
  auto set = KeySet::Parse(Jwks({oct, rsa, ec}), {.allow_hmac = true});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ((*set)->Kids(), (std::vector<std::string>{"hs-1", "rsa-1", "ec-1"}));
  EXPECT_EQ((*set)->Find("rsa-1")->algorithm, "RS256");
  EXPECT_EQ((*set)->Find("ec-1")->algorithm, "ES256");
  EXPECT_EQ((*set)->Find("hs-1")->algorithm, "HS256");
  EXPECT_EQ((*set)->Find("hs-1")->material, kSecret);
  EXPECT_EQ((*set)->Find("nope"), nullptr);
  VerifierConfig config = Config("HS256", kSecret);
  config.keys = FixedKeySet(*set);
  auto verifier = MakeVerifier(config);
  EXPECT_TRUE(verifier->Verify(SignRaw(JWT_ALG_HS256, kSecret, BaseClaims(), "hs-1"), kNow).ok());
  EXPECT_TRUE(
      verifier->Verify(SignRaw(JWT_ALG_RS256, rsa_->private_pem, BaseClaims(), "rsa-1"), kNow)
          .ok());
  EXPECT_TRUE(
      verifier->Verify(SignRaw(JWT_ALG_ES256, ec_->private_pem, BaseClaims(), "ec-1"), kNow).ok());
  // Each kid verifies only its own key's algorithm and signatures.
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, BaseClaims(), "rsa-1"),
                 "algorithm not accepted");
  ExpectRejected(*verifier, SignRaw(JWT_ALG_ES256, other_ec_->private_pem, BaseClaims(), "ec-1"),
                 "signature invalid");
  ExpectRejected(*verifier, SignRaw(JWT_ALG_RS256, rsa_->private_pem, BaseClaims(), "ec-1"),
                 "algorithm not accepted");
}

TEST_F(JwtTest, KeySetRefusesBadKeys) {
  auto refused = [](const std::string& jwks, std::string_view fragment, bool allow_hmac = true) {
    auto set = KeySet::Parse(jwks, {.allow_hmac = allow_hmac});
    ASSERT_FALSE(set.ok()) << jwks;
    EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(set.status().message(), std::string(fragment)))
        << set.status() << " wanted " << fragment;
    EXPECT_FALSE(absl::StrContains(set.status().message(), B64Url(kSecret)));
  };
  refused("not json", "not a JSON object");
  refused(R"({"keys": {}})", "\"keys\" array");
  refused(R"({"keys": []})", "no keys");
  json no_kid = OctJwk(kSecret, "k");
  no_kid.erase("kid");
  refused(Jwks({no_kid}), "needs a kid");
  refused(Jwks({OctJwk(kSecret, "")}), "needs a kid");
  refused(Jwks({OctJwk(kSecret, "same"), OctJwk(kOtherSecret, "same")}), "repeats a kid");
  json unknown = OctJwk(kSecret, "k");
  unknown["kty"] = "OKP";
  refused(Jwks({unknown}), "kty must be");
  json wrong_alg = OctJwk(kSecret, "k");
  wrong_alg["alg"] = "RS256";
  refused(Jwks({wrong_alg}), "alg must be HS256");
  json enc = OctJwk(kSecret, "k");
  enc["use"] = "enc";
  refused(Jwks({enc}), "use must be sig");
  refused(Jwks({OctJwk("too-short-secret", "k")}), "at least 32 bytes");
  json bad_b64 = OctJwk(kSecret, "k");
  bad_b64["k"] = "!!!";
  refused(Jwks({bad_b64}), "base64url");
  // HS256 is for the dev profile only.
  refused(Jwks({OctJwk(kSecret, "k")}), "dev profile only", /*allow_hmac=*/false);
  refused(Jwks({JwkOfPem(NewRsaKey(1024).public_pem, "small")}), "2048 bits");
  refused(Jwks({JwkOfPem(NewEcKey("P-384").public_pem, "p384")}), "P-256");
  json off_curve = JwkOfPem(ec_->public_pem, "ec");
  off_curve["y"] = B64Url(std::string(32, '\x01'));
  refused(Jwks({off_curve}), "not a point on P-256");
  json private_ec = JwkOfPem(ec_->public_pem, "ec");
  private_ec["d"] = B64Url(std::string(32, '\x02'));
  refused(Jwks({private_ec}), "private key members");
  json rsa_missing = JwkOfPem(rsa_->public_pem, "rsa");
  rsa_missing.erase("e");
  refused(Jwks({rsa_missing}), "n and e");
  // The error names the key by position and kid.
  refused(Jwks({OctJwk(kSecret, "good"), OctJwk("short", "bad-one")}), "key 1 (kid bad-one)");
}

TEST_F(JwtTest, TheTokensKidPicksTheKey) {
  auto verifier = MakeVerifier([] {
    VerifierConfig config = Config("HS256", kSecret);
    config.keys =
        FixedKeySet(ParsedSet(Jwks({OctJwk(kSecret, "old"), OctJwk(kOtherSecret, "new")})));
    return config;
  }());
  EXPECT_TRUE(verifier->Verify(SignRaw(JWT_ALG_HS256, kSecret, BaseClaims(), "old"), kNow).ok());
  EXPECT_TRUE(
      verifier->Verify(SignRaw(JWT_ALG_HS256, kOtherSecret, BaseClaims(), "new"), kNow).ok());
  // The new key under the old kid is not the old key.
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kOtherSecret, BaseClaims(), "old"),
                 "signature invalid");
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, BaseClaims(), "gone"), "kid) unknown");
  // A token without a kid is refused, whatever it is signed with.
  const std::string header = B64Url(R"({"alg":"HS256","typ":"JWT"})");
  const std::string signed_token = SignRaw(JWT_ALG_HS256, kSecret, BaseClaims());
  ExpectRejected(*verifier, header + signed_token.substr(signed_token.find('.')), "no key id");
  const std::string numeric = B64Url(R"({"alg":"HS256","kid":7})");
  ExpectRejected(*verifier, numeric + signed_token.substr(signed_token.find('.')), "no key id");
}

TEST_F(JwtTest, ATokenForAnotherServiceIsRefused) {
  VerifierConfig records = Config("HS256", kSecret);
  records.audience = "ccms-records";
  auto verifier = MakeVerifier(records);
  json claims = BaseClaims();
  claims["aud"] = "ccms-assessment";
  const std::string for_assessment = SignRaw(JWT_ALG_HS256, kSecret, claims);
  ExpectRejected(*verifier, for_assessment, "audience not accepted");
  // The same token is good for the audience it names (a forwarded end user's token).
  EXPECT_TRUE(verifier->VerifyForAudience(for_assessment, kNow, "ccms-assessment").ok());
  EXPECT_FALSE(verifier->VerifyForAudience(for_assessment, kNow, "").ok());
  claims["aud"] = {"ccms-assessment", "ccms-records"};
  EXPECT_TRUE(verifier->Verify(SignRaw(JWT_ALG_HS256, kSecret, claims), kNow).ok());
  claims["aud"] = "ccms-records-evil";
  ExpectRejected(*verifier, SignRaw(JWT_ALG_HS256, kSecret, claims), "audience not accepted");
}

TEST_F(JwtTest, IssuerIsRequiredOutsideTheDevProfile) {
  json claims = BaseClaims();  // no iss
  const std::string without = SignRaw(JWT_ALG_HS256, kSecret, claims);
  claims["iss"] = "https://idp";
  const std::string with = SignRaw(JWT_ALG_HS256, kSecret, claims);
  auto production = MakeVerifier(WithIssuer(Config("HS256", kSecret), "https://idp"));
  ExpectRejected(*production, without, "no issuer");
  EXPECT_TRUE(production->Verify(with, kNow).ok());
  // The dev profile accepts a token without iss; one with iss must still match a set issuer.
  auto dev = MakeVerifier(Config("HS256", kSecret));
  EXPECT_TRUE(dev->Verify(without, kNow).ok());
  EXPECT_TRUE(dev->Verify(with, kNow).ok());
  VerifierConfig dev_with_issuer = Config("HS256", kSecret);
  dev_with_issuer.issuer = "https://other-idp";
  ExpectRejected(*MakeVerifier(dev_with_issuer), with, "issuer not accepted");
  EXPECT_TRUE(MakeVerifier(dev_with_issuer)->Verify(without, kNow).ok());
}

TEST_F(JwtTest, MintedNotBeforeIsHonoured) {
  MintOptions options;
  options.algorithm = "HS256";
  options.key = kSecret;
  options.kid = kKid;
  options.audiences = {kAudience};
  options.not_before = kNow + absl::Minutes(10);
  auto token = MintToken(Everywhere("svc", Role::kService), options, kNow);
  ASSERT_TRUE(token.ok()) << token.status();
  auto verifier = MakeVerifier(Config("HS256", kSecret));
  ExpectRejected(*verifier, *token, "not yet valid");
  EXPECT_TRUE(verifier->Verify(*token, kNow + absl::Minutes(10)).ok());
}

// --- The key-set file and rotation ---------------------------------------------

class KeySetFileTest : public ::testing::Test {
 protected:
  KeySetFileTest()
      : path_((std::filesystem::temp_directory_path() /
               ("ccms-jwks-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json"))
                  .string()) {}
  ~KeySetFileTest() override { std::filesystem::remove(path_); }

  // Replaces the file as an operator (or a Secret mount) would: a new file renamed over it.
  void Write(const std::string& text) {
    const std::string tmp = path_ + ".tmp";
    std::ofstream(tmp, std::ios::trunc) << text;
    std::filesystem::rename(tmp, path_);
  }
  std::string Token(const std::string& secret, const std::string& kid) {
    return SignRaw(JWT_ALG_HS256, secret, BaseClaims(), kid);
  }
  bool Accepted(const TokenVerifier& v, const std::string& token) {
    return v.Verify(token, kNow).ok();
  }

  std::string path_;
};

TEST_F(KeySetFileTest, ARotatedKeyTakesEffectWithoutARestart) {
  Write(Jwks({OctJwk(kSecret, "2026-11")}));
  std::vector<std::string> reloads;
  auto file =
      KeySetFile::Open(path_, {.allow_hmac = true}, absl::ZeroDuration(),
                       [&](const absl::Status& st, const KeySet* loaded) {
                         reloads.push_back(st.ok() ? absl::StrJoin(loaded->Kids(), ",") : "error");
                       });
  ASSERT_TRUE(file.ok()) << file.status();
  VerifierConfig config = Config("HS256", kSecret);
  config.keys = (*file)->Provider();
  auto verifier = MakeVerifier(config);
  const std::string old_token = Token(kSecret, "2026-11");
  const std::string new_token = Token(kOtherSecret, "2026-12");
  EXPECT_TRUE(Accepted(*verifier, old_token));
  EXPECT_FALSE(Accepted(*verifier, new_token));

  // 1. The new key is added: both kids work.
  Write(Jwks({OctJwk(kSecret, "2026-11"), OctJwk(kOtherSecret, "2026-12")}));
  EXPECT_TRUE(Accepted(*verifier, new_token));
  EXPECT_TRUE(Accepted(*verifier, old_token));
  // 2. A broken file is reported and the keys in force stay.
  Write(R"({"keys": [{"kty": "oct", "kid": "2027-01", "k": "c2hvcnQ"}]})");
  EXPECT_TRUE(Accepted(*verifier, new_token));
  EXPECT_TRUE(Accepted(*verifier, old_token));
  Write("{ half a file");
  EXPECT_TRUE(Accepted(*verifier, old_token));
  // 3. The old key is removed: its tokens are refused, the new ones still work.
  Write(Jwks({OctJwk(kOtherSecret, "2026-12")}));
  EXPECT_TRUE(Accepted(*verifier, new_token));
  absl::StatusOr<Principal> old = verifier->Verify(old_token, kNow);
  ASSERT_FALSE(old.ok());
  EXPECT_TRUE(absl::StrContains(old.status().message(), "unknown"));
  EXPECT_EQ(reloads, (std::vector<std::string>{"2026-11,2026-12", "error", "error", "2026-12"}));
}

TEST_F(KeySetFileTest, TheFileIsLookedAtAtMostOncePerInterval) {
  Write(Jwks({OctJwk(kSecret, "a")}));
  auto file = KeySetFile::Open(path_, {.allow_hmac = true}, absl::Hours(1));
  ASSERT_TRUE(file.ok());
  Write(Jwks({OctJwk(kSecret, "b")}));
  EXPECT_EQ((*file)->Current()->Kids(), std::vector<std::string>{"a"});
}

TEST_F(KeySetFileTest, ABadFirstFileIsRefusedNamingThePath) {
  Write(Jwks({OctJwk(kSecret, "a")}));
  auto refused = KeySetFile::Open(path_, {.allow_hmac = false});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(), path_));
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "dev profile only"));
  EXPECT_FALSE(KeySetFile::Open(path_ + ".missing", {.allow_hmac = true}).ok());
}

TEST_F(JwtTest, MintRejectsBadInput) {
  const Principal ok = Everywhere("u", Role::kOps);
  auto code = [](const absl::StatusOr<std::string>& s) { return s.status().code(); };
  const auto kInvalid = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(code(Mint(ok, "none", kSecret, kNow, absl::Minutes(1))), kInvalid);
  EXPECT_EQ(code(Mint(ok, "HS256", "short", kNow, absl::Minutes(1))), kInvalid);
  EXPECT_EQ(code(Mint(ok, "HS256", kSecret, kNow, absl::ZeroDuration())), kInvalid);
  EXPECT_EQ(code(Mint(ok, "RS256", rsa_->public_pem, kNow, absl::Minutes(1))), kInvalid);
  EXPECT_EQ(code(Mint(ok, "RS256", ec_->private_pem, kNow, absl::Minutes(1))), kInvalid);
  EXPECT_EQ(code(Mint(ok, "ES256", rsa_->private_pem, kNow, absl::Minutes(1))), kInvalid);
  const Principal wildcard_staff = Everywhere("u", Role::kOfficeStaff);
  EXPECT_EQ(code(Mint(wildcard_staff, "HS256", kSecret, kNow, absl::Minutes(1))), kInvalid);
  const Principal bad_utf8 = Everywhere("\xff\xfe", Role::kOps);
  EXPECT_EQ(code(Mint(bad_utf8, "HS256", kSecret, kNow, absl::Minutes(1))), kInvalid);
}

TEST_F(JwtTest, MintedTokenCarriesExpectedClaims) {
  const Principal p = Listed("partner-1", Role::kPartner, {}, "agency-1");
  absl::StatusOr<std::string> token =
      Mint(p, "HS256", kSecret, kNow, absl::Minutes(10), "ccms-dev");
  ASSERT_TRUE(token.ok());
  const size_t first = token->find('.');
  const size_t second = token->find('.', first + 1);
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token->substr(first + 1, second - first - 1), &payload));
  const json claims = json::parse(payload);
  EXPECT_EQ(claims["sub"], "partner-1");
  EXPECT_EQ(claims["role"], "partner");
  EXPECT_EQ(claims["agency_id"], "agency-1");
  EXPECT_EQ(claims["iss"], "ccms-dev");
  EXPECT_EQ(claims["districts"], json::array());
  EXPECT_EQ(claims["iat"], absl::ToUnixSeconds(kNow));
  EXPECT_EQ(claims["exp"], absl::ToUnixSeconds(kNow + absl::Minutes(10)));
  EXPECT_EQ(claims["aud"], kAudience);
  std::string header;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token->substr(0, first), &header));
  EXPECT_EQ(json::parse(header)["kid"], kKid);
}

// --- BearerToken ------------------------------------------------------------

TEST(BearerTokenTest, ExtractsToken) {
  EXPECT_EQ(BearerToken("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(BearerToken("bearer abc"), "abc");
  EXPECT_EQ(BearerToken("BEARER abc"), "abc");
  EXPECT_EQ(BearerToken("  Bearer    abc  "), "abc");
  EXPECT_EQ(BearerToken("Bearer\tabc"), "abc");
}

TEST(BearerTokenTest, RejectsEverythingElse) {
  EXPECT_EQ(BearerToken(""), std::nullopt);
  EXPECT_EQ(BearerToken("Bearer"), std::nullopt);
  EXPECT_EQ(BearerToken("Bearer "), std::nullopt);
  EXPECT_EQ(BearerToken("Bearer    "), std::nullopt);
  EXPECT_EQ(BearerToken("Bearerabc"), std::nullopt);
  EXPECT_EQ(BearerToken("Basic dXNlcjpwYXNz"), std::nullopt);
  EXPECT_EQ(BearerToken("Token abc"), std::nullopt);
  EXPECT_EQ(BearerToken("abc"), std::nullopt);
  EXPECT_EQ(BearerToken("Bearer abc def"), std::nullopt);
  EXPECT_EQ(BearerToken("Bearer abc\r\nX-Injected: 1"), std::nullopt);
}

TEST(BearerTokenTest, ResultPointsIntoInput) {
  const std::string header = "Bearer tok";
  std::optional<std::string_view> token = BearerToken(header);
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->data(), header.data() + 7);
}

// --- The cache of verified tokens ------------------------------------------------

VerifierConfig Cached(VerifierConfig config, size_t capacity = 100) {
  config.cache_capacity = capacity;
  return config;
}

TEST(VerifiedTokenCacheTest, RepeatedTokenIsVerifiedOnceAndGivesTheSamePrincipal) {
  auto verifier = TokenVerifier::Create(Cached(Config("HS256", kSecret)));
  ASSERT_TRUE(verifier.ok());
  auto token = Mint(Listed("user-1", Role::kSocialWorker, {"110101"}), "HS256", kSecret, kNow,
                    absl::Minutes(15));
  ASSERT_TRUE(token.ok());
  auto first = (*verifier)->Verify(*token, kNow);
  auto second = (*verifier)->Verify(*token, kNow + absl::Minutes(1));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(second->subject, "user-1");
  EXPECT_EQ(second->districts, first->districts);
  EXPECT_TRUE(second->token.empty());
  EXPECT_EQ((*verifier)->cache()->hits(), 1u);
  EXPECT_EQ((*verifier)->cache()->size(), 1u);
}

TEST(VerifiedTokenCacheTest, NeverLongerThanTheTokenNorTheLeeway) {
  // The verifier's leeway would accept the token 60 s past exp; a cached entry ends at exp, so
  // the answer past exp comes from a fresh verification, exactly as without the cache.
  auto plain = TokenVerifier::Create(WithLeeway(Config("HS256", kSecret), absl::ZeroDuration()));
  auto cached =
      TokenVerifier::Create(Cached(WithLeeway(Config("HS256", kSecret), absl::ZeroDuration())));
  ASSERT_TRUE(plain.ok() && cached.ok());
  auto token = Mint(Listed("user-1", Role::kSocialWorker, {"110101"}), "HS256", kSecret, kNow,
                    absl::Minutes(15));
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE((*cached)->Verify(*token, kNow).ok());
  for (absl::Duration after : {absl::Minutes(15) - absl::Seconds(1), absl::Minutes(15),
                               absl::Minutes(15) + absl::Seconds(1), absl::Hours(2)}) {
    EXPECT_EQ((*cached)->Verify(*token, kNow + after).ok(),
              (*plain)->Verify(*token, kNow + after).ok())
        << after;
  }
  EXPECT_FALSE((*cached)->Verify(*token, kNow + absl::Minutes(15)).ok());
}

TEST(VerifiedTokenCacheTest, ClockMovedBackVerifiesAgain) {
  auto verifier =
      TokenVerifier::Create(Cached(WithLeeway(Config("HS256", kSecret), absl::ZeroDuration())));
  ASSERT_TRUE(verifier.ok());
  json claims = BaseClaims();
  claims["nbf"] = absl::ToUnixSeconds(kNow);
  const std::string token = SignRaw(JWT_ALG_HS256, kSecret, claims);
  ASSERT_TRUE((*verifier)->Verify(token, kNow).ok());
  EXPECT_FALSE((*verifier)->Verify(token, kNow - absl::Seconds(10)).ok());
}

TEST(VerifiedTokenCacheTest, AReloadedKeySetEndsEveryEntry) {
  // The key set in force changes (a rotation that drops kid k1): the cached token is refused at
  // once, with no wait for its expiry.
  auto current =
      std::make_shared<std::shared_ptr<const KeySet>>(ParsedSet(Jwks({OctJwk(kSecret, kKid)})));
  VerifierConfig config = Cached(Config("HS256", kSecret));
  config.keys = [current] { return *current; };
  auto verifier = TokenVerifier::Create(config);
  ASSERT_TRUE(verifier.ok());
  auto token = Mint(Listed("user-1", Role::kSocialWorker, {"110101"}), "HS256", kSecret, kNow,
                    absl::Minutes(15));
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE((*verifier)->Verify(*token, kNow).ok());
  ASSERT_TRUE((*verifier)->Verify(*token, kNow).ok());
  EXPECT_EQ((*verifier)->cache()->hits(), 1u);
  *current = ParsedSet(Jwks({OctJwk(kOtherSecret, "k2")}));
  auto after = (*verifier)->Verify(*token, kNow);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(VerifiedTokenCacheTest, EntriesAreNotSharedAcrossAudiences) {
  auto verifier = TokenVerifier::Create(Cached(Config("HS256", kSecret)));
  ASSERT_TRUE(verifier.ok());
  auto token = Mint(Listed("user-1", Role::kSocialWorker, {"110101"}), "HS256", kSecret, kNow,
                    absl::Minutes(15));
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE((*verifier)->Verify(*token, kNow).ok());
  EXPECT_FALSE((*verifier)->VerifyForAudience(*token, kNow, "ccms-other").ok());
}

TEST(VerifiedTokenCacheTest, FailuresAreNotCachedAndATamperedTokenMisses) {
  auto verifier = TokenVerifier::Create(Cached(Config("HS256", kSecret)));
  ASSERT_TRUE(verifier.ok());
  auto token = Mint(Listed("user-1", Role::kSocialWorker, {"110101"}), "HS256", kSecret, kNow,
                    absl::Minutes(15));
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE((*verifier)->Verify(*token, kNow).ok());
  std::string tampered = *token;
  // A character of the claims (not the signature's last one, whose low bits base64 may ignore).
  char& c = tampered[tampered.find('.') + 5];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_FALSE((*verifier)->Verify(tampered, kNow).ok());
  EXPECT_FALSE((*verifier)->Verify(tampered, kNow).ok());
  EXPECT_EQ((*verifier)->cache()->size(), 1u);
}

TEST(VerifiedTokenCacheTest, BoundedAndLeastRecentlyUsedGoesFirst) {
  auto verifier = TokenVerifier::Create(Cached(Config("HS256", kSecret), 2));
  ASSERT_TRUE(verifier.ok());
  std::vector<std::string> tokens;
  for (const char* subject : {"a", "b", "c"}) {
    auto token = Mint(Listed(subject, Role::kSocialWorker, {"110101"}), "HS256", kSecret, kNow,
                      absl::Minutes(15));
    ASSERT_TRUE(token.ok());
    tokens.push_back(*token);
  }
  ASSERT_TRUE((*verifier)->Verify(tokens[0], kNow).ok());
  ASSERT_TRUE((*verifier)->Verify(tokens[1], kNow).ok());
  ASSERT_TRUE((*verifier)->Verify(tokens[0], kNow).ok());  // a is now the most recent
  ASSERT_TRUE((*verifier)->Verify(tokens[2], kNow).ok());  // b goes
  EXPECT_EQ((*verifier)->cache()->size(), 2u);
  const uint64_t hits = (*verifier)->cache()->hits();
  ASSERT_TRUE((*verifier)->Verify(tokens[0], kNow).ok());
  EXPECT_EQ((*verifier)->cache()->hits(), hits + 1);
  ASSERT_TRUE((*verifier)->Verify(tokens[1], kNow).ok());
  EXPECT_EQ((*verifier)->cache()->hits(), hits + 1);
}

}  // namespace
}  // namespace ccms::auth
