#pragma once

#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/education/service_file_store.h"

namespace ccms::education {

// Topic of the education service's events.
inline constexpr char kEducationTopic[] = "ccms.education.v1";

// ServiceFileStore on PostgreSQL (tables cases, case_leaves, service_files, first_contacts).
class PgServiceFileStore final : public ServiceFileStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgServiceFileStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<ServiceFileState> Mutate(const auth::Principal& principal,
                                          const std::string& case_id, std::string_view method,
                                          const std::string& request_id, absl::CivilDay today,
                                          const ServiceFileDecision& decide) override;
  absl::StatusOr<ServiceFileState> Get(const auth::Principal& principal, const std::string& case_id,
                                       absl::CivilDay today) override;
  absl::StatusOr<ServiceFilePage> List(const auth::Principal& principal,
                                       const ServiceFileFilter& filter) override;

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::education
