#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/education/case_rows.h"
#include "services/education/domain/plan_rules.h"

namespace ccms::education {

// A revision of the plan due after an event of records or assessment.
struct RevisionDueRecord {
  std::string revision_id;
  std::string case_id;
  std::string district_code;
  domain::RevisionReason reason = domain::RevisionReason::kStaff;
  std::string source_event_id;
  absl::CivilDay triggered_on;
  absl::CivilDay due_on;
  int plan_version = 0;
  std::string policy_version;
  int settled_by_version = 0;  // 0 while due
};

// A case with every version of its plan (oldest first) and the revisions not yet settled.
struct PlanState {
  CaseRow case_row;
  std::vector<domain::PlanVersionRecord> versions;
  std::vector<RevisionDueRecord> revisions_due;
};

// What a plan command writes: versions inserted or updated (by version_id), revisions settled by
// a version, and the events that go with it (outbox).
struct PlanWrite {
  std::vector<domain::PlanVersionRecord> versions;
  std::vector<std::string> settle_revision_ids;
  int settled_by_version = 0;
  absl::CivilDay settled_on;
  std::vector<events::v1::Envelope> events;
};

// Decides a write from the current state (domain rules); a non-OK status writes nothing.
using PlanDecision = std::function<absl::StatusOr<PlanWrite>(const PlanState&)>;

struct OverdueRevisionFilter {
  std::string district_code;  // "" = every district of the caller
  absl::CivilDay today;
  int page_size = 50;
  std::string after_revision_id;  // exclusive; "" from the start
};

struct OverdueRevisionPage {
  std::vector<RevisionDueRecord> items;
  std::string next_revision_id;  // "" on the last page
};

// Storage of correction plans. Every method is scoped to the principal's districts in SQL (a case
// outside them is NOT_FOUND) and writes an audit row.
class PlanStore {
 public:
  virtual ~PlanStore() = default;

  // Locks the case, runs `decide` on its state and writes what it returns with its events and an
  // audit row (`method`, `request_id`), in one transaction. The state after the write.
  virtual absl::StatusOr<PlanState> Mutate(const auth::Principal& principal,
                                           const std::string& case_id, std::string_view method,
                                           const std::string& request_id,
                                           const PlanDecision& decide) = 0;

  // The case's plan; audited as `GetPlan`.
  virtual absl::StatusOr<PlanState> Get(const auth::Principal& principal,
                                        const std::string& case_id) = 0;

  // Revisions not settled whose due day is before `today`, of active cases, in revision id
  // order; audited as `ListOverdueRevisions` with the count.
  virtual absl::StatusOr<OverdueRevisionPage> ListOverdue(const auth::Principal& principal,
                                                          const OverdueRevisionFilter& filter) = 0;
};

}  // namespace ccms::education
