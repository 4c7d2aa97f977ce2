#include "common/metrics/metrics.h"

#include <exception>

#include "absl/strings/str_cat.h"

namespace ccms::metrics {

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& listen_address) {
  auto registry = std::make_shared<prometheus::Registry>();
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(listen_address, /*num_threads=*/1);
    exposer->RegisterCollectable(registry);
    return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(exposer), registry));
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", listen_address, ": ", e.what()));
  }
}

int MetricsServer::port() const {
  auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace ccms::metrics
