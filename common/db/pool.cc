#include "common/db/pool.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <exception>
#include <map>
#include <pqxx/pqxx>
#include <typeinfo>

#include "absl/strings/str_cat.h"
#include "common/db/audit.h"
#include "common/db/command.h"
#include "common/log/log.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace ccms::db {

namespace internal {
JoinedCommand*& CurrentCommand() {
  thread_local JoinedCommand* current = nullptr;
  return current;
}
}  // namespace internal

namespace {
// The command this thread runs on `pool`, if any.
internal::JoinedCommand* JoinedOn(const ConnectionPool* pool) {
  internal::JoinedCommand* cmd = internal::CurrentCommand();
  return cmd != nullptr && cmd->pool == pool ? cmd : nullptr;
}

// A value in single quotes for a libpq connection string.
std::string Quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

int64_t WholeSeconds(absl::Duration d) {
  return std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(d, absl::Seconds(1))));
}

// Whether a connection lent by nobody has input waiting: the server wrote to it (an error before
// it closed the session, on a restart or pg_terminate_backend) or closed it.
bool ServerSpokeWhileIdle(const pqxx::connection& conn) {
  const int fd = conn.sock();
  if (fd < 0) return true;
  pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
  return poll(&p, 1, 0) != 0;
}

// SQLSTATEs of a session the server ended or could not keep: admin / crash / cannot connect
// now (57P01-57P03) and connection exceptions (class 08).
bool SessionLost(const std::string& sqlstate) {
  return sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||
         sqlstate.rfind("08", 0) == 0;
}
}  // namespace

absl::StatusOr<std::string> SessionConnectionString(const PoolOptions& options) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.dsn.c_str(), &error);
  if (parsed == nullptr) {
    if (error != nullptr) PQfreemem(error);  // its text may quote the DSN
    return absl::InvalidArgumentError("the database DSN cannot be parsed (check CCMS_DB_DSN)");
  }
  std::map<std::string, std::string> values;
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val != nullptr) values[o->keyword] = o->val;
  }
  PQconninfoFree(parsed);
  std::string session =
      absl::StrCat("-c statement_timeout=", absl::ToInt64Milliseconds(options.statement_timeout),
                   " -c TimeZone=UTC -c jit=off");
  std::string& opts = values["options"];
  opts = opts.empty() ? session : absl::StrCat(opts, " ", session);
  const std::pair<const char*, std::string> defaults[] = {
      {"keepalives", "1"},
      {"keepalives_idle", "30"},
      {"keepalives_interval", "10"},
      {"keepalives_count", "3"},
      {"tcp_user_timeout", absl::StrCat(absl::ToInt64Milliseconds(options.tcp_user_timeout))},
      {"connect_timeout",
       absl::StrCat(std::max<int64_t>(2, WholeSeconds(options.acquire_timeout)))},
      {"application_name", absl::StrCat("ccms-", options.name)},
  };
  for (const auto& [key, value] : defaults) values.emplace(key, value);
  std::string out;
  for (const auto& [key, value] : values) {
    if (!out.empty()) out += ' ';
    absl::StrAppend(&out, key, "=", Quoted(value));
  }
  return out;
}

ConnectionPool::ConnectionPool(PoolOptions options) : options_(std::move(options)) {}

ConnectionPool::~ConnectionPool() = default;

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(
    PoolOptions options, prometheus::Registry* registry) {
  if (options.size < 1) return absl::InvalidArgumentError("pool size must be at least 1");
  auto conninfo = SessionConnectionString(options);
  if (!conninfo.ok()) return conninfo.status();
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(std::move(options)));
  pool->conninfo_ = *std::move(conninfo);
  if (registry != nullptr) {
    const std::map<std::string, std::string> labels = {{"pool", pool->options_.name}};
    pool->in_use_gauge_ = &prometheus::BuildGauge()
                               .Name("ccms_db_pool_in_use")
                               .Help("Connections lent out")
                               .Register(*registry)
                               .Add(labels);
    pool->size_gauge_ = &prometheus::BuildGauge()
                             .Name("ccms_db_pool_size")
                             .Help("Maximum connections of the pool")
                             .Register(*registry)
                             .Add(labels);
    pool->timeouts_ = &prometheus::BuildCounter()
                           .Name("ccms_db_pool_acquire_timeouts_total")
                           .Help("Requests that found no free connection in time")
                           .Register(*registry)
                           .Add(labels);
    pool->discards_ = &prometheus::BuildCounter()
                           .Name("ccms_db_pool_discarded_total")
                           .Help(
                               "Connections closed instead of lent, by reason (broken: failed "
                               "in use; closed: the server ended the idle session; "
                               "idle_check: failed the check after idling; lifetime: too old)")
                           .Register(*registry);
    pool->size_gauge_->Set(pool->options_.size);
  }
  auto first = pool->Open();
  if (!first.ok()) return first.status();
  {
    std::lock_guard<std::mutex> lock(pool->mu_);
    pool->idle_.push_back(std::move(*first));
    pool->open_ = 1;
  }
  return pool;
}

