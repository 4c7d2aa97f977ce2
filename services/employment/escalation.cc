#include "services/employment/escalation.h"

#include "common/time/calendar.h"
#include "services/employment/referral_events.h"

namespace ccms::employment {

ReferralEscalator::ReferralEscalator(PgReferralStore& store, const time::Clock& clock,
                                     prometheus::Registry* registry)
    : store_(store), clock_(clock) {
  if (registry != nullptr) {
    escalated_ = &prometheus::BuildCounter()
                      .Name("ccms_employment_referrals_escalated_total")
                      .Help("Referrals escalated because the partner did not answer in time")
                      .Register(*registry)
                      .Add({});
  }
}

absl::StatusOr<int> ReferralEscalator::RunOnce() {
  constexpr int kBatch = 200;
  int total = 0;
  for (;;) {
    const absl::Time now = clock_.Now();
    const absl::CivilDay today = time::ShanghaiDay(now);
    auto n = store_.EscalateDue(today, kBatch, [&](const ReferralRecord& r, int days) {
      return ReferralEvent(kReferralEscalatedType, r, r.status, "SYSTEM", today, now,
                           "ccms-employment", "", days);
    });
    if (!n.ok()) return n.status();
    total += *n;
    if (escalated_ != nullptr) escalated_->Increment(*n);
    if (*n < kBatch) return total;
  }
}

}  // namespace ccms::employment
