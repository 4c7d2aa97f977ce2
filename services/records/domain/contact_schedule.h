#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/records/domain/records_policy.h"

namespace ccms::records::domain {

// A supervision contact as recorded (报到 / 走访 / 思想汇报).
enum class ContactKind {
  kCheckInInPerson,
  kCheckInPhone,
  kCheckInVideo,
  kHomeVisit,
  kWorkplaceVisit,
  kCommunityVisit,
  kSelfReport,
};
std::string_view ContactKindName(ContactKind kind);  // "CHECK_IN_IN_PERSON", …
std::optional<ContactKind> ParseContactKind(std::string_view name);

// What a level's standard asks for. A stronger contact satisfies a weaker requirement: an
// in-person check-in or a visit also counts as a report.
enum class ContactRequirement { kReport, kInPerson, kVisit, kSelfReport };
inline constexpr ContactRequirement kAllRequirements[] = {
    ContactRequirement::kReport, ContactRequirement::kInPerson, ContactRequirement::kVisit,
    ContactRequirement::kSelfReport};
std::string_view ContactRequirementName(ContactRequirement r);  // "REPORT", …
bool Satisfies(ContactKind kind, ContactRequirement requirement);

// The level in force on a day: the assessed level from its effective date; before any
// assessment, STRICT for the policy's initial period after intake, then STANDARD.
struct LevelFacts {
  std::optional<absl::CivilDay> intake_reported_on;
  std::optional<SupervisionLevel> assessed_level;
  std::optional<absl::CivilDay> assessed_effective_on;
};
SupervisionLevel LevelOn(const LevelFacts& facts, absl::CivilDay day, const RecordsPolicy& policy);

// What the schedule needs of one active case.
struct ContactFacts {
  absl::CivilDay supervision_start;  // the intake check-in date
  LevelFacts level;
  // Last date of a contact satisfying each requirement, indexed by ContactRequirement.
  std::optional<absl::CivilDay> last[4];
};

struct DueContact {
  ContactRequirement requirement;
  absl::CivilDay due;
  SupervisionLevel level;
  std::string rule;      // e.g. "STRICT: in-person check-in every 15d (policy 2026.11-default)"
  int days_overdue = 0;  // > 0 when `today` is past `due`
};

// The next due date of each requirement the level in force today asks for (requirements the
// level does not ask for are left out): last satisfying contact (or the start) + interval.
std::vector<DueContact> NextDue(const ContactFacts& facts, const RecordsPolicy& policy,
                                absl::CivilDay today);
// The same with versions: the level on `today` by the version in force today; each due date by
// the version in force on the day it is counted from (the last satisfying contact, or the
// start), which its rule names. A later version does not move a due date counted from an
// earlier day.
std::vector<DueContact> NextDue(const ContactFacts& facts, const RecordsPolicies& policies,
                                absl::CivilDay today);

// The intake home visit (入矫走访, policy records.intake.home_visit_within_days, 20): a home
// visit within that many days of the intake check-in. The due day is intake + N (day N is on
// time); from the day after, with no home visit made on or before `as_of`, it is overdue by
// as_of - due days. A late visit ends it. Counted by the version in force on the intake day.
absl::CivilDay IntakeHomeVisitDue(absl::CivilDay intake_on, const RecordsPolicy& policy);
std::optional<int> IntakeHomeVisitDaysOverdue(absl::CivilDay intake_on,
                                              std::optional<absl::CivilDay> last_home_visit,
                                              absl::CivilDay as_of, const RecordsPolicy& policy);

}  // namespace ccms::records::domain
