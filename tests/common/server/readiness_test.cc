#include "common/server/readiness.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"

namespace ccms::server {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1800000000);

ReadinessTracker TwoDependencies() {
  return ReadinessTracker({{.name = "postgres", .grace = absl::ZeroDuration()},
                           {.name = "kafka", .grace = absl::Minutes(5)}},
                          kT0);
}

void Report(ReadinessTracker& t, size_t dep, bool ok, absl::Time at) {
  t.ProbeStarted(dep, at);
  t.ProbeFinished(dep, ok, at);
}

TEST(ReadinessTrackerTest, NotReadyBeforeTheDatabaseFirstAnswers) {
  ReadinessTracker t = TwoDependencies();
  EXPECT_FALSE(t.Up(0, kT0));
  EXPECT_FALSE(t.Up(1, kT0));
  EXPECT_FALSE(t.Ready(kT0));
  Report(t, 0, true, kT0 + absl::Milliseconds(5));
  EXPECT_TRUE(t.Up(0, kT0 + absl::Milliseconds(5)));
  // The broker has not answered yet, but its grace covers the start.
  EXPECT_TRUE(t.Ready(kT0 + absl::Milliseconds(5)));
  EXPECT_TRUE(t.Ready(kT0 + absl::Minutes(5) - absl::Milliseconds(1)));
  EXPECT_FALSE(t.Ready(kT0 + absl::Minutes(5)));
}

TEST(ReadinessTrackerTest, DatabaseLossIsNotReadyAtOnceAndItsReturnReadyAtOnce) {
  ReadinessTracker t = TwoDependencies();
  Report(t, 0, true, kT0);
  Report(t, 1, true, kT0);
  EXPECT_TRUE(t.Ready(kT0));
  const absl::Time lost = kT0 + absl::Seconds(10);
  Report(t, 0, false, lost);
  EXPECT_FALSE(t.Up(0, lost));
  EXPECT_TRUE(t.Up(1, lost));
  EXPECT_FALSE(t.Ready(lost));
  Report(t, 0, true, lost + absl::Seconds(1));
  EXPECT_TRUE(t.Ready(lost + absl::Seconds(1)));
}

TEST(ReadinessTrackerTest, BrokerLossCountsOnlyAfterItsGraceFromTheFirstFailure) {
  ReadinessTracker t = TwoDependencies();
  Report(t, 0, true, kT0);
  Report(t, 1, true, kT0);
  const absl::Time lost = kT0 + absl::Minutes(1);
  for (absl::Duration d = absl::ZeroDuration(); d <= absl::Minutes(6); d += absl::Seconds(1)) {
    Report(t, 0, true, lost + d);
    Report(t, 1, false, lost + d);  // every probe fails; the outage still began at `lost`
  }
  EXPECT_FALSE(t.Up(1, lost));
  EXPECT_TRUE(t.Ready(lost + absl::Minutes(5) - absl::Seconds(1)));
  EXPECT_FALSE(t.Ready(lost + absl::Minutes(5)));
  EXPECT_FALSE(t.Ready(lost + absl::Minutes(6)));
  // One answer ends the outage; the next one starts its grace afresh.
  const absl::Time back = lost + absl::Minutes(6) + absl::Seconds(1);
  Report(t, 1, true, back);
  EXPECT_TRUE(t.Ready(back));
  Report(t, 1, false, back + absl::Seconds(1));
  EXPECT_TRUE(t.Ready(back + absl::Minutes(5)));
  EXPECT_FALSE(t.Ready(back + absl::Seconds(1) + absl::Minutes(5)));
}

TEST(ReadinessTrackerTest, AProbeHangingPastItsTimeoutIsAFailureFromThen) {
  ReadinessTracker t(
      {{.name = "postgres", .probe_timeout = absl::Seconds(2)},
       {.name = "kafka", .grace = absl::Seconds(10), .probe_timeout = absl::Seconds(2)}},
      kT0);
  Report(t, 0, true, kT0);
  Report(t, 1, true, kT0);
  const absl::Time start = kT0 + absl::Seconds(1);
  t.ProbeStarted(0, start);
  t.ProbeStarted(1, start);
  EXPECT_TRUE(t.Up(0, start + absl::Seconds(2)));
  EXPECT_TRUE(t.Ready(start + absl::Seconds(2)));
  EXPECT_FALSE(t.Up(0, start + absl::Milliseconds(2001)));
  EXPECT_FALSE(t.Ready(start + absl::Milliseconds(2001)));
  // The broker's hung probe finally fails: the outage dates from its timeout, not its end.
  t.ProbeFinished(1, false, start + absl::Seconds(9));
  t.ProbeFinished(0, true, start + absl::Seconds(9));
  EXPECT_TRUE(t.Up(0, start + absl::Seconds(9)));
  EXPECT_TRUE(t.Ready(start + absl::Seconds(12) - absl::Milliseconds(1)));
  EXPECT_FALSE(t.Ready(start + absl::Seconds(12)));
  // A late success ends it.
  t.ProbeStarted(1, start + absl::Seconds(13));
  t.ProbeFinished(1, true, start + absl::Seconds(16));
  EXPECT_TRUE(t.Up(1, start + absl::Seconds(16)));
  EXPECT_TRUE(t.Ready(start + absl::Seconds(16)));
}

