// The pool on a real PostgreSQL: session settings on every connection (also after a reconnect),
// no request failing on a connection the server closed while it idled (pg_terminate_backend, a
// restart of the database), a connection that breaks in use answered UNAVAILABLE and replaced,
// the maximum lifetime, and the retention pruning of idempotency keys and inbox rows.
//
// The restart uses a private cluster of this test (tests/integration/pg_cluster.sh), really
// stopped with pg_ctl and started again on the same port.
#include "common/db/pool.h"

#include <cstdlib>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/migrations.h"
#include "common/db/retention.h"
#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/integration_env.h"
#include "tests/support/private_cluster.h"

namespace ccms::testing {
namespace {

// The value of a counter (or 0) of `family` whose labels include every pair of `labels`.
double CounterValue(prometheus::Registry& registry, const std::string& family,
                    const std::map<std::string, std::string>& labels) {
  double total = 0;
  for (const auto& f : registry.Collect()) {
    if (f.name != family) continue;
    for (const auto& m : f.metric) {
      size_t matched = 0;
      for (const auto& l : m.label) {
        auto it = labels.find(l.name);
        if (it != labels.end() && it->second == l.value) ++matched;
      }
      if (matched == labels.size()) total += m.counter.value;
    }
  }
  return total;
}

std::string Show(db::ConnectionPool& pool, const std::string& setting) {
  std::string value;
  absl::Status st = pool.Read([&](pqxx::transaction_base& tx) {
    value = tx.exec1("SHOW " + setting)[0].as<std::string>();
    return absl::OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st;
  return value;
}

absl::Status Ping(db::ConnectionPool& pool) {
  return pool.Read([](pqxx::transaction_base& tx) {
    tx.exec1("SELECT 1");
    return absl::OkStatus();
  });
}

// Opens `n` connections at once (each call holds its own while the others start).
void OpenConnections(db::ConnectionPool& pool, int n) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&pool] {
      absl::Status st = pool.Read([](pqxx::transaction_base& tx) {
        tx.exec("SELECT pg_sleep(0.2)");
        return absl::OkStatus();
      });
      EXPECT_TRUE(st.ok()) << st;
    });
  }
  for (auto& t : threads) t.join();
}

// Ends the sessions of application `app` from outside; how many it ended.
int TerminateSessions(const std::string& admin_dsn, const std::string& app) {
  pqxx::connection admin(admin_dsn);
  pqxx::nontransaction tx(admin);
  pqxx::result r = tx.exec_params(
      "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
      " WHERE application_name = $1",
      app);
  return r[0][0].as<int>();
}

class PoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = IntegrationEnv::Get();
    if (env_ == nullptr) GTEST_SKIP() << "needs tests/run (CCMS_TEST_PG_ADMIN_DSN)";
    db_ = std::make_unique<TestDatabase>();
  }
  std::unique_ptr<db::ConnectionPool> MakePool(db::PoolOptions options) {
    auto pool = db::ConnectionPool::Create(std::move(options), &registry_);
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? *std::move(pool) : nullptr;
  }
  double Discards(const std::string& pool, const std::string& reason) {
    return CounterValue(registry_, "ccms_db_pool_discarded_total",
                        {{"pool", pool}, {"reason", reason}});
  }

  const IntegrationEnv* env_ = nullptr;
  std::unique_ptr<TestDatabase> db_;
  prometheus::Registry registry_;
};

