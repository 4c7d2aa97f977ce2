#include "common/db/pool.h"

#include <exception>
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
}  // namespace

ConnectionPool::ConnectionPool(PoolOptions options) : options_(std::move(options)) {}

ConnectionPool::~ConnectionPool() = default;

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(
    PoolOptions options, prometheus::Registry* registry) {
  if (options.size < 1) return absl::InvalidArgumentError("pool size must be at least 1");
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(std::move(options)));
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

absl::StatusOr<std::unique_ptr<pqxx::connection>> ConnectionPool::Open() {
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.dsn);
    {
      pqxx::nontransaction tx(*conn);
      tx.exec(absl::StrCat("SET statement_timeout = ",
                           absl::ToInt64Milliseconds(options_.statement_timeout)));
      tx.exec("SET TIME ZONE 'UTC'");
    }
    // The kit's own statements (commands, audit) and the service's.
    const std::vector<Query>* lists[] = {&CommandRunner::Queries(), &AuditQueries(),
                                         &options_.queries};
    for (const std::vector<Query>* list : lists) {
      for (const Query& q : *list) conn->prepare(std::string(q.name), std::string(q.sql));
    }
    return conn;
  } catch (const pqxx::broken_connection&) {
    log::Error("db_connect_failed", {{"pool", options_.name}});
    return absl::UnavailableError("cannot connect to the database (check CCMS_DB_DSN)");
  } catch (...) {
    return MapCurrentException("open connection");
  }
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> ConnectionPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto deadline =
      std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(options_.acquire_timeout);
  for (;;) {
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      ++in_use_;
      if (in_use_gauge_) in_use_gauge_->Set(in_use_);
      return conn;
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

void ConnectionPool::Release(std::unique_ptr<pqxx::connection> conn, bool broken) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_use_;
    if (in_use_gauge_) in_use_gauge_->Set(in_use_);
    if (broken || conn == nullptr || !conn->is_open()) {
      --open_;
    } else {
      idle_.push_back(std::move(conn));
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
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  absl::Status status;
  bool broken = false;
  try {
    status = fn(**conn);
  } catch (const pqxx::broken_connection&) {
    broken = true;
    status = MapCurrentException("query");
  } catch (...) {
    status = MapCurrentException("query");
  }
  Release(std::move(*conn), broken);
  return status;
}

absl::Status ConnectionPool::InTransaction(const std::function<absl::Status(pqxx::work&)>& fn) {
  if (internal::JoinedCommand* cmd = JoinedOn(this); cmd != nullptr) {
    absl::Status status;
    try {
      status = fn(*cmd->tx);
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
