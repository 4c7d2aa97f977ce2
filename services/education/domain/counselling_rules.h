#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "services/education/domain/case_view.h"
#include "services/education/domain/education_policy.h"
#include "services/education/domain/service_file_rules.h"

namespace ccms::education::domain {

// Psychological help (心理矫正, seed standard 7.5; docs/education.md, "Psychological help").

// The psychological file is read and written only by the case's district staff: social workers,
// office staff and district bureau staff (their districts, applied again in the store's SQL).
// City admins and auditors are refused (auditors read the audit log, not the file); the other
// roles too. PERMISSION_DENIED with a plain message.
absl::Status AuthorizePsychFile(const auth::Principal& principal);

// An expert of a district's pool (7.5.1) as the rules see it. Kinds: PROFESSIONAL,
// PARTNER_CENTRE, SOCIAL_WORKER, VOLUNTEER.
struct ExpertFacts {
  std::string expert_id;
  std::string district_code;
  std::string kind;
  bool therapy_qualified = false;
};

// The violations of a registration: PARTNER_CENTRE needs its agency_id; only PROFESSIONAL and
// PARTNER_CENTRE may be therapy-qualified (a PROFESSIONAL always is).
std::vector<Violation> CheckExpertRegistration(std::string_view kind, std::string_view agency_id,
                                               bool therapy_qualified);

// Whether the expert may give THERAPY (7.5.3: 心理治疗应由专业人员进行).
bool MayGiveTherapy(const ExpertFacts& expert);

// The rule a THERAPY session by anyone else breaks; FAILED_PRECONDITION names it.
inline constexpr char kTherapyRule[] = "education.counselling.therapy_by_professional";

// Whether a counselling session of `kind` (EDUCATION, GUIDANCE, THERAPY) with `expert` may be
// recorded for the case on `held_on`: the case is not closed, the expert is of the case's
// district's pool, THERAPY only by an expert who may give it (FAILED_PRECONDITION naming
// kTherapyRule), the day not before the supervision start (INVALID_ARGUMENT).
absl::Status CheckCounsellingSession(const CaseView& c, const ExpertFacts& expert,
                                     std::string_view kind, absl::CivilDay held_on);

// When the urgent counselling contact of a crisis flag raised at `raised_at` is due: raised_at
// plus education.counselling.urgent_contact_within_hours of the policy in force on the day it was
// raised (Asia/Shanghai). An absolute time: a contact at due_at itself is in time.
struct UrgentDue {
  absl::Time due_at;
  std::string policy_version;
};
UrgentDue UrgentContactDue(absl::Time raised_at, const EducationPolicies& policies);

// Open (not met) and `now` is after `due_at`.
bool UrgentOverdue(absl::Time due_at, bool met, absl::Time now);

// Whether a session held at `held_at` meets the urgent contact of a flag raised at `raised_at`:
// any counselling session at or after the flag.
inline bool MeetsUrgentContact(absl::Time raised_at, absl::Time held_at) {
  return held_at >= raised_at;
}

// Referral outcomes: PENDING -> ACCEPTED -> COMPLETED | NO_SHOW; PENDING -> DECLINED | NO_SHOW |
// COMPLETED. A DECLINED, COMPLETED or NO_SHOW referral is final (FAILED_PRECONDITION). The day
// may not be before the referral nor after today (INVALID_ARGUMENT).
absl::Status CheckReferralOutcome(std::string_view current, std::string_view next,
                                  absl::CivilDay referred_on, absl::CivilDay outcome_on,
                                  absl::CivilDay today);

}  // namespace ccms::education::domain
