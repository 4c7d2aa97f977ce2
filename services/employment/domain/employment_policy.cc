#include "services/employment/domain/employment_policy.h"

#include <algorithm>
#include <set>

namespace ccms::employment::domain {
namespace {

// Codes are upper-case words: what goes on the bus is a code, never free text.
bool IsCode(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::vector<std::string> Codes(policy::PolicyReader& r, const std::string& key) {
  std::vector<std::string> codes = r.StringList(key);
  std::set<std::string> seen;
  if (codes.empty()) r.Problem(key, "needs at least one code");
  for (const auto& c : codes) {
    if (!IsCode(c)) r.Problem(key, "codes are upper-case letters, digits and _ (" + c + ")");
    if (!seen.insert(c).second) r.Problem(key, "lists " + c + " twice");
  }
  return codes;
}

// A list of codes, or `fallback` when the version does not name the key (a marked default).
std::vector<std::string> CodesOr(policy::PolicyReader& r, const std::string& key,
                                 const std::vector<std::string>& fallback) {
  return r.Has(key) ? Codes(r, key) : fallback;
}

bool IsDistrict(const std::string& s) {
  if (s.size() != 6) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

bool HasCode(const std::vector<std::string>& codes, const std::string& code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

EmploymentPolicy ReadEmploymentPolicy(policy::PolicyReader& r) {
  EmploymentPolicy p;
  p.version = r.version();
  p.answer_within_days = static_cast<int>(r.Int("employment.referral.answer_within_days", 1, 60));
  p.minimum_age_years = static_cast<int>(r.Int("employment.referral.minimum_age_years", 14, 18));
  p.age_rule_kinds = Codes(r, "employment.referral.age_rule_kinds");
  for (const auto& k : p.age_rule_kinds) {
    if (k != "JOB_PLACEMENT" && k != "SKILLS_TRAINING" && k != "SCHOOLING" && k != "LEGAL_ADVICE" &&
        k != "WELFARE" && k != "HALFWAY_HOUSE" && k != "COUNSELLING") {
      r.Problem("employment.referral.age_rule_kinds", "is not a referral kind: " + k);
    }
  }
  p.decline_reasons = Codes(r, "employment.referral.decline_reasons");
  p.not_hired_reasons = Codes(r, "employment.referral.not_hired_reasons");
  p.end_reasons = Codes(r, "employment.referral.end_reasons");
  p.withdraw_reasons = Codes(r, "employment.referral.withdraw_reasons");
  if (!HasCode(p.withdraw_reasons, "CASE_CLOSED")) {
    r.Problem("employment.referral.withdraw_reasons",
              "must list CASE_CLOSED (open referrals of a closed case are withdrawn with it)");
  }
  p.suspension_reasons = Codes(r, "employment.partner.suspension_reasons");
  p.halfway_house_leave_reasons = r.Has("employment.halfway_house.leave_reasons")
                                      ? Codes(r, "employment.halfway_house.leave_reasons")
                                      : kDefaultHalfwayHouseLeaveReasons;
  if (!HasCode(p.halfway_house_leave_reasons, "CASE_CLOSED")) {
    r.Problem("employment.halfway_house.leave_reasons",
              "must list CASE_CLOSED (a closed case's placement ends with it)");
  }
  if (r.Has("employment.retention.check_days")) {
    for (int64_t d : r.IntList("employment.retention.check_days", 1, 3660)) {
      if (!p.retention_check_days.empty() && d <= p.retention_check_days.back()) {
        r.Problem("employment.retention.check_days", "days must rise (30, 90, 180)");
      }
      p.retention_check_days.push_back(static_cast<int>(d));
    }
    if (p.retention_check_days.empty()) {
      r.Problem("employment.retention.check_days", "needs at least one day");
    }
  } else {
    p.retention_check_days = kDefaultRetentionCheckDays;
  }
  p.retention_confirm_within_days =
      r.Has("employment.retention.confirm_within_days")
          ? static_cast<int>(r.Int("employment.retention.confirm_within_days", 0, 90))
          : kDefaultRetentionConfirmWithinDays;
  p.other_employer_codes = r.Has("employment.retention.other_employer_codes")
                               ? Codes(r, "employment.retention.other_employer_codes")
                               : kDefaultOtherEmployerCodes;
  p.schooling_support_due_days =
      r.Has("employment.schooling.support_due_days")
          ? static_cast<int>(r.Int("employment.schooling.support_due_days", 1, 365))
          : kDefaultSchoolingSupportDueDays;
  p.ability_codes = CodesOr(r, "employment.needs.ability_codes", kDefaultAbilityCodes);
  p.housing_codes = CodesOr(r, "employment.needs.housing_codes", kDefaultHousingCodes);
  p.livelihood_codes = CodesOr(r, "employment.needs.livelihood_codes", kDefaultLivelihoodCodes);
  p.schooling_codes = CodesOr(r, "employment.needs.schooling_codes", kDefaultSchoolingCodes);
  p.family_codes = CodesOr(r, "employment.needs.family_codes", kDefaultFamilyCodes);
  p.skill_codes = CodesOr(r, "employment.skills.codes", kDefaultSkillCodes);
  p.certificate_codes = CodesOr(r, "employment.skills.certificate_codes", kDefaultCertificateCodes);
  p.plan_goal_codes = CodesOr(r, "employment.career_plan.goal_codes", kDefaultPlanGoalCodes);
  p.opening_sectors = CodesOr(r, "employment.openings.sectors", kDefaultOpeningSectors);
  p.opening_close_reasons =
      CodesOr(r, "employment.openings.close_reasons", kDefaultOpeningCloseReasons);
  if (r.Has("employment.matching.adjacent_districts")) {
    for (const std::string& pair : r.StringList("employment.matching.adjacent_districts")) {
      const size_t dash = pair.find('-');
      const std::string a = pair.substr(0, dash);
      const std::string b = dash == std::string::npos ? "" : pair.substr(dash + 1);
      if (!IsDistrict(a) || !IsDistrict(b) || a == b) {
        r.Problem("employment.matching.adjacent_districts",
                  "pairs are two different 6-digit districts, \"110101-110102\" (" + pair + ")");
        continue;
      }
      p.adjacent_districts.emplace_back(a, b);
    }
  }
  // Contracts, evaluations, assistance, volunteers: a version without a key gets its default.
  auto codes_or = [&r](const std::string& key, const std::vector<std::string>& fallback) {
    return r.Has(key) ? Codes(r, key) : fallback;
  };
  p.contract_scopes = codes_or("employment.contract.scopes", kDefaultContractScopes);
  p.max_contract_fen = r.Has("employment.contract.max_amount_fen")
                           ? r.Int("employment.contract.max_amount_fen", 1, 1'000'000'000'000)
                           : kDefaultMaxContractFen;
  p.evaluation_criteria = codes_or("employment.evaluation.criteria", kDefaultEvaluationCriteria);
  p.evaluation_results = codes_or("employment.evaluation.results", kDefaultEvaluationResults);
  p.max_assistance_fen = r.Has("employment.assistance.max_amount_fen")
                             ? r.Int("employment.assistance.max_amount_fen", 1, 1'000'000'000)
                             : kDefaultMaxAssistanceFen;
  p.assistance_refusal_reasons =
      codes_or("employment.assistance.refusal_reasons", kDefaultAssistanceRefusalReasons);
  p.assistance_end_reasons =
      codes_or("employment.assistance.end_reasons", kDefaultAssistanceEndReasons);
  p.volunteer_skill_codes =
      codes_or("employment.volunteer.skill_codes", kDefaultVolunteerSkillCodes);
  p.volunteer_activity_codes =
      codes_or("employment.volunteer.activity_codes", kDefaultVolunteerActivityCodes);
  p.volunteer_commendation_codes =
      codes_or("employment.volunteer.commendation_codes", kDefaultVolunteerCommendationCodes);
  p.resettlement_due_days_before_end =
      r.Has("employment.resettlement.due_days_before_end")
          ? static_cast<int>(r.Int("employment.resettlement.due_days_before_end", 0, 30))
          : kDefaultResettlementDueDaysBeforeEnd;
  p.resettlement_decline_reasons =
      codes_or("employment.resettlement.decline_reasons", kDefaultResettlementDeclineReasons);
  p.education_weeks_ahead =
      r.Has("employment.matching.education_weeks_ahead")
          ? static_cast<int>(r.Int("employment.matching.education_weeks_ahead", 1, 26))
          : kDefaultEducationWeeksAhead;
  p.education_clash_penalty =
      r.Has("employment.matching.education_clash_penalty")
          ? static_cast<int>(r.Int("employment.matching.education_clash_penalty", 0, 150))
          : kDefaultEducationClashPenalty;
  p.plan_step_grace_days = r.Has("employment.plan_steps.grace_days")
                               ? static_cast<int>(r.Int("employment.plan_steps.grace_days", 0, 90))
                               : kDefaultPlanStepGraceDays;
  if (r.Has("employment.plan_steps.actions")) {
    std::set<std::string> seen;
    for (const std::string& entry : r.StringList("employment.plan_steps.actions")) {
      const size_t colon = entry.find(':');
      const std::string code = entry.substr(0, colon);
      const auto action = colon == std::string::npos
                              ? std::nullopt
                              : StepActionOf(std::string_view(entry).substr(colon + 1));
      if (!IsCode(code) || !action.has_value()) {
        r.Problem("employment.plan_steps.actions",
                  "entries are \"STEP_CODE:ACTION\", ACTION one of REFERRAL, TRAINING_ENROLMENT, "
                  "SCHOOLING_SUPPORT, ASSISTANCE, HALFWAY_PLACEMENT (" +
                      entry + ")");
        continue;
      }
      if (!seen.insert(code).second) {
        r.Problem("employment.plan_steps.actions", "maps " + code + " twice");
      }
      p.plan_step_actions.emplace_back(code, *action);
    }
  } else {
    p.plan_step_actions = kDefaultPlanStepActions;
  }
  return p;
}

absl::StatusOr<EmploymentPolicies> LoadEmploymentPolicies(const policy::PolicyDocument& doc) {
  return policy::LoadSchedule<EmploymentPolicy>(
      doc, "employment", [](policy::PolicyReader& r) -> absl::StatusOr<EmploymentPolicy> {
        return ReadEmploymentPolicy(r);
      });
}

}  // namespace ccms::employment::domain
