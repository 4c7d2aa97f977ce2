#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/connection>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ccms::kafka {

// One row of dead_letters as operators see it: ids, types, where it came from, why and when;
// never the payload (it holds a person's data).
struct DeadLetter {
  int64_t id = 0;
  std::string source;    // "outbox" or the consumer group
  std::string event_id;  // "" when the payload was no envelope
  std::string event_type;
  std::string topic;
  std::string record_key;            // the case id
  std::optional<int32_t> partition;  // consumed events
  std::optional<int64_t> offset;
  std::optional<int64_t> outbox_id;  // outbox rows
  std::string error_class;
  int attempts = 0;
  absl::Time first_failed_at;
  absl::Time dead_at;
  std::optional<absl::Time> requeued_at;
  std::optional<absl::Time> resolved_at;
};

struct DeadLetterQuery {
  std::string source;     // "" = every source
  bool open_only = true;  // only rows not resolved yet
  int64_t after_id = 0;   // paging: rows with a larger id
  int limit = 100;        // 1..1000
};

// Lists dead letters in id order.
absl::StatusOr<std::vector<DeadLetter>> ListDeadLetters(pqxx::connection& conn,
                                                        const DeadLetterQuery& query);
// One dead letter; NotFound if there is none with that id.
absl::StatusOr<DeadLetter> GetDeadLetter(pqxx::connection& conn, int64_t id);
// Marks it for requeue (requeued_at = now()); its owner (the relay for source "outbox", the
// consumer of that group otherwise) takes it back and sets resolved_at. Requeueing a row that
// waits for its owner already changes nothing; a resolved one is FailedPrecondition.
absl::StatusOr<DeadLetter> RequeueDeadLetter(pqxx::connection& conn, int64_t id);

}  // namespace ccms::kafka
