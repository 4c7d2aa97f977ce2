#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "common/concurrency/periodic_task.h"
#include "common/time/clock.h"
#include "services/reporting/worklist_store.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Gauge;
}  // namespace prometheus

namespace ccms::reporting {

// The domain gauges from reporting's projections (docs/reporting.md, "Gauges"), refreshed every
// `period` (CCMS_REPORTING_GAUGE_REFRESH_SECONDS) on today's Shanghai day:
// - ccms_reporting_cases{district_code,status}: ACTIVE, LOST_CONTACT, NEVER_REPORTED (on the
//   register today) and CLOSED (which only grows and takes every closed projection to count: on the
//   first refresh and every kClosedEvery-th);
// - ccms_reporting_kpi_people{district_code,kpi} and ccms_reporting_kpi_ratio{district_code,kpi}
//   for kpi file (建档), contact (接触), education (教育), assistance (帮扶): the people on the
//   register today who have one, and their share of the register (0 with nobody on it).
// Labels are district codes and fixed codes: districts × 4 statuses and districts × 4 KPIs. A
// district that had figures and has none now shows 0.
class ReportingGauges {
 public:
  ReportingGauges(GaugeStore& store, prometheus::Registry& registry, const time::Clock& clock,
                  absl::Duration period);
  void Start() { task_.Start(); }
  void Stop() { task_.Stop(); }
  // One refresh now; false when the store failed (logged, the gauges keep their values).
  bool RefreshOnce();

  static constexpr int kClosedEvery = 10;  // 10 minutes at the default minute

 private:
  GaugeStore& store_;
  prometheus::Family<prometheus::Gauge>& cases_;
  prometheus::Family<prometheus::Gauge>& kpi_people_;
  prometheus::Family<prometheus::Gauge>& kpi_ratio_;
  const time::Clock& clock_;
  std::mutex mu_;
  int refreshes_ = 0;
  std::map<std::pair<std::string, std::string>, int64_t> closed_;  // the last closed count
  // Every gauge set so far, by family and labels: those without a figure now go back to 0.
  std::map<std::pair<std::string, std::string>, prometheus::Gauge*> case_gauges_;
  std::map<std::pair<std::string, std::string>, prometheus::Gauge*> people_gauges_;
  std::map<std::pair<std::string, std::string>, prometheus::Gauge*> ratio_gauges_;
  concurrency::PeriodicTask task_;
};

}  // namespace ccms::reporting
