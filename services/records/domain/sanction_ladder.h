#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/records/domain/case_rules.h"
#include "services/records/domain/records_policy.h"

namespace ccms::records::domain {

// The ladder of sanctions (Measures 2020): admonition (训诫) → warning (警告) → public-security
// penalty referral → revocation request (提请撤销缓刑、假释 / 收监执行).
enum class SanctionKind { kAdmonition, kWarning, kPublicSecurityReferral, kRevocationRequest };
std::string_view SanctionKindName(SanctionKind kind);  // "ADMONITION", …
std::optional<SanctionKind> ParseSanctionKind(std::string_view name);

enum class ViolationKind {
  kLateReporting,
  kLostContact,
  kLeaveNotReturned,
  kUnapprovedTravel,
  kProhibitionOrderBreach,
  kEducationMissed,
  kMonitoringOutage,
  kOther,
};
std::string_view ViolationKindName(ViolationKind kind);
std::optional<ViolationKind> ParseViolationKind(std::string_view name);

// The legal grounds for a revocation request (Measures 2020).
enum class RevocationGround {
  kRepeatedWarnings,         // the policy's count (2) of uncorrected warnings
  kLostContactOverOneMonth,  // 脱管 for more than the policy's months (1)
  kUncorrectedAfterPublicSecurityPenalty,
  kSeriousProhibitionOrderBreach,
  kReoffendingDuringTerm,  // 重新违法犯罪: a new offence during the term (public security)
};
std::string_view RevocationGroundName(RevocationGround ground);
std::optional<RevocationGround> ParseRevocationGround(std::string_view name);

// How serious staff found a prohibition-order breach (禁止令, Measures 2020): a minor breach is a
// warning ground, a serious one a revocation ground. kUnstated: recorded before severity was kept
// (counted as minor: every breach is at least a warning ground).
enum class BreachSeverity { kUnstated, kMinor, kSerious };
std::string_view BreachSeverityName(BreachSeverity severity);  // "", "MINOR", "SERIOUS"
std::optional<BreachSeverity> ParseBreachSeverity(std::string_view name);

// One admonition or warning ground of shared/RULES.md ("Sanctions and rewards"), evaluated on a
// case (sanction_grounds.h): the rule's name, the sanction it is a ground for, whether the case
// meets it, how many facts count toward it, and an explanation naming the rule's source and the
// policy version.
struct SanctionGround {
  std::string rule;  // e.g. "ADMONITION_EDUCATION_ABSENT_AFTER_NOTICE"
  SanctionKind ground_for = SanctionKind::kAdmonition;
  bool met = false;
  int count = 0;
  std::string explanation;
  std::string policy_version;
};

// The court's decision on a revocation request (Law arts. 46-47).
enum class RevocationDecision { kGranted, kRefused };

struct SanctionFact {
  SanctionKind kind;
  absl::CivilDay issued_on;
  bool corrected = false;
  // A revocation request's decision, once the court made it: a REFUSED request is no longer
  // pending (a new one may be made); a GRANTED one lets the case close as REVOKED.
  std::optional<RevocationDecision> court_decision;
};
struct LostContactFact {
  absl::CivilDay started_on;
  std::optional<absl::CivilDay> ended_on;  // still lost when absent
};
struct LadderFacts {
  SentenceKind sentence_kind = SentenceKind::kUnspecified;
  std::vector<SanctionFact> sanctions;
  std::vector<LostContactFact> lost_contact;
  std::vector<ViolationKind> violations;
  std::vector<absl::CivilDay> reoffences;  // days of new offences during the term
  // The admonition and warning grounds' facts (sanction_grounds.h).
  std::vector<BreachSeverity> prohibition_breaches;  // one per prohibition-order breach
  std::vector<absl::CivilDay> education_absences;    // ABSENT_AFTER_NOTICE days (education)
  // Temporary execution outside prison after intake: the intake day and the last medical review.
  struct MedicalReview {
    absl::CivilDay intake_on;
    std::optional<absl::CivilDay> last_review;
  };
  std::optional<MedicalReview> medical_review;
};

// Where a case stands and what the next step would need, in words staff can act on.
struct LadderStatus {
  int uncorrected_admonitions = 0;
  int uncorrected_warnings = 0;
  int public_security_referrals = 0;
  // A revocation request pending with the court, or granted by it; a refused one is not.
  bool revocation_requested = false;
  bool revocation_granted = false;
  int revocation_requests_refused = 0;
  std::vector<RevocationGround> grounds_met;
  std::vector<std::string> explanations;  // one line per ground, met or not
  int longest_lost_contact_days = 0;
  std::string next_step;
  // Every admonition and warning ground of shared/RULES.md ccms has data for, met or not.
  std::vector<SanctionGround> grounds;
};

LadderStatus EvaluateLadder(const LadderFacts& facts, const RecordsPolicy& policy,
                            absl::CivilDay today);

// Checks a sanction before it is issued. A revocation request needs at least one claimed
// ground, every claimed ground met, a sentence that can be revoked (probation, parole;
// committal for temporary execution outside prison) and no pending request; otherwise
// FAILED_PRECONDITION naming what is missing.
absl::Status CheckSanction(SanctionKind kind, const std::vector<RevocationGround>& claimed,
                           const LadderFacts& facts, const RecordsPolicy& policy,
                           absl::CivilDay today);

// A new offence during the term (重新违法犯罪) as public security reported it: on an open case
// (PENDING_INTAKE or ACTIVE, else FAILED_PRECONDITION); it happened within the term (on or after
// `start_date`, on or before `end_date`) and on or before the day it was reported.
// INVALID_ARGUMENT "occurred_on: …" otherwise.
absl::Status CheckReoffence(CaseStatus status, absl::CivilDay start_date, absl::CivilDay end_date,
                            absl::CivilDay occurred_on, absl::CivilDay reported_on);

// Days of a lost-contact period up to `today` when still open.
int LostContactDays(const LostContactFact& period, absl::CivilDay today);

}  // namespace ccms::records::domain
