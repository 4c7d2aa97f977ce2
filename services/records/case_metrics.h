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
// every `period`. District codes are a few dozen values per city: low-cardinality labels.
class CaseMetrics {
 public:
  CaseMetrics(CaseStore& store, prometheus::Registry& registry, const time::Clock& clock,
              absl::Duration period);
  void Start() { task_.Start(); }
  void Stop() { task_.Stop(); }
  void RefreshOnce();

 private:
  CaseStore& store_;
  prometheus::Family<prometheus::Gauge>& family_;
  prometheus::Family<prometheus::Gauge>& never_reported_;
  const time::Clock& clock_;
  std::set<prometheus::Gauge*> never_gauges_;
  concurrency::PeriodicTask task_;
};

}  // namespace ccms::records
