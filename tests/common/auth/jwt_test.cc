#include "common/auth/jwt.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace ccms::auth {
namespace {

using nlohmann::json;

const absl::Time kNow = absl::FromUnixSeconds(1'750'000'000);
constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-test-secret";
constexpr char kOtherSecret[] = "fedcba9876543210fedcba9876543210-test-secret";

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
std::string SignRaw(jwt_alg_t alg, const std::string& key, const json& claims) {
  jwt_t* jwt = nullptr;
  if (jwt_new(&jwt) != 0) return "";
  std::string out;
  if (jwt_add_grants_json(jwt, claims.dump().c_str()) == 0 &&
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

VerifierConfig Config(std::string algorithm, std::string key) {
  VerifierConfig config;
  config.algorithm = std::move(algorithm);
  config.key = std::move(key);
  return config;
}

VerifierConfig WithIssuer(VerifierConfig config, std::string issuer) {
  config.issuer = std::move(issuer);
  return config;
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
  absl::StatusOr<std::string> token = MintToken(in, "HS256", kSecret, kNow, absl::Minutes(15));
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
  absl::StatusOr<std::string> token =
      MintToken(in, "RS256", rsa_->private_pem, kNow, absl::Minutes(5));
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
  absl::StatusOr<std::string> token =
      MintToken(in, "ES256", ec_->private_pem, kNow, absl::Minutes(5));
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
  absl::StatusOr<std::string> good =
      MintToken(in, "HS256", kSecret, kNow, absl::Minutes(5), "ccms-idp");
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(verifier->Verify(*good, kNow).ok());
  absl::StatusOr<std::string> other =
      MintToken(in, "HS256", kSecret, kNow, absl::Minutes(5), "evil-idp");
  ASSERT_TRUE(other.ok());
  ExpectRejected(*verifier, *other, "issuer");
  absl::StatusOr<std::string> none = MintToken(in, "HS256", kSecret, kNow, absl::Minutes(5));
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
  expect_invalid(Config("none", kSecret));
  expect_invalid(Config("HS512", kSecret));
  expect_invalid(Config("hs256", kSecret));
  expect_invalid(Config("HS256", ""));
  expect_invalid(Config("HS256", std::string(31, 'k')));
  expect_invalid(Config("RS256", ""));
  expect_invalid(Config("RS256", "not a pem"));
  expect_invalid(Config("RS256", ec_->public_pem));
  expect_invalid(Config("RS256", rsa_->private_pem));
  expect_invalid(Config("RS256", NewRsaKey(1024).public_pem));
  expect_invalid(Config("ES256", rsa_->public_pem));
  expect_invalid(Config("ES256", ec_->private_pem));
  expect_invalid(Config("ES256", NewEcKey("P-384").public_pem));
  expect_invalid(WithLeeway(Config("HS256", kSecret), absl::Seconds(-1)));
  EXPECT_TRUE(TokenVerifier::Create(Config("HS256", std::string(32, 'k'))).ok());
}

TEST_F(JwtTest, CreateErrorNeverContainsKey) {
  const std::string garbage = "-----BEGIN PUBLIC KEY-----\nsecretstuff\n";
  absl::StatusOr<std::unique_ptr<TokenVerifier>> v =
      TokenVerifier::Create(Config("RS256", garbage));
  ASSERT_FALSE(v.ok());
  EXPECT_FALSE(absl::StrContains(v.status().message(), "secretstuff"));
}

TEST_F(JwtTest, MintRejectsBadInput) {
  const Principal ok = Everywhere("u", Role::kOps);
  auto code = [](const absl::StatusOr<std::string>& s) { return s.status().code(); };
  const auto kInvalid = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(code(MintToken(ok, "none", kSecret, kNow, absl::Minutes(1))), kInvalid);
  EXPECT_EQ(code(MintToken(ok, "HS256", "short", kNow, absl::Minutes(1))), kInvalid);
  EXPECT_EQ(code(MintToken(ok, "HS256", kSecret, kNow, absl::ZeroDuration())), kInvalid);
  EXPECT_EQ(code(MintToken(ok, "RS256", rsa_->public_pem, kNow, absl::Minutes(1))), kInvalid);
  EXPECT_EQ(code(MintToken(ok, "RS256", ec_->private_pem, kNow, absl::Minutes(1))), kInvalid);
  EXPECT_EQ(code(MintToken(ok, "ES256", rsa_->private_pem, kNow, absl::Minutes(1))), kInvalid);
  const Principal wildcard_staff = Everywhere("u", Role::kOfficeStaff);
  EXPECT_EQ(code(MintToken(wildcard_staff, "HS256", kSecret, kNow, absl::Minutes(1))), kInvalid);
  const Principal bad_utf8 = Everywhere("\xff\xfe", Role::kOps);
  EXPECT_EQ(code(MintToken(bad_utf8, "HS256", kSecret, kNow, absl::Minutes(1))), kInvalid);
}

TEST_F(JwtTest, MintedTokenCarriesExpectedClaims) {
  const Principal p = Listed("partner-1", Role::kPartner, {}, "agency-1");
  absl::StatusOr<std::string> token =
      MintToken(p, "HS256", kSecret, kNow, absl::Minutes(10), "ccms-dev");
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

}  // namespace
}  // namespace ccms::auth
