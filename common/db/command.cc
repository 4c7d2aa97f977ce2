#include "common/db/command.h"

#include <pqxx/pqxx>
#include <utility>

#include "common/errors/reason.h"
#include "common/log/log.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"

namespace ccms::db {
namespace {

// The claim waits on the primary key while another transaction holds the same request id, so
// two copies of one request never both run: the second sees the first's committed response.
constexpr Query kClaim = {
    "kit_command_claim",
    "INSERT INTO idempotency_keys (request_id, method, subject) VALUES ($1, $2, $3)"
    " ON CONFLICT (request_id) DO NOTHING"};
constexpr Query kFirstResponse = {
    "kit_command_first_response",
    "SELECT method, subject, response FROM idempotency_keys WHERE request_id = $1"};
constexpr Query kKeepResponse = {"kit_command_keep_response",
                                 "UPDATE idempotency_keys SET response = $2 WHERE request_id = $1"};

// Deterministic bytes, so the stored response does not depend on map order.
std::string ResponseBytes(const google::protobuf::Message& response) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    response.SerializeToCodedStream(&coded);
  }
  return bytes;
}

// What a store call answers when the command's request id was taken: the command then answers
// with the first response (CommandRunner::Run), not with this.
absl::Status ClaimConflict() {
  return errors::WithReason(absl::AbortedError("a request with this request_id was answered"),
                            errors::kRequestInProgress);
}

// Installs a command as the thread's current one for as long as it lives.
class JoinGuard {
 public:
  explicit JoinGuard(internal::JoinedCommand* cmd) { internal::CurrentCommand() = cmd; }
  ~JoinGuard() { internal::CurrentCommand() = nullptr; }
  JoinGuard(const JoinGuard&) = delete;
  JoinGuard& operator=(const JoinGuard&) = delete;
};

}  // namespace

CommandRunner::CommandRunner(ConnectionPool& pool, std::function<void()> after_commit,
                             prometheus::Registry* registry)
    : pool_(pool), after_commit_(std::move(after_commit)) {
  if (registry != nullptr) {
    replays_ = &prometheus::BuildCounter()
                    .Name("ccms_command_replays_total")
                    .Help("Retried requests answered with the first response")
                    .Register(*registry)
                    .Add({});
  }
}

const std::vector<Query>& CommandRunner::Queries() {
  static const std::vector<Query> kQueries = {kClaim, kFirstResponse, kKeepResponse};
  return kQueries;
}

namespace internal {

absl::Status BeginJoined(JoinedCommand& cmd) {
  if (cmd.claim == JoinedCommand::Claim::kConflict) return ClaimConflict();
  if (cmd.tx == nullptr) {
    cmd.owned_tx = std::make_unique<pqxx::work>(*cmd.conn);
    cmd.tx = cmd.owned_tx.get();
  }
  if (cmd.claim != JoinedCommand::Claim::kPending) return absl::OkStatus();
  // No statement carries the claim: a statement of its own (it waits while another transaction
  // holds the same request id).
  pqxx::result claim =
      cmd.tx->exec_prepared(std::string(kClaim.name), cmd.request_id, cmd.method, cmd.subject);
  if (claim.affected_rows() == 0) {
    cmd.claim = JoinedCommand::Claim::kConflict;
    return ClaimConflict();
  }
  cmd.claim = JoinedCommand::Claim::kClaimed;
  return absl::OkStatus();
}

}  // namespace internal

ClaimValues TakeClaim(const ConnectionPool& pool) {
  internal::JoinedCommand* cmd = internal::CurrentCommand();
  if (cmd == nullptr || cmd->pool != &pool ||
      cmd->claim != internal::JoinedCommand::Claim::kPending) {
    return {};
  }
  cmd->claim = internal::JoinedCommand::Claim::kCarried;
  return {cmd->request_id, cmd->method, cmd->subject};
}

absl::Status SettleClaim(const ConnectionPool& pool, bool claimed) {
  internal::JoinedCommand* cmd = internal::CurrentCommand();
  if (cmd == nullptr || cmd->pool != &pool ||
      cmd->claim != internal::JoinedCommand::Claim::kCarried) {
    return absl::OkStatus();  // the statement claimed nothing
  }
  cmd->claim = claimed ? internal::JoinedCommand::Claim::kClaimed
                       : internal::JoinedCommand::Claim::kConflict;
  return claimed ? absl::OkStatus() : ClaimConflict();
}

