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

// Real time moved by a fixed offset: reads `start` when made and advances in real time from
// there. The services' test clock (CCMS_TEST_CLOCK_START): rules over dates run as on another day
// while everything measured in real time (tokens, deadlines, timers) keeps the system clock.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(absl::Time start) : offset_(start - absl::Now()) {}
  absl::Time Now() const override { return absl::Now() + offset_; }
  absl::Duration offset() const { return offset_; }

 private:
  const absl::Duration offset_;
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
