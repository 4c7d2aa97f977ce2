#include "tests/bench/load/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace ccms::bench {

LatencyHistogram::LatencyHistogram() : min_(std::numeric_limits<int64_t>::max()) {
  for (auto& b : buckets_) b.store(0, std::memory_order_relaxed);
}

int LatencyHistogram::IndexOf(int64_t value) {
  if (value < 0) value = 0;
  const auto v = static_cast<uint64_t>(value);
  if (v < 2 * kHalf) return static_cast<int>(v);
  const int shift = std::bit_width(v) - 1 - kSubBits;
  return shift * kHalf + static_cast<int>(v >> shift);
}

int64_t LatencyHistogram::LowestOf(int index) {
  if (index < 2 * kHalf) return index;
  const int shift = index / kHalf - 1;
  const int64_t sub = index % kHalf + kHalf;
  return sub << shift;
}

int64_t LatencyHistogram::HighestOf(int index) {
  if (index < 2 * kHalf) return index;
  const int shift = index / kHalf - 1;
  return LowestOf(index) + (int64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(int64_t nanos) {
  if (nanos < 0) nanos = 0;
  buckets_[IndexOf(nanos)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(nanos, std::memory_order_relaxed);
  int64_t cur = min_.load(std::memory_order_relaxed);
  while (nanos < cur && !min_.compare_exchange_weak(cur, nanos, std::memory_order_relaxed)) {
  }
  cur = max_.load(std::memory_order_relaxed);
  while (nanos > cur && !max_.compare_exchange_weak(cur, nanos, std::memory_order_relaxed)) {
  }
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) {
    const uint64_t n = other.buckets_[i].load(std::memory_order_relaxed);
    if (n != 0) buckets_[i].fetch_add(n, std::memory_order_relaxed);
  }
  count_.fetch_add(other.count(), std::memory_order_relaxed);
  sum_.fetch_add(other.sum_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  if (other.count() > 0) {
    int64_t cur = min_.load(std::memory_order_relaxed);
    const int64_t omin = other.min();
    while (omin < cur && !min_.compare_exchange_weak(cur, omin)) {
    }
    cur = max_.load(std::memory_order_relaxed);
    const int64_t omax = other.max();
    while (omax > cur && !max_.compare_exchange_weak(cur, omax)) {
    }
  }
}

int64_t LatencyHistogram::min() const {
  return count() == 0 ? 0 : min_.load(std::memory_order_relaxed);
}

double LatencyHistogram::mean() const {
  const uint64_t n = count();
  return n == 0 ? 0.0 : static_cast<double>(sum_.load(std::memory_order_relaxed)) / n;
}

int64_t LatencyHistogram::ValueAt(double q) const {
  const uint64_t n = count();
  if (n == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * n)));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i].load(std::memory_order_relaxed);
    if (seen >= rank) return std::min(HighestOf(i), max());
  }
  return max();
}

}  // namespace ccms::bench
