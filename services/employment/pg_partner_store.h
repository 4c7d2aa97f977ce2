#pragma once

#include <vector>

#include "common/crypto/pii_cipher.h"
#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/employment/partner_store.h"
#include "services/employment/topics.h"

namespace ccms::employment {

// PartnerStore on PostgreSQL (table partners); contacts as one PiiCipher blob.
class PgPartnerStore final : public PartnerStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgPartnerStore(db::ConnectionPool& pool, const crypto::PiiCipher& cipher,
                 kafka::OutboxSignal* signal)
      : pool_(pool), cipher_(cipher), signal_(signal) {}

  absl::StatusOr<PartnerRecord> Register(const auth::Principal& principal,
                                         const PartnerRecord& partner,
                                         const std::vector<events::v1::Envelope>& events,
                                         const std::string& request_id) override;
  absl::StatusOr<PartnerRecord> Mutate(const auth::Principal& principal,
                                       const std::string& partner_id, std::string_view method,
                                       const std::string& request_id,
                                       const PartnerDecision& decide) override;
  absl::StatusOr<PartnerRecord> Get(const auth::Principal& principal,
                                    const std::string& partner_id) override;
  absl::StatusOr<PartnerPage> List(const auth::Principal& principal,
                                   const PartnerFilter& filter) override;
  absl::StatusOr<std::string> AgencyStatus(const std::string& agency_id) override;

  // The context the contacts blob is bound to.
  static constexpr char kContactsContext[] = "employment.partner.contacts";

  static std::vector<db::Query> Queries();

 private:
  absl::StatusOr<PartnerRecord> FromRow(const pqxx::row& r) const;

  db::ConnectionPool& pool_;
  const crypto::PiiCipher& cipher_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
