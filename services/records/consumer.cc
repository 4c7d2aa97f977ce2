#include "services/records/consumer.h"

#include "common/log/log.h"
#include "services/records/assessment_event.h"
#include "services/records/education_event.h"
#include "services/records/pg_records_store.h"

namespace ccms::records {

absl::Status ApplyAssessmentEvent(pqxx::work& tx, const events::v1::Envelope& event) {
  bool unreadable = false;
  std::optional<SupervisionLevelUpdate> update = DecodeAssessmentEvent(event, &unreadable);
  if (unreadable) {
    log::Warn("records_event_unreadable", {{"type", event.type()}, {"event_id", event.event_id()}});
    return absl::OkStatus();  // retrying will not make it readable
  }
  if (!update.has_value()) return absl::OkStatus();
  PgRecordsStore::ApplySupervisionLevel(tx, update->case_id, update->level, update->effective_on,
                                        update->policy_version);
  return absl::OkStatus();
}

absl::Status ApplyEducationEvent(pqxx::work& tx, const events::v1::Envelope& event) {
  bool unreadable = false;
  std::optional<EducationAttendance> attendance = DecodeEducationEvent(event, &unreadable);
  if (unreadable) {
    log::Warn("records_event_unreadable", {{"type", event.type()}, {"event_id", event.event_id()}});
    return absl::OkStatus();  // retrying will not make it readable
  }
  if (!attendance.has_value()) return absl::OkStatus();
  PgRecordsStore::ApplyEducationAttendance(tx, attendance->case_id, attendance->session_id,
                                           attendance->session_day, attendance->absent_after_notice,
                                           event.event_id(), attendance->policy_version);
  return absl::OkStatus();
}

}  // namespace ccms::records
