#include "services/employment/escalation.h"

#include "ccms/employment/v1/employment_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/kafka/outbox.h"
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

absl::StatusOr<int> ContractSweeper::RunOnce() {
  constexpr int kBatch = 200;
  int total = 0;
  for (;;) {
    const absl::Time now = clock_.Now();
    const absl::CivilDay today = time::ShanghaiDay(now);
    auto n = store_.EndContractsPastTheirEnd(
        today, kBatch, [&](const ContractRecord& c, int open, bool other) {
          v1::PartnerContractEnded e;
          e.set_contract_id(c.contract_id);
          e.set_partner_id(c.partner_id);
          e.set_district_code(c.district_code);
          e.set_scope_code(c.scope_code);
          *e.mutable_ends_on() = grpc_util::ToProtoDate(c.ends_on);
          e.set_status(c.status);
          e.set_open_referrals(open);
          e.set_other_contract_in_force(other);
          return kafka::MakeEnvelope("ccms.employment.partner_contract_ended", c.partner_id,
                                     c.district_code, now, now, "ccms-employment", e);
        });
    if (!n.ok()) return n.status();
    total += *n;
    if (*n < kBatch) return total;
  }
}

}  // namespace ccms::employment
