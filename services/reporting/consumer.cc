#include "services/reporting/consumer.h"

#include <set>
#include <utility>

#include "common/auth/principal.h"
#include "common/ids/uuid.h"
#include "common/log/log.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/worklist_events.h"

namespace ccms::reporting {

absl::Status ProjectionConsumer::Handle(pqxx::work& tx, const events::v1::Envelope& event) {
  return HandleBatch(tx, {&event});
}

absl::Status ProjectionConsumer::HandleBatch(
    pqxx::work& tx, const std::vector<const events::v1::Envelope*>& events) {
  // What each event tells the projections and the worklists, in the batch's order.
  std::vector<std::pair<std::string, domain::Occurrence>> occurrences;
  struct Follow {
    const events::v1::Envelope* event;
    WorklistEvent worklist;
  };
  std::vector<Follow> follows;
  for (const events::v1::Envelope* e : events) {
    const events::v1::Envelope& event = *e;
    bool malformed = false;
    auto occurrence = TranslateEvent(event, &malformed);
    bool worklist_malformed = false;
    WorklistEvent worklist = TranslateWorklistEvent(event, &worklist_malformed);
    const bool follows_worklist =
        !worklist.changes.empty() || worklist.fact.has_value() || worklist.term_end.has_value();
    const bool case_ok = ids::IsUuid(event.case_id());
    bool skipped = malformed || worklist_malformed;
    if (occurrence.has_value()) {
      if (case_ok && auth::IsDistrictCode(occurrence->district)) {
        occurrences.emplace_back(event.case_id(), *std::move(occurrence));
      } else {
        skipped = true;
      }
    }
    if (follows_worklist) {
      if (case_ok && auth::IsDistrictCode(event.district_code())) {
        follows.push_back({e, std::move(worklist)});
      } else {
        skipped = true;
      }
    }
    if (skipped) {
      // Kept in the inbox and skipped: retrying cannot fix a bad payload.
      log::Warn("reporting_event_malformed",
                {{"event_id", event.event_id()}, {"type", event.type()}});
    }
  }
  // 1. The occurrences and the time lines and projections of the cases they touch.
  auto rebuilt = store_.ApplyBatchInTransaction(tx, occurrences);
  if (!rebuilt.ok()) return rebuilt.status();
  // 2. The worklist changes, event by event in order (their upserts skip a case the projection
  // now shows closed; their kinds are never the clock's).
  for (const Follow& f : follows) {
    if (auto st =
            worklists_.ApplyInTransaction(tx, f.event->event_id(), f.event->case_id(), f.worklist);
        !st.ok()) {
      return st;
    }
  }
  // 3. The touched cases' never-reported and contact rows, from their clocks; a closed case
  // leaves every worklist. Last, as when each event recomputed its case after its projection:
  // the end state is the same.
  std::vector<PgWorklistStore::CaseClockRow> clocks;
  for (const RebuiltCase& c : *rebuilt) {
    if (!c.timeline.opened) continue;  // no projection: nothing to schedule
    clocks.push_back(
        {c.case_id, domain::ClockDistrict(c.timeline), domain::ClockOf(c.timeline, c.occurrences)});
  }
  return worklists_.RecomputeCasesInTransaction(tx, clocks);
}

}  // namespace ccms::reporting
