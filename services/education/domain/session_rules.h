#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/policy/policy.h"
#include "common/time/working_days.h"
#include "services/education/domain/case_view.h"

namespace ccms::education::domain {

// The session rules that differ by province or city: `education.session.*` of one policy
// version (docs/education.md, "Sessions"). Numbers marked (default) are not in RULES.md.
struct SessionPolicy {
  int max_capacity = 200;          // (default) seats of one session
  int max_minutes = 480;           // (default) a session lasts at most this long
  int max_series_sessions = 60;    // (default) sessions one series may create
  int schedule_back_days = 7;      // (default) a session may start this many days ago at most
  int max_credited_minutes = 240;  // (default) hours one session can credit
  // Percent of the session's minutes credited per outcome (default: ATTENDED 100, LATE 50).
  int credit_percent_attended = 100;
  int credit_percent_late = 50;
  int credit_percent_excused = 0;
  int credit_percent_absent_after_notice = 0;
  int credit_percent_absent = 0;
  std::vector<std::string> change_reason_codes;
  // Days a series skips (the working-day calendar, common/time/working_days.h).
  time::WorkingDayCalendar calendar;
};

// Reads `education.session.*` of one version; problems go to the reader.
SessionPolicy ReadSessionPolicy(policy::PolicyReader& r);

// Session kinds, forms, audiences and provider kinds as stored (the proto's names without
// their prefix).
bool IsSessionKind(std::string_view s);
bool IsSessionForm(std::string_view s);
inline constexpr char kMinorsOnly[] = "MINORS_ONLY";
inline constexpr char kAdultsOnly[] = "ADULTS_ONLY";

enum class SessionStatus { kScheduled, kCancelled, kMoved };
std::string_view SessionStatusName(SessionStatus s);
SessionStatus SessionStatusOf(std::string_view name);

// What a session is, as the rules need it.
struct SessionFacts {
  std::string session_id;
  std::string district_code;
  std::string audience;  // kMinorsOnly or kAdultsOnly
  absl::Time start;
  absl::Time end;
  SessionStatus status = SessionStatus::kScheduled;
  std::vector<std::string> criteria_sexes;
  std::vector<std::string> criteria_age_bands;
  std::vector<std::string> criteria_offences;
};

// A problem with a request field.
struct SessionViolation {
  std::string field;
  std::string description;
};

// The checks of a session's own values (times, capacity, audience), collected. `now` bounds how
// far in the past a session may start (schedule_back_days).
std::vector<SessionViolation> CheckSessionValues(absl::Time start, absl::Time end, int capacity,
                                                 std::string_view audience, absl::Time now,
                                                 const SessionPolicy& policy);

// Whether [a_start, a_end) and [b_start, b_end) share a moment.
bool Overlaps(absl::Time a_start, absl::Time a_end, absl::Time b_start, absl::Time b_end);

// Whether `c` may be enrolled in `s` (FAILED_PRECONDITION with a plain message otherwise, never
// a person's data): the session SCHEDULED and not ended at `now`; the case ACTIVE and of the
// session's district; a minor only in a MINORS_ONLY session and an adult only in an ADULTS_ONLY
// one (Law art. 52; once a minor, always a minor, art. 58); the case's facts within the
// session's criteria; no other session of the case (enrolled or waitlisted) overlapping it.
absl::Status CheckEnrol(const SessionFacts& s, const CaseView& c,
                        const std::vector<SessionFacts>& other_sessions_of_case, absl::Time now);

// The outcome of an attendance, as stored.
enum class Outcome { kAttended, kLate, kExcused, kAbsentAfterNotice, kAbsent };
std::string_view OutcomeName(Outcome o);
std::optional<Outcome> OutcomeOf(std::string_view name);

// Minutes credited for `outcome` at a session lasting `duration` (rounded down to whole minutes):
// min(duration, max_credited_minutes) × the outcome's percent / 100, rounded down. Clients never
// send hours.
int CreditedMinutes(Outcome outcome, absl::Duration duration, const SessionPolicy& policy);

// ABSENT_AFTER_NOTICE always had notice; other outcomes keep what the recorder said.
bool NoticeGiven(Outcome outcome, bool said);

}  // namespace ccms::education::domain
