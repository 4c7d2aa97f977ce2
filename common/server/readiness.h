#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/concurrency/periodic_task.h"

namespace prometheus {
class Gauge;
class Registry;
}  // namespace prometheus

namespace ccms::server {

// How one dependency counts toward readiness.
struct DependencyRule {
  // The `dependency` label of ccms_dependency_up and the name in logs: "postgres", "kafka".
  std::string name;
  // How long the dependency may be down before readiness turns NOT_SERVING; zero: at once.
  absl::Duration grace = absl::ZeroDuration();
  // A probe still running after this long counts as a failed one, from that moment on.
  absl::Duration probe_timeout = absl::Seconds(2);
};

// What the probes of each dependency reported, and what follows for readiness. Pure (the caller
// passes the time) and thread-safe. Before its first probe finishes a dependency counts as down
// since the tracker was made, so a grace period also covers the start.
class ReadinessTracker {
 public:
  ReadinessTracker(std::vector<DependencyRule> rules, absl::Time now);

  void ProbeStarted(size_t dependency, absl::Time now);
  void ProbeFinished(size_t dependency, bool ok, absl::Time now);

  // Whether the dependency answered its last probe and no probe has been hanging past its
  // timeout since.
  bool Up(size_t dependency, absl::Time now) const;
  // True when every dependency is up or has been down for less than its grace period.
  bool Ready(absl::Time now) const;

  size_t size() const { return states_.size(); }
  const DependencyRule& rule(size_t dependency) const { return states_[dependency].rule; }

 private:
  struct State {
    DependencyRule rule;
    bool last_ok = false;
    absl::Time down_since;  // meaningful while !last_ok
    bool in_flight = false;
    absl::Time probe_started;
  };
  // Since when the dependency is down (InfiniteFuture when it is up).
  absl::Time DownSince(const State& s, absl::Time now) const;

  mutable std::mutex mu_;
  std::vector<State> states_;
};

// Asks whether a dependency answers. Implementations bound their own blocking to about
// `timeout` (the tracker also treats a probe that overruns it as failed). Called from one
// thread at a time.
class DependencyProbe {
 public:
  virtual ~DependencyProbe() = default;
  // OK when the dependency answered; otherwise a status whose message names the failure
  // without any connection string, host credentials or data.
  virtual absl::Status Check(absl::Duration timeout) = 0;
};

// Probes each dependency on a thread of its own every `period`, keeps a ReadinessTracker, and
// reports: the gauges ccms_dependency_up{dependency} and ccms_ready, one log line per change,
// and `on_change(ready)` whenever readiness flips (and once at Start()).
class ReadinessChecker {
 public:
  struct Dependency {
    DependencyRule rule;
    std::unique_ptr<DependencyProbe> probe;
  };
  using Listener = std::function<void(bool ready)>;

  // `registry` may be null (no gauges).
  ReadinessChecker(std::vector<Dependency> dependencies, absl::Duration period,
                   prometheus::Registry* registry, Listener on_change);
  ~ReadinessChecker();
  ReadinessChecker(const ReadinessChecker&) = delete;
  ReadinessChecker& operator=(const ReadinessChecker&) = delete;

  // Probes every dependency once on the calling thread (so the first answer is known when it
  // returns), reports, then keeps probing in the background.
  void Start();
  // Stops the probes; no more on_change calls after it returns. Idempotent.
  void Stop();

  bool ready() const { return ready_.load(); }

 private:
  void Probe(size_t dependency);
  void Evaluate();

  std::vector<Dependency> dependencies_;
  absl::Duration period_;
  Listener on_change_;
  ReadinessTracker tracker_;
  std::vector<prometheus::Gauge*> up_gauges_;
  prometheus::Gauge* ready_gauge_ = nullptr;

  std::mutex report_mu_;          // serializes Evaluate(): gauges, logs and on_change
  std::vector<int> reported_up_;  // -1 unknown, else 0/1
  int reported_ready_ = -1;
  std::vector<std::string> last_error_;  // per dependency, guarded by report_mu_
  std::atomic<bool> ready_{false};
  std::atomic<bool> stopped_{false};
  std::vector<std::unique_ptr<concurrency::PeriodicTask>> tasks_;
};

}  // namespace ccms::server
