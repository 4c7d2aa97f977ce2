#pragma once

#include <pqxx/transaction>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/resettlement_store.h"

namespace ccms::employment {

// The event of a resettlement item's change, keyed by the case: `type` is
// ccms.employment.resettlement_due / _satisfied / _declined / _cancelled. Codes, dates, ids.
events::v1::Envelope ResettlementEvent(std::string_view type, const ResettlementRecord& x,
                                       absl::CivilDay on, absl::Time now, const std::string& actor);

// ResettlementStore on PostgreSQL (table resettlement_items, joined to cases for the district).
// The static functions run inside another transaction: the consumer's (records' events) and
// a referral's (SENT), each writing the item's event to the outbox with it.
class PgResettlementStore final : public ResettlementStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgResettlementStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<ResettlementRecord> Decline(const auth::Principal& principal,
                                             const std::string& item_id,
                                             const std::string& request_id,
                                             const ResettlementDecision& decide) override;
  absl::StatusOr<std::pair<std::vector<ResettlementRecord>, std::string>> List(
      const auth::Principal& principal, const ResettlementFilter& filter) override;

  // records' discharge_approaching for case `c` (locked by the caller): opens or moves its item
  // (domain::OnDischargeApproaching), with its event.
  static void OnDischargeApproaching(pqxx::work& tx, const domain::CaseView& c,
                                     absl::CivilDay end_date, absl::CivilDay today,
                                     const domain::EmploymentPolicy& policy, absl::Time now);
  // A referral of the case was SENT on `sent_on`: its open item SATISFIED, with its event.
  static void SatisfyOnReferralSent(pqxx::work& tx, const std::string& case_id,
                                    const std::string& referral_id, absl::CivilDay sent_on,
                                    absl::Time now, const std::string& actor);
  // records closed the case: its open item CANCELLED on `on` (code CASE_CLOSED), with its event.
  static void CancelOnCaseClosed(pqxx::work& tx, const std::string& case_id, absl::CivilDay on,
                                 absl::Time now);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
