#include "services/education/domain/session_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::education::domain {
namespace {

bool IsCode(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool Within(const std::vector<std::string>& allowed, const std::string& value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

}  // namespace

SessionPolicy ReadSessionPolicy(policy::PolicyReader& r) {
  SessionPolicy p;
  p.max_capacity = static_cast<int>(r.Int("education.session.max_capacity", 1, 1000));
  p.max_minutes = static_cast<int>(r.Int("education.session.max_minutes", 15, 720));
  p.max_series_sessions = static_cast<int>(r.Int("education.session.max_series_sessions", 1, 260));
  p.schedule_back_days = static_cast<int>(r.Int("education.session.schedule_back_days", 0, 60));
  p.max_credited_minutes =
      static_cast<int>(r.Int("education.session.max_credited_minutes", 0, 720));
  p.credit_percent_attended =
      static_cast<int>(r.Int("education.session.credit_percent.attended", 0, 100));
  p.credit_percent_late = static_cast<int>(r.Int("education.session.credit_percent.late", 0, 100));
  p.credit_percent_excused =
      static_cast<int>(r.Int("education.session.credit_percent.excused", 0, 100));
  p.credit_percent_absent_after_notice =
      static_cast<int>(r.Int("education.session.credit_percent.absent_after_notice", 0, 100));
  p.credit_percent_absent =
      static_cast<int>(r.Int("education.session.credit_percent.absent", 0, 100));
  const std::string codes_key = "education.session.change_reason_codes";
  p.change_reason_codes = r.StringList(codes_key);
  std::set<std::string> seen;
  if (p.change_reason_codes.empty()) r.Problem(codes_key, "needs at least one code");
  for (const auto& c : p.change_reason_codes) {
    if (!IsCode(c)) r.Problem(codes_key, "codes are upper-case letters, digits and _ (" + c + ")");
    if (!seen.insert(c).second) r.Problem(codes_key, "lists " + c + " twice");
  }
  auto dates = [&r](const std::string& key, std::set<absl::CivilDay>* out) {
    for (const std::string& text : r.StringList(key)) {
      auto day = time::ParseDate(text);
      if (!day.has_value()) {
        r.Problem(key, "items must be dates YYYY-MM-DD");
        return;
      }
      out->insert(*day);
    }
  };
  dates("education.session.holidays", &p.calendar.holidays);
  dates("education.session.extra_working_days", &p.calendar.extra_working_days);
  for (absl::CivilDay d : p.calendar.extra_working_days) {
    if (!time::IsWeekend(d) || p.calendar.holidays.count(d) > 0) {
      r.Problem("education.session.extra_working_days",
                time::FormatDate(d) +
                    " must be a Saturday or Sunday that is not also listed in holidays");
    }
  }
  return p;
}

bool IsSessionKind(std::string_view s) {
  static const std::set<std::string_view> kKinds = {"INTAKE",      "ROUTINE",    "CENTRALIZED",
                                                    "CLASSIFIED",  "INDIVIDUAL", "GROUP_WORK",
                                                    "COUNSELLING", "FAMILY",     "DISCHARGE"};
  return kKinds.count(s) > 0;
}

bool IsSessionForm(std::string_view s) {
  static const std::set<std::string_view> kForms = {"FACE_TO_FACE", "REMOTE", "ONLINE",
                                                    "SITE_VISIT", "WARNING_EDUCATION"};
  return kForms.count(s) > 0;
}

std::string_view SessionStatusName(SessionStatus s) {
  switch (s) {
    case SessionStatus::kScheduled:
      return "SCHEDULED";
    case SessionStatus::kCancelled:
      return "CANCELLED";
    case SessionStatus::kMoved:
      return "MOVED";
  }
  return "SCHEDULED";
}

SessionStatus SessionStatusOf(std::string_view name) {
  if (name == "CANCELLED") return SessionStatus::kCancelled;
  if (name == "MOVED") return SessionStatus::kMoved;
  return SessionStatus::kScheduled;
}

std::vector<SessionViolation> CheckSessionValues(absl::Time start, absl::Time end, int capacity,
                                                 std::string_view audience, absl::Time now,
                                                 const SessionPolicy& policy) {
  std::vector<SessionViolation> out;
  if (audience != kMinorsOnly && audience != kAdultsOnly) {
    out.push_back({"audience", "is required: MINORS_ONLY or ADULTS_ONLY (Law art. 52)"});
  }
  if (capacity < 1 || capacity > policy.max_capacity) {
    out.push_back({"capacity", absl::StrCat("must be between 1 and ", policy.max_capacity,
                                            " (policy education.session.max_capacity)")});
  }
  if (end <= start) {
    out.push_back({"end_time", "must be after start_time"});
  } else if (end - start > absl::Minutes(policy.max_minutes)) {
    out.push_back({"end_time", absl::StrCat("a session lasts at most ", policy.max_minutes,
                                            " minutes (policy education.session.max_minutes)")});
  }
  const absl::CivilDay today = time::ShanghaiDay(now);
  if (time::ShanghaiDay(start) < today - policy.schedule_back_days) {
    out.push_back({"start_time", absl::StrCat("may lie at most ", policy.schedule_back_days,
                                              " days in the past")});
  }
  return out;
}

bool Overlaps(absl::Time a_start, absl::Time a_end, absl::Time b_start, absl::Time b_end) {
  return a_start < b_end && b_start < a_end;
}

absl::Status CheckEnrol(const SessionFacts& s, const CaseView& c,
                        const std::vector<SessionFacts>& other_sessions_of_case, absl::Time now) {
  if (s.status != SessionStatus::kScheduled) {
    return absl::FailedPreconditionError("the session was cancelled or moved");
  }
  if (s.end <= now) return absl::FailedPreconditionError("the session has ended");
  if (c.status != CaseStatus::kActive) {
    return absl::FailedPreconditionError("the case is not active (intake not reported, or closed)");
  }
  if (c.district_code != s.district_code) {
    return absl::FailedPreconditionError("the case is not of the session's district");
  }
  if (c.minor && s.audience != kMinorsOnly) {
    return absl::FailedPreconditionError(
        "a minor's case cannot join an adults' session (Law art. 52)");
  }
  if (!c.minor && s.audience != kAdultsOnly) {
    return absl::FailedPreconditionError(
        "an adult's case cannot join a minors' session (Law art. 52)");
  }
  if (!Within(s.criteria_sexes, c.sex) || !Within(s.criteria_age_bands, c.age_band) ||
      !Within(s.criteria_offences, c.offence_category)) {
    return absl::FailedPreconditionError("the case is outside the session's criteria");
  }
  for (const SessionFacts& o : other_sessions_of_case) {
    if (o.session_id == s.session_id || o.status != SessionStatus::kScheduled) continue;
    if (Overlaps(s.start, s.end, o.start, o.end)) {
      return absl::FailedPreconditionError("the case is already in a session at that time");
    }
  }
  return absl::OkStatus();
}

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kAttended:
      return "ATTENDED";
    case Outcome::kLate:
      return "LATE";
    case Outcome::kExcused:
      return "EXCUSED";
    case Outcome::kAbsentAfterNotice:
      return "ABSENT_AFTER_NOTICE";
    case Outcome::kAbsent:
      return "ABSENT";
  }
  return "ABSENT";
}

