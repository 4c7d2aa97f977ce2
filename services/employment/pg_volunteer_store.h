#pragma once

#include <pqxx/pqxx>
#include <string_view>
#include <vector>

#include "common/crypto/pii_cipher.h"
#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/employment/volunteer_store.h"

namespace ccms::employment {

// VolunteerStore on PostgreSQL (tables volunteers, volunteer_services,
// volunteer_commendations). Name and contact are one AES-256-GCM blob (context
// kIdentityContext).
class PgVolunteerStore final : public VolunteerStore {
 public:
  static constexpr std::string_view kIdentityContext = "employment.volunteer.identity";

  PgVolunteerStore(db::ConnectionPool& pool, const crypto::PiiCipher& cipher,
                   kafka::OutboxSignal* signal)
      : pool_(pool), cipher_(cipher), signal_(signal) {}

  absl::StatusOr<VolunteerRecord> Register(const auth::Principal& principal,
                                           const VolunteerRecord& volunteer,
                                           const std::vector<events::v1::Envelope>& events,
                                           const std::string& request_id) override;
  absl::StatusOr<VolunteerServiceRow> RecordService(
      const auth::Principal& principal, const std::string& volunteer_id,
      const std::string& district, const std::string& case_id, absl::CivilDay served_on,
      const std::string& request_id, const VolunteerServiceDecision& decide) override;
  absl::StatusOr<CommendationRow> Commend(const auth::Principal& principal,
                                          const CommendationRow& commendation,
                                          const std::vector<events::v1::Envelope>& events,
                                          const std::string& request_id) override;
  absl::StatusOr<VolunteerRecord> ChangeTeams(const auth::Principal& principal,
                                              const std::string& volunteer_id,
                                              const std::string& district, std::string_view method,
                                              const std::string& request_id,
                                              const VolunteerTeamDecision& decide) override;
  absl::StatusOr<VolunteerDetail> Get(const auth::Principal& principal,
                                      const std::string& volunteer_id) override;
  absl::StatusOr<VolunteerPage> List(const auth::Principal& principal,
                                     const VolunteerFilter& filter) override;

  static std::vector<db::Query> Queries();

 private:
  absl::StatusOr<VolunteerRecord> FromRow(const pqxx::row& r) const;

  db::ConnectionPool& pool_;
  const crypto::PiiCipher& cipher_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
