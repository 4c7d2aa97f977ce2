#pragma once

#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "services/education/partner_session_store.h"
#include "services/education/pg_session_store.h"

namespace ccms::education {

// PartnerSessionStore on PostgreSQL (sessions, enrolments, attendance of V003; partner_view_names
// of V007). Attendance goes through `sessions`' Mutate, whose reach for a partner principal is its
// agency as the session's provider.
class PgPartnerSessionStore final : public PartnerSessionStore {
 public:
  PgPartnerSessionStore(db::ConnectionPool& pool, PgSessionStore& sessions)
      : pool_(pool), sessions_(sessions) {}

  absl::StatusOr<SessionPage> List(const auth::Principal& principal,
                                   const SessionFilter& filter) override;
  absl::StatusOr<PartnerSessionState> Get(const auth::Principal& principal,
                                          const std::string& session_id) override;
  absl::StatusOr<PartnerSessionState> RecordAttendance(const auth::Principal& principal,
                                                       const std::string& session_id,
                                                       const std::string& request_id,
                                                       const SessionDecision& decide) override;
  absl::Status SetGivenName(const auth::Principal& principal, const std::string& case_id,
                            const std::string& request_id,
                            const std::string& given_name_cipher) override;

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  PgSessionStore& sessions_;
};

}  // namespace ccms::education
