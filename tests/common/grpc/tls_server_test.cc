// A real gRPC server with the kit's TLS credentials and the executor's partner rule, certificates
// made by the test: the handshake (plaintext against TLS, unknown server, unknown or missing client
// certificate) and the partner outcomes, each refusal audited (a fake sink here; the row in
// PostgreSQL is checked in tests/integration/partner_tls_test.cc).
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "tests/support/test_pki.h"
#include "tests/support/tls_test_server.h"

namespace ccms::testing {
namespace {

using grpc_util::ClientTlsConfig;
using grpc_util::ServerTlsConfig;

struct Pki {
  TestCa server_ca{"server CA"};
  TestCa client_ca{"staff CA"};
  TestCa partner_ca{"partner CA"};
  TestCa stranger_ca{"stranger CA"};
  TestCertificate server = server_ca.IssueServer("records");
  TestCertificate staff = client_ca.IssueClient("staff-1", "");
  TestCertificate staff_naming_a = client_ca.IssueClient("staff-2", "URI:ccms-partner://agency-a");
  TestCertificate agency_a = partner_ca.IssueClient("partner a", "URI:ccms-partner://agency-a");
  TestCertificate agency_b = partner_ca.IssueClient("partner b", "URI:ccms-partner://agency-b");
  TestCertificate stranger = stranger_ca.IssueClient("x", "URI:ccms-partner://agency-a");
};

const Pki& TestPki() {
  static const Pki* pki = new Pki();
  return *pki;
}

// Refusals the executor audited: (subject, role, action).
class FakeAudit {
 public:
  grpc_util::CallExecutor::RefusalAudit Sink() {
    return [this](const auth::Principal& p, std::string_view action) {
      absl::MutexLock lock(&mu_);
      rows_.push_back(p.subject + "/" + std::string(auth::RoleName(p.role)) + "/" +
                      std::string(action));
      return absl::OkStatus();
    };
  }
  std::vector<std::string> rows() const {
    absl::MutexLock lock(&mu_);
    return rows_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> rows_;
};

class TlsServerTest : public ::testing::Test {
 protected:
  ServerTlsConfig ServerConfig(bool require_client_cert) {
    const Pki& pki = TestPki();
    return {.cert_pem = pki.server.cert_pem,
            .key_pem = pki.server.key_pem,
            .client_ca_pem = pki.client_ca.cert_pem(),
            .partner_ca_pem = pki.partner_ca.cert_pem(),
            .require_client_cert = require_client_cert};
  }
  static ClientTlsConfig Client(const TestCertificate* cert = nullptr) {
    ClientTlsConfig c{.ca_pem = TestPki().server_ca.cert_pem()};
    if (cert != nullptr) {
      c.cert_pem = cert->cert_pem;
      c.key_pem = cert->key_pem;
    }
    return c;
  }
  static std::string PartnerToken(const std::string& subject, const std::string& agency) {
    return TlsTestServer::Token(
        {.subject = subject, .role = auth::Role::kPartner, .agency_id = agency});
  }
  static std::string StaffToken() {
    return TlsTestServer::Token(
        {.subject = "staff-1", .role = auth::Role::kOfficeStaff, .districts = {"110101"}});
  }

  FakeAudit audit_;
};

TEST_F(TlsServerTest, APlaintextClientOrAClientThatDoesNotTrustTheServerGetsNothing) {
  TlsTestServer server(ServerConfig(false), audit_.Sink());
  EXPECT_EQ(server.Call({}, StaffToken()).error_code(), grpc::StatusCode::UNAVAILABLE);
  ClientTlsConfig wrong_ca{.ca_pem = TestPki().client_ca.cert_pem()};
  EXPECT_EQ(server.Call(wrong_ca, StaffToken()).error_code(), grpc::StatusCode::UNAVAILABLE);
  // The server's certificate names 127.0.0.1 and localhost; another name is refused.
  ClientTlsConfig other_name = Client();
  other_name.server_name = "records.example";
  EXPECT_EQ(server.Call(other_name, StaffToken()).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(server.served(), 0);

  EXPECT_TRUE(server.Call(Client(), StaffToken()).ok());
  ClientTlsConfig by_name = Client();
  by_name.server_name = "localhost";
  EXPECT_TRUE(server.Call(by_name, StaffToken()).ok());
  EXPECT_TRUE(server.Call(Client(&TestPki().staff), StaffToken()).ok());
  EXPECT_EQ(server.served(), 3);
  EXPECT_TRUE(audit_.rows().empty());
}

TEST_F(TlsServerTest, AClientCertificateOfAnUnknownCaIsRefusedInTheHandshake) {
  TlsTestServer server(ServerConfig(false), audit_.Sink());
  EXPECT_EQ(server.Call(Client(&TestPki().stranger), PartnerToken("p-a", "agency-a")).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(server.served(), 0);
}

TEST_F(TlsServerTest, RequiredClientCertificatesRefuseCallersWithoutOne) {
  TlsTestServer server(ServerConfig(true), audit_.Sink());
  EXPECT_EQ(server.Call(Client(), StaffToken()).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(server.Call(Client(&TestPki().staff), StaffToken()).ok());
  EXPECT_EQ(server.served(), 1);
}

TEST_F(TlsServerTest, APartnerIsServedOnlyWithItsAgencysCertificateAndEveryRefusalIsAudited) {
  const Pki& pki = TestPki();
  TlsTestServer server(ServerConfig(false), audit_.Sink());
  const std::string token_a = PartnerToken("p-a", "agency-a");

  EXPECT_TRUE(server.Call(Client(&pki.agency_a), token_a).ok());
  EXPECT_EQ(server.served(), 1);
  EXPECT_TRUE(audit_.rows().empty());

  EXPECT_EQ(server.Call(Client(&pki.agency_b), token_a).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(server.Call(Client(), token_a).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // The agency's name in a staff certificate is no partner certificate.
  EXPECT_EQ(server.Call(Client(&pki.staff_naming_a), token_a).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(server.Call(Client(&pki.staff), token_a).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A partner's certificate cannot carry a staff token.
  EXPECT_EQ(server.Call(Client(&pki.agency_a), StaffToken()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(server.served(), 1);
  EXPECT_EQ(audit_.rows(), (std::vector<std::string>{"p-a/partner/GetCase", "p-a/partner/GetCase",
                                                     "p-a/partner/GetCase", "p-a/partner/GetCase",
                                                     "staff-1/office_staff/GetCase"}));

  // No token at all: refused by authentication, before any transport rule (nothing to audit).
  EXPECT_EQ(server.Call(Client(&pki.agency_a), "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(audit_.rows().size(), 5u);
}

TEST_F(TlsServerTest, WithoutAPartnerCaEveryPartnerIsRefused) {
  const Pki& pki = TestPki();
  ServerTlsConfig config = ServerConfig(false);
  config.client_ca_pem += pki.partner_ca.cert_pem();  // the handshake still accepts it
  config.partner_ca_pem.clear();
  TlsTestServer server(config, audit_.Sink());
  EXPECT_EQ(server.Call(Client(&pki.agency_a), PartnerToken("p-a", "agency-a")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(server.Call(Client(), PartnerToken("p-a", "agency-a")).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(server.served(), 0);
  EXPECT_EQ(audit_.rows().size(), 2u);
}

}  // namespace
}  // namespace ccms::testing
