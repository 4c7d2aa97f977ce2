#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/domain/assessment_policy.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Gauge;
class Counter;
}  // namespace prometheus

namespace ccms::assessment {

// The service's background work, one thread:
//  - every tick (5 s, or at once after Nudge()): the crisis gauges
//    ccms_crisis_flags_unacknowledged{district_code} and
//    ccms_crisis_flags_ack_overdue{district_code};
//  - every `work_period`: opens the current ledger month for active cases (BASE entries),
//    closes the months that ended (points_month_closed, level re-evaluation) and re-evaluates
//    the levels whose review day came (end of the initial strict period, of a warning's STRICT
//    period, RELAXED months reached).
// Replicas may run it together: each step locks the case row, and closing a closed month or
// re-evaluating an unchanged level writes nothing.
class Maintenance {
 public:
  Maintenance(AssessmentStore& store, const domain::AssessmentPolicies& policies,
              const time::Clock& clock, prometheus::Registry& registry, absl::Duration work_period);
  ~Maintenance();

  void Start();
  void Stop();
  // Refreshes the gauges soon (after a crisis flag was raised or acknowledged).
  void Nudge();

  // One pass of each, for tests and the loop.
  void RefreshGauges();
  void RunLedgerAndLevels();

 private:
  AssessmentStore& store_;
  const domain::AssessmentPolicies& policies_;
  const time::Clock& clock_;
  prometheus::Family<prometheus::Gauge>& unacknowledged_;
  prometheus::Family<prometheus::Gauge>& overdue_;
  prometheus::Counter* months_closed_ = nullptr;
  prometheus::Counter* reviews_ = nullptr;
  absl::Duration work_period_;
  std::set<std::string> districts_seen_;
  std::optional<absl::CivilDay> opened_month_;
  std::mutex work_mu_;  // one pass at a time (the loop, tests)
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool nudged_ = false;
  std::thread thread_;
};

}  // namespace ccms::assessment
