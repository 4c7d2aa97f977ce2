#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/employment/domain/employment_policy.h"

namespace ccms::employment::domain {

// Needs surveys, career plans and skills profiles (issue 15 item 2; docs/employment.md "Needs,
// career plans and skills"). Every answer is a code of the policy version in force on its day:
// nothing a person said goes into employment as free text.

inline constexpr int kMaxSkillGaps = 20;
inline constexpr int kMaxPlanSectors = 10;
inline constexpr int kMaxPlanSkills = 20;
inline constexpr int kMaxProfileSkills = 30;
inline constexpr int kMaxCertificates = 20;

// The coded answers of one survey (methods and wishes by their names: INTERVIEW, HOME_VISIT;
// WANTS_WORK, NOT_NOW, DOES_NOT_WANT).
struct SurveyAnswers {
  std::string method;
  std::string wish_to_work;
  std::string ability_code;
  std::vector<std::string> skill_gap_codes;
  std::string housing_code;
  std::string livelihood_code;
  std::string schooling_code;
  std::string family_code;
};

// INVALID_ARGUMENT "field: what" for the first answer that is missing or not a code of `policy`.
absl::Status CheckSurvey(const SurveyAnswers& a, const EmploymentPolicy& policy);

// A career plan's versions: each draft is a new version; a version is agreed once.
enum class PlanStatus { kDraft, kAgreed, kSuperseded };
std::string_view PlanStatusName(PlanStatus s);
PlanStatus PlanStatusOf(std::string_view name);

// Whether a plan version may move from `from` to `to`: DRAFT -> AGREED (the person agreed),
// DRAFT -> SUPERSEDED (a newer draft), AGREED -> SUPERSEDED (a newer version agreed). Every other
// pair, and any move out of SUPERSEDED, is FAILED_PRECONDITION naming both.
absl::Status CheckPlanTransition(PlanStatus from, PlanStatus to);

// The coded content of a draft: a goal code, at most kMaxPlanSectors sectors and
// kMaxPlanSkills target skills of the policy's lists, no repeats. INVALID_ARGUMENT "field: what".
absl::Status CheckPlanDraft(const std::string& goal_code, const std::vector<std::string>& sectors,
                            const std::vector<std::string>& target_skills,
                            const EmploymentPolicy& policy);

// Agreement of a version drafted on `drafted_on` on `agreed_on`: the transition allowed, the day
// not before the draft and not after `today`.
absl::Status CheckPlanAgreement(PlanStatus status, absl::CivilDay drafted_on,
                                absl::CivilDay agreed_on, absl::CivilDay today);

struct Certificate {
  std::string certificate_code;
  std::string issuer_code;
  std::optional<absl::CivilDay> obtained_on;
};

// A skills profile: at most kMaxProfileSkills skills of employment.skills.codes, no repeats; at
// most kMaxCertificates certificates, each a code of employment.skills.certificate_codes, an
// issuer code (2-40 of A-Z 0-9 _) and a day not after `today`. INVALID_ARGUMENT "field: what".
absl::Status CheckSkillsProfile(const std::vector<std::string>& skills,
                                const std::vector<Certificate>& certificates,
                                const EmploymentPolicy& policy, absl::CivilDay today);

// A list of codes for `field`: at most `max`, each one of `allowed`, none twice.
absl::Status CheckCodeList(const std::vector<std::string>& codes,
                           const std::vector<std::string>& allowed, int max, const char* field);

}  // namespace ccms::employment::domain