TEST(SessionConnectionStringTest, AppendsTheSessionSettingsAndKeepsTheDsnsOwn) {
  auto s = db::SessionConnectionString({.dsn = "host=h port=5 options='-c work_mem=8MB'"
                                               " tcp_user_timeout=999",
                                        .statement_timeout = absl::Milliseconds(1500),
                                        .name = "x"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_NE(
      s->find("options='-c work_mem=8MB -c statement_timeout=1500 -c TimeZone=UTC -c jit=off'"),
      std::string::npos)
      << *s;
  EXPECT_NE(s->find("tcp_user_timeout='999'"), std::string::npos) << *s;
  EXPECT_NE(s->find("keepalives='1'"), std::string::npos) << *s;
  EXPECT_NE(s->find("application_name='ccms-x'"), std::string::npos) << *s;
  auto uri = db::SessionConnectionString({.dsn = "postgresql://u:p%27w@h:5/d", .name = "x"});
  ASSERT_TRUE(uri.ok()) << uri.status();
  EXPECT_NE(uri->find("password='p\\'w'"), std::string::npos) << *uri;
  auto bad = db::SessionConnectionString({.dsn = "host='unterminated secret", .name = "x"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().find("secret"), std::string::npos);
}

TEST_F(PoolTest, SessionSettingsHoldOnEveryConnectionAlsoAfterAReconnectAndReset) {
  auto pool = MakePool({.dsn = db_->dsn(),
                        .size = 2,
                        .statement_timeout = absl::Milliseconds(1234),
                        .name = "settings"});
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(Show(*pool, "statement_timeout"), "1234ms");
  EXPECT_EQ(Show(*pool, "TimeZone"), "UTC");
  ASSERT_EQ(TerminateSessions(env_->pg_admin_dsn, "ccms-settings"), 1);
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(Show(*pool, "statement_timeout"), "1234ms");  // a new session
  EXPECT_EQ(Show(*pool, "TimeZone"), "UTC");
  EXPECT_EQ(Discards("settings", "closed"), 1);
  // Session defaults, not SETs: RESET ALL (or DISCARD ALL) brings them back, not the server's.
  ASSERT_TRUE(pool->WithConnection([](pqxx::connection& c) {
                    pqxx::nontransaction tx(c);
                    tx.exec("SET statement_timeout = 0");
                    tx.exec("RESET ALL");
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(Show(*pool, "statement_timeout"), "1234ms");
}

TEST_F(PoolTest, SessionsEndedByTheServerWhileIdleFailNoRequest) {
  auto pool = MakePool({.dsn = db_->dsn(), .size = 4, .name = "ended"});
  ASSERT_NE(pool, nullptr);
  OpenConnections(*pool, 4);
  ASSERT_EQ(TerminateSessions(env_->pg_admin_dsn, "ccms-ended"), 4);
  absl::SleepFor(absl::Milliseconds(50));
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(Ping(*pool).ok()) << "request " << i;
  EXPECT_EQ(Discards("ended", "closed"), 4);
}

TEST_F(PoolTest, AConnectionThatBreaksInUseIsUnavailableAndReplaced) {
  auto pool = MakePool({.dsn = db_->dsn(), .size = 1, .name = "broken"});
  ASSERT_NE(pool, nullptr);
  absl::Status st = pool->InTransaction([](pqxx::work& tx) {
    tx.exec("SELECT pg_terminate_backend(pg_backend_pid())");
    return absl::OkStatus();
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable) << st;
  EXPECT_EQ(Discards("broken", "broken"), 1);
  EXPECT_TRUE(Ping(*pool).ok());  // the only slot was given back: a new connection
}

TEST_F(PoolTest, ConnectionsOlderThanTheirLifetimeAreReplaced) {
  auto pool = MakePool(
      {.dsn = db_->dsn(), .size = 1, .max_lifetime = absl::Milliseconds(300), .name = "lifetime"});
  ASSERT_NE(pool, nullptr);
  auto pid = [&] {
    std::string p;
    EXPECT_TRUE(pool->Read([&](pqxx::transaction_base& tx) {
                      p = tx.exec1("SELECT pg_backend_pid()")[0].as<std::string>();
                      return absl::OkStatus();
                    })
                    .ok());
    return p;
  };
  const std::string first = pid();
  EXPECT_EQ(pid(), first);
  absl::SleepFor(absl::Milliseconds(400));
  EXPECT_NE(pid(), first);
  EXPECT_GE(Discards("lifetime", "lifetime"), 1);
}

TEST_F(PoolTest, IdleConnectionsAreCheckedBeforeUse) {
  auto pool = MakePool(
      {.dsn = db_->dsn(), .size = 2, .idle_check_after = absl::ZeroDuration(), .name = "idle"});
  ASSERT_NE(pool, nullptr);
  OpenConnections(*pool, 2);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(Ping(*pool).ok());
  EXPECT_EQ(Discards("idle", "idle_check"), 0);  // healthy ones pass the check
}

TEST_F(PoolTest, ADatabaseRestartFailsNoRequestAfterIt) {
  PrivateCluster cluster("pool-pg");
  ASSERT_TRUE(cluster.Start());
  auto pool = MakePool({.dsn = cluster.dsn(),
                        .size = 4,
                        .statement_timeout = absl::Milliseconds(2500),
                        .name = "restart"});
  ASSERT_NE(pool, nullptr);
  OpenConnections(*pool, 4);
  const absl::Time stopped = absl::Now();
  ASSERT_TRUE(cluster.Stop());
  EXPECT_EQ(Ping(*pool).code(), absl::StatusCode::kUnavailable);  // no database: no request
  ASSERT_TRUE(cluster.Start());
  const absl::Duration down = absl::Now() - stopped;
  int failed = 0;
  for (int i = 0; i < 50; ++i) failed += Ping(*pool).ok() ? 0 : 1;
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(Show(*pool, "statement_timeout"), "2500ms");
  EXPECT_EQ(Show(*pool, "TimeZone"), "UTC");
  std::printf(
      "pool restart: database away %.1f s, %d of 50 requests after it failed, %g idle "
      "connections discarded as closed\n",
      absl::ToDoubleSeconds(down), failed, Discards("restart", "closed"));
}

TEST_F(PoolTest, RetentionPrunesOldIdempotencyKeysAndInboxRowsInBatches) {
  auto pool = PoolWithCommonTables(*db_);
  ASSERT_TRUE(pool->InTransaction([](pqxx::work& tx) {
                    tx.exec(
                        "INSERT INTO idempotency_keys (request_id, method, subject, created_at)"
                        " SELECT gen_random_uuid(), 'm', 's', now() - interval '8 days'"
                        " FROM generate_series(1, 5)");
                    tx.exec(
                        "INSERT INTO idempotency_keys (request_id, method, subject, created_at)"
                        " SELECT gen_random_uuid(), 'm', 's', now() - interval '6 days'"
                        " FROM generate_series(1, 3)");
                    tx.exec(
                        "INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition,"
                        " kafka_offset, processed_at) SELECT 'c', gen_random_uuid(), 't', 'tp', 0,"
                        " g, now() - interval '31 days' FROM generate_series(1, 4) g");
                    tx.exec(
                        "INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition,"
                        " kafka_offset, processed_at) SELECT 'c', gen_random_uuid(), 't', 'tp', 0,"
                        " g, now() FROM generate_series(5, 6) g");
                    return absl::OkStatus();
                  })
                  .ok());
  db::RetentionPruner pruner(
      *pool, {.idempotency_keys = absl::Hours(24 * 7), .inbox = absl::Hours(24 * 30), .batch = 2},
      &registry_);
  auto pruned = pruner.PruneOnce();
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(pruned->idempotency_keys, 5);
  EXPECT_EQ(pruned->inbox, 4);
  EXPECT_EQ(db_->QueryValue("SELECT count(*) FROM idempotency_keys"), "3");
  EXPECT_EQ(db_->QueryValue("SELECT count(*) FROM inbox"), "2");
  EXPECT_EQ(CounterValue(registry_, "ccms_retention_pruned_total", {{"table", "inbox"}}), 4);
  auto again = pruner.PruneOnce();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->idempotency_keys + again->inbox, 0);
}

TEST_F(PoolTest, ARetentionRunStopsAfterItsBatchesAndTheNextGoesOn) {
  auto pool = PoolWithCommonTables(*db_);
  ASSERT_TRUE(pool->InTransaction([](pqxx::work& tx) {
                    tx.exec(
                        "INSERT INTO idempotency_keys (request_id, method, subject, created_at)"
                        " SELECT gen_random_uuid(), 'm', 's', now() - interval '8 days'"
                        " FROM generate_series(1, 7)");
                    return absl::OkStatus();
                  })
                  .ok());
  db::RetentionPruner pruner(*pool, {.batch = 2, .max_batches = 2}, nullptr);
  auto first = pruner.PruneOnce();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->idempotency_keys, 4);
  auto second = pruner.PruneOnce();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->idempotency_keys, 3);
  EXPECT_EQ(db_->QueryValue("SELECT count(*) FROM idempotency_keys"), "0");
}

}  // namespace
}  // namespace ccms::testing
