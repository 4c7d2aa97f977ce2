#include "services/education/domain/counselling_rules.h"

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::education::domain {

absl::Status AuthorizePsychFile(const auth::Principal& principal) {
  using auth::Role;
  const Role r = principal.role;
  if (r == Role::kSocialWorker || r == Role::kOfficeStaff || r == Role::kDistrictBureau) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      "only the case's district staff may read or write a psychological file");
}

std::vector<Violation> CheckExpertRegistration(std::string_view kind, std::string_view agency_id,
                                               bool therapy_qualified) {
  std::vector<Violation> v;
  if (kind == "PARTNER_CENTRE" && agency_id.empty()) {
    v.push_back({"agency_id", "is required for a partner centre"});
  }
  if (kind != "PARTNER_CENTRE" && !agency_id.empty()) {
    v.push_back({"agency_id", "is only for a partner centre"});
  }
  if (therapy_qualified && kind != "PROFESSIONAL" && kind != "PARTNER_CENTRE") {
    v.push_back({"therapy_qualified",
                 "only a professional or a partner centre may give therapy (seed 7.5.3)"});
  }
  return v;
}

bool MayGiveTherapy(const ExpertFacts& expert) {
  return expert.kind == "PROFESSIONAL" ||
         (expert.kind == "PARTNER_CENTRE" && expert.therapy_qualified);
}

absl::Status CheckCounsellingSession(const CaseView& c, const ExpertFacts& expert,
                                     std::string_view kind, absl::CivilDay held_on) {
  if (c.status == CaseStatus::kClosed) return absl::FailedPreconditionError("the case is closed");
  if (expert.district_code != c.district_code) {
    return absl::FailedPreconditionError("the expert is not in the pool of the case's district");
  }
  if (kind == "THERAPY" && !MayGiveTherapy(expert)) {
    return absl::FailedPreconditionError(
        absl::StrCat("rule ", kTherapyRule,
                     " (seed 7.5.3): THERAPY needs a professional provider, and this expert is "
                     "not one; record EDUCATION or GUIDANCE, or choose a professional"));
  }
  if (c.supervision_start.has_value() && held_on < *c.supervision_start) {
    return absl::InvalidArgumentError(absl::StrCat("held_at is before the supervision start (",
                                                   time::FormatDate(*c.supervision_start), ")"));
  }
  return absl::OkStatus();
}

UrgentDue UrgentContactDue(absl::Time raised_at, const EducationPolicies& policies) {
  const EducationPolicy& p = policies.InForce(time::ShanghaiDay(raised_at));
  return {raised_at + absl::Hours(p.urgent_contact_within_hours), p.version};
}

bool UrgentOverdue(absl::Time due_at, bool met, absl::Time now) { return !met && now > due_at; }

absl::Status CheckReferralOutcome(std::string_view current, std::string_view next,
                                  absl::CivilDay referred_on, absl::CivilDay outcome_on,
                                  absl::CivilDay today) {
  const bool allowed = (current == "PENDING" && (next == "ACCEPTED" || next == "DECLINED" ||
                                                 next == "NO_SHOW" || next == "COMPLETED")) ||
                       (current == "ACCEPTED" && (next == "COMPLETED" || next == "NO_SHOW"));
  if (!allowed) {
    return absl::FailedPreconditionError(
        absl::StrCat("a ", std::string(current), " referral cannot become ", std::string(next)));
  }
  if (outcome_on > today) return absl::InvalidArgumentError("outcome_on is in the future");
  if (outcome_on < referred_on) {
    return absl::InvalidArgumentError(
        absl::StrCat("outcome_on is before the referral (", time::FormatDate(referred_on), ")"));
  }
  return absl::OkStatus();
}

}  // namespace ccms::education::domain
