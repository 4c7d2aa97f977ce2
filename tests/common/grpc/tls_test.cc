// TLS settings (the loopback rule, _FILE handling, bad PEM), the partner SAN URI, the partner-CA
// check and the transport rule for principals. Certificates are made by the test (test_pki).
#include "common/grpc/tls.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/grpc/partner_identity.h"
#include "gtest/gtest.h"
#include "tests/support/test_pki.h"

namespace ccms::grpc_util {
namespace {

using ::ccms::testing::TestCa;
using ::ccms::testing::TestCertificate;

std::map<std::string, std::string>* g_vars = nullptr;

const char* FakeGetenv(const char* name) {
  auto it = g_vars->find(name);
  return it == g_vars->end() ? nullptr : it->second.c_str();
}

// The PKI of these tests, made once (key generation is the slow part).
struct Pki {
  TestCa server_ca{"test server CA"};
  TestCa client_ca{"test staff CA"};
  TestCa partner_ca{"test partner CA"};
  TestCertificate server = server_ca.IssueServer("records");
  TestCertificate other_server = server_ca.IssueServer("other");
  TestCertificate staff = client_ca.IssueClient("staff-1", "");
  TestCertificate agency_a = partner_ca.IssueClient("partner a", "URI:ccms-partner://agency-a");
  TestCertificate agency_b = partner_ca.IssueClient("partner b", "URI:ccms-partner://agency-b");
  // Names agency-a but comes from the staff CA: a name match alone must not be enough.
  TestCertificate forged_a = client_ca.IssueClient("forged", "URI:ccms-partner://agency-a");
  TestCertificate two_agencies =
      partner_ca.IssueClient("two", "URI:ccms-partner://agency-a,URI:ccms-partner://agency-b");
  TestCertificate no_agency = partner_ca.IssueClient("none", "DNS:partner.example");
};

const Pki& TestPki() {
  static const Pki* pki = new Pki();
  return *pki;
}

std::string WriteFile(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/tls_test_" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

class TlsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { g_vars = &vars_; }

  // Loads the server settings for `listen`; returns the problems ("" when none).
  std::string LoadServer(const std::string& listen, ServerTlsConfig* out = nullptr) {
    config::Env env(&FakeGetenv);
    ServerTlsConfig c = LoadServerTls(env, listen);
    if (out != nullptr) *out = c;
    return std::string(env.Finish().message());
  }
  std::string LoadClient(ClientTlsConfig* out = nullptr) {
    config::Env env(&FakeGetenv);
    ClientTlsConfig c = LoadClientTls(env);
    if (out != nullptr) *out = c;
    return std::string(env.Finish().message());
  }

  std::map<std::string, std::string> vars_;
};

TEST(LoopbackTest, OnlyLoopbackAddressesAreLoopback) {
  for (const char* yes :
       {"127.0.0.1:50061", "127.8.9.10:1", "localhost:0", "LOCALHOST:5", "[::1]:50061"}) {
    EXPECT_TRUE(IsLoopbackAddress(yes)) << yes;
  }
  for (const char* no : {"0.0.0.0:50061", "[::]:1", "10.0.0.7:1", "records:50061",
                         "localhost.example.com:1", "128.0.0.1:1", "[::ffff:10.0.0.1]:1", ""}) {
    EXPECT_FALSE(IsLoopbackAddress(no)) << no;
  }
}

TEST_F(TlsConfigTest, WithoutACertificateOnlyLoopbackListensInPlaintext) {
  ServerTlsConfig c;
  EXPECT_EQ(LoadServer("127.0.0.1:0", &c), "");
  EXPECT_FALSE(c.enabled());
  EXPECT_EQ(LoadServer("[::1]:0"), "");
  EXPECT_EQ(LoadServer("localhost:50061"), "");

  const std::string refused = LoadServer("0.0.0.0:50061");
  EXPECT_NE(refused.find("CCMS_GRPC_TLS_CERT_FILE"), std::string::npos) << refused;
  EXPECT_NE(refused.find("CCMS_GRPC_ALLOW_PLAINTEXT"), std::string::npos) << refused;
  EXPECT_NE(LoadServer("10.1.2.3:50061"), "");

  vars_["CCMS_GRPC_ALLOW_PLAINTEXT"] = "true";
  EXPECT_EQ(LoadServer("0.0.0.0:50061", &c), "");
  EXPECT_FALSE(c.enabled());
  EXPECT_TRUE(c.allow_plaintext);
}

TEST_F(TlsConfigTest, ReadsCertificatesFromFilesOrInline) {
  const Pki& pki = TestPki();
  vars_ = {{"CCMS_GRPC_TLS_CERT_FILE", WriteFile("server.crt", pki.server.cert_pem)},
           {"CCMS_GRPC_TLS_KEY", pki.server.key_pem},
           {"CCMS_GRPC_TLS_CLIENT_CA_FILE", WriteFile("client_ca.crt", pki.client_ca.cert_pem())},
           {"CCMS_GRPC_TLS_PARTNER_CA_FILE", WriteFile("partner.crt", pki.partner_ca.cert_pem())},
           {"CCMS_GRPC_TLS_REQUIRE_CLIENT_CERT", "true"}};
  ServerTlsConfig c;
  EXPECT_EQ(LoadServer("0.0.0.0:50061", &c), "");
  EXPECT_TRUE(c.enabled());
  EXPECT_TRUE(c.require_client_cert);
  EXPECT_EQ(c.cert_pem, pki.server.cert_pem);
  EXPECT_EQ(c.client_ca_pem, pki.client_ca.cert_pem());
  EXPECT_EQ(c.partner_ca_pem, pki.partner_ca.cert_pem());
  EXPECT_NE(ServerCredentials(c), nullptr);

  // Both forms of one setting, and a file that is not there, are refused by name.
  vars_["CCMS_GRPC_TLS_CERT"] = pki.server.cert_pem;
  vars_["CCMS_GRPC_TLS_CLIENT_CA_FILE"] = "/nonexistent/ca.crt";
  const std::string problems = LoadServer("0.0.0.0:50061");
  EXPECT_NE(problems.find("set either CCMS_GRPC_TLS_CERT or CCMS_GRPC_TLS_CERT_FILE"),
            std::string::npos)
      << problems;
  EXPECT_NE(problems.find("CCMS_GRPC_TLS_CLIENT_CA_FILE: file cannot be read"), std::string::npos)
      << problems;
}

TEST_F(TlsConfigTest, RefusesBadPemAndKeysThatDoNotFit) {
  const Pki& pki = TestPki();
  vars_ = {{"CCMS_GRPC_TLS_CERT", "-----BEGIN CERTIFICATE-----\nnot base64\n"},
           {"CCMS_GRPC_TLS_KEY", pki.server.key_pem}};
  std::string problems = LoadServer("127.0.0.1:0");
  EXPECT_NE(problems.find("CCMS_GRPC_TLS_CERT_FILE / CCMS_GRPC_TLS_KEY_FILE: holds no PEM"),
            std::string::npos)
      << problems;

  vars_["CCMS_GRPC_TLS_CERT"] = pki.server.cert_pem;
  vars_["CCMS_GRPC_TLS_KEY"] = pki.other_server.key_pem;
  problems = LoadServer("127.0.0.1:0");
  EXPECT_NE(problems.find("the key does not belong to the certificate"), std::string::npos)
      << problems;
  EXPECT_EQ(problems.find("PRIVATE KEY"), std::string::npos) << "no PEM in errors";

  vars_["CCMS_GRPC_TLS_KEY"] = "garbage";
  problems = LoadServer("127.0.0.1:0");
  EXPECT_NE(problems.find("holds no PEM private key"), std::string::npos) << problems;

  vars_ = {{"CCMS_GRPC_TLS_CERT", pki.server.cert_pem}};
  problems = LoadServer("127.0.0.1:0");
  EXPECT_NE(problems.find("CCMS_GRPC_TLS_KEY_FILE: is required"), std::string::npos) << problems;

  vars_ = {{"CCMS_GRPC_TLS_CERT", pki.server.cert_pem},
           {"CCMS_GRPC_TLS_KEY", pki.server.key_pem},
           {"CCMS_GRPC_TLS_PARTNER_CA", "no certificate here"}};
  problems = LoadServer("127.0.0.1:0");
  EXPECT_NE(problems.find("CCMS_GRPC_TLS_PARTNER_CA_FILE: holds no PEM certificate"),
            std::string::npos)
      << problems;

  // Requiring client certificates without a CA to check them, or a CA without TLS.
  vars_ = {{"CCMS_GRPC_TLS_CERT", pki.server.cert_pem},
           {"CCMS_GRPC_TLS_KEY", pki.server.key_pem},
           {"CCMS_GRPC_TLS_REQUIRE_CLIENT_CERT", "true"}};
  problems = LoadServer("127.0.0.1:0");
  EXPECT_NE(problems.find("CCMS_GRPC_TLS_REQUIRE_CLIENT_CERT: needs"), std::string::npos)
      << problems;
  vars_ = {{"CCMS_GRPC_TLS_PARTNER_CA", pki.partner_ca.cert_pem()}};
  problems = LoadServer("127.0.0.1:0");
  EXPECT_NE(problems.find("CCMS_GRPC_TLS_PARTNER_CA_FILE: needs TLS"), std::string::npos)
      << problems;
}

TEST_F(TlsConfigTest, ClientSettings) {
  const Pki& pki = TestPki();
  ClientTlsConfig c;
  EXPECT_EQ(LoadClient(&c), "");
  EXPECT_FALSE(c.enabled());  // nothing set: plaintext

  vars_ = {{"CCMS_GRPC_CA_FILE", WriteFile("ca.crt", pki.server_ca.cert_pem() + "\n\n")},
           {"CCMS_GRPC_CLIENT_CERT_FILE", WriteFile("staff.crt", pki.staff.cert_pem)},
           {"CCMS_GRPC_CLIENT_KEY_FILE", WriteFile("staff.key", pki.staff.key_pem)},
           {"CCMS_GRPC_TLS_SERVER_NAME", "records.ccms.svc"}};
  EXPECT_EQ(LoadClient(&c), "");
  EXPECT_TRUE(c.enabled());
  EXPECT_EQ(c.ca_pem, pki.server_ca.cert_pem());
  EXPECT_EQ(c.cert_pem, pki.staff.cert_pem);
  EXPECT_EQ(c.key_pem, pki.staff.key_pem);
  EXPECT_EQ(c.server_name, "records.ccms.svc");
  EXPECT_NE(ChannelCredentials(c), nullptr);

  vars_ = {{"CCMS_GRPC_CLIENT_CERT", pki.staff.cert_pem},
           {"CCMS_GRPC_CLIENT_KEY", pki.agency_a.key_pem}};
  const std::string problems = LoadClient();
  EXPECT_NE(problems.find("CCMS_GRPC_CA_FILE: is required"), std::string::npos) << problems;
  EXPECT_NE(problems.find("the key does not belong"), std::string::npos) << problems;
  vars_ = {{"CCMS_GRPC_CA", "junk"}};
  EXPECT_NE(LoadClient().find("CCMS_GRPC_CA_FILE: holds no PEM certificate"), std::string::npos);
  vars_ = {{"CCMS_GRPC_CA", pki.server_ca.cert_pem()}, {"CCMS_GRPC_CLIENT_KEY", pki.staff.key_pem}};
  EXPECT_NE(LoadClient().find("CCMS_GRPC_CLIENT_CERT_FILE: is required"), std::string::npos);
}

TEST(PartnerSanTest, ParsesTheAgencyOfAPartnerUri) {
  EXPECT_EQ(PartnerAgencyFromSanUri("ccms-partner://agency-a"), "agency-a");
  EXPECT_EQ(PartnerAgencyFromSanUri("CCMS-Partner://A.b_9"), "A.b_9");
  EXPECT_EQ(PartnerAgencyFromSanUri("ccms-partner://" + std::string(64, 'x')),
            std::string(64, 'x'));
  for (const std::string& bad : std::vector<std::string>{
           "", "ccms-partner://", "ccms-partner:agency-a", "https://agency-a",
           "ccms-partner://agency-a/path", "ccms-partner://agency-a:1", "ccms-partner://u@agency",
           "ccms-partner://agency a", "ccms-partner://agency-a?x=1", " ccms-partner://agency-a",
           "ccms-partner://" + std::string(65, 'x'), std::string("ccms-partner://a\0b", 18)}) {
    EXPECT_EQ(PartnerAgencyFromSanUri(bad), std::nullopt) << bad;
  }
}

TEST(PartnerCertificateTest, OnlyThePartnerCaMakesAPartnerCertificate) {
  const Pki& pki = TestPki();
  auto partners = PartnerCertificateVerifier::Create(pki.partner_ca.cert_pem());
  ASSERT_TRUE(partners.ok()) << partners.status();
  const PartnerCertificateVerifier& v = **partners;

  EXPECT_EQ(v.AgencyOf({pki.agency_a.cert_pem, ""}).value_or(""), "agency-a");
  EXPECT_EQ(v.AgencyOf({pki.agency_b.cert_pem, pki.agency_b.cert_pem}).value_or(""), "agency-b");
  EXPECT_TRUE(v.IssuedByPartnerCa({pki.agency_a.cert_pem, ""}));

  // The right name from the wrong CA, a staff certificate, a server certificate: not partners.
  for (const TestCertificate* c : {&pki.forged_a, &pki.staff, &pki.server}) {
    EXPECT_FALSE(v.IssuedByPartnerCa({c->cert_pem, ""}));
    EXPECT_EQ(v.AgencyOf({c->cert_pem, ""}).status().code(), absl::StatusCode::kPermissionDenied);
  }
  // A partner certificate that names no agency, or two.
  EXPECT_EQ(v.AgencyOf({pki.no_agency.cert_pem, ""}).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(v.AgencyOf({pki.two_agencies.cert_pem, ""}).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(v.IssuedByPartnerCa({"", ""}));
  EXPECT_FALSE(v.IssuedByPartnerCa({"garbage", ""}));

  // A certificate of a sub-CA of the partner CA, with the sub-CA sent in the chain.
  auto sub = pki.partner_ca.IssueSubCa("partner issuing CA");
  TestCertificate via_sub = sub->IssueClient("partner c", "URI:ccms-partner://agency-c");
  EXPECT_EQ(v.AgencyOf({via_sub.cert_pem, via_sub.cert_pem + sub->cert_pem()}).value_or(""),
            "agency-c");
  EXPECT_FALSE(v.IssuedByPartnerCa({via_sub.cert_pem, ""}));  // without its chain: unknown issuer

  EXPECT_FALSE(PartnerCertificateVerifier::Create("").ok());
  EXPECT_FALSE(PartnerCertificateVerifier::Create("not a pem").ok());
}

// When `pem`'s first certificate stops being valid.
absl::Time NotAfterOf(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  struct tm tm = {};
  EXPECT_EQ(ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm), 1);
  X509_free(cert);
  return absl::FromTimeT(timegm(&tm));
}

TEST(PartnerCertificateTest, VerdictsAreKeptForTheirTtlAndNeverPastTheCertificatesEnd) {
  const Pki& pki = TestPki();
  absl::Time now = absl::Now();
  auto partners = PartnerCertificateVerifier::Create(
      pki.partner_ca.cert_pem(),
      {.verdict_ttl = absl::Seconds(60), .max_verdicts = 3, .now = [&now] { return now; }});
  ASSERT_TRUE(partners.ok()) << partners.status();
  const PartnerCertificateVerifier& v = **partners;
  const PeerCertificate cert_a{pki.agency_a.cert_pem, ""};
  const PeerCertificate forged{pki.forged_a.cert_pem, ""};

  EXPECT_EQ(v.AgencyOf(cert_a).value_or(""), "agency-a");
  EXPECT_EQ(v.AgencyOf(cert_a).value_or(""), "agency-a");
  EXPECT_TRUE(v.IssuedByPartnerCa(cert_a));
  EXPECT_FALSE(v.IssuedByPartnerCa(forged));
  EXPECT_FALSE(v.IssuedByPartnerCa(forged));
  EXPECT_EQ(v.verifications(), 2) << "one verification per chain within the TTL";

  now += absl::Seconds(59);
  EXPECT_EQ(v.AgencyOf(cert_a).value_or(""), "agency-a");
  EXPECT_EQ(v.verifications(), 2);
  now += absl::Seconds(2);
  EXPECT_EQ(v.AgencyOf(cert_a).value_or(""), "agency-a");
  EXPECT_FALSE(v.IssuedByPartnerCa(forged));
  EXPECT_EQ(v.verifications(), 4) << "verified again after the TTL";

  // More chains than kept: every answer is still right.
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(v.AgencyOf({pki.agency_b.cert_pem, ""}).value_or(""), "agency-b");
    EXPECT_EQ(v.AgencyOf(cert_a).value_or(""), "agency-a");
    EXPECT_FALSE(v.IssuedByPartnerCa({pki.staff.cert_pem, ""}));
    EXPECT_FALSE(v.IssuedByPartnerCa(forged));
    EXPECT_EQ(v.AgencyOf({pki.two_agencies.cert_pem, ""}).status().code(),
              absl::StatusCode::kPermissionDenied);
  }

  // Ten seconds before the certificate's end it is a partner's, and that verdict ends with it.
  const absl::Time end =
      std::min(NotAfterOf(pki.agency_a.cert_pem), NotAfterOf(pki.partner_ca.cert_pem()));
  now = end - absl::Seconds(10);
  EXPECT_EQ(v.AgencyOf(cert_a).value_or(""), "agency-a");
  now = end + absl::Seconds(1);
  EXPECT_EQ(v.AgencyOf(cert_a).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(v.IssuedByPartnerCa(cert_a));
}

TEST(PrincipalTransportTest, PartnersNeedTheirAgencysCertificateAndNobodyElseMayUseOne) {
  const Pki& pki = TestPki();
  auto partners = *PartnerCertificateVerifier::Create(pki.partner_ca.cert_pem());
  const auth::Principal partner_a{
      .subject = "p-1", .role = auth::Role::kPartner, .agency_id = "agency-a"};
  const auth::Principal staff{
      .subject = "s-1", .role = auth::Role::kOfficeStaff, .districts = {"110101"}};
  const PeerCertificate none;
  const PeerCertificate cert_a{pki.agency_a.cert_pem, ""};
  const PeerCertificate cert_b{pki.agency_b.cert_pem, ""};
  const PeerCertificate forged{pki.forged_a.cert_pem, ""};
  const PeerCertificate staff_cert{pki.staff.cert_pem, ""};

  EXPECT_TRUE(CheckPrincipalTransport(partner_a, cert_a, partners.get()).ok());
  EXPECT_EQ(CheckPrincipalTransport(partner_a, none, partners.get()).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(CheckPrincipalTransport(partner_a, none, nullptr).code(),
            absl::StatusCode::kUnauthenticated);
  for (const PeerCertificate* c : {&cert_b, &forged, &staff_cert}) {
    EXPECT_EQ(CheckPrincipalTransport(partner_a, *c, partners.get()).code(),
              absl::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(CheckPrincipalTransport(partner_a, cert_a, nullptr).code(),
            absl::StatusCode::kPermissionDenied);
  const absl::Status other = CheckPrincipalTransport(partner_a, cert_b, partners.get());
  EXPECT_EQ(other.message().find("agency-"), std::string::npos) << "no agency in error text";

  EXPECT_TRUE(CheckPrincipalTransport(staff, none, partners.get()).ok());
  EXPECT_TRUE(CheckPrincipalTransport(staff, staff_cert, partners.get()).ok());
  EXPECT_TRUE(CheckPrincipalTransport(staff, none, nullptr).ok());
  EXPECT_EQ(CheckPrincipalTransport(staff, cert_a, partners.get()).code(),
            absl::StatusCode::kPermissionDenied);
  const auth::Principal service{
      .subject = "svc", .role = auth::Role::kService, .all_districts = true};
  EXPECT_EQ(CheckPrincipalTransport(service, cert_b, partners.get()).code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace ccms::grpc_util
