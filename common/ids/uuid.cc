#include "common/ids/uuid.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ccms::ids {
namespace {

constexpr size_t kUuidLength = 36;
constexpr uint16_t kCounterMax = 0xFFF;  // rand_a is 12 bits.
// Seeds leave the counter's top bit clear, so at least 2048 ids fit in a
// millisecond before we borrow the next one.
constexpr uint16_t kSeedMask = 0x7FF;

// RFC 9562 6.2 method 1: a counter in rand_a, reseeded each new millisecond.
struct ClockState {
  absl::Mutex mu;
  int64_t last_ms ABSL_GUARDED_BY(mu) = 0;
  uint16_t counter ABSL_GUARDED_BY(mu) = 0;
};

ClockState& State() {
  static ClockState* const state = new ClockState();  // Never destroyed.
  return *state;
}

// Fills `out` from the kernel's CSPRNG (getrandom(2), the source OpenSSL seeds from). Blocks
// only until the pool is first initialised at boot; aborts if the kernel refuses.
void FillRandom(unsigned char* out, size_t size) {
  while (size > 0) {
    const ssize_t n = getrandom(out, size, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "ccms::ids::NewUuid: getrandom failed (errno %d)\n", errno);
      std::abort();
    }
    out += n;
    size -= static_cast<size_t>(n);
  }
}

bool IsHyphenPosition(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

std::string NewUuid() {
  // 2 bytes seed the counter, 8 fill rand_b (62 bits used).
  std::array<unsigned char, 10> random;
  FillRandom(random.data(), random.size());
  const uint16_t seed = static_cast<uint16_t>((random[0] << 8 | random[1]) & kSeedMask);
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());

  int64_t ms;
  uint16_t counter;
  {
    ClockState& state = State();
    absl::MutexLock lock(&state.mu);
    if (now_ms > state.last_ms) {
      state.last_ms = now_ms;
      state.counter = seed;
    } else if (state.counter < kCounterMax) {
      // Same millisecond, or the clock stepped back: stay ordered.
      ++state.counter;
    } else {
      ++state.last_ms;
      state.counter = seed;
    }
    ms = state.last_ms;
    counter = state.counter;
  }

  std::array<uint8_t, 16> bytes;
  for (int i = 0; i < 6; ++i) {
    bytes[i] = static_cast<uint8_t>(static_cast<uint64_t>(ms) >> (40 - 8 * i));
  }
  bytes[6] = static_cast<uint8_t>(0x70 | (counter >> 8));  // Version 7.
  bytes[7] = static_cast<uint8_t>(counter & 0xFF);
  bytes[8] = static_cast<uint8_t>(0x80 | (random[2] & 0x3F));  // Variant 10.
  for (int i = 9; i < 16; ++i) bytes[i] = random[i - 6];

  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(kUuidLength);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xF]);
  }
  return out;
}

bool IsUuid(std::string_view text) {
  if (text.size() != kUuidLength) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsHyphenPosition(i) ? text[i] != '-' : !IsHexDigit(text[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace ccms::ids
