#include "tests/support/integration_env.h"

#include <arpa/inet.h>
#include <librdkafka/rdkafkacpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <stdexcept>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/auth/jwt.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"

namespace ccms::testing {
namespace {

// Under CI a skipped integration test is a failed one: a suite that cannot reach its
// infrastructure there must not pass silently. Registered before main() by every test binary
// that links this support library (the integration and fault suites).
class FailSkipsUnderCi : public ::testing::EmptyTestEventListener {
  void OnTestEnd(const ::testing::TestInfo& info) override {
    if (info.result() != nullptr && info.result()->Skipped()) {
      ADD_FAILURE() << "skipped under CI=true, which counts as a failure (the integration and "
                       "fault suites need tests/run's PostgreSQL and dev broker)";
    }
  }
};

[[maybe_unused]] const bool kFailSkipsRegistered = [] {
  if (RunningUnderCi()) {
    ::testing::UnitTest::GetInstance()->listeners().Append(new FailSkipsUnderCi);
  }
  return true;
}();

}  // namespace

absl::Time FixedTestNow() {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 30, 12, 0, 0), time::ShanghaiTimeZone());
}

bool RunningUnderCi() {
  const char* ci = std::getenv("CI");
  if (ci == nullptr) return false;
  const std::string v = absl::AsciiStrToLower(ci);
  return v == "true" || v == "1" || v == "yes";
}

const IntegrationEnv* IntegrationEnv::Get() {
  static const IntegrationEnv* env = []() -> const IntegrationEnv* {
    const char* dsn = std::getenv("CCMS_TEST_PG_ADMIN_DSN");
    const char* bootstrap = std::getenv("CCMS_TEST_KAFKA_BOOTSTRAP");
    const char* control = std::getenv("CCMS_TEST_KAFKA_CONTROL_PORT");
    if (dsn == nullptr || bootstrap == nullptr || control == nullptr) return nullptr;
    auto* e = new IntegrationEnv();
    e->pg_admin_dsn = dsn;
    e->kafka_bootstrap = bootstrap;
    e->kafka_control_port = std::atoi(control);
    return e;
  }();
  return env;
}

std::string WriteTestKeySet(const std::string& jwks) {
  std::string id = ids::NewUuid();
  const std::string path =
      (std::filesystem::temp_directory_path() / ("ccms-test-keys-" + id + ".json")).string();
  std::ofstream out(path, std::ios::trunc);
  out << jwks;
  out.close();
  if (!out) throw std::runtime_error("cannot write the test key set");
  return path;
}

server::CommonConfig TestHostConfig(const std::string& dsn, const std::string& jwt_key) {
  server::CommonConfig config;
  config.grpc_listen = "127.0.0.1:0";
  config.metrics_listen = "127.0.0.1:0";
  config.db_dsn = dsn;
  config.db_pool_size = 8;
  config.db_acquire_timeout = absl::Seconds(5);
  config.db_statement_timeout = absl::Seconds(30);
  config.worker_queue_limit = 4096;
  config.kafka_bootstrap = IntegrationEnv::Get()->kafka_bootstrap;
  config.jwt_keys_file = WriteTestKeySet(auth::HmacKeySetJson(kTestJwtKid, jwt_key));
  config.jwt_keys_check_interval = absl::Milliseconds(100);
  config.dev_profile = true;
  config.log_level = "info";
  config.outbox_poll_interval = absl::Milliseconds(200);
  config.outbox_batch_size = 1000;
  config.shutdown_grace = absl::Seconds(5);
  // The tests seal audit rows by hand (ServiceHost::SealAuditNow) when they need to.
  config.audit_seal_period = absl::Hours(1);
  return config;
}

