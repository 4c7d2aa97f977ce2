#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/policy/policy.h"
#include "common/policy/schedule.h"
#include "services/education/domain/community_service_rules.h"
#include "services/education/domain/education_windows.h"
#include "services/education/domain/hours_ledger.h"
#include "services/education/domain/individual_education.h"
#include "services/education/domain/session_rules.h"

namespace ccms::education::domain {

// The education rules that differ by province or city: one version of the `education:` section
// of the policy file (deploy/policy/default.yaml; docs/education.md explains each key). Numbers
// not in shared/RULES.md are marked defaults there.
struct EducationPolicy {
  std::string version;  // the version's name
  // First contact (接触, seed standard 6.1.1) within this many days of the intake report.
  int first_contact_within_days = 7;
  // Service file (建档) within this many calendar months of the intake report (the intake
  // education period, RULES.md: 1 month).
  int service_file_within_months = 1;
  // The codes a service file's analysis may name.
  std::vector<std::string> cause_codes;
  std::vector<std::string> need_codes;
  // A revision of the plan in force is due this many calendar days after a level change, a
  // sanction, a crisis flag, key attention or a new assessment (education.plan.*).
  int plan_revision_within_days = 15;
  // What kind of help a plan step is (education.plan.step_codes, seeds/001 7.3-7.12; OTHER is
  // always among them: a step stored before codes reads as OTHER). Employment maps some of them
  // to its own work (employment.plan_steps.actions).
  std::vector<std::string> plan_step_codes;
  // Care (issue 14 items 10-12; docs/education.md): an urgent counselling contact is due this
  // many hours after a crisis flag is raised; a legal-knowledge test passes at this score
  // (percent) and a retake is due this many days after a fail; a complaint is handled within
  // this many days of its receipt.
  int urgent_contact_within_hours = 24;
  int legal_test_pass_mark_percent = 60;
  int legal_test_retake_within_days = 30;
  int complaint_handling_days = 15;
  // Sessions, enrolment and attendance (`education.session.*`, domain/session_rules.h).
  SessionPolicy session;
  // Community service (`education.community_service.*`, domain/community_service_rules.h).
  CommunityServicePolicy community_service;
  // The monthly hours ledger, the intake / discharge windows and individual education stepped
  // up (issue 14 items 6-8: `education.hours.*`, `education.windows.*`,
  // `education.individual.*`).
  HoursPolicy hours;
  WindowPolicy windows;
  IndividualPolicy individual;
};

// The step codes of a policy version that names none (a marked default; seeds/001 7.3-7.12).
inline const std::vector<std::string> kDefaultPlanStepCodes = {
    "JOB_HELP",                   // 就业指导、就业帮扶 (7.11.3-7.11.6)
    "SKILLS_TRAINING",            // 职业技能培训 (7.11.3)
    "SCHOOLING",                  // 就学: 义务教育 / 继续就学, minors (7.11.1, 7.11.2)
    "WELFARE",                    // 社会救助: 低保、临时救助 (7.11, seeds/002-004)
    "HALFWAY_HOUSE",              // 阳光中途之家: 过渡性安置 (7.11.7)
    "LEGAL_AID",                  // 法律援助、法律咨询
    "PSYCHOLOGICAL_COUNSELLING",  // 心理矫正: 心理健康教育、咨询 (7.5)
    "EDUCATION_STUDY",            // 教育学习: 集中、个别、分类教育 (7.1-7.9)
    "COMMUNITY_SERVICE",          // 公益活动 (7.6)
    "SOCIAL_RELATIONS",           // 社会关系帮扶: 人际、家庭、调解 (7.12)
    "OTHER"};                     // 其他

using EducationPolicies = policy::Schedule<EducationPolicy>;

// Reads one version of the `education` section; problems go to the reader.
EducationPolicy ReadEducationPolicy(policy::PolicyReader& r);

// Every version of the `education` section, checked.
absl::StatusOr<EducationPolicies> LoadEducationPolicies(const policy::PolicyDocument& doc);

}  // namespace ccms::education::domain
