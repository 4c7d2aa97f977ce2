#pragma once

// The admonition (训诫) and warning (警告) grounds of shared/RULES.md ("Sanctions and rewards",
// Measures 2020) that ccms has data for, evaluated on a case's ladder facts. Each ground is its
// own function so a new one is one more function and one more line in EvaluateGrounds. A ground
// is not a sanction: staff decide whether to issue one (IssueSanction).

#include <vector>

#include "absl/time/civil_time.h"
#include "services/records/domain/records_policy.h"
#include "services/records/domain/sanction_ladder.h"

namespace ccms::records::domain {

// Admonition: lost contact for at least one day and at most the policy's days
// (records.lost_contact.admonition_max_days, 10): a period of 10 days is this ground, 11 the
// warning ground.
SanctionGround LostContactUpToLimitGround(const LadderFacts& facts, const RecordsPolicy& policy,
                                          absl::CivilDay today);
// Admonition: late reporting (violations LATE_REPORTING).
SanctionGround LateReportingGround(const LadderFacts& facts, const RecordsPolicy& policy);
// Admonition: a minor breach of the travel or moving rules (violations UNAPPROVED_TRAVEL,
// LEAVE_NOT_RETURNED).
SanctionGround MinorRuleBreachGround(const LadderFacts& facts, const RecordsPolicy& policy);
// Admonition: skipping education after notice — absences reported by the education service with
// outcome ABSENT_AFTER_NOTICE, and violations EDUCATION_MISSED recorded by staff.
SanctionGround EducationAbsentAfterNoticeGround(const LadderFacts& facts,
                                                const RecordsPolicy& policy);
// Warning: lost contact for more than the policy's days (11 days and more by default).
SanctionGround LostContactOverLimitGround(const LadderFacts& facts, const RecordsPolicy& policy,
                                          absl::CivilDay today);
// Warning: the policy's count (records.sanctions.admonitions_for_warning, 2) of uncorrected
// admonitions.
SanctionGround RepeatedAdmonitionsGround(const LadderFacts& facts, const RecordsPolicy& policy);
// Warning: a minor breach of a prohibition order (severity MINOR, or not stated). A SERIOUS
// breach is the revocation ground SERIOUS_PROHIBITION_ORDER_BREACH instead.
SanctionGround MinorProhibitionBreachGround(const LadderFacts& facts, const RecordsPolicy& policy);
// Warning: a person under temporary execution outside prison whose medical review (病情复查) is
// overdue: not on the day it falls due (every records.temporary_outside_prison.
// medical_review_every_months from the last review or the intake), from the day after.
SanctionGround MedicalReviewMissedGround(const LadderFacts& facts, const RecordsPolicy& policy,
                                         absl::CivilDay today);

// Every ground above, admonition grounds first, each named with its rule and `policy.version`.
std::vector<SanctionGround> EvaluateGrounds(const LadderFacts& facts, const RecordsPolicy& policy,
                                            absl::CivilDay today);

}  // namespace ccms::records::domain
