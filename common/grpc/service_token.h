#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ccms::grpc_util {

// The service's own token for its calls to other services (authorization: Bearer): given inline
// (CCMS_SERVICE_TOKEN, fixed for the process's life) or as a file (CCMS_SERVICE_TOKEN_FILE) that
// is re-read when it changes, so short-lived tokens can be renewed by a sidecar or a CronJob
// writing the file (docs/operations.md, "Service tokens"). The file's inode, size and
// modification time are looked at at most once per `check_interval`; a new file that cannot be
// read, or is empty, is logged and the token in force kept. Thread-safe.
class ServiceToken {
 public:
  static std::unique_ptr<ServiceToken> Inline(std::string token);
  // Reads `path` now: InvalidArgumentError naming it if it cannot be read or is empty.
  static absl::StatusOr<std::unique_ptr<ServiceToken>> FromFile(
      std::string path, absl::Duration check_interval = absl::Seconds(1));

  // The token in force (the file's content without its trailing newline).
  std::string Current();

 private:
  struct Stamp {
    uint64_t inode = 0;
    int64_t size = -1;
    int64_t mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  ServiceToken(std::string path, absl::Duration check_interval)
      : path_(std::move(path)), check_interval_(check_interval) {}
  bool StampOf(Stamp* out) const;
  absl::StatusOr<std::string> Read() const;

  const std::string path_;  // empty: inline
  const absl::Duration check_interval_;
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  Stamp stamp_ ABSL_GUARDED_BY(mu_);
  absl::Time last_check_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace ccms::grpc_util
