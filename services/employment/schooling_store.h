#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/employment/domain/case_view.h"
#include "services/employment/domain/schooling_rules.h"

namespace ccms::employment {

// A schooling item (table schooling_items) with the case's district now.
struct SchoolingItemRecord {
  domain::SchoolingItem item;
  std::string case_id;
  std::string district_code;
  std::string policy_version;
  std::string recorded_by;
};

// What a command writes: new items, changed items and their events.
struct SchoolingWrite {
  std::vector<SchoolingItemRecord> inserts;
  std::vector<SchoolingItemRecord> updates;
  std::vector<events::v1::Envelope> events;
};
// A situation sees the case and all of its items (locked); a step the case and the item.
using SituationDecision = std::function<absl::StatusOr<SchoolingWrite>(
    const domain::CaseView&, const std::vector<SchoolingItemRecord>&)>;
using StepDecision = std::function<absl::StatusOr<SchoolingWrite>(const domain::CaseView&,
                                                                  const SchoolingItemRecord&)>;

struct SchoolingFilter {
  std::string district_code;  // "" = every district the caller sees
  std::string case_id;        // "" = open items of every case; else all items of this case
  bool overdue_only = false;  // open required items due before as_of
  absl::CivilDay as_of;
  int page_size = 50;
  std::string after_id;
};

// Storage of schooling support. Staff reach a case's items through the case's district (in SQL);
// anything else is NOT_FOUND (audited). A situation locks the case, then its items; a step locks
// the item: two commands on one case never both open an item of a kind (a unique index on the
// open items says so too). Every call writes an audit row.
class SchoolingStore {
 public:
  virtual ~SchoolingStore() = default;

  // The case's items after the write.
  virtual absl::StatusOr<std::vector<SchoolingItemRecord>> RecordSituation(
      const auth::Principal& principal, const std::string& case_id, const std::string& request_id,
      const SituationDecision& decide) = 0;
  virtual absl::StatusOr<SchoolingItemRecord> RecordStep(const auth::Principal& principal,
                                                         const std::string& item_id,
                                                         const std::string& request_id,
                                                         const StepDecision& decide) = 0;
  virtual absl::StatusOr<std::pair<std::vector<SchoolingItemRecord>, std::string>> List(
      const auth::Principal& principal, const SchoolingFilter& filter) = 0;
};

}  // namespace ccms::employment
