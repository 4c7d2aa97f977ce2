#include "services/assessment/maintenance.h"

#include "common/log/log.h"
#include "common/time/calendar.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/assessment/case_mutators.h"

namespace ccms::assessment {
namespace {
constexpr int kBatch = 500;
constexpr absl::Duration kTick = absl::Seconds(5);
}  // namespace

Maintenance::Maintenance(AssessmentStore& store, const domain::AssessmentPolicies& policies,
                         const time::Clock& clock, prometheus::Registry& registry,
                         absl::Duration work_period)
    : store_(store),
      policies_(policies),
      clock_(clock),
      unacknowledged_(prometheus::BuildGauge()
                          .Name("ccms_crisis_flags_unacknowledged")
                          .Help("Crisis flags not yet acknowledged by office staff, by district")
                          .Register(registry)),
      overdue_(prometheus::BuildGauge()
                   .Name("ccms_crisis_flags_ack_overdue")
                   .Help("Unacknowledged crisis flags past the policy's acknowledgement hours")
                   .Register(registry)),
      work_period_(work_period) {
  months_closed_ = &prometheus::BuildCounter()
                        .Name("ccms_points_months_closed_total")
                        .Help("Points ledger months closed")
                        .Register(registry)
                        .Add({});
  reviews_ = &prometheus::BuildCounter()
                  .Name("ccms_level_reviews_total")
                  .Help("Supervision levels re-evaluated because their review day came")
                  .Register(registry)
                  .Add({});
}

Maintenance::~Maintenance() { Stop(); }

void Maintenance::RefreshGauges() {
  std::lock_guard<std::mutex> work(work_mu_);
  auto counts = store_.CountCrisisFlags(clock_.Now());
  if (!counts.ok()) {
    log::Warn("crisis_gauge_refresh_failed", {{"error", counts.status().message()}});
    return;
  }
  std::set<std::string> now_seen;
  for (const auto& c : *counts) {
    unacknowledged_.Add({{"district_code", c.district_code}})
        .Set(static_cast<double>(c.unacknowledged));
    overdue_.Add({{"district_code", c.district_code}}).Set(static_cast<double>(c.overdue));
    now_seen.insert(c.district_code);
    districts_seen_.insert(c.district_code);
  }
  for (const auto& d : districts_seen_) {
    if (now_seen.count(d)) continue;
    unacknowledged_.Add({{"district_code", d}}).Set(0);
    overdue_.Add({{"district_code", d}}).Set(0);
  }
}

void Maintenance::RunLedgerAndLevels() {
  std::lock_guard<std::mutex> work(work_mu_);
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  const absl::CivilDay month = domain::MonthOf(today);
  if (opened_month_ != month) {
    // A ledger month takes the base of the version in force on its first day.
    const domain::AssessmentPolicy& policy = policies_.InForce(month);
    absl::Status st = store_.OpenMonthForActiveCases(month, policy.points_base, policy.version);
    if (st.ok()) {
      opened_month_ = month;
    } else {
      log::Warn("ledger_open_month_failed", {{"error", st.message()}});
    }
  }
  for (;;) {
    auto months = store_.MonthsToClose(month, kBatch);
    if (!months.ok()) {
      log::Warn("ledger_close_scan_failed", {{"error", months.status().message()}});
      break;
    }
    int closed = 0;
    for (const auto& m : *months) {
      const domain::AssessmentPolicy& policy = policies_.InForce(m.month);
      absl::Status st = store_.CloseMonth(m, policy.points_base, policy.version, kServiceActor,
                                          MonthClosedMutator(m.month, policies_, clock_));
      if (!st.ok()) {
        log::Warn("ledger_close_failed", {{"case_id", m.case_id}, {"error", st.message()}});
        continue;
      }
      ++closed;
      months_closed_->Increment();
    }
    if (closed == 0 || static_cast<int>(months->size()) < kBatch) break;
  }
  auth::Principal system;
  system.subject = kServiceActor;
  system.role = auth::Role::kService;
  system.all_districts = true;
  auto due = store_.CasesToReview(today, kBatch);
  if (!due.ok()) {
    log::Warn("level_review_scan_failed", {{"error", due.status().message()}});
    return;
  }
  for (const auto& case_id : *due) {
    Mutation m;
    m.case_id = case_id;
    m.actor = kServiceActor;
    auto result = store_.MutateCase(system, m, ReviewMutator(policies_, clock_));
    if (!result.ok()) {
      log::Warn("level_review_failed",
                {{"case_id", case_id}, {"error", result.status().message()}});
      continue;
    }
    reviews_->Increment();
  }
}

void Maintenance::Start() {
  thread_ = std::thread([this] {
    absl::Time last_work = absl::InfinitePast();
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      nudged_ = false;
      lock.unlock();
      RefreshGauges();
      if (absl::Now() - last_work >= work_period_) {
        last_work = absl::Now();
        RunLedgerAndLevels();
      }
      lock.lock();
      cv_.wait_for(lock, absl::ToChronoMilliseconds(kTick),
                   [this] { return stopping_ || nudged_; });
    }
  });
}

void Maintenance::Nudge() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    nudged_ = true;
  }
  cv_.notify_all();
}

void Maintenance::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ccms::assessment
