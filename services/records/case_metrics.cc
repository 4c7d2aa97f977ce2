#include "services/records/case_metrics.h"

#include "common/log/log.h"
#include "common/time/calendar.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace ccms::records {

CaseMetrics::CaseMetrics(CaseStore& store, prometheus::Registry& registry, const time::Clock& clock,
                         absl::Duration period)
    : store_(store),
      family_(prometheus::BuildGauge()
                  .Name("ccms_cases")
                  .Help("Supervision cases by district and status")
                  .Register(registry)),
      never_reported_(prometheus::BuildGauge()
                          .Name("ccms_cases_never_reported")
                          .Help("Cases with no intake check-in past the deadline (漏管)")
                          .Register(registry)),
      clock_(clock),
      task_([this] { RefreshOnce(); }, period) {}

void CaseMetrics::Show(const std::vector<CaseCount>& counts, std::set<prometheus::Gauge*>& shown) {
  std::set<prometheus::Gauge*> now;
  for (const auto& c : counts) {
    auto* g = &family_.Add({{"district_code", c.district_code},
                            {"status", std::string(domain::CaseStatusName(c.status))}});
    g->Set(static_cast<double>(c.count));
    now.insert(g);
  }
  for (auto* g : shown) {
    if (!now.contains(g)) g->Set(0);
  }
  shown.insert(now.begin(), now.end());
}

void CaseMetrics::RefreshOnce() {
  const bool closed_too = refreshes_++ % kClosedEvery == 0;
  for (const bool closed : {false, true}) {
    if (closed && !closed_too) break;
    auto counts = store_.CountCases(closed);
    if (!counts.ok()) {
      log::Warn("case_metrics_refresh_failed", {{"error", std::string(counts.status().message())}});
      if (closed_too) refreshes_ = 0;  // the next refresh tries again
      return;
    }
    Show(*counts, closed ? closed_gauges_ : open_gauges_);
  }
  auto never = store_.CountNeverReported(time::ShanghaiDay(clock_.Now()));
  if (!never.ok()) return;
  // Districts that had some and have none now go back to zero.
  for (auto* g : never_gauges_) g->Set(0);
  for (const auto& [district, n] : *never) {
    auto* g = &never_reported_.Add({{"district_code", district}});
    g->Set(static_cast<double>(n));
    never_gauges_.insert(g);
  }
}

}  // namespace ccms::records
