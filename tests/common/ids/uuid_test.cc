#include "common/ids/uuid.h"

#include <cstdint>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace ccms::ids {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return c - 'a' + 10;
}

// The 48-bit millisecond timestamp at the front of a UUIDv7.
int64_t TimestampMs(const std::string& uuid) {
  int64_t ms = 0;
  for (char c : uuid.substr(0, 8) + uuid.substr(9, 4)) {
    ms = ms << 4 | HexValue(c);
  }
  return ms;
}

TEST(UuidTest, CanonicalLowercaseFormat) {
  const std::string id = NewUuid();
  ASSERT_EQ(id.size(), 36u);
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(id[i], '-') << id;
    } else {
      EXPECT_TRUE((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')) << id;
    }
  }
  EXPECT_TRUE(IsUuid(id));
}

TEST(UuidTest, VersionSevenAndRfcVariant) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = NewUuid();
    EXPECT_EQ(id[14], '7') << id;
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b') << id;
  }
}

TEST(UuidTest, TimestampIsNow) {
  const int64_t before = absl::ToUnixMillis(absl::Now());
  const std::string id = NewUuid();
  const int64_t after = absl::ToUnixMillis(absl::Now());
  // The generator may borrow a few milliseconds ahead under heavy load.
  EXPECT_GE(TimestampMs(id), before);
  EXPECT_LE(TimestampMs(id), after + 5);
}

TEST(UuidTest, TenThousandUnique) {
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) {
    EXPECT_TRUE(seen.insert(NewUuid()).second);
  }
  EXPECT_EQ(seen.size(), 10'000u);
}

TEST(UuidTest, OrderedAcrossMilliseconds) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(NewUuid());
    absl::SleepFor(absl::Milliseconds(2));
  }
  for (size_t i = 1; i < ids.size(); ++i) {
    EXPECT_LT(ids[i - 1], ids[i]);
    EXPECT_LT(TimestampMs(ids[i - 1]), TimestampMs(ids[i]));
  }
}

TEST(UuidTest, StrictlyIncreasingWithinOneProcess) {
  std::string previous = NewUuid();
  for (int i = 0; i < 10'000; ++i) {
    std::string next = NewUuid();
    ASSERT_LT(previous, next);
    previous = std::move(next);
  }
}

TEST(UuidTest, UniqueAcrossThreads) {
  absl::Mutex mu;
  std::unordered_set<std::string> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> local;
      for (int i = 0; i < 2'500; ++i) local.push_back(NewUuid());
      absl::MutexLock lock(&mu);
      seen.insert(local.begin(), local.end());
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(seen.size(), 10'000u);
}

TEST(IsUuidTest, AcceptsCanonicalFormsOfAnyVersion) {
  EXPECT_TRUE(IsUuid("00000000-0000-0000-0000-000000000000"));
  EXPECT_TRUE(IsUuid("ffffffff-ffff-ffff-ffff-ffffffffffff"));
  EXPECT_TRUE(IsUuid("123e4567-e89b-12d3-a456-426614174000"));  // v1
  EXPECT_TRUE(IsUuid("f47ac10b-58cc-4372-a567-0e02b2c3d479"));  // v4
  EXPECT_TRUE(IsUuid("F47AC10B-58CC-4372-A567-0E02B2C3D479"));
  EXPECT_TRUE(IsUuid("0190d3f2-7c8e-7a3b-9f4e-1c2d3e4f5a6b"));  // v7
}

TEST(IsUuidTest, RejectsEverythingElse) {
  EXPECT_FALSE(IsUuid(""));
  EXPECT_FALSE(IsUuid("f47ac10b58cc4372a5670e02b2c3d479"));
  EXPECT_FALSE(IsUuid("{f47ac10b-58cc-4372-a567-0e02b2c3d479}"));
  EXPECT_FALSE(IsUuid("urn:uuid:f47ac10b-58cc-4372-a567-0e02b2c3d479"));
  EXPECT_FALSE(IsUuid("f47ac10b-58cc-4372-a567-0e02b2c3d47"));
  EXPECT_FALSE(IsUuid("f47ac10b-58cc-4372-a567-0e02b2c3d4799"));
  EXPECT_FALSE(IsUuid("f47ac10b-58cc-4372-a567-0e02b2c3d47g"));
  EXPECT_FALSE(IsUuid("f47ac10b-58cc-4372-a5670-e02b2c3d479"));
  EXPECT_FALSE(IsUuid("f47ac10b_58cc_4372_a567_0e02b2c3d479"));
  EXPECT_FALSE(IsUuid(" f47ac10b-58cc-4372-a567-0e02b2c3d47"));
}

}  // namespace
}  // namespace ccms::ids
