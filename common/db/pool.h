#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/connection>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/query.h"

namespace prometheus {
class Registry;
class Gauge;
class Counter;
template <typename T>
class Family;
}  // namespace prometheus

namespace ccms::db {

struct PoolOptions {
  std::string dsn;
  int size = 8;
  absl::Duration acquire_timeout = absl::Seconds(2);
  // Session settings (statement_timeout, TimeZone 'UTC', jit off) travel in the connection
  // string's `options`: every session the pool or libpq opens has them; RESET / DISCARD keep them.
  absl::Duration statement_timeout = absl::Seconds(5);
  // A connection idle longer than this answers a `SELECT 1` before it is lent (a half-open TCP
  // connection fails the check, not a request). Whatever its idle time, one the server closed
  // (a restart, pg_terminate_backend: its socket is readable while idle) is never lent.
  absl::Duration idle_check_after = absl::Seconds(30);
  // A connection older than this is closed when it comes back (or would be lent) and replaced.
  absl::Duration max_lifetime = absl::Minutes(30);
  // TCP keepalives and tcp_user_timeout of every connection, unless the DSN sets its own.
  absl::Duration tcp_user_timeout = absl::Seconds(10);
  // Prepared on every connection when it opens.
  std::vector<Query> queries;
  // Name used in metric labels (the service).
  std::string name = "ccms";
};

// A bounded pool of libpqxx connections. Connections open lazily up to `size`; a caller waits at
// most `acquire_timeout` for one and then gets UNAVAILABLE. A connection that broke, that the
// server closed while it was idle, that failed its idle check or outlived `max_lifetime` is
// dropped and replaced, so a database restart fails no request that starts after it.
class ConnectionPool;

namespace internal {
// The command a thread is running (see command.h); the pool's transaction helpers join it.
struct JoinedCommand {
  // Where the command's claim of its request id stands. It is claimed lazily: by the first joined
  // call's statement when that statement carries the claim (TakeClaim, command.h), else by a
  // statement of its own before the first joined call runs.
  enum class Claim { kPending, kCarried, kClaimed, kConflict };

  const ConnectionPool* pool = nullptr;
  pqxx::connection* conn = nullptr;  // the command's connection
  pqxx::work* tx = nullptr;          // begun by the first joined call (BeginJoined)
  std::unique_ptr<pqxx::work> owned_tx;
  std::string request_id;
  std::string method;
  std::string subject;
  Claim claim = Claim::kPending;
  std::optional<std::string> kept;  // the response bytes a statement kept (KeepResponse)
  bool failed = false;              // a joined call failed: the command must not commit
  std::vector<std::function<absl::Status(pqxx::work&)>> separate;  // after the command ends
};
JoinedCommand*& CurrentCommand();
// Makes `cmd`'s transaction ready for a joined call: begins it if it has not begun, and claims the
// request id with a statement of its own unless a statement carries the claim. Not OK when the
// claim conflicts (the command is then answered with the first response) or a statement failed.
absl::Status BeginJoined(JoinedCommand& cmd);
}  // namespace internal

// Whether this thread runs a command (CommandRunner::Run) whose transaction the pool joins.
inline bool InsideCommand() { return internal::CurrentCommand() != nullptr; }

class ConnectionPool {
 public:
  // Opens one connection eagerly so a bad DSN fails at start, naming the problem (not the DSN,
  // which may hold a password).
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(PoolOptions options,
                                                                prometheus::Registry* registry);
  ~ConnectionPool();

  // Runs `fn` in one transaction (READ COMMITTED) and commits when it returns OK; a non-OK
  // status rolls back and is returned. libpqxx exceptions are mapped (see MapException).
  absl::Status InTransaction(const std::function<absl::Status(pqxx::work&)>& fn);

  // Inside a command (CommandRunner::Run on this thread, for this pool), `fn` joins the command's
  // transaction instead: it sees what the command wrote so far, and nothing commits before the
  // command does. A joined `fn` that fails (non-OK or a libpqxx exception) stops the command from
  // committing, as a failed transaction of its own would have rolled back.
  //
  // Runs `fn` in a read-only transaction; inside a command, in the command's transaction (so a
  // read after a write of the same command sees it).
  absl::Status Read(const std::function<absl::Status(pqxx::transaction_base&)>& fn);

  // Runs `fn` in a transaction of its own even inside a command: for rows that must outlive a
  // command that fails, such as the audit row of a denial. Inside a command it is kept and run
  // after the command's transaction ends, on the same connection, and OK is returned at once;
  // `fn` must therefore own what it uses (capture by value).
  absl::Status InSeparateTransaction(std::function<absl::Status(pqxx::work&)> fn);

  // Runs `fn` with a connection of the pool, outside any transaction helper. Not inside a
  // command (its connection is in the command's transaction): that is INTERNAL.
  absl::Status WithConnection(const std::function<absl::Status(pqxx::connection&)>& fn);

  int size() const { return options_.size; }
  const PoolOptions& options() const { return options_; }

 private:
  class Lease;
  using Clock = std::chrono::steady_clock;
  struct Pooled {
    std::unique_ptr<pqxx::connection> conn;
    Clock::time_point opened;
    Clock::time_point idle_since;
  };
  explicit ConnectionPool(PoolOptions options);
  absl::StatusOr<Pooled> Open();
  absl::StatusOr<Pooled> Acquire();
  // Empty when `pooled` may be lent; else why it must be closed (a metric label).
  const char* Unfit(Pooled& pooled);
  void Release(Pooled pooled, bool broken);
  void CountDiscard(const char* reason);

  PoolOptions options_;
  std::string conninfo_;  // options_.dsn with the session settings and TCP timeouts
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Pooled> idle_;
  int open_ = 0;
  int in_use_ = 0;
  prometheus::Gauge* in_use_gauge_ = nullptr;
  prometheus::Gauge* size_gauge_ = nullptr;
  prometheus::Counter* timeouts_ = nullptr;
  prometheus::Family<prometheus::Counter>* discards_ = nullptr;
};

// The connection string the pool connects with: `dsn` (key=value or URI) with the session
// settings appended to its `options` (`-c statement_timeout=... -c TimeZone=UTC -c jit=off`), and
// keepalives, tcp_user_timeout, connect_timeout and application_name unless `dsn` sets them.
// InvalidArgument (without the DSN's text) when libpq cannot parse `dsn`.
absl::StatusOr<std::string> SessionConnectionString(const PoolOptions& options);

// Applies a libpqxx exception to a status without its text (which can hold row values):
// unique violation -> ALREADY_EXISTS, serialization failure / deadlock -> ABORTED, broken
// connection or a session the server ended (SQLSTATE 57P01-57P03, class 08) -> UNAVAILABLE,
// statement timeout -> DEADLINE_EXCEEDED, else INTERNAL.
// Call inside a catch block. `what` names the operation for the log line.
absl::Status MapCurrentException(std::string_view what);

// Builds a Postgres array literal of text values that are already validated as plain codes
// (digits, letters, '-', '_'); libpqxx 6.4 has no array parameter conversion.
std::string TextArrayLiteral(const std::vector<std::string>& values);

}  // namespace ccms::db
