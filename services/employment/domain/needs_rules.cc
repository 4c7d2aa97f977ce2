#include "services/employment/domain/needs_rules.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::employment::domain {
namespace {

absl::Status OneOf(const std::string& code, const std::vector<std::string>& allowed,
                   const char* field) {
  if (code.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  if (!HasCode(allowed, code)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": is not a code of the policy"));
  }
  return absl::OkStatus();
}

bool IsIssuerCode(const std::string& s) {
  if (s.size() < 2 || s.size() > 40) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

absl::Status CheckCodeList(const std::vector<std::string>& codes,
                           const std::vector<std::string>& allowed, int max, const char* field) {
  if (static_cast<int>(codes.size()) > max) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": at most ", max, " codes"));
  }
  std::set<std::string> seen;
  for (const auto& c : codes) {
    if (!HasCode(allowed, c)) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": is not a code of the policy"));
    }
    if (!seen.insert(c).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": lists a code twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSurvey(const SurveyAnswers& a, const EmploymentPolicy& policy) {
  if (a.method != "INTERVIEW" && a.method != "HOME_VISIT") {
    return absl::InvalidArgumentError("method: must be INTERVIEW or HOME_VISIT");
  }
  if (a.wish_to_work != "WANTS_WORK" && a.wish_to_work != "NOT_NOW" &&
      a.wish_to_work != "DOES_NOT_WANT") {
    return absl::InvalidArgumentError("wish_to_work: is required");
  }
  if (auto st = OneOf(a.ability_code, policy.ability_codes, "ability_code"); !st.ok()) return st;
  if (auto st =
          CheckCodeList(a.skill_gap_codes, policy.skill_codes, kMaxSkillGaps, "skill_gap_codes");
      !st.ok()) {
    return st;
  }
  if (auto st = OneOf(a.housing_code, policy.housing_codes, "housing_code"); !st.ok()) return st;
  if (auto st = OneOf(a.livelihood_code, policy.livelihood_codes, "livelihood_code"); !st.ok()) {
    return st;
  }
  if (auto st = OneOf(a.schooling_code, policy.schooling_codes, "schooling_code"); !st.ok()) {
    return st;
  }
  return OneOf(a.family_code, policy.family_codes, "family_code");
}

std::string_view PlanStatusName(PlanStatus s) {
  switch (s) {
    case PlanStatus::kDraft:
      return "DRAFT";
    case PlanStatus::kAgreed:
      return "AGREED";
    case PlanStatus::kSuperseded:
      return "SUPERSEDED";
  }
  return "";
}

PlanStatus PlanStatusOf(std::string_view name) {
  if (name == "AGREED") return PlanStatus::kAgreed;
  if (name == "SUPERSEDED") return PlanStatus::kSuperseded;
  return PlanStatus::kDraft;
}

absl::Status CheckPlanTransition(PlanStatus from, PlanStatus to) {
  const bool allowed = (from == PlanStatus::kDraft && to == PlanStatus::kAgreed) ||
                       (from == PlanStatus::kDraft && to == PlanStatus::kSuperseded) ||
                       (from == PlanStatus::kAgreed && to == PlanStatus::kSuperseded);
  if (allowed) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("a career plan version in ", std::string(PlanStatusName(from)),
                   " cannot move to ", std::string(PlanStatusName(to))));
}

absl::Status CheckPlanDraft(const std::string& goal_code, const std::vector<std::string>& sectors,
                            const std::vector<std::string>& target_skills,
                            const EmploymentPolicy& policy) {
  if (auto st = OneOf(goal_code, policy.plan_goal_codes, "goal_code"); !st.ok()) return st;
  if (auto st = CheckCodeList(sectors, policy.opening_sectors, kMaxPlanSectors, "sector_codes");
      !st.ok()) {
    return st;
  }
  return CheckCodeList(target_skills, policy.skill_codes, kMaxPlanSkills, "target_skill_codes");
}

absl::Status CheckPlanAgreement(PlanStatus status, absl::CivilDay drafted_on,
                                absl::CivilDay agreed_on, absl::CivilDay today) {
  if (agreed_on > today) return absl::InvalidArgumentError("agreed_on: must not be in the future");
  if (auto st = CheckPlanTransition(status, PlanStatus::kAgreed); !st.ok()) return st;
  if (agreed_on < drafted_on) {
    return absl::InvalidArgumentError(absl::StrCat("agreed_on: must not be before the draft (",
                                                   time::FormatDate(drafted_on), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckSkillsProfile(const std::vector<std::string>& skills,
                                const std::vector<Certificate>& certificates,
                                const EmploymentPolicy& policy, absl::CivilDay today) {
  if (auto st = CheckCodeList(skills, policy.skill_codes, kMaxProfileSkills, "skill_codes");
      !st.ok()) {
    return st;
  }
  if (static_cast<int>(certificates.size()) > kMaxCertificates) {
    return absl::InvalidArgumentError(
        absl::StrCat("certificates: at most ", kMaxCertificates, " certificates"));
  }
  for (const Certificate& c : certificates) {
    if (!HasCode(policy.certificate_codes, c.certificate_code)) {
      return absl::InvalidArgumentError(
          "certificates.certificate_code: is not a code of the policy");
    }
    if (!IsIssuerCode(c.issuer_code)) {
      return absl::InvalidArgumentError("certificates.issuer_code: 2-40 of A-Z 0-9 _");
    }
    if (!c.obtained_on.has_value()) {
      return absl::InvalidArgumentError("certificates.obtained_on: is required");
    }
    if (*c.obtained_on > today) {
      return absl::InvalidArgumentError("certificates.obtained_on: must not be in the future");
    }
  }
  return absl::OkStatus();
}

}  // namespace ccms::employment::domain
