// The locked audit log (docs/security.md, "Audit log"): ccms-records migrated by its migration
// role and serving as its runtime role, on the real PostgreSQL of tests/run. As the runtime role
// the audit tables take SELECT and INSERT only (UPDATE, DELETE, TRUNCATE, DROP TRIGGER, ALTER
// TABLE fail); rows get sealed into the hash chain; a superuser's edit or delete of a sealed row
// is named by VerifyAuditChain, over gRPC as `ccmsctl audit verify` calls it.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "ccms/ops/v1/audit_chain_service.grpc.pb.h"
#include "common/server/audit_chain_service.h"
#include "gtest/gtest.h"
#include "tests/integration/records_harness.h"

namespace ccms::testing {
namespace {

class AuditLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs tests/run";
    h_ = std::make_unique<RecordsHarness>();
  }

  // Opens a case (audited) and writes `n` more audit rows as the runtime role, as a service does.
  void WriteAuditRows(int n) {
    records::v1::OpenCaseResponse resp;
    auto ctx = h_->Context(h_->Token(auth::Role::kCityAdmin, {"*"}));
    grpc::Status st = h_->cases().OpenCase(
        ctx.get(), ValidOpenCase(MakeIdNumber("19900101", 2 * ++people_ + 1)), &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    pqxx::connection conn(h_->db().runtime_dsn());
    pqxx::work tx(conn);
    for (int i = 0; i < n; ++i) {
      tx.exec_params(
          "INSERT INTO audit_log (actor, actor_role, action, result, request_id) "
          "VALUES ($1, 'auditor', 'GetCase', 'OK', $2)",
          "tester-" + std::to_string(i), "req-" + std::to_string(i));
    }
    tx.commit();
  }

  // Runs `sql` as the runtime role; the error's SQLSTATE, or "" if it succeeded.
  std::string AsRuntime(const std::string& sql) {
    pqxx::connection conn(h_->db().runtime_dsn());
    try {
      pqxx::work tx(conn);
      tx.exec(sql);
      tx.commit();
      return "";
    } catch (const pqxx::insufficient_privilege&) {
      return "42501";
    } catch (const pqxx::sql_error& e) {
      return e.sqlstate().empty() ? std::string("error: ") + e.what() : e.sqlstate();
    }
  }

  // As the cluster's superuser, past the append-only triggers.
  void AsSuperuser(const std::string& sql) {
    pqxx::connection conn(h_->db().dsn());
    pqxx::work tx(conn);
    tx.exec("SET LOCAL session_replication_role = replica");
    tx.exec(sql);
    tx.commit();
  }

  ops::v1::VerifyAuditChainResponse Verify(auth::Role role = auth::Role::kAuditor,
                                           grpc::Status* status = nullptr) {
    auto stub = ops::v1::AuditChainService::NewStub(h_->channel());
    auto ctx = h_->Context(
        h_->Token(role, {"110101"}, "tester", role == auth::Role::kPartner ? "agency-1" : ""));
    ops::v1::VerifyAuditChainResponse resp;
    grpc::Status st = stub->VerifyAuditChain(ctx.get(), {}, &resp);
    if (status != nullptr) {
      *status = st;
    } else {
      EXPECT_TRUE(st.ok()) << st.error_message();
    }
    return resp;
  }

  int64_t Count(const std::string& sql) { return std::stoll(h_->db().QueryValue(sql)); }

  std::unique_ptr<RecordsHarness> h_;
  int people_ = 0;
};

TEST_F(AuditLockTest, RuntimeRoleOwnsNothingAndMayOnlyReadAndAppendTheAuditTables) {
  WriteAuditRows(3);
  // The host's own sealer runs once when it starts (then hourly in tests) and may have sealed
  // these rows first: what matters is that they are sealed, not who sealed them.
  ASSERT_TRUE(h_->host().SealAuditNow().ok());
  ASSERT_GT(Count("SELECT count(*) FROM audit_chain"), 0);
  const std::string role = h_->db().runtime_role();
  EXPECT_EQ(Count("SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles "
                  "WHERE rolname = '" +
                  role + "')"),
            0);
  for (const char* table : {"audit_log", "audit_chain"}) {
    SCOPED_TRACE(table);
    const std::string t = table;
    // 42501: insufficient_privilege.
    EXPECT_EQ(AsRuntime("UPDATE " + t + " SET audit_id = audit_id"), "42501");
    EXPECT_EQ(AsRuntime("DELETE FROM " + t), "42501");
    EXPECT_EQ(AsRuntime("TRUNCATE " + t), "42501");
    EXPECT_EQ(AsRuntime("ALTER TABLE " + t + " DISABLE TRIGGER ALL"), "42501");
    EXPECT_EQ(AsRuntime("ALTER TABLE " + t + " ADD COLUMN x int"), "42501");
    EXPECT_EQ(AsRuntime("DROP TABLE " + t), "42501");
    EXPECT_EQ(AsRuntime("SELECT count(*) FROM " + t), "");
  }
  EXPECT_EQ(AsRuntime("DROP TRIGGER audit_log_no_update ON audit_log"), "42501");
  EXPECT_EQ(AsRuntime("DROP TRIGGER audit_chain_no_update ON audit_chain"), "42501");
  EXPECT_EQ(AsRuntime("SELECT setval('audit_log_audit_id_seq', 1)"), "42501");
  EXPECT_EQ(AsRuntime("ALTER TABLE audit_log OWNER TO " + role), "42501");
  EXPECT_EQ(AsRuntime("CREATE TABLE mine (x int)"), "42501");
  // What the calls need still works: the service's own tables.
  EXPECT_EQ(AsRuntime("UPDATE outbox SET attempts = attempts"), "");
  EXPECT_EQ(AsRuntime("DELETE FROM idempotency_keys WHERE false"), "");
  EXPECT_EQ(AsRuntime("INSERT INTO audit_log (actor, actor_role, action, result) "
                      "VALUES ('t', 'auditor', 'x', 'OK')"),
            "");
  // Nothing the runtime role appended went away.
  EXPECT_GE(Count("SELECT count(*) FROM audit_log"), 5);
}

TEST_F(AuditLockTest, RowsAreSealedInOrderAndACleanChainVerifies) {
  WriteAuditRows(50);
  ASSERT_TRUE(h_->host().SealAuditNow().ok());
  const int64_t rows = Count("SELECT count(*) FROM audit_log");
  EXPECT_EQ(Count("SELECT count(*) FROM audit_chain"), rows);
  EXPECT_EQ(Count("SELECT max(seq) FROM audit_chain"), rows);
  // Sealing again changes nothing.
  EXPECT_EQ(h_->host().SealAuditNow().value_or(-1), 0);
  auto v = Verify();
  EXPECT_TRUE(v.ok()) << v.detail();
  EXPECT_EQ(v.rows_verified(), rows);
  EXPECT_EQ(v.head_seq(), rows);
  EXPECT_EQ(v.head_hash().size(), 64u);
  // city_admin may verify too.
  EXPECT_TRUE(Verify(auth::Role::kCityAdmin).ok());
}

TEST_F(AuditLockTest, TheSealerPicksUpARowThatCommitsLateWithALowerId) {
  WriteAuditRows(1);
  ASSERT_TRUE(h_->host().SealAuditNow().ok());
  // A transaction takes an audit id and stays open while a later one commits and is sealed.
  pqxx::connection slow_conn(h_->db().runtime_dsn());
  pqxx::work slow(slow_conn);
  const int64_t slow_id =
      slow.exec(
              "INSERT INTO audit_log (actor, actor_role, action, result) "
              "VALUES ('slow', 'auditor', 'GetCase', 'OK') RETURNING audit_id")[0][0]
          .as<int64_t>();
  WriteAuditRows(2);
  ASSERT_TRUE(h_->host().SealAuditNow().ok());
  EXPECT_EQ(Count("SELECT count(*) FROM audit_chain WHERE audit_id = " + std::to_string(slow_id)),
            0);
  slow.commit();
  ASSERT_TRUE(h_->host().SealAuditNow().ok());
  EXPECT_EQ(Count("SELECT count(*) FROM audit_chain WHERE audit_id = " + std::to_string(slow_id)),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log a WHERE NOT EXISTS "
                  "(SELECT 1 FROM audit_chain c WHERE c.audit_id = a.audit_id)"),
            0);
  EXPECT_TRUE(Verify().ok());
}

