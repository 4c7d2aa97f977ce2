#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/policy/policy.h"
#include "common/policy/schedule.h"
#include "services/records/domain/case_rules.h"
#include "services/records/domain/investigation_rules.h"

namespace ccms::records::domain {

// An interval of the policy file: "7d" (days), "1m" (calendar months, end of month clamped:
// Jan 31 + 1m = Feb 28/29), or "0" (not required).
struct Interval {
  int days = 0;
  int months = 0;
  bool none() const { return days == 0 && months == 0; }
  std::string ToString() const;
};
absl::StatusOr<Interval> ParseInterval(std::string_view text);
absl::CivilDay AddMonthsClamped(absl::CivilDay day, int months);
absl::CivilDay AddInterval(absl::CivilDay day, const Interval& interval);

enum class SupervisionLevel { kStrict, kStandard, kRelaxed };
std::string_view SupervisionLevelName(SupervisionLevel level);  // "STRICT", …
std::optional<SupervisionLevel> ParseSupervisionLevel(std::string_view name);

// What each level requires (policy records.contact.<LEVEL>).
struct ContactStandard {
  Interval report;
  Interval in_person;
  Interval visit;
};

// Work away from home (外出务工, seed 004: a guarantor, a fixed residence and a job of a year or
// more at the place of work, a close relative there assisting supervision; all required by
// default). records.work_away.*; min_job_months 0 = no minimum.
struct WorkAwayRules {
  bool require_guarantor = true;
  bool require_fixed_residence = true;
  int min_job_months = 12;
  bool require_relative_assisting = true;
};

// The exit-restriction filing (限制出境报备, seed 004) with the exit-and-entry authority: filed
// within file_within_days of the intake check-in, lifted within lift_within_days of the end of
// supervision. Neither number is in RULES.md or the seeds: marked defaults of
// records.exit_restriction.*.
struct ExitRestrictionRules {
  int file_within_days = 5;
  int lift_within_days = 5;
};

// One version of the records service's part of the policy file, read and checked once at start.
struct RecordsPolicy {
  std::string version;  // the version's name, recorded by every decision taken from it
  IntakeRules intake;
  int home_visit_within_days = 20;
  int initial_strict_months = 3;
  ContactStandard contact[3];  // indexed by SupervisionLevel
  Interval self_report;
  int lost_contact_admonition_max_days = 10;
  int revocation_after_lost_contact_months = 1;
  int warnings_for_revocation = 2;
  int admonitions_for_warning = 2;
  int leave_office_approval_max_days = 7;
  int leave_max_days_per_approval = 30;
  int leave_max_days_within_two_months = 30;
  int leave_decision_within_days = 3;
  int leave_standing_approval_months = 6;
  int transfer_apply_days_ahead = 30;
  int transfer_receiving_reply_days = 5;
  int transfer_report_to_new_office_days = 7;
  // The paper file's hand-over after an accepted transfer (follow_through_rules.h), counted on
  // the investigation's working-day calendar.
  int transfer_file_handover_working_days = 3;
  int monitoring_max_months_per_order = 3;
  // Electronic monitoring and temporary execution outside prison (orders_rules.h).
  int monitoring_max_months_per_renewal = 3;
  int monitoring_outage_max_hours = 3;
  int monitoring_outages_for_warning = 2;
  int health_report_every_months = 1;
  int medical_review_every_months = 3;
  int discharge_summary_days_before_end = 30;
  std::vector<int64_t> follow_up_months;
  // Offence categories a case's sentence is coded with (records.offence_categories; events and
  // reports count by them). Always holds "other".
  std::vector<std::string> offence_categories;
  // Pre-sentence investigations and handover (records.investigation.*, records.handover.*).
  InvestigationRules investigation;
  HandoverRules handover;
  // Work away from home and the exit-restriction filing (optional keys; the defaults above).
  WorkAwayRules work_away;
  ExitRestrictionRules exit_restriction;
  // The court's decision on a revocation request, and detention pending it (Law arts. 46-47;
  // records.revocation.*, optional in a version: 30 and 30 when absent).
  int revocation_court_decision_days = 30;
  int revocation_detention_max_days = 30;

  const ContactStandard& For(SupervisionLevel level) const {
    return contact[static_cast<int>(level)];
  }
};

// The versions of the records policy, each in force from its date. Which day picks the version
// is the rule's (docs/architecture.md, "Policy"): a deadline takes the version in force on the day
// it is counted from, a decision or a list as of a day the version in force on that day.
using RecordsPolicies = policy::Schedule<RecordsPolicy>;

// Reads one version of records.* (the reader's version); problems go to the reader.
RecordsPolicy ReadRecordsPolicy(policy::PolicyReader& reader);
// Reads every version of the `records:` section; InvalidArgument naming every bad key with its
// version, or a list out of order.
absl::StatusOr<RecordsPolicies> LoadRecordsPolicies(const policy::PolicyDocument& doc);

// The offence categories of a version that does not list them (deploy/policy/default.yaml lists
// the same, with the Chinese names): common offences of people under community correction.
std::vector<std::string> DefaultOffenceCategories();

}  // namespace ccms::records::domain
