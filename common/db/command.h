#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "common/db/pool.h"
#include "common/db/query.h"
#include "google/protobuf/message.h"

namespace prometheus {
class Counter;
class Registry;
}  // namespace prometheus

namespace ccms::db {

// Who asks for a command, under which client request id.
struct CommandKey {
  std::string request_id;  // a UUID, as the client sent it
  std::string method;      // the RPC, as its request type: "ccms.records.v1.OpenCaseRequest"
  std::string subject;     // the caller's token subject
};

// Runs a mutating call as one command: one transaction that claims the request id, holds
// everything the handler's store calls write (they join it, see ConnectionPool::InTransaction),
// and stores the response's bytes with the request id before it commits. A retry of the same
// request id by the same caller and method gets those bytes back, the *first* response, without
// running the handler again; the same id under another method or caller is ALREADY_EXISTS.
//
// A failed handler rolls the whole command back; rows that must outlive it (the audit row of a
// denial) go through ConnectionPool::InSeparateTransaction and are written after the rollback, on
// the same connection, so a worker never holds two connections.
class CommandRunner {
 public:
  // `after_commit` runs after each committed command (the outbox relay's wake-up), may be empty.
  // `registry` may be null (tests).
  CommandRunner(ConnectionPool& pool, std::function<void()> after_commit,
                prometheus::Registry* registry = nullptr);

  // Runs `handler`, which fills `response`. Returns the handler's status, or the store's status
  // if the command cannot be claimed or committed.
  absl::Status Run(const CommandKey& key, google::protobuf::Message* response,
                   const std::function<absl::Status()>& handler);

  // The statements above, prepared on every connection of a pool (ConnectionPool adds them).
  static const std::vector<Query>& Queries();

 private:
  ConnectionPool& pool_;
  std::function<void()> after_commit_;
  prometheus::Counter* replays_ = nullptr;
};

}  // namespace ccms::db