TEST_F(AuditLockTest, ASuperusersEditOfASealedRowIsNamed) {
  WriteAuditRows(20);
  ASSERT_TRUE(h_->host().SealAuditNow().ok());
  ASSERT_TRUE(Verify().ok());
  const int64_t victim = Count("SELECT audit_id FROM audit_log ORDER BY audit_id OFFSET 7 LIMIT 1");
  AsSuperuser("UPDATE audit_log SET result = 'DENIED' WHERE audit_id = " + std::to_string(victim));
  auto v = Verify();
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.problem(), ops::v1::AUDIT_CHAIN_PROBLEM_CONTENT_CHANGED);
  EXPECT_EQ(v.audit_id(), victim);
  EXPECT_EQ(v.rows_verified(), 7);
}

TEST_F(AuditLockTest, ASuperusersDeleteOfASealedRowIsNamed) {
  WriteAuditRows(20);
  ASSERT_TRUE(h_->host().SealAuditNow().ok());
  const int64_t victim = Count("SELECT audit_id FROM audit_log ORDER BY audit_id OFFSET 3 LIMIT 1");
  AsSuperuser("DELETE FROM audit_log WHERE audit_id = " + std::to_string(victim));
  auto v = Verify();
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.problem(), ops::v1::AUDIT_CHAIN_PROBLEM_ROW_MISSING);
  EXPECT_EQ(v.audit_id(), victim);
}

