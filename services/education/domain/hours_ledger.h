#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "common/policy/policy.h"
#include "services/education/domain/case_view.h"

namespace ccms::education::domain {

// The monthly hours ledger (issue 14 item 6; Measures 2012 arts. 15-16, RULES.md "Education and
// community service"): per case and calendar month, the study hours credited from attendance and
// the community-service hours, against the requirement of policy, pro-rated for part months at
// the start and the end of the term and for the days a waiver covers. Every credit, non-credit,
// requirement and mark is a line with a reason code (codes only, never text).

// `education.hours.*` of one policy version. Hours are kept in minutes.
struct HoursPolicy {
  int study_minutes_per_month = 8 * 60;              // 8 h (RULES.md; policy)
  int community_service_minutes_per_month = 8 * 60;  // 8 h (RULES.md; policy)
  int waiver_max_months = 12;                        // (default) a waiver lasts at most this long
  std::vector<std::string> waiver_reason_codes;      // (default) why a waiver is granted
};

// Reads `education.hours.*` of one version; problems go to the reader.
HoursPolicy ReadHoursPolicy(policy::PolicyReader& r);

enum class HoursKind { kStudy, kCommunityService };
std::string_view HoursKindName(HoursKind k);  // STUDY, COMMUNITY_SERVICE
std::optional<HoursKind> HoursKindOf(std::string_view name);

// A credit or non-credit of one day: an attendance (study) or a community-service record.
struct HoursEntry {
  HoursKind kind = HoursKind::kStudy;
  std::string source_id;  // the session id, or the community-service record id
  absl::CivilDay on;
  int credited_minutes = 0;
  std::string reason_code;  // AttendanceReasonCode, or COMMUNITY_SERVICE
};

// The reason code of an attendance's line: ATTENDED, LATE_PART_CREDIT, EXCUSED_<reason>
// (EXCUSED_APPROVED_LEAVE, EXCUSED_HOSPITAL, EXCUSED_WORK, EXCUSED_OTHER), ABSENT_AFTER_NOTICE,
// ABSENT. `outcome` and `excuse_reason` are the stored names (session_rules.h).
std::string AttendanceReasonCode(std::string_view outcome, std::string_view excuse_reason);
inline constexpr char kCommunityServiceCode[] = "COMMUNITY_SERVICE";

// A waiver of one kind's requirement for the days from..until (inclusive). Granted by office
// staff only (the handler checks the role); `decided_by` is their subject.
enum class WaiverScope { kStudy, kCommunityService, kBoth };
std::string_view WaiverScopeName(WaiverScope s);  // STUDY, COMMUNITY_SERVICE, BOTH
std::optional<WaiverScope> WaiverScopeOf(std::string_view name);
struct HoursWaiver {
  std::string waiver_id;
  WaiverScope scope = WaiverScope::kBoth;
  std::string reason_code;
  std::string decided_by;
  absl::CivilDay from;
  absl::CivilDay until;
};
bool WaiverCovers(const HoursWaiver& w, HoursKind kind, absl::CivilDay day);

// A waiver's values: a reason of the policy, from <= until, at most waiver_max_months long
// (until < from + months), the subject set. INVALID_ARGUMENT naming the field.
absl::Status CheckWaiver(const HoursWaiver& w, const HoursPolicy& policy);

// Days from..to (inclusive; `to` unset: still running). Lost contact runs from `since` to the day
// before it was found.
struct DayPeriod {
  absl::CivilDay from;
  std::optional<absl::CivilDay> to;
};

// The term as the ledger counts it: from the supervision start (else the intake report) to the
// supervision end, or the closing day when the case closed before it. Unset start: no term yet.
struct Term {
  std::optional<absl::CivilDay> start;
  std::optional<absl::CivilDay> end;  // unset: not known, runs on
};
Term TermOf(const CaseView& c);

struct LedgerInputs {
  Term term;
  std::vector<HoursEntry> entries;
  std::vector<HoursWaiver> waivers;
  std::vector<DayPeriod> lost_contact;
  std::vector<absl::CivilDay> hospital_days;  // sessions excused for hospital
};

// One line of a month's ledger. `kind` is unset for marks (LOST_CONTACT, HOSPITAL).
struct LedgerLine {
  std::string code;
  std::optional<HoursKind> kind;
  int minutes = 0;  // credited (entries) or required (requirement lines)
  int days = 0;     // days the line covers (requirement, waiver, marks)
  std::string ref;  // session, record or waiver id
  std::optional<absl::CivilDay> on;
};

// Requirement line codes.
inline constexpr char kRequiredFullMonth[] = "REQUIRED_FULL_MONTH";
inline constexpr char kRequiredPartStart[] = "REQUIRED_PART_MONTH_TERM_START";
inline constexpr char kRequiredPartEnd[] = "REQUIRED_PART_MONTH_TERM_END";
inline constexpr char kRequiredPartBoth[] = "REQUIRED_PART_MONTH_TERM_START_AND_END";
inline constexpr char kNotInTerm[] = "NOT_IN_TERM";
inline constexpr char kWaived[] = "WAIVED";
inline constexpr char kLostContact[] = "LOST_CONTACT";
inline constexpr char kHospital[] = "HOSPITAL";

struct KindTotals {
  int owed_days = 0;  // term days not waived
  int waived_days = 0;
  int required_minutes = 0;
  int credited_minutes = 0;
  int shortfall_minutes = 0;
};

struct MonthLedger {
  absl::CivilMonth month;
  int days_in_month = 0;
  int term_days = 0;
  KindTotals study;
  KindTotals community_service;
  int lost_contact_days = 0;
  int hospital_days = 0;
  std::vector<LedgerLine> lines;
  bool Shortfall() const {
    return study.shortfall_minutes > 0 || community_service.shortfall_minutes > 0;
  }
};

// The first and last day of `m`, and its number of days.
absl::CivilDay FirstDay(absl::CivilMonth m);
absl::CivilDay LastDay(absl::CivilMonth m);
int DaysIn(absl::CivilMonth m);

// The month's ledger. For each kind: owed days = the term's days in the month not covered by a
// waiver of that kind; required = the monthly minutes × owed days / days in the month, rounded
// down to a whole minute (a whole month owes the full figure); credited = the sum of the kind's
// entries dated in the month; shortfall = required - credited when positive. Lost contact and
// hospital days are marked (they owe what they owe: a waiver takes them off).
MonthLedger ComputeMonthLedger(const LedgerInputs& in, absl::CivilMonth month,
                               const HoursPolicy& policy);

// Whether `month` may be closed on `today`: after its last day (FAILED_PRECONDITION before) and
// in the term (FAILED_PRECONDITION for a month with no term day).
absl::Status CheckCloseMonth(const Term& term, absl::CivilMonth month, absl::CivilDay today);

// The months of the term up to `today`'s month, in order (empty without a start).
std::vector<absl::CivilMonth> TermMonths(const Term& term, absl::CivilDay today);

}  // namespace ccms::education::domain
