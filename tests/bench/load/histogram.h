#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace ccms::bench {

// A latency histogram in the style of HdrHistogram: values (nanoseconds) fall into buckets that
// are linear within each power of two (128 per octave), so every recorded value is known to
// within 1/128 (0.8%) from 1 ns to hours, in a fixed 60 KiB. Record() is lock-free and may be
// called from any thread; reads are meant for after the run (or approximate during it).
class LatencyHistogram {
 public:
  LatencyHistogram();
  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  void Record(int64_t nanos);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  int64_t min() const;
  int64_t max() const { return max_.load(std::memory_order_relaxed); }
  double mean() const;
  // The value at quantile q in [0, 1]: the highest value of the bucket holding the
  // ceil(q * count)-th smallest recorded value (capped at max()); 0 when empty.
  int64_t ValueAt(double q) const;

  // Bucket arithmetic, exposed for tests.
  static int IndexOf(int64_t value);
  static int64_t LowestOf(int index);
  static int64_t HighestOf(int index);

 private:
  static constexpr int kSubBits = 7;  // 128 linear buckets per octave
  static constexpr int kHalf = 1 << kSubBits;
  static constexpr int kBuckets = (64 - kSubBits) * kHalf + kHalf;

  std::array<std::atomic<uint64_t>, kBuckets> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<int64_t> sum_{0};
  std::atomic<int64_t> min_;
  std::atomic<int64_t> max_{0};
};

}  // namespace ccms::bench
