#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/employment/domain/case_view.h"

namespace ccms::employment::domain {

// Skills-training programmes and enrolments (issue 15 item 6; docs/employment.md "Training").

inline constexpr int kMaxTrainingPlaces = 500;
inline constexpr int kMaxTrainingHours = 2000;
// The most hours one attendance record may carry (one day's training).
inline constexpr int kMaxAttendanceHours = 12;

// The ErrorInfo reason of an enrolment in a programme whose places are all taken.
inline constexpr char kTrainingFullReason[] = "TRAINING_FULL";

// WITHDRAWN: the case closed before the enrolment was completed (its place is free again).
enum class EnrolmentStatus { kEnrolled, kCompleted, kWithdrawn };
std::string_view EnrolmentStatusName(EnrolmentStatus s);
EnrolmentStatus EnrolmentStatusOf(std::string_view name);

// A programme's own shape: 1..kMaxTrainingHours hours, 1..kMaxTrainingPlaces places, a code of
// 2-20 of A-Z 0-9 - _, and an end not before its start. INVALID_ARGUMENT naming the field.
absl::Status CheckProgramme(const std::string& code, int hours, int places,
                            absl::CivilDay starts_on, absl::CivilDay ends_on);

// Whether the case's person may enrol on `enrolled_on` in a programme of `programme_district`
// ending on `ends_on` with `taken` of its `places` taken: the case open and of the programme's
// district, not enrolled in it already, the programme not over, a free place, the day not in the
// future. FAILED_PRECONDITION naming the rule (a full programme with reason TRAINING_FULL). The
// 16-year rule is checked apart (age_rule.h, kind SKILLS_TRAINING, on `enrolled_on`).
absl::Status CheckEnrolment(const CaseView& c, const std::string& programme_district, int places,
                            int taken, bool already_enrolled, absl::CivilDay enrolled_on,
                            absl::CivilDay ends_on, absl::CivilDay today);

// Whether `hours` of attendance on `on` may be recorded for an enrolment in a programme running
// `starts_on`..`ends_on` of `programme_hours` hours with `attended` recorded so far: enrolled
// (not completed), 1..kMaxAttendanceHours, the day within the programme and not in the future,
// the total not above the programme's hours.
absl::Status CheckAttendance(EnrolmentStatus status, absl::CivilDay starts_on,
                             absl::CivilDay ends_on, int programme_hours, int attended,
                             absl::CivilDay on, int hours, absl::CivilDay today);

// Whether an enrolment may be completed on `completed_on`: enrolled (not completed already), the
// day not before the programme's start nor in the future.
absl::Status CheckCompletion(EnrolmentStatus status, absl::CivilDay starts_on,
                             absl::CivilDay completed_on, absl::CivilDay today);

}  // namespace ccms::employment::domain