TestDatabase::TestDatabase(const std::string& keep_name) : keep_(!keep_name.empty()) {
  const IntegrationEnv* env = IntegrationEnv::Get();
  if (env == nullptr) throw std::runtime_error("integration environment missing: use tests/run");
  if (keep_) {
    if (keep_name.size() > 40 || !std::all_of(keep_name.begin(), keep_name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        })) {
      throw std::runtime_error("a kept database's name is up to 40 of [a-z0-9_]");
    }
    name_ = keep_name;
  } else {
    std::string id = ids::NewUuid();
    std::erase(id, '-');
    name_ = "ccms_it_" + id.substr(id.size() - 16);
  }
  pqxx::connection admin(env->pg_admin_dsn);
  const bool exists =
      keep_ && !pqxx::nontransaction(admin)
                    .exec("SELECT 1 FROM pg_database WHERE datname = " + admin.quote(name_))
                    .empty();
  if (!exists) {
    pqxx::nontransaction(admin).exec("CREATE ROLE " + name_ + "_owner LOGIN");
    pqxx::nontransaction(admin).exec("CREATE ROLE " + name_ + "_app LOGIN");
    pqxx::nontransaction(admin).exec("CREATE DATABASE " + name_ + " OWNER " + name_ + "_owner");
  }
  // The admin DSN minus its dbname and user (the cluster trusts loopback).
  std::string base;
  for (const absl::string_view part : absl::StrSplit(env->pg_admin_dsn, ' ', absl::SkipEmpty())) {
    if (absl::StartsWith(part, "dbname=") || absl::StartsWith(part, "user=")) continue;
    absl::StrAppend(&base, part, " ");
  }
  dsn_ = env->pg_admin_dsn;
  const size_t pos = dsn_.find("dbname=");
  dsn_ = (pos == std::string::npos ? dsn_ : dsn_.substr(0, pos)) + " dbname=" + name_;
  migration_dsn_ = absl::StrCat(base, "dbname=", name_, " user=", name_, "_owner");
  runtime_dsn_ = absl::StrCat(base, "dbname=", name_, " user=", name_, "_app");
}

TestDatabase::~TestDatabase() {
  if (keep_) return;
  try {
    pqxx::connection admin(IntegrationEnv::Get()->pg_admin_dsn);
    pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    pqxx::nontransaction(admin).exec("DROP ROLE IF EXISTS " + name_ + "_app");
    pqxx::nontransaction(admin).exec("DROP ROLE IF EXISTS " + name_ + "_owner");
  } catch (...) {
  }
}

std::string TestDatabase::QueryValue(const std::string& sql) const {
  pqxx::connection conn(dsn_);
  pqxx::nontransaction tx(conn);
  pqxx::result r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].as<std::string>();
}

namespace {

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

std::string ReadAll(int fd, bool until_newline) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (until_newline && out.find('\n') != std::string::npos) break;
  }
  return out;
}

}  // namespace

std::unique_ptr<db::ConnectionPool> PoolWithCommonTables(const TestDatabase& db,
                                                         const std::string& extra_sql) {
  auto pool = db::ConnectionPool::Create({.dsn = db.dsn(), .size = 2}, nullptr);
  if (!pool.ok()) throw std::runtime_error(std::string(pool.status().message()));
  absl::Status st = (*pool)->WithConnection([&](pqxx::connection& c) {
    absl::Status migrated = db::ApplyMigrations(c, "common", db::CommonMigrations());
    if (migrated.ok() && !extra_sql.empty()) pqxx::nontransaction(c).exec(extra_sql);
    return migrated;
  });
  if (!st.ok()) throw std::runtime_error(std::string(st.message()));
  return *std::move(pool);
}

std::string KafkaControl(const std::string& command) {
  int fd = Connect(IntegrationEnv::Get()->kafka_control_port);
  if (fd < 0) return "error cannot connect";
  const std::string line = command + "\n";
  if (write(fd, line.data(), line.size()) < 0) {
    close(fd);
    return "error write";
  }
  std::string reply = ReadAll(fd, true);
  close(fd);
  while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r')) reply.pop_back();
  return reply;
}