TEST_F(AuditLockTest, ACutOrRewrittenChainIsNamed) {
  WriteAuditRows(10);
  ASSERT_TRUE(h_->host().SealAuditNow().ok());
  const int64_t seq5_audit = Count("SELECT audit_id FROM audit_chain WHERE seq = 5");
  AsSuperuser("DELETE FROM audit_chain WHERE seq = 5");
  auto v = Verify();
  EXPECT_EQ(v.problem(), ops::v1::AUDIT_CHAIN_PROBLEM_CHAIN_BROKEN);
  EXPECT_EQ(v.seq(), 6);
  // Its audit row is no longer sealed; once older than the grace, it is named as such.
  (void)seq5_audit;
}

TEST_F(AuditLockTest, AnOldRowNeverSealedIsNamed) {
  WriteAuditRows(2);
  ASSERT_TRUE(h_->host().SealAuditNow().ok());
  AsSuperuser(
      "INSERT INTO audit_log (at, actor, actor_role, action, result) "
      "VALUES (now() - interval '1 hour', 'x', 'auditor', 'GetCase', 'OK')");
  const int64_t id = Count("SELECT max(audit_id) FROM audit_log");
  auto v = Verify();
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.problem(), ops::v1::AUDIT_CHAIN_PROBLEM_UNSEALED);
  EXPECT_EQ(v.audit_id(), id);
  EXPECT_EQ(v.unsealed_rows(), 1);
}

TEST_F(AuditLockTest, VerifyIsForAuditorsAndCityAdminsOnly) {
  auto* descriptor = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      ops::v1::AuditChainService::service_full_name());
  ASSERT_NE(descriptor, nullptr);
  ASSERT_EQ(descriptor->method_count(), 1);  // add a row below for a new RPC
  for (auth::Role role : {auth::Role::kOfficeStaff, auth::Role::kDistrictBureau,
                          auth::Role::kSocialWorker, auth::Role::kCityAdmin, auth::Role::kAuditor,
                          auth::Role::kPartner, auth::Role::kOps, auth::Role::kService}) {
    SCOPED_TRACE(std::string(auth::RoleName(role)));
    grpc::Status st;
    Verify(role, &st);
    if (role == auth::Role::kAuditor || role == auth::Role::kCityAdmin) {
      EXPECT_TRUE(st.ok()) << st.error_message();
    } else if (role == auth::Role::kPartner) {
      // Refused before the role check: no partner-CA client certificate on this connection.
      EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    } else {
      EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    }
  }
}

}  // namespace
}  // namespace ccms::testing
