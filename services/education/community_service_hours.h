#pragma once

#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/education/domain/hours_ledger.h"

namespace ccms::education {

// The second source of the hours ledger: the community-service hours (公益活动, issue 14 item 9)
// of a case, read inside the ledger's transaction. The community-service area implements it over
// its own tables (PgCommunityServiceHours, over cs_activities); NoCommunityServiceYet reads none
// (unit tests of the ledger without community service).
class CommunityServiceHours {
 public:
  virtual ~CommunityServiceHours() = default;
  // The case's community-service entries (kind kCommunityService), credited or not, each with
  // its reason code and the record's id.
  virtual std::vector<domain::HoursEntry> Entries(pqxx::transaction_base& tx,
                                                  const std::string& case_id) const = 0;
};

class NoCommunityServiceYet final : public CommunityServiceHours {
 public:
  std::vector<domain::HoursEntry> Entries(pqxx::transaction_base&,
                                          const std::string&) const override {
    return {};
  }
};

}  // namespace ccms::education
