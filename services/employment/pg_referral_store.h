#pragma once

#include <functional>
#include <vector>

#include "common/crypto/pii_cipher.h"
#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/referral_store.h"

namespace ccms::employment {

// ReferralStore on PostgreSQL (tables referrals, referral_steps, with cases and partners); the
// given name as a PiiCipher blob.
class PgReferralStore final : public ReferralStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgReferralStore(db::ConnectionPool& pool, const crypto::PiiCipher& cipher,
                  kafka::OutboxSignal* signal)
      : pool_(pool), cipher_(cipher), signal_(signal) {}

  absl::StatusOr<ReferralRecord> Create(const auth::Principal& principal,
                                        const std::string& case_id, const std::string& partner_id,
                                        const std::string& request_id,
                                        const CreateDecision& decide) override;
  absl::StatusOr<ReferralRecord> Mutate(const auth::Principal& principal,
                                        const std::string& referral_id, std::string_view method,
                                        const std::string& request_id,
                                        const ReferralDecision& decide) override;
  absl::StatusOr<ReferralRecord> Get(const auth::Principal& principal,
                                     const std::string& referral_id,
                                     std::string_view method) override;
  absl::StatusOr<ReferralPage> List(const auth::Principal& principal, const ReferralFilter& filter,
                                    std::string_view method) override;

  // Escalates up to `limit` SENT referrals not answered by their due day (before `today`), whose
  // case is not lost contact, and not escalated yet: marks them escalated on `today` and writes
  // the event `make_event` returns for each, in one transaction. How many it escalated.
  using EscalationEvent = std::function<events::v1::Envelope(const ReferralRecord&, int days)>;
  absl::StatusOr<int> EscalateDue(absl::CivilDay today, int limit,
                                  const EscalationEvent& make_event);

  // For the consumer (inside its inbox transaction): the case's referrals follow it to
  // `district_code`; and its open referrals (DRAFT .. OFFERED) as they stand, locked, without
  // the given name (to withdraw them when the case closes).
  static void MoveReferrals(pqxx::work& tx, const std::string& case_id,
                            const std::string& district_code);
  static std::vector<ReferralRecord> LockOpenReferrals(pqxx::work& tx, const std::string& case_id);
  // Writes `referral`'s new state and `step` (the consumer's withdrawal).
  static void WriteStep(pqxx::work& tx, const ReferralRecord& referral,
                        const ReferralStepRecord& step);

  // The context the given-name blob is bound to.
  static constexpr char kGivenNameContext[] = "employment.referral.given_name";

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  const crypto::PiiCipher& cipher_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
