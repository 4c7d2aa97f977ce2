#include "services/records/consumer.h"

#include "ccms/assessment/v1/assessment_events.pb.h"
#include "common/log/log.h"
#include "common/time/calendar.h"
#include "services/records/pg_records_store.h"

namespace ccms::records {

absl::Status ApplyAssessmentEvent(pqxx::work& tx, const events::v1::Envelope& event) {
  if (event.type() != "ccms.assessment.supervision_level_changed") return absl::OkStatus();
  assessment::v1::SupervisionLevelChanged change;
  if (!event.payload().UnpackTo(&change)) {
    log::Warn("records_event_unreadable", {{"type", event.type()}, {"event_id", event.event_id()}});
    return absl::OkStatus();  // retrying will not make it readable
  }
  const char* level = nullptr;
  switch (change.level()) {
    case common::v1::SUPERVISION_LEVEL_STRICT:
      level = "STRICT";
      break;
    case common::v1::SUPERVISION_LEVEL_STANDARD:
      level = "STANDARD";
      break;
    case common::v1::SUPERVISION_LEVEL_RELAXED:
      level = "RELAXED";
      break;
    default:
      return absl::OkStatus();
  }
  const auto& d = change.effective_on();
  auto effective = time::MakeDate(d.year(), d.month(), d.day());
  if (!effective.has_value()) return absl::OkStatus();
  PgRecordsStore::ApplySupervisionLevel(tx, change.case_id(), level, *effective,
                                        change.policy_version());
  return absl::OkStatus();
}

}  // namespace ccms::records
