#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/policy/policy.h"
#include "common/policy/schedule.h"
#include "services/reporting/domain/timeline.h"

namespace ccms::reporting::domain {

// The city-wide worklists (docs/reporting.md, "Worklists"), merged from events. Each row is one
// item of one case: ids, codes and days, never a name.
enum class WorklistKind {
  kNeverReported = 1,      // 漏管: intake deadline passed without an intake report
  kContactOverdue = 2,     // no in-person contact within the level's interval
  kCrisisFlag = 3,         // crisis flag raised, not acknowledged
  kHoursShortfall = 4,     // the latest closed month of the hours ledger fell short
  kDischargeDue = 5,       // the term ends soon, the case is not closed
  kReferralEscalated = 6,  // a referral unanswered past its due day
};

// "NEVER_REPORTED", "CONTACT_OVERDUE", "CRISIS_FLAG_UNACKNOWLEDGED", "HOURS_SHORTFALL",
// "DISCHARGE_DUE", "REFERRAL_ESCALATED" (the proto enum's suffixes; the table's `kind`).
std::string_view WorklistKindName(WorklistKind kind);
std::optional<WorklistKind> ParseWorklistKind(std::string_view name);

// One row of a worklist. `listed_from` is the first day it shows (the day after a deadline for
// the never-reported and contact lists; `since` for the others).
struct WorklistItem {
  WorklistKind kind = WorklistKind::kNeverReported;
  std::string case_id;
  std::string item_id;  // flag id, referral id, ledger month; "" for a case-wide row
  std::string district;
  absl::CivilDay since;
  absl::CivilDay due;
  absl::CivilDay listed_from;
  std::string reason;

  bool operator==(const WorklistItem&) const = default;
};

// An interval of the policy file, as records reads it: "7d", "1m" (calendar months, the end of
// a month clamped: Jan 31 + 1m = Feb 28/29) or "0" (not required).
struct ContactInterval {
  int days = 0;
  int months = 0;
  bool none() const { return days == 0 && months == 0; }
};
absl::StatusOr<ContactInterval> ParseContactInterval(std::string_view text);
absl::CivilDay AddContactInterval(absl::CivilDay day, const ContactInterval& interval);

// The in-person contact interval of each supervision level ("STRICT", "STANDARD", "RELAXED"),
// read from the deployment's policy `records.contact.<LEVEL>.in_person` — the same keys records
// schedules contacts by; reporting reads them and nothing else of records' section.
struct ContactRules {
  std::map<std::string, ContactInterval> in_person;
};
using ContactSchedule = policy::Schedule<ContactRules>;
absl::StatusOr<ContactSchedule> LoadContactSchedule(const policy::PolicyDocument& policy);

// Contact kinds (records' ContactKind names) that meet the in-person requirement: check-ins in
// person and visits (home, workplace, community). Phone, video and self-reports do not.
bool IsInPersonContact(std::string_view kind);

// What the projections know of a case's intake and contacts.
struct CaseClock {
  bool closed = false;
  std::string level;  // "" before assessment's first level
  std::optional<absl::CivilDay> intake_deadline;
  std::optional<absl::CivilDay> intake_reported_on;  // the first intake report
  std::optional<absl::CivilDay> last_in_person;      // the latest in-person contact
};

// The clock of a case from what the projections keep of it: its time line (closed when it has a
// closing day; the level and the district of its latest state, the last span's, as the per-case
// projection holds them) and its occurrences (the latest intake deadline of case_opened and
// facts snapshots, the first intake report, the latest in-person contact).
CaseClock ClockOf(const Timeline& timeline, const std::vector<Occurrence>& occurrences);
// The district ClockItems lists a case under: its latest state's ("" without a span).
std::string ClockDistrict(const Timeline& timeline);

// The case's never-reported and contact-overdue rows (none, one or both), as they stand whatever
// today is (a row shows from its listed_from day):
// - never reported: a deadline and no intake report; due = the deadline, since = listed from =
//   the day after;
// - contact overdue: reported, a level whose in-person interval is set; since = the latest of the
//   intake report and the last in-person contact, due = since + the interval of the policy
//   version in force on `since`, listed from the day after the due day; reason
//   IN_PERSON_CONTACT_<LEVEL>.
// A closed case has none.
std::vector<WorklistItem> ClockItems(const std::string& case_id, const std::string& district,
                                     const CaseClock& clock, const ContactSchedule& schedule);

}  // namespace ccms::reporting::domain
