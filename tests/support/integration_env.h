#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/server/service_host.h"

namespace ccms::testing {

// Infrastructure started by tests/run, found through the environment. Integration tests skip
// with a clear message when run outside it (e.g. a bare `ctest` without tests/run); under CI
// (CI=true) every skip in a binary linking this library is reported as a failure instead.
struct IntegrationEnv {
  std::string pg_admin_dsn;
  std::string kafka_bootstrap;
  int kafka_control_port = 0;
  static const IntegrationEnv* Get();  // nullptr when not under tests/run
};

// The fixed "now" of the integration suites' service clocks: noon of 2026-11-30 (a month end)
// in Asia/Shanghai. The tests take "today" from their service's clock, never from the system
// clock, so they run the same on every date. Token checks keep real time.
absl::Time FixedTestNow();

// Whether CI=true (or 1, yes) is set: skips fail then.
bool RunningUnderCi();

// The kid of the HS256 key the integration tests sign with.
inline constexpr char kTestJwtKid[] = "test-key-1";

// Writes `jwks` to a new file under the system's temporary folder and returns its path.
std::string WriteTestKeySet(const std::string& jwks);

// The settings a service runs with in the integration tests: loopback, free ports, the test
// cluster's database `dsn`, the dev broker, a short relay poll, the dev profile (no issuer) and a
// key-set file (jwt_keys_file, written here) holding the HS256 secret `jwt_key` as kTestJwtKid,
// re-read at most every 100 ms.
server::CommonConfig TestHostConfig(const std::string& dsn, const std::string& jwt_key);

// A fresh database on the test cluster, dropped when this object goes away, with the two roles
// of a service (docs/security.md, "Audit log"): `<name>_owner` owns the database and runs the
// migrations, `<name>_app` is the runtime role (owns nothing); both dropped with the database.
//
// With `keep_name` (lower-case letters, digits, '_'): the database of that name, created with its
// roles when missing, reused as it is when present, and never dropped (a bench's filled database,
// kept between runs: ccms-bench-reporting --keep-db).
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& keep_name = "");
  ~TestDatabase();
  // As the cluster's superuser (the tests' own checks and fixtures).
  const std::string& dsn() const { return dsn_; }
  // As the migration role (CCMS_DB_MIGRATION_DSN) and as the runtime role (CCMS_DB_DSN).
  const std::string& migration_dsn() const { return migration_dsn_; }
  const std::string& runtime_dsn() const { return runtime_dsn_; }
  std::string runtime_role() const { return name_ + "_app"; }
  const std::string& name() const { return name_; }
  // Runs one SQL statement and returns the first column of the first row ("" if none).
  std::string QueryValue(const std::string& sql) const;

 private:
  std::string name_;
  bool keep_ = false;
  std::string dsn_;
  std::string migration_dsn_;
  std::string runtime_dsn_;
};

// A small pool on `db` with common's tables migrated (outbox, inbox, idempotency keys, audit),
// then `extra_sql` run (a test's own table); for tests of the kit without a service.
std::unique_ptr<db::ConnectionPool> PoolWithCommonTables(const TestDatabase& db,
                                                         const std::string& extra_sql = "");

// Sends one command line to the dev broker's control port ("down all", "up all"); returns the
// reply line.
std::string KafkaControl(const std::string& command);

struct ConsumedRecord {
  std::string topic;
  int partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// Reads a topic from the beginning (all partitions) until `done(records)` says so or the
// timeout passes; returns what it read.
std::vector<ConsumedRecord> ReadTopic(
    const std::string& topic, const std::function<bool(const std::vector<ConsumedRecord>&)>& done,
    absl::Duration timeout);

// GET http://127.0.0.1:<port><path>; the body, or "" on failure.
std::string HttpGet(int port, const std::string& path);

// Counts the round trips libpq makes on one connection of `pool`, from libpq's trace (PQtrace):
// each simple-protocol Query (libpqxx's BEGIN, COMMIT) and each Sync of the extended protocol (a
// prepared or parameterized statement) is one. The connection traced is the one a caller gets
// next from the pool (it lends the one returned last), so count one thing at a time, with nothing
// else using the pool meanwhile.
class RoundTripCounter {
 public:
  explicit RoundTripCounter(db::ConnectionPool& pool);
  ~RoundTripCounter();
  RoundTripCounter(const RoundTripCounter&) = delete;
  RoundTripCounter& operator=(const RoundTripCounter&) = delete;
  // The round trips since the start or the last Take, and what they sent (one line each).
  int Take(std::string* what = nullptr);

 private:
  db::ConnectionPool& pool_;
  const pqxx::connection* traced_ = nullptr;
  FILE* file_ = nullptr;
  char* buffer_ = nullptr;
  size_t size_ = 0;
  size_t read_ = 0;
};

}  // namespace ccms::testing
