#include "services/records/domain/sanction_grounds.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"
#include "services/records/domain/orders_rules.h"

namespace ccms::records::domain {
namespace {

constexpr char kAdmonitionSource[] = "Measures 2020, admonition grounds";
constexpr char kWarningSource[] = "Measures 2020, warning grounds";

SanctionGround Ground(std::string rule, SanctionKind ground_for, int count, bool met,
                      const std::string& facts, const char* source, const RecordsPolicy& policy) {
  SanctionGround g;
  g.explanation = absl::StrCat(rule, met ? ": met — " : ": not met — ", facts, " (", source,
                               "; policy ", policy.version, ")");
  g.rule = std::move(rule);
  g.ground_for = ground_for;
  g.count = count;
  g.met = met;
  g.policy_version = policy.version;
  return g;
}

int CountViolations(const LadderFacts& facts, std::initializer_list<ViolationKind> kinds) {
  return static_cast<int>(std::count_if(
      facts.violations.begin(), facts.violations.end(),
      [&](ViolationKind v) { return std::find(kinds.begin(), kinds.end(), v) != kinds.end(); }));
}

}  // namespace

SanctionGround LostContactUpToLimitGround(const LadderFacts& facts, const RecordsPolicy& policy,
                                          absl::CivilDay today) {
  int n = 0;
  for (const auto& p : facts.lost_contact) {
    const int days = LostContactDays(p, today);
    if (days >= 1 && days <= policy.lost_contact_admonition_max_days) ++n;
  }
  return Ground("ADMONITION_LOST_CONTACT_UP_TO_LIMIT", SanctionKind::kAdmonition, n, n > 0,
                absl::StrCat(n, " period(s) of lost contact of 1 to ",
                             policy.lost_contact_admonition_max_days, " days"),
                kAdmonitionSource, policy);
}

SanctionGround LateReportingGround(const LadderFacts& facts, const RecordsPolicy& policy) {
  const int n = CountViolations(facts, {ViolationKind::kLateReporting});
  return Ground("ADMONITION_LATE_REPORTING", SanctionKind::kAdmonition, n, n > 0,
                absl::StrCat(n, " late-reporting violation(s) recorded"), kAdmonitionSource,
                policy);
}

SanctionGround MinorRuleBreachGround(const LadderFacts& facts, const RecordsPolicy& policy) {
  const int n =
      CountViolations(facts, {ViolationKind::kUnapprovedTravel, ViolationKind::kLeaveNotReturned});
  return Ground("ADMONITION_TRAVEL_OR_MOVING_RULES_BREACH", SanctionKind::kAdmonition, n, n > 0,
                absl::StrCat(n, " breach(es) of the travel or leave rules recorded"),
                kAdmonitionSource, policy);
}

SanctionGround EducationAbsentAfterNoticeGround(const LadderFacts& facts,
                                                const RecordsPolicy& policy) {
  const int reported = static_cast<int>(facts.education_absences.size());
  const int recorded = CountViolations(facts, {ViolationKind::kEducationMissed});
  const int n = reported + recorded;
  std::string text = absl::StrCat(reported, " absence(s) after notice reported by education, ",
                                  recorded, " EDUCATION_MISSED violation(s) recorded");
  if (reported > 0) {
    absl::StrAppend(&text, "; the latest absence on ",
                    time::FormatDate(*std::max_element(facts.education_absences.begin(),
                                                       facts.education_absences.end())));
  }
  return Ground("ADMONITION_EDUCATION_ABSENT_AFTER_NOTICE", SanctionKind::kAdmonition, n, n > 0,
                text, kAdmonitionSource, policy);
}

SanctionGround LostContactOverLimitGround(const LadderFacts& facts, const RecordsPolicy& policy,
                                          absl::CivilDay today) {
  int n = 0;
  for (const auto& p : facts.lost_contact) {
    if (LostContactDays(p, today) > policy.lost_contact_admonition_max_days) ++n;
  }
  return Ground("WARNING_LOST_CONTACT_OVER_LIMIT", SanctionKind::kWarning, n, n > 0,
                absl::StrCat(n, " period(s) of lost contact of more than ",
                             policy.lost_contact_admonition_max_days, " days"),
                kWarningSource, policy);
}

SanctionGround RepeatedAdmonitionsGround(const LadderFacts& facts, const RecordsPolicy& policy) {
  int n = 0;
  for (const auto& s : facts.sanctions) {
    if (s.kind == SanctionKind::kAdmonition && !s.corrected) ++n;
  }
  return Ground("WARNING_REPEATED_ADMONITIONS", SanctionKind::kWarning, n,
                n >= policy.admonitions_for_warning,
                absl::StrCat("needs ", policy.admonitions_for_warning,
                             " uncorrected admonitions; the case has ", n),
                kWarningSource, policy);
}

SanctionGround MinorProhibitionBreachGround(const LadderFacts& facts, const RecordsPolicy& policy) {
  int minor = 0;
  int unstated = 0;
  for (BreachSeverity s : facts.prohibition_breaches) {
    if (s == BreachSeverity::kMinor) ++minor;
    if (s == BreachSeverity::kUnstated) ++unstated;
  }
  const int n = minor + unstated;
  std::string text = absl::StrCat(minor, " minor prohibition-order breach(es) recorded");
  if (unstated > 0) {
    absl::StrAppend(&text, ", ", unstated, " more without a stated severity (counted as minor)");
  }
  return Ground("WARNING_MINOR_PROHIBITION_ORDER_BREACH", SanctionKind::kWarning, n, n > 0, text,
                kWarningSource, policy);
}

SanctionGround MedicalReviewMissedGround(const LadderFacts& facts, const RecordsPolicy& policy,
                                         absl::CivilDay today) {
  if (!facts.medical_review.has_value()) {
    return Ground("WARNING_MEDICAL_REVIEW_MISSED", SanctionKind::kWarning, 0, false,
                  "applies to temporary execution outside prison after intake", kWarningSource,
                  policy);
  }
  MedicalFacts medical;
  medical.supervision_start = facts.medical_review->intake_on;
  medical.last_medical_review = facts.medical_review->last_review;
  const absl::CivilDay due = NextMedicalDue(medical, MedicalDueKind::kMedicalReview, policy);
  const bool missed = today > due;
  return Ground(
      "WARNING_MEDICAL_REVIEW_MISSED", SanctionKind::kWarning, missed ? 1 : 0, missed,
      absl::StrCat("a medical review every ", policy.medical_review_every_months,
                   " month(s); the next was due on ", time::FormatDate(due),
                   missed ? absl::StrCat(", ", static_cast<int>(today - due), " day(s) ago")
                          : std::string()),
      kWarningSource, policy);
}

std::vector<SanctionGround> EvaluateGrounds(const LadderFacts& facts, const RecordsPolicy& policy,
                                            absl::CivilDay today) {
  return {
      LostContactUpToLimitGround(facts, policy, today),
      LateReportingGround(facts, policy),
      MinorRuleBreachGround(facts, policy),
      EducationAbsentAfterNoticeGround(facts, policy),
      LostContactOverLimitGround(facts, policy, today),
      RepeatedAdmonitionsGround(facts, policy),
      MinorProhibitionBreachGround(facts, policy),
      MedicalReviewMissedGround(facts, policy, today),
  };
}

}  // namespace ccms::records::domain
