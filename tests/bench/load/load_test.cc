#include <set>

#include "gtest/gtest.h"
#include "services/records/domain/id_number.h"
#include "tests/bench/load/city_seed.h"
#include "tests/bench/load/histogram.h"
#include "tests/bench/load/workload.h"

namespace ccms::bench {
namespace {

TEST(LatencyHistogram, BucketsAreContiguousAndPrecise) {
  for (int i = 0; i < 5000; ++i) {
    EXPECT_EQ(LatencyHistogram::LowestOf(i + 1), LatencyHistogram::HighestOf(i) + 1) << i;
  }
  for (int64_t v : {0L, 1L, 255L, 256L, 1000L, 123456L, 987654321L, 4000000000000L}) {
    const int i = LatencyHistogram::IndexOf(v);
    EXPECT_LE(LatencyHistogram::LowestOf(i), v);
    EXPECT_GE(LatencyHistogram::HighestOf(i), v);
    EXPECT_LE(LatencyHistogram::HighestOf(i) - LatencyHistogram::LowestOf(i), v / 128 + 1);
  }
}

TEST(LatencyHistogram, Percentiles) {
  LatencyHistogram h;
  EXPECT_EQ(h.ValueAt(0.5), 0);
  for (int64_t v = 1; v <= 10000; ++v) h.Record(v * 1000);  // 1 us .. 10 ms
  EXPECT_EQ(h.count(), 10000u);
  EXPECT_NEAR(h.ValueAt(0.5), 5'000'000, 5'000'000 / 100);
  EXPECT_NEAR(h.ValueAt(0.99), 9'900'000, 9'900'000 / 100);
  EXPECT_EQ(h.ValueAt(1.0), 10'000'000);
  EXPECT_EQ(h.max(), 10'000'000);
  EXPECT_EQ(h.min(), 1000);
  EXPECT_NEAR(h.mean(), 5'000'500, 1);

  LatencyHistogram other;
  other.Record(50'000'000);
  h.Merge(other);
  EXPECT_EQ(h.count(), 10001u);
  EXPECT_EQ(h.max(), 50'000'000);
}

TEST(Workload, IdentityNumbersAreValidAndDistinct) {
  std::set<std::string> seen;
  const absl::CivilDay today(2026, 1, 1);
  for (uint64_t n :
       {uint64_t{0}, uint64_t{1}, uint64_t{999}, uint64_t{123456789}, IdNumberSpace() - 1}) {
    const std::string id = IdNumberFor(n);
    EXPECT_TRUE(records::domain::ParseResidentId(id, today).ok()) << id;
  }
  for (uint64_t n = 5'000'000; n < 5'050'000; ++n) {
    const std::string id = IdNumberFor(n);
    ASSERT_TRUE(seen.insert(id).second) << id;
    if (n % 997 == 0) {
      EXPECT_TRUE(records::domain::ParseResidentId(id, today).ok()) << id;
    }
  }
}

TEST(Workload, RequestsSpreadOverSixteenDistricts) {
  EXPECT_EQ(BenchDistricts().size(), 16u);
  std::set<std::string> districts;
  for (uint64_t n = 0; n < 32; ++n) districts.insert(MakeOpenCase(n).assignment().district_code());
  EXPECT_EQ(districts.size(), 16u);
}

// The city seeder's people: valid, distinct over a million (the whole of a city), none of them
// a number the other scenarios open (IdNumberFor), and with the birth day and sex the seeder's
// SQL gives the person from the same i.
TEST(CitySeed, IdentityNumbersAreValidDistinctAndMatchTheSqlSide) {
  std::set<std::string> seen;
  const absl::CivilDay today(2026, 12, 6);
  for (int64_t i = 0; i < 1'000'000; ++i) {
    const std::string id = CityIdNumber(i);
    ASSERT_TRUE(seen.insert(id).second) << i << " " << id;
    if (i % 9973 == 0 || i == 999'999 || i == 16 * 18000 - 1 || i == 16 * 18000) {
      auto parsed = records::domain::ParseResidentId(id, today);
      ASSERT_TRUE(parsed.ok()) << i << " " << id;
      EXPECT_EQ(parsed->birth_date, absl::CivilDay(1955, 1, 1) + CityBirthDayIndex(i)) << id;
      EXPECT_EQ(parsed->sex == records::domain::Sex::kMale, CityPersonMale(i)) << id;
    }
  }
  for (uint64_t n = 0; n < 200'000; n += 7) EXPECT_EQ(seen.count(IdNumberFor(n)), 0u);
}

}  // namespace
}  // namespace ccms::bench
