#include "services/employment/domain/support_rules.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "services/employment/domain/employment_policy.h"

namespace ccms::employment::domain {

absl::Status CheckContract(absl::CivilDay starts_on, absl::CivilDay ends_on, int64_t amount_fen,
                           int64_t max_fen) {
  if (ends_on < starts_on) {
    return absl::InvalidArgumentError("a contract's end must not be before its start");
  }
  if (ends_on >=
      absl::CivilDay(starts_on.year() + kMaxContractYears, starts_on.month(), starts_on.day())) {
    return absl::InvalidArgumentError(
        absl::StrCat("a contract runs at most ", kMaxContractYears, " years"));
  }
  if (amount_fen < 0 || amount_fen > max_fen) {
    return absl::InvalidArgumentError(
        absl::StrCat("a contract's amount is 0 to ", max_fen,
                     " fen (policy employment.contract.max_amount_fen)"));
  }
  return absl::OkStatus();
}

absl::Status CheckEvaluation(absl::CivilDay period_from, absl::CivilDay period_to,
                             absl::CivilDay evaluated_on, absl::CivilDay today,
                             const std::vector<Score>& scores,
                             const std::vector<std::string>& criteria, const std::string& result,
                             const std::vector<std::string>& results) {
  if (evaluated_on > today) {
    return absl::InvalidArgumentError("evaluated_on must not be in the future");
  }
  if (period_to < period_from) {
    return absl::InvalidArgumentError("the period's end must not be before its start");
  }
  if (period_to > evaluated_on) {
    return absl::InvalidArgumentError("a period is evaluated once it has ended");
  }
  if (scores.empty() || scores.size() > static_cast<size_t>(kMaxCriteria)) {
    return absl::InvalidArgumentError(
        absl::StrCat("an evaluation scores 1 to ", kMaxCriteria, " criteria"));
  }
  std::set<std::string> seen;
  for (const auto& s : scores) {
    if (!HasCode(criteria, s.criterion)) {
      return absl::InvalidArgumentError(
          "every criterion is a code of policy employment.evaluation.criteria");
    }
    if (!seen.insert(s.criterion).second) {
      return absl::InvalidArgumentError("each criterion is scored once");
    }
    if (s.score < 0 || s.score > 100) {
      return absl::InvalidArgumentError("every score is 0 to 100");
    }
  }
  if (!HasCode(results, result)) {
    return absl::InvalidArgumentError(
        "the result is a code of policy employment.evaluation.results");
  }
  return absl::OkStatus();
}

int TotalScore(const std::vector<Score>& scores) {
  if (scores.empty()) return 0;
  int64_t sum = 0;
  for (const auto& s : scores) sum += s.score;
  const int64_t n = static_cast<int64_t>(scores.size());
  return static_cast<int>((2 * sum + n) / (2 * n));
}

bool AssistanceNeedsAmount(const std::string& kind) { return kind == "HARDSHIP_PAYMENT"; }

absl::Status CheckAssistanceAmount(const std::string& kind, int64_t amount_fen, int64_t max_fen,
                                   bool granted) {
  if (amount_fen < 0 || amount_fen > max_fen) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an amount is 0 to ", max_fen, " fen (policy employment.assistance.max_amount_fen)"));
  }
  if (granted && amount_fen == 0 && AssistanceNeedsAmount(kind)) {
    return absl::InvalidArgumentError("a hardship payment is granted with an amount above 0");
  }
  return absl::OkStatus();
}

absl::Status CheckNewAssistance(const CaseView& c, absl::CivilDay applied_on,
                                std::optional<absl::CivilDay> granted_on, absl::CivilDay today) {
  if (applied_on > today) return absl::InvalidArgumentError("applied_on must not be in the future");
  if (granted_on.has_value()) {
    if (*granted_on > today) {
      return absl::InvalidArgumentError("granted_on must not be in the future");
    }
    if (*granted_on < applied_on) {
      return absl::InvalidArgumentError("granted_on must not be before applied_on");
    }
  }
  if (c.status == CaseStatus::kClosed) {
    return absl::FailedPreconditionError("the case is closed: no new assistance record");
  }
  return absl::OkStatus();
}

