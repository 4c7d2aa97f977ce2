#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/employment/domain/case_view.h"

namespace ccms::employment::domain {

// The rules of partner contracts and evaluations (issue 15 item 1), welfare and relief (item 8)
// and volunteers (item 10): docs/employment.md "Contracts and evaluations", "Welfare and
// relief", "Volunteers".

// ---- Contracts and evaluations ----

// A purchased-service contract from `starts_on` to `ends_on` (both included, the end not before
// the start, the period at most kMaxContractYears long) of `amount_fen` (0 .. max_fen).
inline constexpr int kMaxContractYears = 10;
absl::Status CheckContract(absl::CivilDay starts_on, absl::CivilDay ends_on, int64_t amount_fen,
                           int64_t max_fen);

// An evaluation of a period (from .. to, both included, to not after `evaluated_on`), made on
// `evaluated_on` (not after `today`), with 1..kMaxCriteria scores of 0..100, each criterion
// once and every one a code of `criteria`, and `result` one of `results`.
inline constexpr int kMaxCriteria = 20;
struct Score {
  std::string criterion;
  int score = 0;
};
absl::Status CheckEvaluation(absl::CivilDay period_from, absl::CivilDay period_to,
                             absl::CivilDay evaluated_on, absl::CivilDay today,
                             const std::vector<Score>& scores,
                             const std::vector<std::string>& criteria, const std::string& result,
                             const std::vector<std::string>& results);

// The evaluation's total: the mean of the scores, rounded half up (0 with no scores).
int TotalScore(const std::vector<Score>& scores);

// ---- Welfare and relief ----

enum class AssistanceStatus { kApplied, kGranted, kRefused, kEnded };

// Kinds that need an amount above 0 when granted (a hardship payment is money by definition).
bool AssistanceNeedsAmount(const std::string& kind);

// The amount of a record of `kind`: 0 .. max_fen, and above 0 for a kind that needs one when
// `granted`.
absl::Status CheckAssistanceAmount(const std::string& kind, int64_t amount_fen, int64_t max_fen,
                                   bool granted);

// A new record: the case open (not closed), applied on a day not in the future; when granted at
// once, `granted_on` not before `applied_on` nor in the future.
absl::Status CheckNewAssistance(const CaseView& c, absl::CivilDay applied_on,
                                std::optional<absl::CivilDay> granted_on, absl::CivilDay today);

// A change of status on `on` (not in the future): APPLIED -> GRANTED or REFUSED (not before the
// application), GRANTED -> ENDED (not before the grant). Anything else FAILED_PRECONDITION; the
// case must be open for a grant.
absl::Status CheckAssistanceStep(AssistanceStatus from, AssistanceStatus to, absl::CivilDay on,
                                 absl::CivilDay applied_on,
                                 std::optional<absl::CivilDay> granted_on, bool case_closed,
                                 absl::CivilDay today);

// The days of calendar year `year` (1 January .. 31 December, Asia/Shanghai dates): what the
// per-year sums count by `granted_on`. Years 2000..2100.
inline constexpr int kMinSumYear = 2000;
inline constexpr int kMaxSumYear = 2100;
struct DayRange {
  absl::CivilDay first;
  absl::CivilDay last;
};
DayRange YearDays(int year);
bool InYear(absl::CivilDay day, int year);

// ---- Volunteers ----

// A volunteer's day holds at most this many hours of service.
inline constexpr int kMaxVolunteerHoursPerDay = 24;

// A service of `hours` (1..24) on a day that already holds `hours_before` of the volunteer's
// hours: the day's total never above 24. OK or INVALID_ARGUMENT / FAILED_PRECONDITION naming why.
absl::Status CheckVolunteerHours(int hours, int hours_before);

// Whether every code of `codes` is one of `allowed` and none repeats.
bool AllCodesKnown(const std::vector<std::string>& codes, const std::vector<std::string>& allowed);

// The supervision teams a volunteer may be on at once.
inline constexpr int kMaxVolunteerTeams = 50;

// A volunteer joining a team after registration (issue 15 item 10): the teams after it, the new
// one last. ALREADY_EXISTS when on it; FAILED_PRECONDITION at kMaxVolunteerTeams.
absl::StatusOr<std::vector<std::string>> JoinTeam(const std::vector<std::string>& teams,
                                                  const std::string& team);

// Leaving a team: the teams after it, in their order. FAILED_PRECONDITION when not on it.
absl::StatusOr<std::vector<std::string>> LeaveTeam(const std::vector<std::string>& teams,
                                                   const std::string& team);

}  // namespace ccms::employment::domain
