#include "services/reporting/consumer.h"

#include "common/auth/principal.h"
#include "common/ids/uuid.h"
#include "common/log/log.h"
#include "services/reporting/event_translation.h"

namespace ccms::reporting {

absl::Status ProjectionConsumer::Handle(pqxx::work& tx, const events::v1::Envelope& event) {
  bool malformed = false;
  auto occurrence = TranslateEvent(event, &malformed);
  if (!occurrence.has_value() || !ids::IsUuid(event.case_id()) ||
      !auth::IsDistrictCode(occurrence->district)) {
    if (malformed || occurrence.has_value()) {
      // Kept in the inbox and skipped: retrying cannot fix a bad payload.
      log::Warn("reporting_event_malformed",
                {{"event_id", event.event_id()}, {"type", event.type()}});
    }
    return absl::OkStatus();
  }
  return store_.ApplyInTransaction(tx, event.case_id(), *occurrence);
}

}  // namespace ccms::reporting