std::optional<Outcome> OutcomeOf(std::string_view name) {
  for (Outcome o : {Outcome::kAttended, Outcome::kLate, Outcome::kExcused,
                    Outcome::kAbsentAfterNotice, Outcome::kAbsent}) {
    if (OutcomeName(o) == name) return o;
  }
  return std::nullopt;
}

int CreditedMinutes(Outcome outcome, absl::Duration duration, const SessionPolicy& policy) {
  int percent = 0;
  switch (outcome) {
    case Outcome::kAttended:
      percent = policy.credit_percent_attended;
      break;
    case Outcome::kLate:
      percent = policy.credit_percent_late;
      break;
    case Outcome::kExcused:
      percent = policy.credit_percent_excused;
      break;
    case Outcome::kAbsentAfterNotice:
      percent = policy.credit_percent_absent_after_notice;
      break;
    case Outcome::kAbsent:
      percent = policy.credit_percent_absent;
      break;
  }
  if (duration <= absl::ZeroDuration()) return 0;
  const int64_t minutes =
      std::min<int64_t>(absl::ToInt64Minutes(duration), policy.max_credited_minutes);
  return static_cast<int>(minutes * percent / 100);
}

bool NoticeGiven(Outcome outcome, bool said) {
  return outcome == Outcome::kAbsentAfterNotice || said;
}

}  // namespace ccms::education::domain
