#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace ccms::config {

// Reads CCMS_* settings from the environment and collects every problem, so a service that
// refuses to start names all missing or malformed settings at once, never their values.
class Env {
 public:
  // `lookup` defaults to getenv; tests pass their own map.
  using Lookup = const char* (*)(const char*);
  explicit Env(Lookup lookup = nullptr);

  std::string RequiredString(std::string_view name);
  std::string String(std::string_view name, std::string_view fallback);
  // A secret given either inline (NAME) or as a file path (NAME_FILE); exactly one is required.
  std::string RequiredSecret(std::string_view name);
  int64_t Int(std::string_view name, int64_t fallback, int64_t min, int64_t max);
  absl::Duration Millis(std::string_view name, int64_t fallback_ms, int64_t min_ms, int64_t max_ms);
  // "true" or "false" (also 1/0, yes/no, on/off; any case).
  bool Bool(std::string_view name, bool fallback);
  // "host:port" with a port in 0..65535.
  std::string Address(std::string_view name, std::string_view fallback);
  // An RFC 3339 instant with its offset ("2027-02-28T09:00:00+08:00"); nullopt when unset.
  std::optional<absl::Time> Instant(std::string_view name);

  // Records a problem found by the caller (a value that contradicts another setting).
  void Fail(std::string_view name, std::string_view what) { Problem(name, what); }

  // OK, or InvalidArgument listing each bad setting by name.
  absl::Status Finish() const;

 private:
  const char* Get(std::string_view name) const;
  void Problem(std::string_view name, std::string_view what);

  Lookup lookup_;
  std::vector<std::string> problems_;
};

}  // namespace ccms::config
