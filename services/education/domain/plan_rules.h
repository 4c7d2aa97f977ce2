#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/education/domain/case_view.h"
#include "services/education/domain/service_file_rules.h"

namespace ccms::education::domain {

// The correction plan (一人一案, seed standard 6.4-6.6), one version at a time:
//   DRAFT -> AGREED -> APPROVED -> ACTIVE -> CLOSED, and ACTIVE -> SUPERSEDED when a newer
//   version becomes ACTIVE. Revising an ACTIVE version makes a new DRAFT version beside it.
enum class PlanStatus { kDraft, kAgreed, kApproved, kActive, kSuperseded, kClosed };

std::string_view PlanStatusName(PlanStatus s);  // DRAFT, AGREED, ...
std::optional<PlanStatus> PlanStatusOf(std::string_view name);

// What a caller asks of a version.
enum class PlanCommand {
  kEditDraft,  // new content for a DRAFT version (stays DRAFT)
  kRevise,     // a new DRAFT version of this ACTIVE one (this one stays ACTIVE)
  kAgree,      // DRAFT -> AGREED
  kApprove,    // AGREED -> APPROVED
  kActivate,   // APPROVED -> ACTIVE
  kSupersede,  // ACTIVE -> SUPERSEDED (a newer version was activated)
  kClose,      // ACTIVE -> CLOSED
};

std::string_view PlanCommandName(PlanCommand c);

// The status of the version after `command`, or FAILED_PRECONDITION naming both.
absl::StatusOr<PlanStatus> Transition(PlanStatus from, PlanCommand command);

enum class GoalTerm { kShort, kMedium, kLong };
std::string_view GoalTermName(GoalTerm t);
std::optional<GoalTerm> GoalTermOf(std::string_view name);

// Why a revision is due or was made (codes on the bus).
enum class RevisionReason {
  kLevelChanged,
  kSanction,
  kCrisisFlag,
  kAssessmentRecorded,
  kKeyAttention,
  kStaff,
};
std::string_view RevisionReasonName(RevisionReason r);  // LEVEL_CHANGED, SANCTION, ...
std::optional<RevisionReason> RevisionReasonOf(std::string_view name);

struct PlanGoal {
  GoalTerm term = GoalTerm::kShort;
  std::string description;
  absl::CivilDay target_date;
};

// A step of the plan; `step_id` is what sessions and referrals link to, `step_code` what kind of
// help it is (education.plan.step_codes; employment follows the approved version's codes).
struct PlanStep {
  std::string step_id;
  std::string step_code;
  std::string description;
  absl::CivilDay start_date;
  absl::CivilDay end_date;
  std::string schedule;
};

// What a plan says (6.4.1 a-d). Text stays in education.
struct PlanContent {
  std::vector<std::string> need_codes;
  std::string needs_summary;
  std::vector<PlanGoal> goals;
  std::vector<PlanStep> steps;
  std::vector<std::string> measures;
};

// Bounds of a plan's content (docs/education.md, "Correction plan").
inline constexpr size_t kMaxPlanTextBytes = 2000;
inline constexpr size_t kMaxNeedsSummaryBytes = 4000;
inline constexpr size_t kMaxMeasureBytes = 1000;
inline constexpr size_t kMaxScheduleBytes = 200;
inline constexpr size_t kMaxStepIdLength = 64;
inline constexpr size_t kMaxGoals = 30;
inline constexpr size_t kMaxSteps = 50;
inline constexpr size_t kMaxMeasures = 30;
inline constexpr size_t kMaxClosingReportBytes = 8000;

// One version of a case's plan.
struct PlanVersionRecord {
  std::string case_id;
  int version = 0;
  std::string version_id;
  PlanStatus status = PlanStatus::kDraft;
  PlanContent content;
  std::optional<RevisionReason> revision_reason;  // unset for version 1
  std::string drafted_by;
  absl::Time drafted_at;
  bool guardian_required = false;
  std::optional<absl::CivilDay> person_agreed_on;
  std::optional<absl::CivilDay> guardian_agreed_on;
  std::string approved_by;
  std::optional<absl::CivilDay> approved_on;
  std::optional<absl::CivilDay> active_from;
  std::optional<absl::CivilDay> superseded_on;
  std::optional<absl::CivilDay> closed_on;
  std::string closing_report;
};

// The problems of `content` as violations of fields under "content." (need codes of the policy,
// at least one goal of each term with its target date, steps with unique well-formed ids, a code
// of `step_codes` and a start not after the end, at least one measure, the size bounds above).
// Step ids left empty are not a problem (the service makes them); a step code is required.
std::vector<Violation> CheckPlanContent(const PlanContent& content,
                                        const std::vector<std::string>& need_codes,
                                        const std::vector<std::string>& step_codes);

// The code a stored step without one (a version drafted before step codes) reads as.
inline constexpr char kStepCodeOther[] = "OTHER";

// A step id as the service accepts it: 1-64 letters, digits, '-' or '_'.
bool IsStepId(std::string_view id);

// Whether a plan may be drafted or changed for the case: FAILED_PRECONDITION when the case is
// closed or its intake has not been reported in records.
absl::Status CheckCaseTakesPlan(const CaseView& c);

// The agreement of `v` (DRAFT): the person's day is required; for a minor (v.guardian_required)
// the guardian's too (seed 6.4.2 b). Neither in the future nor before the day the version was
// drafted (`drafted_on`). INVALID_ARGUMENT naming the field.
absl::Status CheckAgreement(const PlanVersionRecord& v, absl::CivilDay drafted_on,
                            const std::optional<absl::CivilDay>& person_on,
                            const std::optional<absl::CivilDay>& guardian_on, absl::CivilDay today);

// A day of a later step (approval, activation, closing) of `v`: not in the future and not before
// `not_before` (the agreement, approval or activation day). INVALID_ARGUMENT naming `field`.
absl::Status CheckStepDay(absl::CivilDay day, const std::optional<absl::CivilDay>& not_before,
                          absl::CivilDay today, const char* field);

// The version in force: the ACTIVE one, else the latest APPROVED one; nullptr when none
// (`versions` oldest first).
const PlanVersionRecord* VersionInForce(const std::vector<PlanVersionRecord>& versions);

// A revision is due when an event of records or assessment arrives for a case that is not
// closed and has a plan in force: on triggered_on + `within_days` calendar days (the due day
// itself is in time). `triggered_on` is the event's day in Asia/Shanghai (RevisionTriggerDay).
absl::CivilDay RevisionDueOn(absl::CivilDay triggered_on, int within_days);

// The Shanghai day of an instant (an event's time).
absl::CivilDay RevisionTriggerDay(absl::Time at);

// Whether a revision of the case is due for an event now: not closed, a plan in force.
bool RevisionApplies(const CaseView& c, const std::vector<PlanVersionRecord>& versions);

}  // namespace ccms::education::domain
