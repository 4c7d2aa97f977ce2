// CaseMetrics (services/records/case_metrics.h): the open cases counted on every refresh, the
// closed ones on the first and every kClosedEvery-th (a whole-table count at a city's scale), and
// a count that fell to none shown as 0.
#include "services/records/case_metrics.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/time/civil_time.h"
#include "common/time/calendar.h"
#include "prometheus/registry.h"
#include "tests/services/records/fake_stores.h"
#include "tests/support/gauge_value.h"

namespace ccms::records {
namespace {

using domain::CaseStatus;

TEST(CaseMetricsTest, OpenCasesEveryRefreshClosedOnesSeldomAndNoneShowsZero) {
  testing::FakeCaseStore store;
  prometheus::Registry registry;
  // ccms's gauge of district 110101's cases in `status` (-1: no such series).
  auto cases = [&](const std::string& status) {
    return ::ccms::testing::GaugeValue(registry, "ccms_cases",
                                       {{"district_code", "110101"}, {"status", status}});
  };
  time::FakeClock clock(
      absl::FromCivil(absl::CivilSecond(2026, 12, 7, 10, 0, 0), absl::UTCTimeZone()));
  CaseMetrics metrics(store, registry, clock, absl::Seconds(15));
  store.open_counts = {{"110101", CaseStatus::kActive, 7},
                       {"110101", CaseStatus::kPendingIntake, 2}};
  store.closed_counts = {{"110101", CaseStatus::kDischarged, 900}};

  metrics.RefreshOnce();
  EXPECT_EQ(store.open_count_calls, 1);
  EXPECT_EQ(store.closed_count_calls, 1);  // the first refresh counts both
  EXPECT_EQ(cases("ACTIVE"), 7);
  EXPECT_EQ(cases("PENDING_INTAKE"), 2);
  EXPECT_EQ(cases("DISCHARGED"), 900);

  // Every pending case reported, one more discharged: the open counts follow at once, the
  // closed one at the next closed round.
  store.open_counts = {{"110101", CaseStatus::kActive, 8}};
  store.closed_counts = {{"110101", CaseStatus::kDischarged, 901}};
  for (int i = 1; i < CaseMetrics::kClosedEvery; ++i) metrics.RefreshOnce();
  EXPECT_EQ(store.open_count_calls, CaseMetrics::kClosedEvery);
  EXPECT_EQ(store.closed_count_calls, 1);
  EXPECT_EQ(cases("ACTIVE"), 8);
  EXPECT_EQ(cases("PENDING_INTAKE"), 0);
  EXPECT_EQ(cases("DISCHARGED"), 900);
  metrics.RefreshOnce();
  EXPECT_EQ(store.open_count_calls, CaseMetrics::kClosedEvery + 1);
  EXPECT_EQ(store.closed_count_calls, 2);
  EXPECT_EQ(cases("DISCHARGED"), 901);
}

}  // namespace
}  // namespace ccms::records
