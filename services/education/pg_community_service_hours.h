#pragma once

#include <string>
#include <vector>

#include "common/db/query.h"
#include "services/education/community_service_hours.h"

namespace ccms::education {

// The hours ledger's community-service source over community service's own table
// (cs_activities, issue 14 item 9): every activity of the case as a ledger line on the day it
// was served, its minutes credited when CREDITED (a self-initiated one once verified), 0 with
// its status in the reason code while pending verification or after a rejection.
class PgCommunityServiceHours final : public CommunityServiceHours {
 public:
  std::vector<domain::HoursEntry> Entries(pqxx::transaction_base& tx,
                                          const std::string& case_id) const override;

  static std::vector<db::Query> Queries();
};

}  // namespace ccms::education
