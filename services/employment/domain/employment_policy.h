#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/policy/policy.h"
#include "common/policy/schedule.h"
#include "services/employment/domain/plan_step_rules.h"

namespace ccms::employment::domain {

// The employment rules that differ by province or city: one version of the `employment:` section
// of the policy file (deploy/policy/default.yaml; docs/employment.md explains each key).
struct EmploymentPolicy {
  std::string version;
  // A SENT referral must be answered by the partner within this many days of sending; after that
  // it is escalated (referral.answer_within_days, a marked default).
  int answer_within_days = 5;
  // Employment help and skills training only from this age on the referral date (seeds 7.11.3:
  // 16), for the referral kinds listed (JOB_PLACEMENT, SKILLS_TRAINING).
  int minimum_age_years = 16;
  std::vector<std::string> age_rule_kinds;
  // The codes each coded step takes.
  std::vector<std::string> decline_reasons;
  std::vector<std::string> not_hired_reasons;
  std::vector<std::string> end_reasons;
  std::vector<std::string> withdraw_reasons;
  std::vector<std::string> suspension_reasons;
  // Why a placement in a halfway house ends (halfway_house.leave_reasons; a version without the
  // key gets kDefaultHalfwayHouseLeaveReasons).
  std::vector<std::string> halfway_house_leave_reasons;
  // Retention checks of an employment spell: due this many days after its start
  // (retention.check_days, a marked default: 30, 90, 180), each to be confirmed within
  // retention.confirm_within_days of its due day (a marked default: 14) or it is missed; the codes
  // of an employer that is no registered partner (retention.other_employer_codes).
  std::vector<int> retention_check_days;
  int retention_confirm_within_days = 14;
  std::vector<std::string> other_employer_codes;
  // A minor without completed compulsory education is helped to complete it (seeds 7.11.1,
  // "shall"): the required item is due this many days after the situation is recorded
  // (schooling.support_due_days, a marked default: the seeds give no number).
  int schooling_support_due_days = 30;
  // Needs surveys, career plans, skills (issue 15 item 2): the codes of each coded answer
  // (employment.needs.*, employment.skills.*, employment.career_plan.goal_codes; marked defaults,
  // a version without a key gets the kDefault lists below).
  std::vector<std::string> ability_codes;
  std::vector<std::string> housing_codes;
  std::vector<std::string> livelihood_codes;
  std::vector<std::string> schooling_codes;
  std::vector<std::string> family_codes;
  std::vector<std::string> skill_codes;
  std::vector<std::string> certificate_codes;
  std::vector<std::string> plan_goal_codes;
  // Openings and matching (issue 15 item 3): sectors, why an opening closes, and which districts
  // are neighbours for travel (employment.matching.adjacent_districts: "110101-110102" pairs, both
  // ways).
  std::vector<std::string> opening_sectors;
  std::vector<std::string> opening_close_reasons;
  std::vector<std::pair<std::string, std::string>> adjacent_districts;
  // Partner contracts and evaluations (issue 15 item 1; marked defaults, a version without the
  // keys gets kDefault*): the scope codes of a purchased-service contract, its largest amount in
  // fen, the criteria an evaluation scores (0-100 each) and its result codes.
  std::vector<std::string> contract_scopes;
  int64_t max_contract_fen = 0;
  std::vector<std::string> evaluation_criteria;
  std::vector<std::string> evaluation_results;
  // Welfare and relief (item 8; marked defaults): the largest amount of one record in fen, why an
  // application is refused and why granted assistance ends.
  int64_t max_assistance_fen = 0;
  std::vector<std::string> assistance_refusal_reasons;
  std::vector<std::string> assistance_end_reasons;
  // Volunteers (item 10; marked defaults): skill, activity and commendation codes.
  std::vector<std::string> volunteer_skill_codes;
  std::vector<std::string> volunteer_activity_codes;
  std::vector<std::string> volunteer_commendation_codes;
  // Resettlement as the term ends (issue 15 item 12; marked defaults, no number in RULES.md or
  // the seeds): records' discharge_approaching makes a resettlement referral due this many days
  // before the end date (resettlement.due_days_before_end), and the codes staff give when none
  // is needed (resettlement.decline_reasons).
  int resettlement_due_days_before_end = 7;
  std::vector<std::string> resettlement_decline_reasons;
  // The person's education obligations when openings are ranked (issue 15 item 3; marked
  // defaults, no number in RULES.md or the seeds): the sessions of the next this many weeks count
  // (matching.education_weeks_ahead), and each session that clashes with an opening's shifts
  // lowers its score by this much (matching.education_clash_penalty).
  int education_weeks_ahead = 4;
  int education_clash_penalty = 30;
  // Plan steps employment follows (issue 15 item 12; domain/plan_step_rules.h; marked defaults):
  // which education step codes ask for which employment work (plan_steps.actions, "CODE:ACTION"),
  // and the days after a step's start its help item is due (plan_steps.grace_days).
  StepActions plan_step_actions;
  int plan_step_grace_days = 7;
};

// The plan-step defaults of a policy version that names none (marked defaults).
inline constexpr int kDefaultPlanStepGraceDays = 7;
inline const StepActions kDefaultPlanStepActions = {
    {"JOB_HELP", StepAction::kReferral},
    {"SKILLS_TRAINING", StepAction::kTrainingEnrolment},
    {"SCHOOLING", StepAction::kSchoolingSupport},
    {"WELFARE", StepAction::kAssistance},
    {"HALFWAY_HOUSE", StepAction::kHalfwayPlacement}};

// The education-obligation defaults of a policy version that names none (marked defaults).
inline constexpr int kDefaultEducationWeeksAhead = 4;
inline constexpr int kDefaultEducationClashPenalty = 30;

// The leave reasons of a policy version that names none (a marked default).
inline const std::vector<std::string> kDefaultHalfwayHouseLeaveReasons = {
    "RESETTLED", "MOVED_AWAY", "RULES_BROKEN", "CASE_CLOSED", "OTHER"};

// The retention defaults of a policy version that names none (marked defaults).
inline const std::vector<int> kDefaultRetentionCheckDays = {30, 90, 180};
inline constexpr int kDefaultRetentionConfirmWithinDays = 14;
inline constexpr int kDefaultSchoolingSupportDueDays = 30;
inline const std::vector<std::string> kDefaultOtherEmployerCodes = {
    "SELF_EMPLOYED", "FAMILY_BUSINESS", "PRIVATE_EMPLOYER", "PUBLIC_EMPLOYER", "OTHER"};

// The needs, skills and openings defaults of a policy version that names none (marked defaults).
inline const std::vector<std::string> kDefaultAbilityCodes = {"FULL", "PARTIAL", "LIMITED",
                                                              "UNABLE"};
inline const std::vector<std::string> kDefaultHousingCodes = {"OWN_HOME", "RENTED", "WITH_FAMILY",
                                                              "TEMPORARY", "NONE"};
inline const std::vector<std::string> kDefaultLivelihoodCodes = {
    "STABLE", "LOW_INCOME", "MINIMUM_LIVING_ALLOWANCE", "NO_INCOME"};
inline const std::vector<std::string> kDefaultSchoolingCodes = {
    "NOT_APPLICABLE", "IN_SCHOOL", "COMPULSORY_NOT_COMPLETED", "WANTS_TO_CONTINUE", "COMPLETED"};
inline const std::vector<std::string> kDefaultFamilyCodes = {"SUPPORTIVE", "STRAINED",
                                                             "DEPENDANTS_TO_CARE_FOR", "ALONE"};
inline const std::vector<std::string> kDefaultSkillCodes = {
    "DRIVING",      "FORKLIFT",  "ELECTRICIAN",  "WELDING",   "COOKING",
    "HOUSEKEEPING", "ECOMMERCE", "CONSTRUCTION", "LOGISTICS", "RETAIL",
    "OFFICE_IT",    "CARE_WORK", "AGRICULTURE",  "OTHER"};
inline const std::vector<std::string> kDefaultCertificateCodes = {"DRIVING_LICENCE",
                                                                  "FORKLIFT_OPERATOR",
                                                                  "ELECTRICIAN_LICENCE",
                                                                  "WELDER",
                                                                  "CHEF",
                                                                  "HOUSEKEEPER",
                                                                  "ECOMMERCE",
                                                                  "OTHER"};
inline const std::vector<std::string> kDefaultPlanGoalCodes = {
    "EMPLOYMENT", "SELF_EMPLOYMENT", "SKILLS_TRAINING", "CONTINUED_SCHOOLING", "NOT_SEEKING"};
inline const std::vector<std::string> kDefaultOpeningSectors = {
    "MANUFACTURING",    "LOGISTICS",   "CONSTRUCTION", "CATERING",   "RETAIL",
    "DOMESTIC_SERVICE", "AGRICULTURE", "IT_SERVICES",  "SANITATION", "OTHER"};
inline const std::vector<std::string> kDefaultOpeningCloseReasons = {"FILLED", "WITHDRAWN",
                                                                     "EXPIRED", "OTHER"};
// The defaults of contracts, evaluations, assistance and volunteers (marked defaults: no number
// in RULES.md or the seeds).
inline const std::vector<std::string> kDefaultContractScopes = {
    "JOB_PLACEMENT", "SKILLS_TRAINING", "EDUCATION", "COUNSELLING", "LEGAL_ADVICE",
    "SOCIAL_WORK",   "HALFWAY_HOUSE",   "WELFARE",   "OTHER"};
inline constexpr int64_t kDefaultMaxContractFen = 1'000'000'000;  // 10 million yuan
inline const std::vector<std::string> kDefaultEvaluationCriteria = {
    "SERVICE_QUALITY", "RESPONSIVENESS", "OUTCOMES", "COMPLIANCE", "RECORD_KEEPING"};
inline const std::vector<std::string> kDefaultEvaluationResults = {"EXCELLENT", "GOOD", "PASS",
                                                                   "FAIL"};
inline constexpr int64_t kDefaultMaxAssistanceFen = 10'000'000;  // 100,000 yuan
inline const std::vector<std::string> kDefaultAssistanceRefusalReasons = {
    "NOT_ELIGIBLE", "INCOMPLETE_APPLICATION", "INCOME_ABOVE_LINE", "DUPLICATE", "OTHER"};
inline const std::vector<std::string> kDefaultAssistanceEndReasons = {
    "PERIOD_ENDED", "NO_LONGER_ELIGIBLE", "MOVED_AWAY", "CASE_CLOSED", "OTHER"};
inline const std::vector<std::string> kDefaultVolunteerSkillCodes = {
    "LEGAL",       "PSYCHOLOGY", "EDUCATION", "VOCATIONAL", "MEDICAL",
    "SOCIAL_WORK", "FAMILY",     "IT",        "OTHER"};
inline const std::vector<std::string> kDefaultVolunteerActivityCodes = {
    "HOME_VISIT",        "TALK",         "TUTORING", "JOB_HELP", "LEGAL_ADVICE",
    "COMMUNITY_SERVICE", "TEAM_MEETING", "OTHER"};
inline const std::vector<std::string> kDefaultVolunteerCommendationCodes = {
    "DISTRICT_COMMENDATION", "CITY_COMMENDATION", "OUTSTANDING_VOLUNTEER", "OTHER"};

// The resettlement defaults of a policy version that names none (marked defaults).
inline constexpr int kDefaultResettlementDueDaysBeforeEnd = 7;
inline const std::vector<std::string> kDefaultResettlementDeclineReasons = {
    "ALREADY_EMPLOYED", "PERSON_DECLINED", "OTHER_SUPPORT_IN_PLACE", "MOVING_AWAY", "OTHER"};

using EmploymentPolicies = policy::Schedule<EmploymentPolicy>;

// Reads one version of the `employment` section; problems go to the reader.
EmploymentPolicy ReadEmploymentPolicy(policy::PolicyReader& r);

// Every version of the `employment` section, checked.
absl::StatusOr<EmploymentPolicies> LoadEmploymentPolicies(const policy::PolicyDocument& doc);

// Whether `code` is one of `codes`.
bool HasCode(const std::vector<std::string>& codes, const std::string& code);

}  // namespace ccms::employment::domain
