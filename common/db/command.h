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
// request id by the same caller and method gets those bytes back, the *first* response; the same
// id under another method or caller is ALREADY_EXISTS.
//
// The claim is lazy: the transaction begins with the handler's first store call, and is claimed
// by that call's first statement when it carries the claim (TakeClaim below), else by a statement
// of its own just before it. A claim that finds the request id taken (a retry, or a copy of the
// request running at once: the claim waits for it to end) makes the command answer with the first
// response, read by a statement of its own with a fresh snapshot, whatever the handler then does;
// what the handler wrote is rolled back. A handler that fails before its first store call leaves
// the request id unclaimed, and the id is looked up then: a first response is still the answer.
// The kept response is written by the handler's last statement when that statement carries it
// (KeepResponse), else by a statement of its own before the commit.
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

// A statement that carries the command's claim, so the claim costs no round trip of its own.
// It adds CCMS_COMMAND_CLAIM_CTE to its WITH list with TakeClaim's three values as parameters,
// gates every write and lock of its own on CCMS_COMMAND_CLAIMED (PostgreSQL then settles the claim
// first: two copies of one request wait on the request id, never on each other's rows), returns
// that condition as a column and passes it to SettleClaim before it uses anything else the
// statement returned. `id`, `method`, `subject`: the parameters' numbers, as string literals.
#define CCMS_COMMAND_CLAIM_CTE(id, method, subject)                          \
  "kit_claim AS (INSERT INTO idempotency_keys (request_id, method, subject)" \
  " SELECT NULLIF($" id "::text, '')::uuid, $" method "::text, $" subject    \
  "::text"                                                                   \
  " WHERE $" id "::text <> '' ON CONFLICT (request_id) DO NOTHING RETURNING 1)"
#define CCMS_COMMAND_CLAIMED(id) "($" id "::text = '' OR EXISTS (SELECT 1 FROM kit_claim))"
// The kept response, in the WITH list of the command's last statement: KeepResponse's values.
#define CCMS_COMMAND_KEEP_CTE(id, bytes)                        \
  "kit_keep AS (UPDATE idempotency_keys SET response = $" bytes \
  "::bytea"                                                     \
  " WHERE request_id = NULLIF($" id "::text, '')::uuid)"

// The claim's values for a statement about to run on `pool`. Inside a command on `pool` whose
// claim is still to be made, the command's key (and the claim is then that statement's: call
// TakeClaim before the store call's InTransaction); else an empty request id, which claims nothing
// and lets the statement go on.
struct ClaimValues {
  std::string request_id;
  std::string method;
  std::string subject;
};
ClaimValues TakeClaim(const ConnectionPool& pool);

// What the statement said of the claim (its CCMS_COMMAND_CLAIMED column). OK when the command may
// go on; ABORTED when the request id was taken, which the store returns at once (the command is
// then answered with the first response).
absl::Status SettleClaim(const ConnectionPool& pool, bool claimed);

// The kept response's values for the command's last statement: inside a command on `pool` whose
// claim is made, its request id and `response`'s bytes (the command then writes them itself only
// if the response it answers with differs); else an empty request id, which keeps nothing.
struct KeptValues {
  std::string request_id;
  std::string bytes;
};
KeptValues KeepResponse(const ConnectionPool& pool, const google::protobuf::Message& response);

}  // namespace ccms::db
