#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "services/reporting/domain/reports.h"

namespace ccms::reporting {

// Which snapshot: a report definition, a scope ("" for the city, else a district code), an
// office of that district ("" for every office) and the first day of the period.
struct SnapshotKey {
  std::string report_id;
  std::string scope;
  absl::CivilDay period_start;
  std::string office_id;
};

// A partition's applied position: the offset after the last event reporting applied from it.
struct TopicPosition {
  std::string topic;
  int partition = 0;
  int64_t next_offset = 0;
};

// One stored version of a snapshot.
struct StoredSnapshot {
  int version = 0;
  domain::SnapshotContent content;
  std::string canonical;  // the content's canonical text (snapshot_codec.h)
  std::string checksum;   // SHA-256 of `canonical`, hex
  std::vector<TopicPosition> positions;
  absl::Time computed_at;
  std::optional<absl::Time> published_at;
  // The run counted only the events recorded by then (RunSnapshot's as_known_at); not in the
  // canonical text or the checksum.
  std::optional<absl::Time> as_known_at;
};

struct SnapshotVersionInfo {
  int version = 0;
  std::string checksum;
  absl::Time computed_at;
  std::optional<absl::Time> published_at;
  std::optional<absl::Time> as_known_at;
};

// What the snapshot handlers read and write (migrations/V002__snapshots.sql). Inside a command
// (CommandRunner) every call joins the command's transaction.
class SnapshotStore {
 public:
  virtual ~SnapshotStore() = default;

  // Holds the snapshot's lock until the transaction ends: runs and publications of one snapshot
  // take turns.
  virtual absl::Status Lock(const SnapshotKey& key) = 0;
  // The applied position of `consumer_group` on every partition it applied an event from
  // (reporting's inbox rows of that group, or of a group named `consumer_group`-<suffix>, as the
  // tests' harness names it), by topic and partition.
  virtual absl::StatusOr<std::vector<TopicPosition>> AppliedPositions(
      const std::string& consumer_group) = 0;
  // The versions of a snapshot, oldest first (empty: never run).
  virtual absl::StatusOr<std::vector<SnapshotVersionInfo>> Versions(const SnapshotKey& key) = 0;
  // One version; NOT_FOUND when absent, DATA_LOSS when its stored content does not parse.
  virtual absl::StatusOr<StoredSnapshot> Get(const SnapshotKey& key, int version) = 0;
  // Writes `snapshot` as version snapshot.version: a new row, or (replace) the unpublished row of
  // that version; and the audit row (action RunSnapshot).
  virtual absl::Status Save(const SnapshotKey& key, const StoredSnapshot& snapshot, bool replace,
                            const auth::Principal& principal, const std::string& request_id) = 0;
  // An audit row of a run that added no version (its result equals the published one).
  virtual absl::Status AuditUnchanged(const SnapshotKey& key, int version,
                                      const auth::Principal& principal,
                                      const std::string& request_id) = 0;
  // Freezes a draft version and writes the audit row (action PublishReport). NOT_FOUND when the
  // version does not exist; FAILED_PRECONDITION when it is already published.
  virtual absl::Status Publish(const SnapshotKey& key, int version,
                               const auth::Principal& principal, const std::string& request_id) = 0;
};

}  // namespace ccms::reporting
