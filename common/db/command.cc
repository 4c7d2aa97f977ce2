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

absl::Status CommandRunner::Run(const CommandKey& key, google::protobuf::Message* response,
                                const std::function<absl::Status()>& handler) {
  if (internal::CurrentCommand() != nullptr) {
    return absl::InternalError("internal error");  // commands do not nest
  }
  absl::Status result;
  bool committed = false;
  bool replayed = false;
  absl::Status st = pool_.WithConnection([&](pqxx::connection& conn) -> absl::Status {
    internal::JoinedCommand cmd;
    {
      pqxx::work tx(conn);
      pqxx::result claim =
          tx.exec_prepared(std::string(kClaim.name), key.request_id, key.method, key.subject);
      if (claim.affected_rows() == 0) {
        pqxx::result first = tx.exec_prepared(std::string(kFirstResponse.name), key.request_id);
        if (first.empty() || first[0][2].is_null()) {
          return errors::WithReason(
              absl::AbortedError("a request with this request_id is in progress; retry"),
              errors::kRequestInProgress);
        }
        if (first[0][0].as<std::string>() != key.method ||
            first[0][1].as<std::string>() != key.subject) {
          return errors::WithReason(
              absl::AlreadyExistsError(
                  "request_id was already used for a different request; use a new request_id"),
              errors::kRequestIdReused);
        }
        const pqxx::binarystring bytes(first[0][2]);
        if (!response->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
          log::Error("command_first_response_unreadable", {{"method", key.method}});
          return absl::InternalError("internal error");
        }
        replayed = true;
        return absl::OkStatus();
      }
      cmd.pool = &pool_;
      cmd.tx = &tx;
      {
        JoinGuard join(&cmd);
        result = handler();
      }
      if (result.ok() && cmd.failed) {
        // The handler went on after a store call failed; what it wrote is not whole.
        log::Error("command_store_call_failed", {{"method", key.method}});
        result = absl::InternalError("internal error");
      }
      if (result.ok()) {
        tx.exec_prepared(std::string(kKeepResponse.name), key.request_id,
                         pqxx::binarystring(ResponseBytes(*response)));
        tx.commit();
        committed = true;
      } else {
        tx.abort();
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
