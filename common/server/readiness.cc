#include "common/server/readiness.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "common/log/log.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace ccms::server {

ReadinessTracker::ReadinessTracker(std::vector<DependencyRule> rules, absl::Time now) {
  states_.reserve(rules.size());
  for (DependencyRule& rule : rules) {
    State s;
    s.rule = std::move(rule);
    s.down_since = now;
    states_.push_back(std::move(s));
  }
}

void ReadinessTracker::ProbeStarted(size_t dependency, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  State& s = states_[dependency];
  s.in_flight = true;
  s.probe_started = now;
}

void ReadinessTracker::ProbeFinished(size_t dependency, bool ok, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  State& s = states_[dependency];
  // A failure dates the outage from the earliest sign of it: an earlier failure, or the moment
  // this probe overran its timeout. A success ends it, however late it came.
  if (!ok) s.down_since = std::min(now, DownSince(s, now));
  s.last_ok = ok;
  s.in_flight = false;
}

absl::Time ReadinessTracker::DownSince(const State& s, absl::Time now) const {
  absl::Time since = s.last_ok ? absl::InfiniteFuture() : s.down_since;
  if (s.in_flight) {
    const absl::Time overrun = s.probe_started + s.rule.probe_timeout;
    if (now > overrun) since = std::min(since, overrun);
  }
  return since;
}

bool ReadinessTracker::Up(size_t dependency, absl::Time now) const {
  std::lock_guard<std::mutex> lock(mu_);
  return DownSince(states_[dependency], now) == absl::InfiniteFuture();
}

bool ReadinessTracker::Ready(absl::Time now) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const State& s : states_) {
    const absl::Time since = DownSince(s, now);
    if (since != absl::InfiniteFuture() && now - since >= s.rule.grace) return false;
  }
  return true;
}

namespace {

std::vector<DependencyRule> RulesOf(const std::vector<ReadinessChecker::Dependency>& deps) {
  std::vector<DependencyRule> rules;
  for (const auto& d : deps) rules.push_back(d.rule);
  return rules;
}

}  // namespace

ReadinessChecker::ReadinessChecker(std::vector<Dependency> dependencies, absl::Duration period,
                                   prometheus::Registry* registry, Listener on_change)
    : dependencies_(std::move(dependencies)),
      period_(period),
      on_change_(std::move(on_change)),
      tracker_(RulesOf(dependencies_), absl::Now()),
      reported_up_(dependencies_.size(), -1),
      last_error_(dependencies_.size()) {
  if (registry != nullptr) {
    auto& up = prometheus::BuildGauge()
                   .Name("ccms_dependency_up")
                   .Help("1 while the dependency answers the readiness probe, else 0")
                   .Register(*registry);
    for (const auto& d : dependencies_)
      up_gauges_.push_back(&up.Add({{"dependency", d.rule.name}}));
    ready_gauge_ = &prometheus::BuildGauge()
                        .Name("ccms_ready")
                        .Help("1 while the readiness health status is SERVING, else 0")
                        .Register(*registry)
                        .Add({});
  }
}

ReadinessChecker::~ReadinessChecker() { Stop(); }

void ReadinessChecker::Probe(size_t i) {
  tracker_.ProbeStarted(i, absl::Now());
  const absl::Status st = dependencies_[i].probe->Check(dependencies_[i].rule.probe_timeout);
  tracker_.ProbeFinished(i, st.ok(), absl::Now());
  {
    std::lock_guard<std::mutex> lock(report_mu_);
    last_error_[i] = st.ok() ? "" : std::string(st.message());
  }
  Evaluate();
}

void ReadinessChecker::Evaluate() {
  std::lock_guard<std::mutex> lock(report_mu_);
  if (stopped_.load()) return;
  const absl::Time now = absl::Now();
  for (size_t i = 0; i < dependencies_.size(); ++i) {
    const int up = tracker_.Up(i, now) ? 1 : 0;
    if (up == reported_up_[i]) continue;
    const std::string& name = dependencies_[i].rule.name;
    if (up == 1) {
      log::Info("dependency_up", {{"dependency", name}});
    } else {
      const std::string& error = last_error_[i];
      log::Warn("dependency_down",
                {{"dependency", name},
                 {"error", error.empty() ? std::string("probe timed out") : error},
                 {"grace_ms", absl::ToInt64Milliseconds(dependencies_[i].rule.grace)}});
    }
    reported_up_[i] = up;
    if (i < up_gauges_.size()) up_gauges_[i]->Set(up);
  }
  const int ready = tracker_.Ready(now) ? 1 : 0;
  if (ready == reported_ready_) return;
  if (reported_ready_ != -1 || ready == 0) {
    log::Write(ready == 1 ? log::Level::kInfo : log::Level::kWarn, "readiness_changed",
               {{"ready", ready == 1}});
  }
  reported_ready_ = ready;
  ready_.store(ready == 1);
  if (ready_gauge_ != nullptr) ready_gauge_->Set(ready);
  if (on_change_) on_change_(ready == 1);
}

void ReadinessChecker::Start() {
  for (size_t i = 0; i < dependencies_.size(); ++i) {
    tracker_.ProbeStarted(i, absl::Now());
    const absl::Status st = dependencies_[i].probe->Check(dependencies_[i].rule.probe_timeout);
    tracker_.ProbeFinished(i, st.ok(), absl::Now());
    std::lock_guard<std::mutex> lock(report_mu_);
    last_error_[i] = st.ok() ? "" : std::string(st.message());
  }
  Evaluate();
  for (size_t i = 0; i < dependencies_.size(); ++i) {
    tasks_.push_back(std::make_unique<concurrency::PeriodicTask>([this, i] { Probe(i); }, period_));
  }
  // Hung probes and grace periods run out without a probe finishing: look again regularly.
  tasks_.push_back(std::make_unique<concurrency::PeriodicTask>(
      [this] { Evaluate(); }, std::max(period_ / 4, absl::Milliseconds(50))));
  for (auto& t : tasks_) t->Start();
}

void ReadinessChecker::Stop() {
  {
    std::lock_guard<std::mutex> lock(report_mu_);
    if (stopped_.exchange(true)) return;
  }
  for (auto& t : tasks_) t->Stop();
}

}  // namespace ccms::server
