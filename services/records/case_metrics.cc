#include "services/records/case_metrics.h"

#include "common/log/log.h"
#include "common/time/calendar.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace ccms::records {

CaseMetrics::CaseMetrics(CaseStore& store, prometheus::Registry& registry,
                         const time::Clock& clock, absl::Duration period)
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

void CaseMetrics::RefreshOnce() {
  auto counts = store_.CountCases();
  if (!counts.ok()) {
    log::Warn("case_metrics_refresh_failed", {{"error", std::string(counts.status().message())}});
    return;
  }
  for (const auto& c : *counts) {
    family_
        .Add({{"district_code", c.district_code},
              {"status", std::string(domain::CaseStatusName(c.status))}})
        .Set(static_cast<double>(c.count));
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