namespace {
const char* StatusName(AssistanceStatus s) {
  switch (s) {
    case AssistanceStatus::kApplied:
      return "APPLIED";
    case AssistanceStatus::kGranted:
      return "GRANTED";
    case AssistanceStatus::kRefused:
      return "REFUSED";
    case AssistanceStatus::kEnded:
      return "ENDED";
  }
  return "?";
}
}  // namespace

absl::Status CheckAssistanceStep(AssistanceStatus from, AssistanceStatus to, absl::CivilDay on,
                                 absl::CivilDay applied_on,
                                 std::optional<absl::CivilDay> granted_on, bool case_closed,
                                 absl::CivilDay today) {
  const bool allowed = (from == AssistanceStatus::kApplied &&
                        (to == AssistanceStatus::kGranted || to == AssistanceStatus::kRefused)) ||
                       (from == AssistanceStatus::kGranted && to == AssistanceStatus::kEnded);
  if (!allowed) {
    return absl::FailedPreconditionError(absl::StrCat("an assistance record in ", StatusName(from),
                                                      " cannot move to ", StatusName(to)));
  }
  if (on > today) return absl::InvalidArgumentError("on must not be in the future");
  if (to == AssistanceStatus::kEnded) {
    if (granted_on.has_value() && on < *granted_on) {
      return absl::InvalidArgumentError("assistance ends on or after the day it was granted");
    }
    return absl::OkStatus();
  }
  if (on < applied_on) {
    return absl::InvalidArgumentError("a decision is on or after the day of the application");
  }
  if (to == AssistanceStatus::kGranted && case_closed) {
    return absl::FailedPreconditionError("the case is closed: no grant");
  }
  return absl::OkStatus();
}

DayRange YearDays(int year) { return {absl::CivilDay(year, 1, 1), absl::CivilDay(year, 12, 31)}; }

bool InYear(absl::CivilDay day, int year) { return day.year() == year; }

absl::Status CheckVolunteerHours(int hours, int hours_before) {
  if (hours < 1 || hours > kMaxVolunteerHoursPerDay) {
    return absl::InvalidArgumentError(
        absl::StrCat("hours are 1 to ", kMaxVolunteerHoursPerDay, " (never negative)"));
  }
  if (hours_before + hours > kMaxVolunteerHoursPerDay) {
    return absl::FailedPreconditionError(absl::StrCat("a volunteer's day holds at most ",
                                                      kMaxVolunteerHoursPerDay, " hours (",
                                                      hours_before, " recorded already)"));
  }
  return absl::OkStatus();
}

bool AllCodesKnown(const std::vector<std::string>& codes, const std::vector<std::string>& allowed) {
  std::set<std::string> seen;
  for (const auto& c : codes) {
    if (!HasCode(allowed, c) || !seen.insert(c).second) return false;
  }
  return true;
}

absl::StatusOr<std::vector<std::string>> JoinTeam(const std::vector<std::string>& teams,
                                                  const std::string& team) {
  for (const auto& t : teams) {
    if (t == team) return absl::AlreadyExistsError("the volunteer is on the team already");
  }
  if (static_cast<int>(teams.size()) >= kMaxVolunteerTeams) {
    return absl::FailedPreconditionError(
        absl::StrCat("the volunteer is on ", kMaxVolunteerTeams, " teams: leave one first"));
  }
  std::vector<std::string> out = teams;
  out.push_back(team);
  return out;
}

absl::StatusOr<std::vector<std::string>> LeaveTeam(const std::vector<std::string>& teams,
                                                   const std::string& team) {
  std::vector<std::string> out;
  for (const auto& t : teams) {
    if (t != team) out.push_back(t);
  }
  if (out.size() == teams.size()) {
    return absl::FailedPreconditionError("the volunteer is not on the team");
  }
  return out;
}

}  // namespace ccms::employment::domain