absl::StatusOr<ConnectionPool::Pooled> ConnectionPool::Open() {
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo_);
    // The kit's own statements (commands, audit) and the service's.
    const std::vector<Query>* lists[] = {&CommandRunner::Queries(), &AuditQueries(),
                                         &options_.queries};
    for (const std::vector<Query>* list : lists) {
      for (const Query& q : *list) conn->prepare(std::string(q.name), std::string(q.sql));
    }
    const Clock::time_point now = Clock::now();
    return Pooled{std::move(conn), now, now};
  } catch (const pqxx::broken_connection&) {
    log::Error("db_connect_failed", {{"pool", options_.name}});
    return absl::UnavailableError("cannot connect to the database (check CCMS_DB_DSN)");
  } catch (...) {
    return MapCurrentException("open connection");
  }
}

void ConnectionPool::CountDiscard(const char* reason) {
  log::Info("db_connection_discarded", {{"pool", options_.name}, {"reason", reason}});
  if (discards_ != nullptr)
    discards_->Add({{"pool", options_.name}, {"reason", reason}}).Increment();
}

const char* ConnectionPool::Unfit(Pooled& pooled) {
  const Clock::time_point now = Clock::now();
  if (pooled.conn == nullptr || !pooled.conn->is_open()) return "broken";
  if (now - pooled.opened >= absl::ToChronoNanoseconds(options_.max_lifetime)) return "lifetime";
  if (ServerSpokeWhileIdle(*pooled.conn)) return "closed";
  if (now - pooled.idle_since >= absl::ToChronoNanoseconds(options_.idle_check_after)) {
    try {
      pqxx::nontransaction tx(*pooled.conn);
      tx.exec("SELECT 1");
    } catch (...) {
      return "idle_check";
    }
    if (!pooled.conn->is_open()) return "idle_check";
  }
  return nullptr;
}

absl::StatusOr<ConnectionPool::Pooled> ConnectionPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto deadline =
      std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(options_.acquire_timeout);
  for (;;) {
    if (!idle_.empty()) {
      Pooled pooled = std::move(idle_.back());
      idle_.pop_back();
      ++in_use_;
      if (in_use_gauge_) in_use_gauge_->Set(in_use_);
      lock.unlock();
      const char* unfit = Unfit(pooled);
      if (unfit == nullptr) return pooled;
      CountDiscard(unfit);
      pooled.conn.reset();
      lock.lock();
      --in_use_;
      --open_;
      if (in_use_gauge_) in_use_gauge_->Set(in_use_);
      continue;  // the next idle one, or a new connection in its place
    }
    if (open_ < options_.size) {
      ++open_;
      ++in_use_;
      if (in_use_gauge_) in_use_gauge_->Set(in_use_);
      lock.unlock();
      auto conn = Open();
      if (!conn.ok()) {
        lock.lock();
        --open_;
        --in_use_;
        if (in_use_gauge_) in_use_gauge_->Set(in_use_);
        cv_.notify_one();
      }
      return conn;
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.size) {
      if (timeouts_) timeouts_->Increment();
      return absl::UnavailableError("database busy: no connection free in time, retry later");
    }
  }
}

void ConnectionPool::Release(Pooled pooled, bool broken) {
  const Clock::time_point now = Clock::now();
  const char* discard = nullptr;
  if (broken || pooled.conn == nullptr || !pooled.conn->is_open()) {
    discard = "broken";
  } else if (now - pooled.opened >= absl::ToChronoNanoseconds(options_.max_lifetime)) {
    discard = "lifetime";
  }
  if (discard != nullptr) {
    CountDiscard(discard);
    pooled.conn.reset();  // closes it outside the lock
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_use_;
    if (in_use_gauge_) in_use_gauge_->Set(in_use_);
    if (discard != nullptr) {
      --open_;
    } else {
      pooled.idle_since = now;
      idle_.push_back(std::move(pooled));
    }
  }
  cv_.notify_one();
}

