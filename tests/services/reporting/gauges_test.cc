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
#include "tests/support/gauge_value.h"

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

TEST(ReportingGaugesTest, ClosedCasesAreCountedSeldomAndShownInBetween) {
  FakeGaugeStore store;
  prometheus::Registry registry;
  // ccms's gauge of district 110101's cases in `status` (-1: no such series).
  auto cases = [&](const std::string& status) {
    return ::ccms::testing::GaugeValue(registry, "ccms_reporting_cases",
                                       {{"district_code", "110101"}, {"status", status}});
  };
  time::FakeClock clock(absl::FromUnixSeconds(1796600000));
  ReportingGauges gauges(store, registry, clock, absl::Minutes(1));
  store.open_counts = {{{"110101", "ACTIVE"}, 30}, {{"110101", "NEVER_REPORTED"}, 2}};
  store.closed_counts = {{{"110101", "CLOSED"}, 900}};
  ASSERT_TRUE(gauges.RefreshOnce());
  EXPECT_EQ(store.closed_calls, 1);
  EXPECT_EQ(cases("ACTIVE"), 30);
  EXPECT_EQ(cases("CLOSED"), 900);

  store.open_counts = {{{"110101", "ACTIVE"}, 31}};
  store.closed_counts = {{{"110101", "CLOSED"}, 901}};
  for (int i = 1; i < ReportingGauges::kClosedEvery; ++i) ASSERT_TRUE(gauges.RefreshOnce());
  EXPECT_EQ(store.open_calls, ReportingGauges::kClosedEvery);
  EXPECT_EQ(store.closed_calls, 1);
  EXPECT_EQ(cases("ACTIVE"), 31);
  EXPECT_EQ(cases("NEVER_REPORTED"), 0);
  EXPECT_EQ(cases("CLOSED"),
            900);  // the last count, not 0
  ASSERT_TRUE(gauges.RefreshOnce());
  EXPECT_EQ(store.closed_calls, 2);
  EXPECT_EQ(cases("CLOSED"), 901);
}

}  // namespace
}  // namespace ccms::reporting
