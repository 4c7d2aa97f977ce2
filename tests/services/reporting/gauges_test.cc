// ReportingGauges (services/reporting/gauges.h): the cases on the register counted on every
// refresh, the closed ones on the first and every kClosedEvery-th (every closed projection of a
// city), their last count shown in between.
#include "services/reporting/gauges.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

#include "common/time/clock.h"
#include "prometheus/registry.h"

namespace ccms::reporting {
namespace {

using Counts = std::map<std::pair<std::string, std::string>, int64_t>;

class FakeGaugeStore : public GaugeStore {
 public:
  absl::StatusOr<Counts> CountCases(absl::CivilDay, bool closed) override {
    ++(closed ? closed_calls : open_calls);
    return closed ? closed_counts : open_counts;
  }
  absl::StatusOr<std::map<std::string, KpiCounts>> CountKpis(absl::CivilDay) override {
    return std::map<std::string, KpiCounts>{};
  }
  Counts open_counts, closed_counts;
  int open_calls = 0, closed_calls = 0;
};

// ccms_reporting_cases{district_code, status}; -1 when the series does not exist.
double Cases(prometheus::Registry& registry, const std::string& district,
             const std::string& status) {
  for (const auto& family : registry.Collect()) {
    if (family.name != "ccms_reporting_cases") continue;
    for (const auto& m : family.metric) {
      std::string d, s;
      for (const auto& l : m.label) {
        if (l.name == "district_code") d = l.value;
        if (l.name == "status") s = l.value;
      }
      if (d == district && s == status) return m.gauge.value;
    }
  }
  return -1;
}

TEST(ReportingGaugesTest, ClosedCasesAreCountedSeldomAndShownInBetween) {
  FakeGaugeStore store;
  prometheus::Registry registry;
  time::FakeClock clock(absl::FromUnixSeconds(1796600000));
  ReportingGauges gauges(store, registry, clock, absl::Minutes(1));
  store.open_counts = {{{"110101", "ACTIVE"}, 30}, {{"110101", "NEVER_REPORTED"}, 2}};
  store.closed_counts = {{{"110101", "CLOSED"}, 900}};
  ASSERT_TRUE(gauges.RefreshOnce());
  EXPECT_EQ(store.closed_calls, 1);
  EXPECT_EQ(Cases(registry, "110101", "ACTIVE"), 30);
  EXPECT_EQ(Cases(registry, "110101", "CLOSED"), 900);

  store.open_counts = {{{"110101", "ACTIVE"}, 31}};
  store.closed_counts = {{{"110101", "CLOSED"}, 901}};
  for (int i = 1; i < ReportingGauges::kClosedEvery; ++i) ASSERT_TRUE(gauges.RefreshOnce());
  EXPECT_EQ(store.open_calls, ReportingGauges::kClosedEvery);
  EXPECT_EQ(store.closed_calls, 1);
  EXPECT_EQ(Cases(registry, "110101", "ACTIVE"), 31);
  EXPECT_EQ(Cases(registry, "110101", "NEVER_REPORTED"), 0);
  EXPECT_EQ(Cases(registry, "110101", "CLOSED"), 900);  // the last count, not 0
  ASSERT_TRUE(gauges.RefreshOnce());
  EXPECT_EQ(store.closed_calls, 2);
  EXPECT_EQ(Cases(registry, "110101", "CLOSED"), 901);
}

}  // namespace
}  // namespace ccms::reporting