// A probe the test answers for; Check() can also be made to hang until released.
class FakeProbe : public DependencyProbe {
 public:
  absl::Status Check(absl::Duration) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++checks_;
    cv_.wait(lock, [this] { return !hang_; });
    return ok_ ? absl::OkStatus() : absl::UnavailableError("cannot connect");
  }
  void Set(bool ok, bool hang = false) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ok_ = ok;
      hang_ = hang;
    }
    cv_.notify_all();
  }
  int checks() {
    std::lock_guard<std::mutex> lock(mu_);
    return checks_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool ok_ = true;
  bool hang_ = false;
  int checks_ = 0;
};

double GaugeValue(prometheus::Registry& registry, const std::string& family,
                  const std::string& dependency) {
  for (const auto& f : registry.Collect()) {
    if (f.name != family) continue;
    for (const auto& m : f.metric) {
      const bool match = dependency.empty()
                             ? m.label.empty()
                             : (m.label.size() == 1 && m.label[0].value == dependency);
      if (match) return m.gauge.value;
    }
  }
  return -1;
}

class ReadinessCheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pg = std::make_unique<FakeProbe>();
    auto kafka = std::make_unique<FakeProbe>();
    pg_ = pg.get();
    kafka_ = kafka.get();
    std::vector<ReadinessChecker::Dependency> deps;
    deps.push_back({{.name = "postgres", .probe_timeout = absl::Milliseconds(300)}, std::move(pg)});
    deps.push_back({{.name = "kafka",
                     .grace = absl::Milliseconds(600),
                     .probe_timeout = absl::Milliseconds(300)},
                    std::move(kafka)});
    checker_ = std::make_unique<ReadinessChecker>(std::move(deps), absl::Milliseconds(50),
                                                  &registry_, [this](bool ready) {
                                                    std::lock_guard<std::mutex> lock(mu_);
                                                    changes_.push_back(ready);
                                                  });
  }
  void TearDown() override {
    pg_->Set(true);  // release a hanging probe so Stop() can join
    kafka_->Set(true);
    checker_->Stop();
  }
  // Waits up to 3 s for readiness to become `want`; returns how long it took.
  absl::Duration WaitReady(bool want) {
    const absl::Time start = absl::Now();
    while (checker_->ready() != want && absl::Now() - start < absl::Seconds(3)) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    EXPECT_EQ(checker_->ready(), want);
    return absl::Now() - start;
  }
  std::vector<bool> changes() {
    std::lock_guard<std::mutex> lock(mu_);
    return changes_;
  }

  prometheus::Registry registry_;
  FakeProbe* pg_ = nullptr;
  FakeProbe* kafka_ = nullptr;
  std::unique_ptr<ReadinessChecker> checker_;
  std::mutex mu_;
  std::vector<bool> changes_;
};

TEST_F(ReadinessCheckerTest, ReportsAtStartThenFollowsTheDatabase) {
  checker_->Start();
  EXPECT_TRUE(checker_->ready()) << "the first probes run before Start() returns";
  EXPECT_EQ(changes(), std::vector<bool>{true});
  EXPECT_EQ(GaugeValue(registry_, "ccms_dependency_up", "postgres"), 1);
  EXPECT_EQ(GaugeValue(registry_, "ccms_ready", ""), 1);

  pg_->Set(false);
  EXPECT_LT(WaitReady(false), absl::Milliseconds(500));
  EXPECT_EQ(GaugeValue(registry_, "ccms_dependency_up", "postgres"), 0);
  EXPECT_EQ(GaugeValue(registry_, "ccms_dependency_up", "kafka"), 1);
  EXPECT_EQ(GaugeValue(registry_, "ccms_ready", ""), 0);
  pg_->Set(true);
  EXPECT_LT(WaitReady(true), absl::Milliseconds(500));
  EXPECT_EQ(changes(), (std::vector<bool>{true, false, true}));
}

TEST_F(ReadinessCheckerTest, BrokerLossWaitsForItsGrace) {
  checker_->Start();
  kafka_->Set(false);
  const absl::Time lost = absl::Now();
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(GaugeValue(registry_, "ccms_dependency_up", "kafka"), 0);
  EXPECT_TRUE(checker_->ready()) << "still within the broker's grace";
  WaitReady(false);
  EXPECT_GE(absl::Now() - lost, absl::Milliseconds(550));
  kafka_->Set(true);
  WaitReady(true);
}

TEST_F(ReadinessCheckerTest, AHangingDatabaseProbeTurnsNotReadyAfterItsTimeout) {
  checker_->Start();
  pg_->Set(true, /*hang=*/true);
  const absl::Time hung = absl::Now();
  WaitReady(false);
  const absl::Duration took = absl::Now() - hung;
  EXPECT_GE(took, absl::Milliseconds(300));
  EXPECT_LT(took, absl::Milliseconds(1000));
  EXPECT_EQ(GaugeValue(registry_, "ccms_dependency_up", "postgres"), 0);
  pg_->Set(true);
  WaitReady(true);
}

TEST_F(ReadinessCheckerTest, NoChangeReportedAfterStop) {
  checker_->Start();
  checker_->Stop();
  const int checks = pg_->checks();
  pg_->Set(false);
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(pg_->checks(), checks);
  EXPECT_EQ(changes(), std::vector<bool>{true});
}

}  // namespace
}  // namespace ccms::server
