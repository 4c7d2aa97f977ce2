#include "services/education/domain/education_policy.h"

#include <algorithm>
#include <set>

namespace ccms::education::domain {
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

}  // namespace

EducationPolicy ReadEducationPolicy(policy::PolicyReader& r) {
  EducationPolicy p;
  p.version = r.version();
  p.first_contact_within_days =
      static_cast<int>(r.Int("education.service_file.first_contact_within_days", 1, 90));
  p.service_file_within_months =
      static_cast<int>(r.Int("education.service_file.open_within_months", 1, 12));
  p.cause_codes = Codes(r, "education.service_file.cause_codes");
  p.need_codes = Codes(r, "education.service_file.need_codes");
  p.plan_revision_within_days =
      static_cast<int>(r.Int("education.plan.revision_within_days", 1, 90));
  p.plan_step_codes = r.Has("education.plan.step_codes") ? Codes(r, "education.plan.step_codes")
                                                         : kDefaultPlanStepCodes;
  if (std::find(p.plan_step_codes.begin(), p.plan_step_codes.end(), "OTHER") ==
      p.plan_step_codes.end()) {
    r.Problem("education.plan.step_codes", "must list OTHER (steps stored before codes)");
  }
  p.urgent_contact_within_hours =
      static_cast<int>(r.Int("education.counselling.urgent_contact_within_hours", 1, 168));
  p.legal_test_pass_mark_percent =
      static_cast<int>(r.Int("education.legal_test.pass_mark_percent", 1, 100));
  p.legal_test_retake_within_days =
      static_cast<int>(r.Int("education.legal_test.retake_within_days", 1, 365));
  p.complaint_handling_days =
      static_cast<int>(r.Int("education.feedback.complaint_handling_days", 1, 90));
  p.session = ReadSessionPolicy(r);
  p.community_service = ReadCommunityServicePolicy(r);
  p.hours = ReadHoursPolicy(r);
  p.windows = ReadWindowPolicy(r);
  p.individual = ReadIndividualPolicy(r);
  return p;
}

absl::StatusOr<EducationPolicies> LoadEducationPolicies(const policy::PolicyDocument& doc) {
  return policy::LoadSchedule<EducationPolicy>(
      doc, "education", [](policy::PolicyReader& r) -> absl::StatusOr<EducationPolicy> {
        return ReadEducationPolicy(r);
      });
}

}  // namespace ccms::education::domain
