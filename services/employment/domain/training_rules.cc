#include "services/employment/domain/training_rules.h"

#include "absl/strings/str_cat.h"
#include "common/errors/reason.h"
#include "common/time/calendar.h"

namespace ccms::employment::domain {

std::string_view EnrolmentStatusName(EnrolmentStatus s) {
  switch (s) {
    case EnrolmentStatus::kEnrolled:
      return "ENROLLED";
    case EnrolmentStatus::kCompleted:
      return "COMPLETED";
    case EnrolmentStatus::kWithdrawn:
      return "WITHDRAWN";
  }
  return "";
}

EnrolmentStatus EnrolmentStatusOf(std::string_view name) {
  if (name == "COMPLETED") return EnrolmentStatus::kCompleted;
  if (name == "WITHDRAWN") return EnrolmentStatus::kWithdrawn;
  return EnrolmentStatus::kEnrolled;
}

absl::Status CheckProgramme(const std::string& code, int hours, int places,
                            absl::CivilDay starts_on, absl::CivilDay ends_on) {
  bool code_ok = code.size() >= 2 && code.size() <= 20;
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
      code_ok = false;
    }
  }
  if (!code_ok) return absl::InvalidArgumentError("code: 2-20 of A-Z 0-9 - _");
  if (hours < 1 || hours > kMaxTrainingHours) {
    return absl::InvalidArgumentError(absl::StrCat("hours: must be 1 to ", kMaxTrainingHours));
  }
  if (places < 1 || places > kMaxTrainingPlaces) {
    return absl::InvalidArgumentError(absl::StrCat("places: must be 1 to ", kMaxTrainingPlaces));
  }
  if (ends_on < starts_on)
    return absl::InvalidArgumentError("ends_on: must not be before starts_on");
  return absl::OkStatus();
}

absl::Status CheckEnrolment(const CaseView& c, const std::string& programme_district, int places,
                            int taken, bool already_enrolled, absl::CivilDay enrolled_on,
                            absl::CivilDay ends_on, absl::CivilDay today) {
  if (enrolled_on > today)
    return absl::InvalidArgumentError("enrolled_on must not be in the future");
  if (c.status == CaseStatus::kClosed) {
    return absl::FailedPreconditionError("the case is closed: no enrolment in training");
  }
  if (c.district_code != programme_district) {
    return absl::FailedPreconditionError(
        "a training programme enrols people of its own district: choose a programme of the "
        "case's district");
  }
  if (already_enrolled) {
    return absl::FailedPreconditionError("the person is enrolled in this programme already");
  }
  if (enrolled_on > ends_on) {
    return absl::FailedPreconditionError(
        absl::StrCat("the programme ended on ", time::FormatDate(ends_on)));
  }
  if (taken >= places) {
    return errors::WithReason(
        absl::FailedPreconditionError(absl::StrCat("the training programme is full (", taken,
                                                   " of ", places, " places taken)")),
        kTrainingFullReason);
  }
  return absl::OkStatus();
}

absl::Status CheckAttendance(EnrolmentStatus status, absl::CivilDay starts_on,
                             absl::CivilDay ends_on, int programme_hours, int attended,
                             absl::CivilDay on, int hours, absl::CivilDay today) {
  if (hours < 1 || hours > kMaxAttendanceHours) {
    return absl::InvalidArgumentError(absl::StrCat("hours: must be 1 to ", kMaxAttendanceHours));
  }
  if (on > today) return absl::InvalidArgumentError("on: must not be in the future");
  if (status == EnrolmentStatus::kCompleted) {
    return absl::FailedPreconditionError("the enrolment is completed: no more attendance");
  }
  if (status == EnrolmentStatus::kWithdrawn) {
    return absl::FailedPreconditionError("the enrolment was withdrawn (the case closed)");
  }
  if (on < starts_on || on > ends_on) {
    return absl::FailedPreconditionError(
        absl::StrCat("attendance is recorded on the programme's days (",
                     time::FormatDate(starts_on), " to ", time::FormatDate(ends_on), ")"));
  }
  if (attended + hours > programme_hours) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the programme has ", programme_hours, " hours; ", attended, " are recorded already"));
  }
  return absl::OkStatus();
}

absl::Status CheckCompletion(EnrolmentStatus status, absl::CivilDay starts_on,
                             absl::CivilDay completed_on, absl::CivilDay today) {
  if (completed_on > today) {
    return absl::InvalidArgumentError("completed_on must not be in the future");
  }
  if (status == EnrolmentStatus::kCompleted) {
    return absl::FailedPreconditionError("the enrolment is completed already");
  }
  if (status == EnrolmentStatus::kWithdrawn) {
    return absl::FailedPreconditionError("the enrolment was withdrawn (the case closed)");
  }
  if (completed_on < starts_on) {
    return absl::FailedPreconditionError("a programme is not completed before its start");
  }
  return absl::OkStatus();
}

}  // namespace ccms::employment::domain