std::string HttpGet(int port, const std::string& path) {
  int fd = Connect(port);
  if (fd < 0) return "";
  const std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (write(fd, req.data(), req.size()) < 0) {
    close(fd);
    return "";
  }
  std::string resp = ReadAll(fd, false);
  close(fd);
  const size_t body = resp.find("\r\n\r\n");
  return body == std::string::npos ? "" : resp.substr(body + 4);
}

std::vector<ConsumedRecord> ReadTopic(
    const std::string& topic, const std::function<bool(const std::vector<ConsumedRecord>&)>& done,
    absl::Duration timeout) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", IntegrationEnv::Get()->kafka_bootstrap, err);
  conf->set("group.id", "ccms-test-reader-" + ids::NewUuid(), err);
  conf->set("enable.auto.commit", "false", err);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), err));
  std::vector<ConsumedRecord> out;
  if (!consumer) return out;
  std::vector<RdKafka::TopicPartition*> parts;
  for (int p = 0; p < 6; ++p) {
    parts.push_back(RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  consumer->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline && !done(out)) {
    std::unique_ptr<RdKafka::Message> msg(consumer->consume(100));
    if (msg->err() != RdKafka::ERR_NO_ERROR) continue;
    ConsumedRecord r;
    r.topic = msg->topic_name();
    r.partition = msg->partition();
    r.offset = msg->offset();
    if (msg->key() != nullptr) r.key = *msg->key();
    r.value.assign(static_cast<const char*>(msg->payload()), msg->len());
    if (RdKafka::Headers* h = msg->headers()) {
      for (const auto& header : h->get_all()) {
        r.headers[header.key()] =
            std::string(static_cast<const char*>(header.value()), header.value_size());
      }
    }
    out.push_back(std::move(r));
  }
  consumer->close();
  return out;
}

RoundTripCounter::RoundTripCounter(db::ConnectionPool& pool) : pool_(pool) {
  file_ = open_memstream(&buffer_, &size_);
  if (file_ == nullptr) throw std::runtime_error("open_memstream");
  absl::Status st = pool_.WithConnection([&](pqxx::connection& c) {
    c.trace(file_);
    traced_ = &c;
    return absl::OkStatus();
  });
  if (!st.ok()) throw std::runtime_error(std::string(st.message()));
}

RoundTripCounter::~RoundTripCounter() {
  bool stopped = false;
  (void)pool_.WithConnection([&](pqxx::connection& c) {
    if (&c == traced_) {
      c.trace(nullptr);
      stopped = true;
    }
    return absl::OkStatus();
  });
  // Another connection was lent: the traced one may still write, so its file stays open.
  if (!stopped) return;
  std::fclose(file_);
  std::free(buffer_);
}

int RoundTripCounter::Take(std::string* what) {
  std::fflush(file_);
  const std::string trace(buffer_ + read_, size_ - read_);
  read_ = size_;
  int trips = 0;
  std::string sent;
  const std::vector<std::string> lines = absl::StrSplit(trace, '\n');
  for (const std::string& line : lines) {
    // "[timestamp\t]F\t<length>\t<message>[\t<fields>]": what the client sent.
    const std::vector<std::string> f = absl::StrSplit(line, '\t');
    for (size_t i = 0; i + 2 < f.size(); ++i) {
      if (f[i] != "F") continue;
      if (f[i + 2] == "Query" || f[i + 2] == "Sync") {
        ++trips;
        absl::StrAppend(&sent, f[i + 2], f[i + 2] == "Query" && i + 3 < f.size() ? f[i + 3] : "",
                        "\n");
      } else if (f[i + 2] == "Bind" && i + 3 < f.size()) {
        absl::StrAppend(&sent, "Bind", f[i + 3].substr(0, 60), " ");
      }
      break;
    }
  }
  if (what != nullptr) *what = sent;
  return trips;
}

}  // namespace ccms::testing