KeptValues KeepResponse(const ConnectionPool& pool, const google::protobuf::Message& response) {
  internal::JoinedCommand* cmd = internal::CurrentCommand();
  if (cmd == nullptr || cmd->pool != &pool ||
      cmd->claim != internal::JoinedCommand::Claim::kClaimed) {
    return {};
  }
  cmd->kept = ResponseBytes(response);
  return {cmd->request_id, *cmd->kept};
}

absl::Status CommandRunner::Run(const CommandKey& key, google::protobuf::Message* response,
                                const std::function<absl::Status()>& handler) {
  if (internal::CurrentCommand() != nullptr) {
    return absl::InternalError("internal error");  // commands do not nest
  }
  using Claim = internal::JoinedCommand::Claim;
  absl::Status result;
  bool committed = false;
  bool replayed = false;
  absl::Status st = pool_.WithConnection([&](pqxx::connection& conn) -> absl::Status {
    internal::JoinedCommand cmd;
    cmd.pool = &pool_;
    cmd.conn = &conn;
    cmd.request_id = key.request_id;
    cmd.method = key.method;
    cmd.subject = key.subject;
    {
      JoinGuard join(&cmd);
      result = handler();
      if (result.ok() && cmd.failed && cmd.claim != Claim::kConflict) {
        // The handler went on after a store call failed; what it wrote is not whole.
        log::Error("command_store_call_failed", {{"method", key.method}});
        result = absl::InternalError("internal error");
      }
      // A handler that wrote nothing is claimed now (an OK answer is kept like any other).
      if (result.ok() && cmd.claim != Claim::kConflict && cmd.claim != Claim::kClaimed) {
        if (cmd.claim == Claim::kCarried) cmd.claim = Claim::kPending;  // never settled
        (void)internal::BeginJoined(cmd);
      }
    }
    if (cmd.claim == Claim::kClaimed && result.ok()) {
      const std::string bytes = ResponseBytes(*response);
      if (!cmd.kept.has_value() || *cmd.kept != bytes) {
        cmd.tx->exec_prepared(std::string(kKeepResponse.name), key.request_id,
                              pqxx::binarystring(bytes));
      }
      cmd.tx->commit();
      committed = true;
    } else if (cmd.owned_tx != nullptr) {
      cmd.owned_tx->abort();
    }
    cmd.tx = nullptr;
    cmd.owned_tx.reset();
    // The request id is taken (claim conflict), or was never claimed by a failed handler: what
    // the id holds is the answer, read with a fresh snapshot.
    if (cmd.claim == Claim::kConflict || (!result.ok() && cmd.claim != Claim::kClaimed)) {
      pqxx::nontransaction tx(conn);
      const pqxx::result first = tx.exec_prepared(std::string(kFirstResponse.name), key.request_id);
      if (first.empty()) {
        if (cmd.claim == Claim::kConflict) {
          // Taken, then given up before this read: the copy that held it failed.
          return errors::WithReason(
              absl::AbortedError("a request with this request_id is in progress; retry"),
              errors::kRequestInProgress);
        }
      } else if (first[0][0].as<std::string>() != key.method ||
                 first[0][1].as<std::string>() != key.subject) {
        return errors::WithReason(
            absl::AlreadyExistsError(
                "request_id was already used for a different request; use a new request_id"),
            errors::kRequestIdReused);
      } else if (first[0][2].is_null()) {
        return errors::WithReason(
            absl::AbortedError("a request with this request_id is in progress; retry"),
            errors::kRequestInProgress);
      } else {
        const pqxx::binarystring bytes(first[0][2]);
        if (!response->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
          log::Error("command_first_response_unreadable", {{"method", key.method}});
          return absl::InternalError("internal error");
        }
        replayed = true;
        return absl::OkStatus();
      }
    }
    // Rows that outlive the command (denials' audit rows), each in a transaction of its own.
    for (auto& separate : cmd.separate) {
      try {
        pqxx::work tx(conn);
        if (separate(tx).ok()) tx.commit();
      } catch (...) {
        (void)MapCurrentException("command_separate_write");  // logged; the command stands
      }
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (replayed) {
    if (replays_ != nullptr) replays_->Increment();
    return absl::OkStatus();
  }
  if (committed && after_commit_) after_commit_();
  return result;
}

}  // namespace ccms::db
