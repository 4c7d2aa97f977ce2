#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"

namespace ccms::metrics {

// Buckets for request and publish latencies, in seconds: 0.5 ms .. 10 s.
std::vector<double> LatencyBuckets();

// The process's Prometheus registry and its HTTP exposer on a port of its own (/metrics).
class MetricsServer {
 public:
  // `listen_address` is host:port; port 0 picks a free one (tests).
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& listen_address);

  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }
  int port() const;

 private:
  MetricsServer(std::unique_ptr<prometheus::Exposer> exposer,
                std::shared_ptr<prometheus::Registry> registry)
      : exposer_(std::move(exposer)), registry_(std::move(registry)) {}

  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<prometheus::Registry> registry_;
};

}  // namespace ccms::metrics
