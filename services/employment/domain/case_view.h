#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "absl/time/civil_time.h"
#include "services/employment/domain/age_rule.h"

namespace ccms::employment::domain {

// Where a case stands, as employment follows it from records' events.
enum class CaseStatus { kPendingIntake, kActive, kClosed };
std::string_view CaseStatusName(CaseStatus s);
CaseStatus CaseStatusOf(std::string_view name);

// A case as employment knows it without calling records: district, office, minor flag, the age
// facts (never the birth date), whether the person is lost contact (脱管: referrals pause).
struct CaseView {
  std::string case_id;
  std::string district_code;
  std::string office_id;
  CaseStatus status = CaseStatus::kPendingIntake;
  // Once minor, always minor (Law art. 58), as education keeps it.
  bool minor = false;
  AgeFacts age;
  bool lost_contact = false;
  std::optional<absl::CivilDay> closed_on;
  // Records' offence category code (records.offence_categories); "" when not known (a case
  // employment followed before it kept the category, V005). Matching checks it against an
  // opening's exclusions.
  std::string offence_category;
  // Records' standing approval for routine cross-city work travel (Measures 2020 art. 29), the
  // latest granted and not revoked: its id and days (V007). Matching names it for openings in
  // another city (domain/matching.h).
  std::string standing_approval_id;
  std::optional<absl::CivilDay> standing_approval_from;
  std::optional<absl::CivilDay> standing_approval_until;
};

// Whether the case holds a standing approval valid on `day` (from and until included).
bool HasStandingApproval(const CaseView& c, absl::CivilDay day);

// ccms.records.case_opened, or a case_facts_snapshot (then `snapshot_status` is records' status
// name: PENDING_INTAKE, ACTIVE, DISCHARGED, ...).
struct CaseOpenedFact {
  std::string district_code;
  std::string office_id;
  bool minor = false;
  AgeFacts age;
  std::optional<std::string> snapshot_status;
  std::string offence_category;  // "" when the event does not carry one
};
// ccms.records.case_facts_changed.
struct CaseFactsFact {
  bool minor = false;
  std::optional<int> age_at_judgment;
  std::string offence_category;  // "" when not carried
};
struct IntakeReportedFact {};
struct CaseTransferredFact {
  std::string to_district_code;
  std::string to_office_id;
};
struct CaseClosedFact {
  absl::CivilDay closed_on;
};
// ccms.records.lost_contact_marked (lost = true) and found_again (lost = false).
struct LostContactFact {
  bool lost = false;
};

// ccms.records.discharge_approaching: the term ends on `end_date` (a resettlement referral
// becomes due, domain/resettlement_rules.h; the case view itself does not change).
struct DischargeApproachingFact {
  absl::CivilDay end_date;
};

// ccms.records.standing_approval_granted (revoked = false) and …_revoked (revoked = true): a
// grant replaces the one held; a revocation clears it when it names the one held.
struct StandingApprovalFact {
  std::string standing_approval_id;
  absl::CivilDay valid_from;
  absl::CivilDay valid_until;
  bool revoked = false;
};

using RecordsFact =
    std::variant<CaseOpenedFact, CaseFactsFact, IntakeReportedFact, CaseTransferredFact,
                 CaseClosedFact, LostContactFact, DischargeApproachingFact, StandingApprovalFact>;

// The case after `fact`. A closed case stays closed; an intake report makes a pending case
// active; a later fact never clears the minor flag.
CaseView Apply(CaseView view, const RecordsFact& fact);

}  // namespace ccms::employment::domain
