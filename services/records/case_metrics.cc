#include "services/records/case_metrics.h"

#include "common/log/log.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace ccms::records {

CaseMetrics::CaseMetrics(RecordsStore& store, prometheus::Registry& registry, absl::Duration period)
    : store_(store),
      family_(prometheus::BuildGauge()
                  .Name("ccms_cases")
                  .Help("Supervision cases by district and status")
                  .Register(registry)),
      period_(period) {}

CaseMetrics::~CaseMetrics() { Stop(); }

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
}

void CaseMetrics::Start() {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      RefreshOnce();
      lock.lock();
      cv_.wait_for(lock, absl::ToChronoMilliseconds(period_), [this] { return stopping_; });
    }
  });
}

void CaseMetrics::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ccms::records
