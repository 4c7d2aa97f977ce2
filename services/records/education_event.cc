#include "services/records/education_event.h"

#include "ccms/education/v1/education_events.pb.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"

namespace ccms::records {

std::optional<EducationAttendance> DecodeEducationEvent(const events::v1::Envelope& event,
                                                        bool* unreadable) {
  *unreadable = false;
  if (event.type() != "ccms.education.attendance_recorded") return std::nullopt;
  education::v1::AttendanceRecorded attendance;
  if (!event.payload().UnpackTo(&attendance)) {
    *unreadable = true;
    return std::nullopt;
  }
  if (attendance.outcome() == education::v1::ATTENDANCE_OUTCOME_UNSPECIFIED ||
      !education::v1::AttendanceOutcome_IsValid(attendance.outcome())) {
    return std::nullopt;
  }
  if (!ids::IsUuid(attendance.case_id()) || attendance.session_id().empty() ||
      attendance.session_id().size() > 64) {
    return std::nullopt;
  }
  const auto& d = attendance.session_day();
  auto day = time::MakeDate(d.year(), d.month(), d.day());
  if (!day.has_value()) return std::nullopt;
  EducationAttendance out;
  out.case_id = attendance.case_id();
  out.session_id = attendance.session_id();
  out.session_day = *day;
  out.absent_after_notice =
      attendance.outcome() == education::v1::ATTENDANCE_OUTCOME_ABSENT_AFTER_NOTICE;
  out.policy_version = attendance.policy_version().substr(0, 100);
  return out;
}

}  // namespace ccms::records
