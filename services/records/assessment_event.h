#pragma once

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"

namespace ccms::records {

// A supervision level set by the assessment service, as records applies it to a case.
struct SupervisionLevelUpdate {
  std::string case_id;
  const char* level = nullptr;  // "STRICT", "STANDARD" or "RELAXED"
  absl::CivilDay effective_on;
  std::string policy_version;
};

// Decodes an assessment event records follows. Returns the update for a
// ccms.assessment.supervision_level_changed event with a known level and a valid effective date;
// nullopt for any other type or such an event records cannot use. `*unreadable` is set when the
// payload is not a SupervisionLevelChanged (retrying will not make it readable). Pure: the
// consumer (consumer.h) logs and writes.
std::optional<SupervisionLevelUpdate> DecodeAssessmentEvent(const events::v1::Envelope& event,
                                                            bool* unreadable);

}  // namespace ccms::records
