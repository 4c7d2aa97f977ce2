#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "absl/time/clock.h"
#include "common/config/env.h"
#include "common/server/service_host.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"

namespace ccms::config {
namespace {

std::map<std::string, std::string>* g_vars = nullptr;

const char* FakeGetenv(const char* name) {
  auto it = g_vars->find(name);
  return it == g_vars->end() ? nullptr : it->second.c_str();
}

class EnvTest : public ::testing::Test {
 protected:
  void SetUp() override { g_vars = &vars_; }
  std::map<std::string, std::string> vars_;
};

TEST_F(EnvTest, ReadsValuesAndDefaults) {
  vars_ = {{"CCMS_A", "x"}, {"CCMS_N", "42"}, {"CCMS_ADDR", "127.0.0.1:80"}};
  Env env(&FakeGetenv);
  EXPECT_EQ(env.RequiredString("CCMS_A"), "x");
  EXPECT_EQ(env.String("CCMS_MISSING", "d"), "d");
  EXPECT_EQ(env.Int("CCMS_N", 1, 0, 100), 42);
  EXPECT_EQ(env.Int("CCMS_NONE", 7, 0, 100), 7);
  EXPECT_EQ(env.Address("CCMS_ADDR", "0.0.0.0:1"), "127.0.0.1:80");
  EXPECT_TRUE(env.Finish().ok());
}

TEST_F(EnvTest, ReadsBooleans) {
  vars_ = {{"CCMS_T", "true"}, {"CCMS_F", "FALSE"}, {"CCMS_ON", "on"}, {"CCMS_ZERO", "0"}};
  Env env(&FakeGetenv);
  EXPECT_TRUE(env.Bool("CCMS_T", false));
  EXPECT_FALSE(env.Bool("CCMS_F", true));
  EXPECT_TRUE(env.Bool("CCMS_ON", false));
  EXPECT_FALSE(env.Bool("CCMS_ZERO", true));
  EXPECT_TRUE(env.Bool("CCMS_UNSET", true));
  EXPECT_FALSE(env.Bool("CCMS_UNSET", false));
  EXPECT_TRUE(env.Finish().ok());

  vars_ = {{"CCMS_B", "maybe-secret"}};
  Env bad(&FakeGetenv);
  EXPECT_FALSE(bad.Bool("CCMS_B", false));
  const absl::Status st = bad.Finish();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("CCMS_B: must be true or false"), std::string::npos);
  EXPECT_EQ(st.message().find("maybe-secret"), std::string::npos);
}

TEST_F(EnvTest, NamesEveryBadSettingWithoutItsValue) {
  vars_ = {{"CCMS_N", "lots"},
           {"CCMS_M", "500"},
           {"CCMS_ADDR", "nohost"},
           {"CCMS_SECRET", "hunter2-password"},
           {"CCMS_SECRET_FILE", "/x"}};
  Env env(&FakeGetenv);
  env.RequiredString("CCMS_REQ");
  env.Int("CCMS_N", 1, 0, 100);
  env.Int("CCMS_M", 1, 0, 100);
  env.Address("CCMS_ADDR", "0.0.0.0:1");
  env.RequiredSecret("CCMS_SECRET");
  const absl::Status st = env.Finish();
  ASSERT_FALSE(st.ok());
  const std::string msg(st.message());
  for (const char* name : {"CCMS_REQ", "CCMS_N", "CCMS_M", "CCMS_ADDR", "CCMS_SECRET"}) {
    EXPECT_NE(msg.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(msg.find("hunter2"), std::string::npos);
  EXPECT_EQ(msg.find("lots"), std::string::npos);
}

TEST_F(EnvTest, SecretFromFileTrimsNewline) {
  const std::string path = ::testing::TempDir() + "/ccms_secret";
  std::ofstream(path) << "s3cret\n";
  vars_ = {{"CCMS_KEY_FILE", path}};
  Env env(&FakeGetenv);
  EXPECT_EQ(env.RequiredSecret("CCMS_KEY"), "s3cret");
  EXPECT_TRUE(env.Finish().ok());
  std::remove(path.c_str());
}

TEST_F(EnvTest, EmptyValueCountsAsMissing) {
  vars_ = {{"CCMS_REQ", ""}};
  Env env(&FakeGetenv);
  env.RequiredString("CCMS_REQ");
  EXPECT_FALSE(env.Finish().ok());
}

TEST_F(EnvTest, InstantIsRfc3339WithOffset) {
  vars_ = {{"CCMS_T", "2027-02-28T09:00:00+08:00"}};
  Env env(&FakeGetenv);
  EXPECT_EQ(env.Instant("CCMS_T"),
            absl::FromCivil(absl::CivilSecond(2027, 2, 28, 1, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(env.Instant("CCMS_UNSET"), std::nullopt);
  EXPECT_TRUE(env.Finish().ok());
  for (const char* bad : {"2027-02-28", "2027-02-28T09:00:00", "2027-02-30T09:00:00+08:00"}) {
    vars_ = {{"CCMS_T", bad}};
    Env bad_env(&FakeGetenv);
    EXPECT_EQ(bad_env.Instant("CCMS_T"), std::nullopt) << bad;
    EXPECT_NE(bad_env.Finish().message().find("CCMS_T: must be an RFC 3339 time"),
              std::string::npos)
        << bad;
  }
}

TEST_F(EnvTest, PoolAndRetentionSettingsHaveDefaultsAndBounds) {
  vars_ = {{"CCMS_DB_DSN", "host=x"},
           {"CCMS_KAFKA_BOOTSTRAP", "k:1"},
           {"CCMS_JWT_KEYS_FILE", "/keys.json"},
           {"CCMS_JWT_ISSUER", "https://idp"},
           {"CCMS_GRPC_LISTEN", "127.0.0.1:50061"}};
  const server::ServiceIdentity id{.name = "t", .grpc_service = "t.T"};
  {
    Env env(&FakeGetenv);
    const server::CommonConfig c = server::LoadCommonConfig(id, env);
    ASSERT_TRUE(env.Finish().ok()) << env.Finish();
    EXPECT_EQ(c.db_background_pool_size, 2);
    EXPECT_EQ(c.db_idle_check_after, absl::Seconds(30));
    EXPECT_EQ(c.db_max_lifetime, absl::Minutes(30));
    EXPECT_EQ(c.idempotency_retention, absl::Hours(168));
    EXPECT_EQ(c.inbox_retention, absl::Hours(720));
    EXPECT_EQ(c.retention_period, absl::Hours(1));
  }
  vars_["CCMS_DB_BACKGROUND_POOL_SIZE"] = "4";
  vars_["CCMS_IDEMPOTENCY_RETENTION_HOURS"] = "48";
  {
    Env env(&FakeGetenv);
    const server::CommonConfig c = server::LoadCommonConfig(id, env);
    ASSERT_TRUE(env.Finish().ok());
    EXPECT_EQ(c.db_background_pool_size, 4);
    EXPECT_EQ(c.idempotency_retention, absl::Hours(48));
  }
  // A retention shorter than a day would forget request ids clients may still retry.
  vars_["CCMS_IDEMPOTENCY_RETENTION_HOURS"] = "1";
  vars_["CCMS_DB_BACKGROUND_POOL_SIZE"] = "0";
  Env env(&FakeGetenv);
  (void)server::LoadCommonConfig(id, env);
  const std::string problems(env.Finish().message());
  EXPECT_NE(problems.find("CCMS_IDEMPOTENCY_RETENTION_HOURS"), std::string::npos) << problems;
  EXPECT_NE(problems.find("CCMS_DB_BACKGROUND_POOL_SIZE"), std::string::npos) << problems;
}

TEST_F(EnvTest, AServiceWithoutTlsListensOnlyOnLoopback) {
  vars_ = {{"CCMS_DB_DSN", "host=x"},
           {"CCMS_KAFKA_BOOTSTRAP", "k:1"},
           {"CCMS_JWT_KEYS_FILE", "/k.json"},
           {"CCMS_PROFILE", "dev"}};
  const server::ServiceIdentity id{
      .name = "t", .grpc_service = "t.T", .default_grpc_port = 50061, .default_metrics_port = 9461};
  {
    Env env(&FakeGetenv);  // the default listen address is 0.0.0.0
    (void)server::LoadCommonConfig(id, env);
    const std::string problems(env.Finish().message());
    EXPECT_NE(problems.find("CCMS_GRPC_TLS_CERT_FILE: is required to listen on a non-loopback"),
              std::string::npos)
        << problems;
    EXPECT_NE(problems.find("CCMS_GRPC_ALLOW_PLAINTEXT=true"), std::string::npos) << problems;
  }
  vars_["CCMS_GRPC_ALLOW_PLAINTEXT"] = "true";
  {
    Env env(&FakeGetenv);
    const server::CommonConfig c = server::LoadCommonConfig(id, env);
    EXPECT_TRUE(env.Finish().ok()) << env.Finish();
    EXPECT_FALSE(c.grpc_tls.enabled());
  }
}

// Tokens: the audience defaults to ccms-<service>; outside the dev profile the issuer is
// required; the profile is production or dev.
TEST_F(EnvTest, TokenSettings) {
  const server::ServiceIdentity id{.name = "records", .grpc_service = "t.T"};
  vars_ = {{"CCMS_DB_DSN", "host=x"},
           {"CCMS_KAFKA_BOOTSTRAP", "k:1"},
           {"CCMS_GRPC_LISTEN", "127.0.0.1:50061"},
           {"CCMS_JWT_KEYS_FILE", "/keys.json"}};
  {
    Env env(&FakeGetenv);
    (void)server::LoadCommonConfig(id, env);
    const std::string problems(env.Finish().message());
    EXPECT_NE(problems.find("CCMS_JWT_ISSUER: is required outside the dev profile"),
              std::string::npos)
        << problems;
  }
  vars_["CCMS_PROFILE"] = "dev";
  {
    Env env(&FakeGetenv);
    const server::CommonConfig c = server::LoadCommonConfig(id, env);
    ASSERT_TRUE(env.Finish().ok()) << env.Finish();
    EXPECT_TRUE(c.dev_profile);
    EXPECT_EQ(c.jwt_audience, "ccms-records");
    EXPECT_EQ(c.jwt_keys_file, "/keys.json");
  }
  vars_["CCMS_PROFILE"] = "staging";
  {
    Env env(&FakeGetenv);
    (void)server::LoadCommonConfig(id, env);
    EXPECT_NE(env.Finish().message().find("CCMS_PROFILE: must be production or dev"),
              std::string::npos);
  }
  vars_["CCMS_PROFILE"] = "production";
  vars_["CCMS_JWT_ISSUER"] = "https://idp";
  vars_["CCMS_JWT_AUDIENCE"] = "records-eu";
  vars_.erase("CCMS_JWT_KEYS_FILE");
  Env env(&FakeGetenv);
  const server::CommonConfig c = server::LoadCommonConfig(id, env);
  EXPECT_FALSE(c.dev_profile);
  EXPECT_EQ(c.jwt_audience, "records-eu");
  EXPECT_NE(env.Finish().message().find("CCMS_JWT_KEYS_FILE"), std::string::npos);
}

TEST(OffsetClockTest, StartsWhereToldAndRunsInRealTime) {
  const absl::Time start =
      absl::FromCivil(absl::CivilSecond(2028, 2, 29, 9, 0, 0), absl::UTCTimeZone());
  const time::OffsetClock clock(start);
  const absl::Time first = clock.Now();
  EXPECT_GE(first, start);
  EXPECT_LT(first - start, absl::Seconds(5));
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_GE(clock.Now() - first, absl::Milliseconds(20));
}

}  // namespace
}  // namespace ccms::config
