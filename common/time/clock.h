#pragma once

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ccms::time {

// The one source of "now" for services, so rules over dates can be tested at any instant.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// A clock tests set by hand.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time now) : now_ns_(absl::ToUnixNanos(now)) {}
  absl::Time Now() const override { return absl::FromUnixNanos(now_ns_.load()); }
  void Set(absl::Time now) { now_ns_.store(absl::ToUnixNanos(now)); }
  void Advance(absl::Duration d) { now_ns_.fetch_add(absl::ToInt64Nanoseconds(d)); }

 private:
  std::atomic<int64_t> now_ns_;
};

}  // namespace ccms::time
