#include "services/reporting/consumer.h"

#include "common/auth/principal.h"
#include "common/ids/uuid.h"
#include "common/log/log.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/worklist_events.h"

namespace ccms::reporting {

absl::Status ProjectionConsumer::Handle(pqxx::work& tx, const events::v1::Envelope& event) {
  bool malformed = false;
  auto occurrence = TranslateEvent(event, &malformed);
  bool worklist_malformed = false;
  const WorklistEvent worklist = TranslateWorklistEvent(event, &worklist_malformed);
  const bool follows_worklist =
      !worklist.changes.empty() || worklist.fact.has_value() || worklist.term_end.has_value();
  const bool case_ok = ids::IsUuid(event.case_id());
  bool skipped = malformed || worklist_malformed;
  if (occurrence.has_value()) {
    if (case_ok && auth::IsDistrictCode(occurrence->district)) {
      if (auto st = store_.ApplyInTransaction(tx, event.case_id(), *occurrence); !st.ok()) {
        return st;
      }
      if (auto st = worklists_.RecomputeCaseInTransaction(tx, event.case_id()); !st.ok()) {
        return st;
      }
    } else {
      skipped = true;
    }
  }
  if (follows_worklist) {
    if (case_ok && auth::IsDistrictCode(event.district_code())) {
      if (auto st = worklists_.ApplyInTransaction(tx, event.event_id(), event.case_id(), worklist);
          !st.ok()) {
        return st;
      }
    } else {
      skipped = true;
    }
  }
  if (skipped) {
    // Kept in the inbox and skipped: retrying cannot fix a bad payload.
    log::Warn("reporting_event_malformed",
              {{"event_id", event.event_id()}, {"type", event.type()}});
  }
  return absl::OkStatus();
}

}  // namespace ccms::reporting
