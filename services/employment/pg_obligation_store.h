#pragma once

#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/db/query.h"
#include "common/db/scope.h"
#include "services/employment/domain/matching.h"
#include "services/employment/education_events.h"

namespace ccms::employment {

// The education sessions each case is expected at (table case_education_sessions, V008), kept
// from education's enrolment_changed inside the consumer's inbox transaction (so an event applies
// once): one row per case and session with its latest status. Events of one case arrive in order
// (the topic's key is the case id).
class PgObligationStore {
 public:
  static void Apply(pqxx::work& tx, const EnrolmentFact& fact, const std::string& event_id);

  // The sessions the case is ENROLLED in that overlap [from, to), by start; none when the case
  // (employment's row) is outside `scope` (the district scope is in the SQL).
  static std::vector<domain::EducationSession> EnrolledBetween(pqxx::transaction_base& tx,
                                                               const db::DistrictScope& scope,
                                                               const std::string& case_id,
                                                               absl::Time from, absl::Time to);

  static std::vector<db::Query> Queries();
};

}  // namespace ccms::employment
