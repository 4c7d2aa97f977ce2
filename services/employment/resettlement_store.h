#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/employment/domain/case_view.h"
#include "services/employment/domain/resettlement_rules.h"

namespace ccms::employment {

// A resettlement item (table resettlement_items) with the case's district now.
struct ResettlementRecord {
  domain::ResettlementItem item;
  std::string case_id;
  std::string district_code;
  std::string policy_version;
};

// What a decline writes: the item changed (nullopt for a repeated request) and its event.
struct ResettlementWrite {
  std::optional<ResettlementRecord> update;
  std::vector<events::v1::Envelope> events;
};
using ResettlementDecision = std::function<absl::StatusOr<ResettlementWrite>(
    const domain::CaseView&, const ResettlementRecord&)>;

struct ResettlementFilter {
  std::string district_code;  // "" = every district the caller sees
  std::string case_id;        // "" = open items of every case; else all items of this case
  bool overdue_only = false;  // open items due before as_of
  absl::CivilDay as_of;
  int page_size = 50;
  std::string after_id;
};

// Storage of resettlement items. Staff reach an item through its case's district (in SQL);
// anything else is NOT_FOUND (audited). Every call writes an audit row.
class ResettlementStore {
 public:
  virtual ~ResettlementStore() = default;

  virtual absl::StatusOr<ResettlementRecord> Decline(const auth::Principal& principal,
                                                     const std::string& item_id,
                                                     const std::string& request_id,
                                                     const ResettlementDecision& decide) = 0;
  virtual absl::StatusOr<std::pair<std::vector<ResettlementRecord>, std::string>> List(
      const auth::Principal& principal, const ResettlementFilter& filter) = 0;
};

}  // namespace ccms::employment
