#pragma once

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"

namespace ccms::records {

// An attendance the education service recorded, as records keeps it for the admonition ground
// "skipping education after notice" (shared/RULES.md): only whether it was ABSENT_AFTER_NOTICE.
struct EducationAttendance {
  std::string case_id;
  std::string session_id;
  absl::CivilDay session_day;
  bool absent_after_notice = false;
  std::string policy_version;
};

// Decodes an education event records follows. Returns the attendance of a
// ccms.education.attendance_recorded event with a case id, a session id, a known outcome and a
// valid session day; nullopt for any other type or such an event records cannot use. `*unreadable`
// is set when the payload is not an AttendanceRecorded (retrying will not make it readable).
// Pure: the consumer (consumer.h) logs and writes.
std::optional<EducationAttendance> DecodeEducationEvent(const events::v1::Envelope& event,
                                                        bool* unreadable);

}  // namespace ccms::records
