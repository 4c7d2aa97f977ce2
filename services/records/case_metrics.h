#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "absl/time/time.h"
#include "common/concurrency/periodic_task.h"
#include "common/time/clock.h"
#include "services/records/records_store.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Gauge;
}  // namespace prometheus

namespace ccms::records {

// Refreshes the gauges ccms_cases{district_code,status} and
// ccms_cases_never_reported{district_code} (漏管: pending intake past the deadline) from the store
// every `period`; the closed statuses, which only grow and take the whole table to count, every
// kClosedEvery-th refresh (and the first). A count that fell to none shows 0. District codes are a
// few dozen values per city: low-cardinality labels.
class CaseMetrics {
 public:
  CaseMetrics(CaseStore& store, prometheus::Registry& registry, const time::Clock& clock,
              absl::Duration period);
  void Start() { task_.Start(); }
  void Stop() { task_.Stop(); }
  void RefreshOnce();

  static constexpr int kClosedEvery = 40;  // 10 minutes at the records service's 15 s

 private:
  // Sets the gauges of `counts`, and 0 on those of `shown` that are not among them.
  void Show(const std::vector<CaseCount>& counts, std::set<prometheus::Gauge*>& shown);

  CaseStore& store_;
  prometheus::Family<prometheus::Gauge>& family_;
  prometheus::Family<prometheus::Gauge>& never_reported_;
  const time::Clock& clock_;
  std::set<prometheus::Gauge*> never_gauges_;
  std::set<prometheus::Gauge*> open_gauges_;
  std::set<prometheus::Gauge*> closed_gauges_;
  int refreshes_ = 0;
  concurrency::PeriodicTask task_;
};

}  // namespace ccms::records
