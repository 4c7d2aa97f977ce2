#include "common/db/migrations.h"

#include <pqxx/pqxx>

#include "gtest/gtest.h"
#include "tests/support/integration_env.h"

namespace ccms::testing {
namespace {

TEST(MigrationsTest, ForwardOnlyAndRepeatable) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs tests/run";
  TestDatabase db;
  pqxx::connection conn(db.dsn());
  std::vector<db::Migration> v1 = {{1, "V001__a.sql", "CREATE TABLE a (x int)"}};
  ASSERT_TRUE(db::ApplyMigrations(conn, "svc", v1).ok());
  ASSERT_TRUE(db::ApplyMigrations(conn, "svc", v1).ok());  // nothing to do the second time
  EXPECT_EQ(db.QueryValue("SELECT count(*) FROM schema_migrations WHERE component = 'svc'"), "1");

  std::vector<db::Migration> v2 = v1;
  v2.push_back({2, "V002__b.sql", "ALTER TABLE a ADD COLUMN y int"});
  ASSERT_TRUE(db::ApplyMigrations(conn, "svc", v2).ok());
  EXPECT_EQ(db.QueryValue("SELECT count(*) FROM information_schema.columns WHERE table_name = 'a'"),
            "2");

  // An applied file that changed is refused; so is a binary older than the database.
  std::vector<db::Migration> edited = v2;
  edited[0].sql = "CREATE TABLE a (x bigint)";
  absl::Status st = db::ApplyMigrations(conn, "svc", edited);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(db::ApplyMigrations(conn, "svc", v1).code(), absl::StatusCode::kFailedPrecondition);

  // A failing migration leaves nothing half-applied.
  std::vector<db::Migration> broken = v2;
  broken.push_back({3, "V003__bad.sql", "CREATE TABLE c (x int); SELECT nope FROM nowhere"});
  EXPECT_FALSE(db::ApplyMigrations(conn, "svc", broken).ok());
  EXPECT_EQ(db.QueryValue("SELECT count(*) FROM schema_migrations WHERE component = 'svc'"), "2");
  EXPECT_EQ(db.QueryValue("SELECT to_regclass('c') IS NULL"), "t");
}

}  // namespace
}  // namespace ccms::testing
