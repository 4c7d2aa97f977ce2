#include "common/server/dependency_probes.h"

#include <libpq-fe.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"

namespace ccms::server {
namespace {

class PostgresProbe : public DependencyProbe {
 public:
  PostgresProbe(std::string dsn, std::string application_name)
      : dsn_(std::move(dsn)), application_name_(std::move(application_name)) {}
  ~PostgresProbe() override { Close(); }

  absl::Status Check(absl::Duration timeout) override {
    const bool had_connection = conn_ != nullptr;
    if (!had_connection) {
      if (absl::Status st = Connect(timeout); !st.ok()) return st;
    }
    if (SelectOne()) return absl::OkStatus();
    Close();
    if (!had_connection) return absl::UnavailableError("SELECT 1 failed");
    // The connection may have died while the database was fine: one fresh try.
    if (absl::Status st = Connect(timeout); !st.ok()) return st;
    if (SelectOne()) return absl::OkStatus();
    Close();
    return absl::UnavailableError("SELECT 1 failed");
  }

 private:
  absl::Status Connect(absl::Duration timeout) {
    // libpq counts connect_timeout in whole seconds and treats values under 2 as 2.
    const int64_t timeout_ms = std::max<int64_t>(absl::ToInt64Milliseconds(timeout), 1000);
    const std::string connect_timeout = absl::StrCat((timeout_ms + 999) / 1000);
    const std::string user_timeout = absl::StrCat(timeout_ms);
    // The DSN first (expanded as a connection string or URI); the probe's own settings after
    // it win over the DSN's.
    const char* keys[] = {"dbname",           "connect_timeout",     "keepalives",
                          "keepalives_idle",  "keepalives_interval", "keepalives_count",
                          "tcp_user_timeout", "application_name",    nullptr};
    const char* values[] = {dsn_.c_str(),         connect_timeout.c_str(),   "1",    "5", "1", "3",
                            user_timeout.c_str(), application_name_.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
      Close();
      // libpq's message can name hosts and users: the status says only what failed.
      return absl::UnavailableError("cannot connect");
    }
    return absl::OkStatus();
  }

  bool SelectOne() {
    PGresult* result = PQexec(conn_, "SELECT 1");
    const bool ok = result != nullptr && PQresultStatus(result) == PGRES_TUPLES_OK;
    PQclear(result);
    return ok && PQstatus(conn_) == CONNECTION_OK;
  }

  void Close() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
  }

  std::string dsn_;
  std::string application_name_;
  PGconn* conn_ = nullptr;
};

class KafkaProbe : public DependencyProbe {
 public:
  explicit KafkaProbe(std::unique_ptr<RdKafka::Producer> client) : client_(std::move(client)) {}

  absl::Status Check(absl::Duration timeout) override {
    RdKafka::Metadata* metadata = nullptr;
    const RdKafka::ErrorCode code =
        client_->metadata(/*all_topics=*/false, /*only_rkt=*/nullptr, &metadata,
                          static_cast<int>(absl::ToInt64Milliseconds(timeout)));
    delete metadata;
    if (code == RdKafka::ERR_NO_ERROR) return absl::OkStatus();
    return absl::UnavailableError(absl::StrCat("metadata request: ", RdKafka::err2str(code)));
  }

 private:
  std::unique_ptr<RdKafka::Producer> client_;
};

}  // namespace

std::unique_ptr<DependencyProbe> MakePostgresProbe(std::string dsn, std::string application_name) {
  return std::make_unique<PostgresProbe>(std::move(dsn), std::move(application_name));
}

absl::StatusOr<std::unique_ptr<DependencyProbe>> MakeKafkaProbe(
    const std::string& bootstrap_servers, const std::string& client_id,
    const std::map<std::string, std::string>& security) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", bootstrap_servers},
      {"client.id", client_id},
      // Back within a second of the broker's return.
      {"reconnect.backoff.max.ms", "1000"},
      {"socket.connection.setup.timeout.ms", "5000"},
      // Connection errors are the probe's answer (ccms_dependency_up, dependency_down), not
      // lines of librdkafka's own on stderr.
      {"log_level", "2"},
  };
  for (const auto& [k, v] : security) props[k] = v;
  std::string err;
  for (const auto& [k, v] : props) {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(
          absl::StrCat("kafka readiness probe setting ", k, ": ", err));
    }
  }
  std::unique_ptr<RdKafka::Producer> client(RdKafka::Producer::create(conf.get(), err));
  if (client == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot create the Kafka readiness probe: ", err));
  }
  return std::make_unique<KafkaProbe>(std::move(client));
}

}  // namespace ccms::server