absl::Status ConnectionPool::WithConnection(
    const std::function<absl::Status(pqxx::connection&)>& fn) {
  if (internal::JoinedCommand* cmd = JoinedOn(this); cmd != nullptr) {
    // A second connection could see none of the command's writes and could starve the pool.
    log::Error("db_connection_inside_command", {{"pool", options_.name}});
    cmd->failed = true;
    return absl::InternalError("internal error");
  }
  auto pooled = Acquire();
  if (!pooled.ok()) return pooled.status();
  absl::Status status;
  bool broken = false;
  try {
    status = fn(*pooled->conn);
  } catch (const pqxx::broken_connection&) {
    broken = true;
    status = MapCurrentException("query");
  } catch (const pqxx::sql_error& e) {
    broken = SessionLost(e.sqlstate());
    status = MapCurrentException("query");
  } catch (...) {
    status = MapCurrentException("query");
  }
  Release(*std::move(pooled), broken);
  return status;
}

absl::Status ConnectionPool::InTransaction(const std::function<absl::Status(pqxx::work&)>& fn) {
  if (internal::JoinedCommand* cmd = JoinedOn(this); cmd != nullptr) {
    absl::Status status;
    try {
      status = internal::BeginJoined(*cmd);
      if (status.ok()) status = fn(*cmd->tx);
    } catch (...) {
      status = MapCurrentException("query");
    }
    if (!status.ok()) cmd->failed = true;
    return status;
  }
  return WithConnection([&](pqxx::connection& conn) -> absl::Status {
    pqxx::work tx(conn);
    absl::Status status = fn(tx);
    if (status.ok()) {
      tx.commit();
    } else {
      tx.abort();
    }
    return status;
  });
}

absl::Status ConnectionPool::Read(const std::function<absl::Status(pqxx::transaction_base&)>& fn) {
  if (JoinedOn(this) != nullptr) {
    return InTransaction([&](pqxx::work& tx) { return fn(tx); });
  }
  return WithConnection([&](pqxx::connection& conn) -> absl::Status {
    pqxx::read_transaction tx(conn);
    return fn(tx);
  });
}

absl::Status ConnectionPool::InSeparateTransaction(std::function<absl::Status(pqxx::work&)> fn) {
  if (internal::JoinedCommand* cmd = JoinedOn(this); cmd != nullptr) {
    cmd->separate.push_back(std::move(fn));
    return absl::OkStatus();
  }
  return InTransaction(fn);
}

absl::Status MapCurrentException(std::string_view what) {
  try {
    throw;
  } catch (const pqxx::unique_violation& e) {
    log::Info("db_unique_violation", {{"op", what}, {"sqlstate", e.sqlstate()}});
    return absl::AlreadyExistsError("the record already exists");
  } catch (const pqxx::serialization_failure& e) {
    return absl::AbortedError("concurrent change; retry");
  } catch (const pqxx::deadlock_detected& e) {
    return absl::AbortedError("concurrent change; retry");
  } catch (const pqxx::broken_connection&) {
    log::Error("db_connection_broken", {{"op", what}});
    return absl::UnavailableError("database unavailable; retry later");
  } catch (const pqxx::in_doubt_error&) {
    log::Error("db_commit_in_doubt", {{"op", what}});
    return absl::UnavailableError(
        "database connection lost during commit; retry with the same request_id");
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == "57014") {
      return absl::DeadlineExceededError("database statement timed out");
    }
    if (SessionLost(e.sqlstate())) {
      log::Error("db_session_lost", {{"op", what}, {"sqlstate", e.sqlstate()}});
      return absl::UnavailableError("database unavailable; retry later");
    }
    // e.what() can carry row values (DETAIL); log the state and the statement name only.
    log::Error("db_error", {{"op", what}, {"sqlstate", e.sqlstate()}});
    return absl::InternalError("database error");
  } catch (const std::exception& e) {
    // The type tells usage errors from conversions; what() may quote values, so it stays out.
    log::Error("db_exception", {{"op", what}, {"type", typeid(e).name()}});
    return absl::InternalError("database error");
  } catch (...) {
    return absl::InternalError("database error");
  }
}

std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace ccms::db
