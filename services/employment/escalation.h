#pragma once

#include "absl/status/statusor.h"
#include "common/time/clock.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/pg_partner_contract_store.h"
#include "services/employment/pg_referral_store.h"

namespace ccms::employment {

// Escalates referrals a partner has not answered in time (issue 15 item 4): a SENT referral
// whose answer was due before today (policy employment.referral.answer_within_days after
// sending), not paused by lost contact, is marked escalated on today with the event
// ccms.employment.referral_escalated, once; it then shows in ListReferrals(escalated_only) and
// counts in ccms_employment_referrals_escalated_total. The wiring runs RunOnce periodically
// (CCMS_EMPLOYMENT_ESCALATION_PERIOD_MS); tests call it by hand.
class ReferralEscalator {
 public:
  // `registry` may be null (tests).
  ReferralEscalator(PgReferralStore& store, const time::Clock& clock,
                    prometheus::Registry* registry);

  // Escalates every referral due today (in batches); how many.
  absl::StatusOr<int> RunOnce();

 private:
  PgReferralStore& store_;
  const time::Clock& clock_;
  prometheus::Counter* escalated_ = nullptr;
};

// The contract end (docs/employment.md "Contract end"): ACTIVE purchased-service contracts whose
// period ended before today become COMPLETED, each with the event
// ccms.employment.partner_contract_ended (the open referrals of the partner in the district
// counted). Run by the escalation task; tests call RunOnce.
class ContractSweeper {
 public:
  ContractSweeper(PgPartnerContractStore& store, const time::Clock& clock)
      : store_(store), clock_(clock) {}
  // How many contracts ended.
  absl::StatusOr<int> RunOnce();

 private:
  PgPartnerContractStore& store_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
