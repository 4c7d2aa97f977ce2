// Partners over mutual TLS against a real server, with the refusals' audit rows written as the
// service host writes them (db::AppendAuditNow on a pool) into PostgreSQL's audit_log.
#include <string>

#include "common/db/audit.h"
#include "gtest/gtest.h"
#include "tests/support/integration_env.h"
#include "tests/support/test_pki.h"
#include "tests/support/tls_test_server.h"

namespace ccms::testing {
namespace {

class PartnerTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs tests/run";
    db_ = std::make_unique<TestDatabase>();
    pool_ = PoolWithCommonTables(*db_);
  }

  std::string Audit(const std::string& where) {
    return db_->QueryValue(
        "SELECT coalesce(string_agg(actor || '/' || actor_role || '/' || action || '/' || result "
        "|| '/' || coalesce(case_id::text, '-'), ',' ORDER BY audit_id), '') FROM audit_log "
        "WHERE " +
        where);
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<db::ConnectionPool> pool_;
};

TEST_F(PartnerTlsTest, RefusedPartnersLeaveADeniedAuditRowAndAgencyAIsServed) {
  TestCa server_ca("server CA"), client_ca("staff CA"), partner_ca("partner CA");
  const TestCertificate server = server_ca.IssueServer("records");
  const TestCertificate cert_a = partner_ca.IssueClient("a", "URI:ccms-partner://agency-a");
  const TestCertificate cert_b = partner_ca.IssueClient("b", "URI:ccms-partner://agency-b");
  const TestCertificate staff = client_ca.IssueClient("staff", "");
  db::ConnectionPool* pool = pool_.get();
  TlsTestServer host({.cert_pem = server.cert_pem,
                      .key_pem = server.key_pem,
                      .client_ca_pem = client_ca.cert_pem(),
                      .partner_ca_pem = partner_ca.cert_pem()},
                     [pool](const auth::Principal& p, std::string_view action) {
                       return db::AppendAuditNow(*pool, p, action, "", "DENIED", "");
                     });
  auto client = [&](const TestCertificate* cert) {
    grpc_util::ClientTlsConfig c{.ca_pem = server_ca.cert_pem()};
    if (cert != nullptr) {
      c.cert_pem = cert->cert_pem;
      c.key_pem = cert->key_pem;
    }
    return c;
  };
  const std::string token_a = TlsTestServer::Token(
      {.subject = "partner-user-a", .role = auth::Role::kPartner, .agency_id = "agency-a"});

  // A plaintext client against the TLS port.
  EXPECT_EQ(host.Call({}, token_a).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(host.Call(client(&cert_a), token_a).ok());
  EXPECT_EQ(Audit("true"), "");

  EXPECT_EQ(host.Call(client(&cert_b), token_a).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Audit("true"), "partner-user-a/partner/GetCase/DENIED/-");
  EXPECT_EQ(host.Call(client(nullptr), token_a).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(host.Call(client(&staff), token_a).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Audit("actor = 'partner-user-a'"),
            "partner-user-a/partner/GetCase/DENIED/-,partner-user-a/partner/GetCase/DENIED/-,"
            "partner-user-a/partner/GetCase/DENIED/-");
  EXPECT_EQ(host.served(), 1);
  // The rows hold no certificate detail and no agency (ids of callers only).
  EXPECT_EQ(Audit("action <> 'GetCase' OR result <> 'DENIED'"), "");
}

}  // namespace
}  // namespace ccms::testing
