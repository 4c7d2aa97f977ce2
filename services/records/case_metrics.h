#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "services/records/records_store.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Gauge;
}  // namespace prometheus

namespace ccms::records {

// Refreshes the gauge ccms_cases{district_code,status} from the store every `period`. District
// codes are a few dozen values per city, so the labels stay low-cardinality.
class CaseMetrics {
 public:
  CaseMetrics(RecordsStore& store, prometheus::Registry& registry, absl::Duration period);
  ~CaseMetrics();
  void Start();
  void Stop();
  void RefreshOnce();

 private:
  RecordsStore& store_;
  prometheus::Family<prometheus::Gauge>& family_;
  absl::Duration period_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ccms::records
