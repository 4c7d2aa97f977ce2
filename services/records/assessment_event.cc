#include "services/records/assessment_event.h"

#include "ccms/assessment/v1/assessment_events.pb.h"
#include "common/time/calendar.h"

namespace ccms::records {

std::optional<SupervisionLevelUpdate> DecodeAssessmentEvent(const events::v1::Envelope& event,
                                                            bool* unreadable) {
  *unreadable = false;
  if (event.type() != "ccms.assessment.supervision_level_changed") return std::nullopt;
  assessment::v1::SupervisionLevelChanged change;
  if (!event.payload().UnpackTo(&change)) {
    *unreadable = true;
    return std::nullopt;
  }
  SupervisionLevelUpdate update;
  switch (change.level()) {
    case common::v1::SUPERVISION_LEVEL_STRICT:
      update.level = "STRICT";
      break;
    case common::v1::SUPERVISION_LEVEL_STANDARD:
      update.level = "STANDARD";
      break;
    case common::v1::SUPERVISION_LEVEL_RELAXED:
      update.level = "RELAXED";
      break;
    default:
      return std::nullopt;
  }
  const auto& d = change.effective_on();
  auto effective = time::MakeDate(d.year(), d.month(), d.day());
  if (!effective.has_value()) return std::nullopt;
  update.case_id = change.case_id();
  update.effective_on = *effective;
  update.policy_version = change.policy_version();
  return update;
}

}  // namespace ccms::records
