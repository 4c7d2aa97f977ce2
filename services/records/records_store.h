#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "google/protobuf/message.h"
#include "services/records/domain/case_rules.h"
#include "services/records/domain/contact_schedule.h"
#include "services/records/domain/exit_restriction.h"
#include "services/records/domain/follow_through_rules.h"
#include "services/records/domain/id_number.h"
#include "services/records/domain/investigation_rules.h"
#include "services/records/domain/leave_rules.h"
#include "services/records/domain/orders_rules.h"
#include "services/records/domain/sanction_ladder.h"
#include "services/records/domain/sentence_change.h"
#include "services/records/domain/transfer_rules.h"
#include "services/records/domain/work_away.h"

namespace ccms::records {

// A version of a person's details (name, phone, addresses), in effect from `effective_at` until
// the next version. Each case shows the version it was opened with.
struct PersonDetails {
  int version = 0;
  std::string name;
  std::string phone;
  std::string household_address;
  std::string residence_address;
  absl::Time effective_at;
};

// A case as the store returns it. The identity number is not here: only its last four
// characters, for display. name, phone and the addresses are the person's details as they were
// when the case was opened (version person_version), whatever later cases recorded.
struct CaseRecord {
  std::string case_id;
  std::string case_number;
  domain::CaseStatus status = domain::CaseStatus::kUnspecified;
  std::string person_id;
  std::string name;
  std::string id_last4;
  absl::CivilDay birth_date;
  domain::Sex sex = domain::Sex::kUnspecified;
  std::string phone;
  std::string household_address;
  std::string residence_address;
  domain::SentenceKind sentence_kind = domain::SentenceKind::kUnspecified;
  std::string offence_category;
  std::string deciding_authority;
  absl::CivilDay judgment_effective_date;
  std::optional<absl::CivilDay> offence_date;
  absl::CivilDay start_date;
  absl::CivilDay end_date;
  std::string prohibition_orders;
  std::string district_code;
  std::string office_id;
  std::string officer_id;
  std::string social_worker_id;
  bool minor = false;
  absl::CivilDay intake_deadline;
  std::optional<absl::CivilDay> intake_reported_on;
  bool intake_late = false;
  absl::Time created_at;
  absl::Time updated_at;
  int64_t version = 0;
  // Set once the assessment service decided a level (effective from level_effective_on).
  std::optional<domain::SupervisionLevel> assessed_level;
  std::optional<absl::CivilDay> level_effective_on;
  // How the case ended, and the discharge paperwork.
  std::optional<absl::CivilDay> closed_on;
  std::string discharge_certificate;
  bool discharge_announced = false;
  std::optional<absl::CivilDay> discharge_summary_on;
  // The version of the person's details this case shows, and since when it was in effect.
  int person_version = 0;
  absl::Time person_effective_at;
  // GetCase only: the person's current details, when they are a later version than the case's
  // and were recorded by a case in one of the caller's districts (the handler then decides by
  // role whether the caller sees them: domain::MaySeeCurrentPerson).
  std::optional<PersonDetails> current_person;
};

// One case the facts scan looks at (CaseStore::PublishCaseFacts).
struct FactsCandidate {
  CaseRecord c;
  bool ever_published = false;                    // case_opened or a snapshot carried its facts
  std::optional<std::string> published_age_band;  // the band last published
};
// What the scan publishes for a candidate: the event and the age band it carries.
struct FactsPublication {
  std::string age_band;
  events::v1::Envelope event;
};
using CaseFactsDecider = std::function<std::optional<FactsPublication>(const FactsCandidate&)>;
struct FactsScanPage {
  std::string last_case_id;  // "" when no case was left to look at
  int published = 0;
};

// Builds the event for a change from the row as written (it needs, e.g., the case number the
// store assigned). Runs inside the store's transaction.
using EventFactory = std::function<events::v1::Envelope(const CaseRecord&)>;

struct OpenCaseCommand {
  std::string request_id;
  std::string case_id;  // chosen by the caller (UUIDv7)
  domain::NewCase input;
  domain::ValidatedCase validated;
  // The identity number as stored: ciphertext, keyed hash, last four characters.
  std::string id_cipher;
  std::string id_hash;
  std::string id_last4;
  int case_year = 0;     // year of the case number (Asia/Shanghai)
  std::string age_band;  // the age band case_opened publishes (domain::AgeBandName)
  // The call's response for the case as written (may be empty): inside a command the store's
  // last statement keeps its bytes (db::KeepResponse), so keeping them costs no round trip.
  std::function<const google::protobuf::Message*(const CaseRecord&)> response;
};

struct IntakeCheckInCommand {
  std::string request_id;
  std::string case_id;
  std::optional<int64_t> expected_version;
};

// The decision on a check-in, taken by pure domain code from the case as locked in the
// transaction.
struct IntakeOutcome {
  absl::CivilDay reported_on;
  bool late = false;
};
using IntakeDecider = std::function<absl::StatusOr<IntakeOutcome>(const CaseRecord&)>;

struct CaseFilter {
  std::string district_code;
  std::string office_id;
  domain::CaseStatus status = domain::CaseStatus::kUnspecified;
  domain::SentenceKind sentence_kind = domain::SentenceKind::kUnspecified;
  int page_size = 50;
  std::string after_case_id;  // keyset pagination: from the page token
};

struct CasePage {
  std::vector<CaseRecord> cases;
  std::string last_case_id;  // set when another page may follow
};

struct CaseCount {
  std::string district_code;
  domain::CaseStatus status;
  int64_t count;
};

// A court's ruling that moves the end of the term (sentence_changes).
struct SentenceChangeRecord {
  std::string change_id;
  domain::SentenceChangeKind kind = domain::SentenceChangeKind::kReduction;
  std::string court;                 // stays in the file
  std::string document_number;       // stays in the file
  absl::CivilDay previous_end_date;  // set by the store: the end date the change replaced
  absl::CivilDay new_end_date;
  absl::CivilDay effective_on;
  std::vector<domain::MonitoringClamp> clamps;  // set by the decider
};
// Checks the ruling against the case and its monitoring orders as locked, and fills the clamps.
using SentenceChangeDecider = std::function<absl::Status(
    const CaseRecord&, const std::vector<domain::MonitoringOrderFacts>&, SentenceChangeRecord&)>;
struct SentenceChangeResult {
  CaseRecord c;  // as changed: the new end date
  SentenceChangeRecord change;
};

// A mutation of an existing case: the store locks the case (within the principal's scope;
// NOT_FOUND otherwise) and requires it ACTIVE, then calls the body, then writes the audit row —
// all in one transaction, the call's command (common/db/command.h), which also answers a retry of
// the request id with the first response.
struct CaseMutation {
  std::string request_id;
  std::string case_id;
  std::string action;  // the RPC name, for the audit log
  bool require_active = true;
};
struct MutationResult {
  std::string resource_id;  // the new row's id (contact, violation, sanction…)
};

struct NewContact {
  std::string contact_id;
  domain::ContactKind kind;
  absl::CivilDay occurred_on;
  std::string notes;
};
struct NewViolation {
  std::string violation_id;
  domain::ViolationKind kind;
  absl::CivilDay occurred_on;
  std::string facts;
  // Prohibition-order breaches only: MINOR or SERIOUS (kUnstated for other kinds).
  domain::BreachSeverity severity = domain::BreachSeverity::kUnstated;
};
struct NewSanction {
  std::string sanction_id;
  domain::SanctionKind kind;
  absl::CivilDay issued_on;
  std::vector<domain::RevocationGround> grounds;
  std::vector<std::string> violation_ids;
  std::string reason;
  std::string policy_version;
};
struct NewCommendation {
  std::string commendation_id;
  absl::CivilDay recorded_on;
  std::string reason;
};
// A new offence during the term (重新违法犯罪) as public security reported it.
struct NewReoffence {
  std::string reoffence_id;
  std::string reported_by;  // stays in the file
  absl::CivilDay reported_on;
  absl::CivilDay occurred_on;
  std::string offence_category;
  bool detained = false;
};
struct LostContactPeriod {
  std::string period_id;
  absl::CivilDay started_on;
  std::optional<absl::CivilDay> ended_on;
};

// Checks a sanction against the ladder facts as locked in the transaction.
using SanctionDecider = std::function<absl::Status(const domain::LadderFacts&)>;
// Events are built from the case as locked.
using CaseEventFactory = std::function<events::v1::Envelope(const CaseRecord&)>;
using FoundAgainEventFactory =
    std::function<events::v1::Envelope(const CaseRecord&, const LostContactPeriod&)>;

// One active or pending case with what the overdue lists need.
struct OverdueCandidate {
  CaseRecord c;  // identity fields left empty
  // Last date of each ContactKind on or before the as-of date, indexed by ContactKind.
  std::optional<absl::CivilDay> last_by_kind[7];
  // The exit-restriction filing and its lifting (c.end_date and c.closed_on are set too). Cases
  // that ended are candidates only while a filing waits to be lifted.
  std::optional<absl::CivilDay> exit_filed_on;
  std::optional<absl::CivilDay> exit_lifted_on;
};

struct TimelineRow {
  absl::CivilDay on;
  absl::Time recorded_at;
  std::string kind;
  std::string entry_id;
  std::string recorded_by;
  std::string summary;
};
struct TimelineCursor {
  std::string on;  // YYYY-MM-DD
  int64_t recorded_at_us = 0;
  std::string entry_id;
};

struct AuditRow {
  int64_t audit_id = 0;
  absl::Time at;
  std::string actor, actor_role, action, case_id, result, request_id;
  std::string investigation_id;  // set on an investigation's rows
};
struct AuditFilter {
  std::string case_id;  // the case's rows and those of the investigations linked to it
  std::string investigation_id;
  std::string actor;
  std::optional<absl::Time> from, to;
  int64_t after_audit_id = 0;
  int page_size = 100;
};

struct TransferRecord {
  std::string transfer_id;
  std::string case_id;
  std::string case_number;
  std::string from_district_code;
  std::string to_district_code;
  std::string to_office_id;
  domain::TransferStatus status = domain::TransferStatus::kRequested;
  absl::CivilDay requested_on;
  absl::CivilDay planned_move_on;
  absl::CivilDay reply_due;
  std::optional<absl::CivilDay> report_due;
  std::optional<absl::CivilDay> decided_on;
  std::string policy_version;
  std::string decision_reason;  // set by the decider; stays in the file
};
struct NewTransfer {
  TransferRecord transfer;  // id, destination, dates and policy version filled by the caller
  std::string reason;
};
struct TransferDecision {
  std::string request_id;
  std::string transfer_id;
  domain::TransferStep step;
};
// Applies the step to the transfer as locked (status, dates, office); an error refuses it.
using TransferDecider = std::function<absl::Status(TransferRecord&)>;
using TransferEventFactory = std::function<events::v1::Envelope(const TransferRecord&)>;

// Ends a case. The decider sees the case (and its ladder) as locked and returns the new status
// or an error; the store writes it with the date and, for a discharge, the certificate.
struct CaseEnding {
  absl::CivilDay on;
  std::string certificate_number;  // discharge only
  bool announced = false;          // discharge only
  std::vector<absl::CivilDay> follow_ups;
  // CloseCase of a person marked lost contact: the open period ends on `on` with this liability
  // (the decider checks it is given exactly when a period is open). The store sets
  // *closed_period_id to the period it closed, before it builds the event.
  std::optional<domain::LostContactLiability> lost_contact_liability = std::nullopt;
  std::string* closed_period_id = nullptr;
};
using EndingDecider = std::function<absl::StatusOr<domain::CaseStatus>(const CaseRecord&,
                                                                       const domain::LadderFacts&)>;

// ---- Discharge and after; exports ----

struct FollowUpVisit {
  std::string follow_up_id;  // the follow-up the visit closed
  absl::CivilDay due_on;
  absl::CivilDay visited_on;
  std::vector<absl::CivilDay> still_due;
};
using FollowUpEventFactory =
    std::function<events::v1::Envelope(const CaseRecord&, const FollowUpVisit&)>;
// Checks the case as locked (status, dates); an error refuses the change.
using CaseCheck = std::function<absl::Status(const CaseRecord&)>;

// An active case near or past its end date (no identity fields).
struct DischargeCandidate {
  std::string case_id, case_number, district_code, office_id;
  absl::CivilDay end_date;
  bool summary_received = false;
  bool performance_report_received = false;  // 日常表现综合评估报告
};
struct FollowUpDue {
  std::string follow_up_id, case_id, case_number, district_code, office_id;
  absl::CivilDay due_on;
  std::optional<absl::CivilDay> discharged_on;
};
struct ExportFilter {
  std::string district_code;  // empty: all the principal's districts
  domain::CaseStatus status = domain::CaseStatus::kUnspecified;
  std::string after_case_id;
  int limit = 500;  // the page size
};
struct ExportPage {
  std::vector<CaseRecord> cases;  // at most `limit`, each audited
  bool more = false;              // another page follows
};
// ---- Pre-sentence investigations, handover and intake (pg_records_store_investigation.cc) ----

// An investigation as the store returns it: the identity number only as its last four
// characters.
struct InvestigationRecord {
  std::string investigation_id;
  std::string district_code;
  std::string office_id;
  domain::CommissioningBodyKind body_kind = domain::CommissioningBodyKind::kCourt;
  std::string body_name;
  std::string person_name;
  std::string id_last4;
  domain::SentenceKind proposed_sentence_kind = domain::SentenceKind::kUnspecified;
  bool fast_track = false;
  absl::CivilDay commissioned_on;
  absl::CivilDay due_on;
  std::string policy_version;
  domain::InvestigationStatus status = domain::InvestigationStatus::kCommissioned;
  std::optional<domain::InvestigationConclusion> conclusion;
  std::string reasons;
  std::optional<absl::CivilDay> closed_on;
  bool concluded_late = false;
  std::string case_id;
};
struct NewInvestigation {
  std::string request_id;
  InvestigationRecord record;  // everything but the status fields, filled by the caller
  std::string id_cipher;       // the identity number encrypted, and its keyed hash
  std::string id_hash;
};
// Concludes or withdraws: the decider applies the change to the investigation as locked.
struct InvestigationChange {
  std::string request_id;
  std::string investigation_id;
  std::string action;  // the RPC name
  std::string note;    // withdrawal reason (stays in the file)
};
using InvestigationDecider = std::function<absl::Status(InvestigationRecord&)>;
using InvestigationEventFactory = std::function<events::v1::Envelope(const InvestigationRecord&)>;
struct InvestigationFilter {
  std::string district_code;
  std::optional<domain::InvestigationStatus> status;
  std::optional<absl::CivilDay> overdue_as_of;  // open at the end of the day, due before it
  std::string after_investigation_id;
  int limit = 50;
};

struct HandoverRecord {
  absl::CivilDay notified_on;
  std::optional<absl::CivilDay> documents_received_on;
  domain::HandoverAssessment assessment;
  std::string policy_version;
};
// Checks the dates against the case as locked and fills the assessment.
using HandoverDecider = std::function<absl::Status(const CaseRecord&, HandoverRecord&)>;
struct AnnouncementRecord {
  std::string announcement_id;
  absl::CivilDay announced_on;
  std::vector<std::string> present_staff_ids;
};
struct SupervisionTeamRecord {
  std::string team_id;
  std::string officer_id;
  std::string social_worker_id;
  std::vector<std::string> volunteer_ids;
  std::string family_contact_cipher;  // name and phone, encrypted together by the caller
  absl::CivilDay effective_on;
};
struct HandoverAndIntake {
  std::optional<HandoverRecord> handover;
  std::optional<AnnouncementRecord> announcement;
  std::optional<SupervisionTeamRecord> team;
};

// Leave (请假外出) and standing approvals (pg_records_store_leave.cc).
struct LeaveRecord {
  std::string leave_id;
  std::string case_id;
  domain::LeaveStatus status = domain::LeaveStatus::kRequested;
  absl::CivilDay start_date;
  absl::CivilDay end_date;
  std::string destination;  // personal data: in the file only
  std::string reason;       // personal data: in the file only
  absl::CivilDay requested_on;
  absl::CivilDay decision_due;
  domain::ApprovalLevel approval_level = domain::ApprovalLevel::kOffice;
  std::string approval_rule;
  std::string standing_approval_id;
  std::optional<absl::CivilDay> decided_on;
  std::string decided_by;
  std::string decision_reason;
  std::optional<absl::CivilDay> returned_on;
  int days_late = 0;
  std::string violation_id;  // set with a late return: the store records the violation
  std::string policy_version;
  domain::LeaveFact Fact() const { return {leave_id, status, start_date, end_date, returned_on}; }
};
struct StandingApprovalRecord {
  std::string standing_approval_id;
  std::string case_id;
  std::string destination;
  std::string purpose;
  absl::CivilDay valid_from;
  absl::CivilDay valid_until;
  absl::CivilDay granted_on;
  std::optional<absl::CivilDay> revoked_on;
  std::string revoke_reason;
  std::string policy_version;
  // Work away from home (外出务工): the conditions it was granted on (domain/work_away.h).
  bool work_away = false;
  domain::WorkAwayConditions work_away_conditions;
};
// What a leave decision sees, locked with the case: the case's other leaves, and for a trip
// the standing approval it names (absent if the case has no such approval).
struct LeaveContext {
  std::vector<domain::LeaveFact> others;
  std::optional<StandingApprovalRecord> standing;
};
// Applies a request or step to the leave (status, dates, level, violation id…) or refuses it.
using LeaveDecider = std::function<absl::Status(LeaveRecord&, const LeaveContext&)>;
// Called once per status the leave passes through in the transaction (a trip under a standing
// approval: REQUESTED, then APPROVED).
using LeaveEventFactory =
    std::function<events::v1::Envelope(const CaseRecord&, const LeaveRecord&)>;
using StandingApprovalDecider = std::function<absl::Status(StandingApprovalRecord&)>;
using StandingApprovalEventFactory =
    std::function<events::v1::Envelope(const CaseRecord&, const StandingApprovalRecord&)>;
struct LeaveNotReturnedRow {
  std::string case_id;
  std::string case_number;
  std::string district_code;
  std::string leave_id;
  absl::CivilDay end_date;
};
struct CaseLeaves {
  std::vector<LeaveRecord> leaves;
  std::vector<StandingApprovalRecord> standing_approvals;
};

// Orders: electronic monitoring (Law art. 29) and temporary execution outside prison.
struct MonitoringOrderRecord {
  std::string order_id;
  std::string case_id;
  std::string case_number;
  std::string district_code;
  std::vector<domain::MonitoringGround> grounds;
  absl::CivilDay starts_on;
  absl::CivilDay ends_on;
  absl::CivilDay original_ends_on;
  int renewals = 0;
  std::optional<absl::CivilDay> ended_on;
  std::optional<domain::MonitoringEndReason> end_reason;
  std::string approved_by;
  std::string policy_version;
  domain::MonitoringOrderFacts Facts() const { return {order_id, starts_on, ends_on, ended_on}; }
};
// Checks a new order against the case, its ladder and its other orders as locked.
using MonitoringOrderDecider =
    std::function<absl::Status(const CaseRecord&, const domain::LadderFacts&,
                               const std::vector<domain::MonitoringOrderFacts>&)>;
// A renewal or an early end of an order: the decider applies it to the order as locked (ends_on
// and renewals, or ended_on and end_reason) or refuses it.
struct MonitoringChange {
  std::string order_id;
  std::string renewal_id;  // set for a renewal
  absl::CivilDay on;       // renewed_on (for a renewal)
};
using MonitoringChangeDecider =
    std::function<absl::Status(const CaseRecord&, MonitoringOrderRecord&)>;
using MonitoringEventFactory =
    std::function<events::v1::Envelope(const CaseRecord&, const MonitoringOrderRecord&)>;

struct NewHealthReport {
  std::string report_id;
  absl::CivilDay received_on;
};
struct NewMedicalReview {
  std::string review_id;
  absl::CivilDay reviewed_on;
  std::string institution;
  domain::MedicalReviewOutcome outcome;
  std::string details;
};
// Checks a health report or medical review against the case as locked.
using MedicalRecordDecider = std::function<absl::Status(const CaseRecord&)>;
// One active TEMPORARY_OUTSIDE_PRISON case with its last report and review on or before as_of.
struct MedicalCandidate {
  CaseRecord c;  // ids, district, office, intake date only
  std::optional<absl::CivilDay> last_health_report;
  std::optional<absl::CivilDay> last_medical_review;
};

// ---- Follow-through (issue 17 items 6-8; pg_records_store_follow_through.cc) ----

// An outage of a monitoring device on one of the case's orders.
struct OutageRecord {
  std::string outage_id;
  std::string order_id;
  domain::OutageFact fact;
  bool counted = false;     // set by the decider
  int counted_outages = 0;  // the case's counted outages with this one; set by the decider
};
// Checks the outage against the order, the order's other outages and all the case's outages, as
// locked, and sets counted and counted_outages.
using OutageDecider = std::function<absl::Status(
    const CaseRecord&, const MonitoringOrderRecord&, const std::vector<domain::OutageFact>& order,
    const std::vector<domain::OutageFact>& case_outages, OutageRecord&)>;
using OutageEventFactory =
    std::function<events::v1::Envelope(const CaseRecord&, const OutageRecord&)>;

// A revocation request (a REVOCATION_REQUEST sanction) with the court's decision and detention.
struct RevocationRequestRecord {
  domain::RevocationRequestFacts facts;
  std::string document_number;  // the court's ruling; stays in the file
};
// Applies a step (decision or detention) to the request as locked, or refuses it.
using RevocationStepDecider = std::function<absl::Status(RevocationRequestRecord&)>;
using RevocationEventFactory =
    std::function<events::v1::Envelope(const CaseRecord&, const RevocationRequestRecord&)>;

// The paper file of an accepted transfer.
struct FileHandoverRecord {
  TransferRecord transfer;
  std::optional<absl::CivilDay> accepted_on;
  std::optional<absl::CivilDay> handed_over_on;
};
// Checks the hand-over against the transfer as locked and sets handed_over_on, or refuses it.
using FileHandoverDecider = std::function<absl::Status(FileHandoverRecord&)>;
using FileHandoverEventFactory = std::function<events::v1::Envelope(const FileHandoverRecord&)>;

// What ListOverdue's follow-through kinds need of one case: its revocation requests and the
// paper files of the transfers it was accepted by.
struct FollowThroughFacts {
  std::string case_id;
  std::vector<domain::RevocationRequestFacts> revocations;
  struct Handover {
    std::string transfer_id;
    absl::CivilDay accepted_on;
    std::optional<absl::CivilDay> handed_over_on;
  };
  std::vector<Handover> handovers;
};

// The records service's persistence, one interface per aggregate (one per proto service of
// ccms.records.v1), so a handler class and its unit test's fake see only their area. Every
// method that reads or changes a case applies the principal's district scope in its SQL: a case
// outside it is NOT_FOUND, as if it did not exist. Mutations run inside the request's command
// (common/db/command.h) and write their event to the outbox in the same transaction.
// PgRecordsStore implements all of them over the one records database.

// Cases (pg_records_store.cc; the timeline in pg_records_store_activities.cc, the export in
// pg_records_store_discharge.cc): opening, intake check-in, reads, lists and the gauges' counts.
class CaseStore {
 public:
  virtual ~CaseStore() = default;

  // ALREADY_EXISTS if the person has an open case (in any district): then `*open_case_id` is
  // that case's id, for the caller's audit row only (never for the caller's reply), and nothing
  // is written. A retry of the same request id by the same caller returns the case it opened.
  // Details that differ from the person's current ones become a new version; earlier cases keep
  // showing theirs.
  virtual absl::StatusOr<CaseRecord> OpenCase(const auth::Principal& principal,
                                              const OpenCaseCommand& command,
                                              const EventFactory& make_event,
                                              std::string* open_case_id) = 0;
  // ABORTED if expected_version is set and differs.
  virtual absl::StatusOr<CaseRecord> RecordIntakeCheckIn(const auth::Principal& principal,
                                                         const IntakeCheckInCommand& command,
                                                         const IntakeDecider& decide,
                                                         const EventFactory& make_event) = 0;
  // Reads are audited in the same transaction (see docs/adr/0002-read-audit.md). Fills
  // current_person as CaseRecord says.
  virtual absl::StatusOr<CaseRecord> GetCase(const auth::Principal& principal,
                                             const std::string& case_id,
                                             const std::string& request_id) = 0;
  // GetCase for GetCaseFacts: audited as "GetCaseFacts", and the record comes back without the
  // person's name, identity number, phone, addresses and offence (they stay in the store).
  virtual absl::StatusOr<CaseRecord> GetCaseFacts(const auth::Principal& principal,
                                                  const std::string& case_id,
                                                  const std::string& request_id) = 0;
  virtual absl::StatusOr<CasePage> ListCases(const auth::Principal& principal,
                                             const CaseFilter& filter,
                                             const std::string& request_id) = 0;
  // A sentence change on an open case (`decide` checks the status): records the ruling, moves
  // the case's end date, applies the decider's clamps to the case's monitoring orders and clears
  // the discharge notice mark, so discharge_approaching is sent again for the new end date. The
  // event is built from the case as changed. Not restricted to ACTIVE cases (pending ones too).
  virtual absl::StatusOr<SentenceChangeResult> RecordSentenceChange(
      const auth::Principal& principal, const CaseMutation& m, const SentenceChangeRecord& change,
      const SentenceChangeDecider& decide, const CaseEventFactory& make_event) = 0;
  virtual absl::StatusOr<std::vector<TimelineRow>> GetTimeline(const auth::Principal& principal,
                                                               const std::string& case_id,
                                                               const TimelineCursor& after,
                                                               int limit,
                                                               const std::string& request_id) = 0;
  // Cases for an export, with one audit row per exported case in the same transaction.
  virtual absl::StatusOr<ExportPage> ExportCases(const auth::Principal& principal,
                                                 const ExportFilter& filter,
                                                 const std::string& request_id) = 0;
  // All districts (for the cases gauge; no principal, not exposed over the API): the open cases
  // (PENDING_INTAKE, ACTIVE) or the closed ones (every other status).
  virtual absl::StatusOr<std::vector<CaseCount>> CountCases(bool closed) = 0;
  // Cases still PENDING_INTAKE after their intake deadline, per district (all districts; for
  // the never-reported gauge).
  virtual absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> CountNeverReported(
      absl::CivilDay today) = 0;
  // The facts scan (a system task: all districts, no principal): up to `limit` cases by case id
  // after `after_case_id` that are open or never had their facts published. For each, `decide`
  // may return an event: it is appended to the outbox and the case's published facts updated,
  // in one transaction per call (a case changed meanwhile by another scan is skipped).
  virtual absl::StatusOr<FactsScanPage> PublishCaseFacts(const std::string& after_case_id,
                                                         int limit,
                                                         const CaseFactsDecider& decide) = 0;
};

// Supervision contacts, lost contact and the overdue list (pg_records_store_activities.cc).
class SupervisionStore {
 public:
  virtual ~SupervisionStore() = default;

  virtual absl::StatusOr<MutationResult> RecordContact(const auth::Principal& principal,
                                                       const CaseMutation& m,
                                                       const NewContact& contact,
                                                       const CaseEventFactory& make_event) = 0;
  virtual absl::StatusOr<MutationResult> MarkLostContact(const auth::Principal& principal,
                                                         const CaseMutation& m,
                                                         const LostContactPeriod& period,
                                                         const CaseEventFactory& make_event) = 0;
  // Closes the open period; FAILED_PRECONDITION if none is open or found_on is before it.
  // The period ends with whether staff were responsible (责任性脱管; lost_contact_periods).
  virtual absl::StatusOr<LostContactPeriod> MarkFoundAgain(
      const auth::Principal& principal, const CaseMutation& m, absl::CivilDay found_on,
      const domain::LostContactLiability& liability, const FoundAgainEventFactory& make_event) = 0;
  // Pending and active cases in scope (and in `district_code` when set), by case id after
  // `after_case_id`, with their last contacts on or before `as_of`.
  virtual absl::StatusOr<std::vector<OverdueCandidate>> ListOverdueCandidates(
      const auth::Principal& principal, const std::string& district_code,
      const std::string& after_case_id, absl::CivilDay as_of, int limit,
      const std::string& only_case_id = "") = 0;
  // The follow-through facts of the given cases (those in scope; the rest are left out), for
  // the follow-through kinds of ListOverdue.
  virtual absl::StatusOr<std::vector<FollowThroughFacts>> ListFollowThroughFacts(
      const auth::Principal& principal, const std::vector<std::string>& case_ids) = 0;
};

// Violations, sanctions, commendations and the ladder's facts (pg_records_store_activities.cc).
class SanctionStore {
 public:
  virtual ~SanctionStore() = default;

  virtual absl::StatusOr<MutationResult> RecordViolation(const auth::Principal& principal,
                                                         const CaseMutation& m,
                                                         const NewViolation& violation,
                                                         const CaseEventFactory& make_event) = 0;
  virtual absl::StatusOr<MutationResult> IssueSanction(const auth::Principal& principal,
                                                       const CaseMutation& m,
                                                       const NewSanction& sanction,
                                                       const SanctionDecider& decide,
                                                       const CaseEventFactory& make_event) = 0;
  virtual absl::StatusOr<MutationResult> MarkSanctionCorrected(const auth::Principal& principal,
                                                               const CaseMutation& m,
                                                               const std::string& sanction_id,
                                                               absl::CivilDay corrected_on) = 0;
  virtual absl::StatusOr<MutationResult> RecordCommendation(const auth::Principal& principal,
                                                            const CaseMutation& m,
                                                            const NewCommendation& c,
                                                            const CaseEventFactory& make_event) = 0;
  // Records a new offence on an open case (`check` sees the case as locked: status and term);
  // returns the ladder's facts with it, read in the same transaction.
  virtual absl::StatusOr<domain::LadderFacts> RecordReoffence(
      const auth::Principal& principal, const CaseMutation& m, const NewReoffence& reoffence,
      const CaseCheck& check, const CaseEventFactory& make_event) = 0;
  // The facts of the sanction ladder (audited as a read).
  virtual absl::StatusOr<domain::LadderFacts> GetLadderFacts(const auth::Principal& principal,
                                                             const std::string& case_id,
                                                             const std::string& request_id) = 0;
  // The court's decision on, or detention pending, the case's revocation request `sanction_id`
  // (NOT_FOUND if the case has no such request); case open (PENDING_INTAKE or ACTIVE).
  virtual absl::StatusOr<RevocationRequestRecord> RecordRevocationStep(
      const auth::Principal& principal, const CaseMutation& m, const std::string& sanction_id,
      const RevocationStepDecider& decide, const RevocationEventFactory& make_event) = 0;
  // The outages of the case's monitoring devices (not audited: GetSanctionStatus's read is).
  virtual absl::StatusOr<std::vector<domain::OutageFact>> GetOutageFacts(
      const auth::Principal& principal, const std::string& case_id) = 0;
};

// Leave (pg_records_store_leave.cc). Each is a case mutation (Mutate): scope, ACTIVE case,
// audit row and outbox event in one transaction.
class LeaveStore {
 public:
  virtual ~LeaveStore() = default;

  // audit row and outbox event in one transaction.
  virtual absl::StatusOr<LeaveRecord> RequestLeave(const auth::Principal& principal,
                                                   const CaseMutation& m, const LeaveRecord& leave,
                                                   const LeaveDecider& decide,
                                                   const LeaveEventFactory& make_event) = 0;
  // Locks the leave (of m.case_id), lets `decide` change it and writes it. If it sets
  // violation_id (a late return), the violation is recorded in the same transaction and
  // `make_violation_event` is appended before the leave's own event.
  virtual absl::StatusOr<LeaveRecord> ChangeLeave(
      const auth::Principal& principal, const CaseMutation& m, const std::string& leave_id,
      const LeaveDecider& decide, const LeaveEventFactory& make_event,
      const LeaveEventFactory& make_violation_event) = 0;
  virtual absl::StatusOr<StandingApprovalRecord> GrantStandingApproval(
      const auth::Principal& principal, const CaseMutation& m, const StandingApprovalRecord& a,
      const StandingApprovalEventFactory& make_event) = 0;
  virtual absl::StatusOr<StandingApprovalRecord> RevokeStandingApproval(
      const auth::Principal& principal, const CaseMutation& m,
      const std::string& standing_approval_id, const StandingApprovalDecider& decide,
      const StandingApprovalEventFactory& make_event) = 0;
  // A case's leaves by leave id after `after_leave_id` (and its standing approvals), audited as
  // a read of the case.
  virtual absl::StatusOr<CaseLeaves> ListLeaves(const auth::Principal& principal,
                                                const std::string& case_id,
                                                const std::string& after_leave_id, int limit,
                                                const std::string& request_id) = 0;
  // Leaves of active cases in scope (and in `district_code` when set) not returned as of
  // `as_of` (domain::NotReturnedAsOf), by leave id; one audit row for the call.
  virtual absl::StatusOr<std::vector<LeaveNotReturnedRow>> ListLeavesNotReturned(
      const auth::Principal& principal, const std::string& district_code, absl::CivilDay as_of,
      const std::string& after_leave_id, int limit, const std::string& request_id) = 0;
};

// Orders (pg_records_store_orders.cc): electronic monitoring orders and the health reports
// and medical reviews of temporary execution outside prison. Mutations go through the case
// mutation frame (idempotency, district scope, ACTIVE case, audit, outbox). Lists apply the
// district scope in SQL and do not audit: the handler writes one audit row per list call.
class OrderStore {
 public:
  virtual ~OrderStore() = default;

  virtual absl::StatusOr<MonitoringOrderRecord> OrderMonitoring(
      const auth::Principal& principal, const CaseMutation& m, const MonitoringOrderRecord& order,
      const MonitoringOrderDecider& decide, const MonitoringEventFactory& make_event) = 0;
  virtual absl::StatusOr<MonitoringOrderRecord> ChangeMonitoring(
      const auth::Principal& principal, const CaseMutation& m, const MonitoringChange& change,
      const MonitoringChangeDecider& decide, const MonitoringEventFactory& make_event) = 0;
  // Orders of active cases in scope (and in `district_code` when set) running on as_of (started,
  // not ended) whose ends_on is in [as_of, last_day], by (ends_on, order_id) after the cursor.
  virtual absl::StatusOr<std::vector<MonitoringOrderRecord>> ListMonitoringExpiring(
      const auth::Principal& principal, const std::string& district_code, absl::CivilDay as_of,
      absl::CivilDay last_day, std::optional<absl::CivilDay> after_ends_on,
      const std::string& after_order_id, int limit) = 0;
  virtual absl::StatusOr<MutationResult> RecordHealthReport(const auth::Principal& principal,
                                                            const CaseMutation& m,
                                                            const NewHealthReport& report,
                                                            const MedicalRecordDecider& decide,
                                                            const CaseEventFactory& make_event) = 0;
  virtual absl::StatusOr<MutationResult> RecordMedicalReview(
      const auth::Principal& principal, const CaseMutation& m, const NewMedicalReview& review,
      const MedicalRecordDecider& decide, const CaseEventFactory& make_event) = 0;
  // Active TEMPORARY_OUTSIDE_PRISON cases with an intake date, by case id after
  // `after_case_id` (or only `only_case_id`), with their last report and review up to as_of.
  virtual absl::StatusOr<std::vector<MedicalCandidate>> ListMedicalCandidates(
      const auth::Principal& principal, const std::string& district_code,
      const std::string& after_case_id, absl::CivilDay as_of, int limit,
      const std::string& only_case_id = "") = 0;
  // An outage of the device of the case's order `outage.order_id` (NOT_FOUND if the case has no
  // such order); ACTIVE case.
  virtual absl::StatusOr<OutageRecord> RecordMonitoringOutage(
      const auth::Principal& principal, const CaseMutation& m, const OutageRecord& outage,
      const OutageDecider& decide, const OutageEventFactory& make_event) = 0;
};

// The exit-restriction filing (限制出境报备) or its lifting, as recorded.
struct ExitRestrictionRecord {
  std::string filing_id;
  domain::ExitRestrictionAction action = domain::ExitRestrictionAction::kFiled;
  absl::CivilDay done_on;
  std::string authority;
  std::string document_number;
  absl::CivilDay due;  // set by the decider
  bool late = false;   // set by the decider
  std::string policy_version;
};
using ExitRestrictionDecider = std::function<absl::Status(
    const CaseRecord&, const domain::ExitRestrictionFacts&, ExitRestrictionRecord&)>;

// Pre-sentence investigations, handover and intake (pg_records_store_investigation.cc).
// Investigations are not cases: their district is their scope (NOT_FOUND outside it), their
// audit rows carry the investigation id. Handover, announcement and team are case mutations.
class IntakeStore {
 public:
  virtual ~IntakeStore() = default;

  virtual absl::StatusOr<InvestigationRecord> CommissionInvestigation(
      const auth::Principal& principal, const NewInvestigation& n,
      const InvestigationEventFactory& make_event) = 0;
  virtual absl::StatusOr<InvestigationRecord> ChangeInvestigation(
      const auth::Principal& principal, const InvestigationChange& change,
      const InvestigationDecider& decide, const InvestigationEventFactory& make_event) = 0;
  virtual absl::StatusOr<InvestigationRecord> GetInvestigation(const auth::Principal& principal,
                                                               const std::string& investigation_id,
                                                               const std::string& request_id) = 0;
  // Audited: one row per listed investigation (one row when none is listed).
  virtual absl::StatusOr<std::vector<InvestigationRecord>> ListInvestigations(
      const auth::Principal& principal, const InvestigationFilter& filter,
      const std::string& request_id) = 0;
  // Pending or active cases; a later call replaces the dates (e.g. adds the documents').
  virtual absl::StatusOr<HandoverRecord> RecordHandover(const auth::Principal& principal,
                                                        const CaseMutation& m,
                                                        const HandoverRecord& handover,
                                                        const HandoverDecider& decide,
                                                        const CaseEventFactory& make_event) = 0;
  // Active cases, once (FAILED_PRECONDITION the second time).
  virtual absl::StatusOr<AnnouncementRecord> RecordIntakeAnnouncement(
      const auth::Principal& principal, const CaseMutation& m, const AnnouncementRecord& a,
      const CaseCheck& check, const CaseEventFactory& make_event) = 0;
  // Pending or active cases; replaces the current team and the case's officer and social worker.
  virtual absl::StatusOr<SupervisionTeamRecord> SetSupervisionTeam(
      const auth::Principal& principal, const CaseMutation& m, const SupervisionTeamRecord& team,
      const CaseEventFactory& make_event) = 0;
  virtual absl::StatusOr<HandoverAndIntake> GetHandoverAndIntake(const auth::Principal& principal,
                                                                 const std::string& case_id,
                                                                 const std::string& request_id) = 0;
  // The exit-restriction filing or its lifting (pg_records_store_exit_restriction.cc). `decide`
  // sees the case and its filings as locked, and completes the record (due, late, policy
  // version) or refuses; at most one of each action per case.
  virtual absl::StatusOr<MutationResult> RecordExitRestriction(
      const auth::Principal& principal, const CaseMutation& m, ExitRestrictionRecord& record,
      const ExitRestrictionDecider& decide, const CaseEventFactory& make_event) = 0;
};

// Transfers (pg_records_store_transfers.cc). The sending side acts on the case in its scope;
// the receiving side sees the transfer (by its to_district) but not the case until it
// accepts, when the case moves districts in the same transaction.
class TransferStore {
 public:
  virtual ~TransferStore() = default;

  virtual absl::StatusOr<TransferRecord> RequestTransfer(
      const auth::Principal& principal, const CaseMutation& m, const NewTransfer& t,
      const TransferEventFactory& make_event) = 0;
  virtual absl::StatusOr<TransferRecord> DecideTransfer(const auth::Principal& principal,
                                                        const TransferDecision& d,
                                                        const TransferDecider& decide,
                                                        const TransferEventFactory& make_event) = 0;
  virtual absl::StatusOr<std::vector<TransferRecord>> ListTransfers(
      const auth::Principal& principal, const std::string& district_code,
      std::optional<domain::TransferStatus> status, const std::string& after_transfer_id,
      int limit) = 0;
  // The paper file's hand-over, recorded by the receiving side (NOT_FOUND outside it); audited
  // as "RecordFileHandover" on the case.
  virtual absl::StatusOr<FileHandoverRecord> RecordFileHandover(
      const auth::Principal& principal, const std::string& request_id,
      const std::string& transfer_id, const FileHandoverDecider& decide,
      const FileHandoverEventFactory& make_event) = 0;
};

// Discharge, other endings and after (pg_records_store_discharge.cc; EndCase and the notices in
// pg_records_store_activities.cc).
class DischargeStore {
 public:
  virtual ~DischargeStore() = default;

  // Discharge and other endings; returns the case as it is afterwards.
  virtual absl::StatusOr<CaseRecord> EndCase(const auth::Principal& principal,
                                             const CaseMutation& m, const CaseEnding& ending,
                                             const EndingDecider& decide,
                                             const CaseEventFactory& make_event) = 0;
  // Marks active cases whose end date falls in [today, last_day] and emits
  // discharge_approaching for each, once per case. Returns how many (system task: no principal).
  virtual absl::StatusOr<int> EmitDischargeNotices(absl::CivilDay today, absl::CivilDay last_day,
                                                   const CaseEventFactory& make_event) = 0;
  // Records the personal summary's receipt on an active case (`check` sees the case as locked).
  virtual absl::StatusOr<MutationResult> RecordDischargeSummary(
      const auth::Principal& principal, const CaseMutation& m, absl::CivilDay received_on,
      const CaseCheck& check, const CaseEventFactory& make_event) = 0;
  // Closes the earliest open follow-up of a DISCHARGED case with a visit; FAILED_PRECONDITION
  // if none is open.
  virtual absl::StatusOr<FollowUpVisit> RecordFollowUpVisit(
      const auth::Principal& principal, const CaseMutation& m, absl::CivilDay visited_on,
      const std::string& notes, const CaseCheck& check, const FollowUpEventFactory& make_event) = 0;
  // Active cases in scope (and `district_code` when set) whose end date is on or before
  // `last_end_date`, by case id after `after_case_id`.
  virtual absl::StatusOr<std::vector<DischargeCandidate>> ListDischargeCandidates(
      const auth::Principal& principal, const std::string& district_code,
      absl::CivilDay last_end_date, const std::string& after_case_id, int limit) = 0;
  // Open follow-ups due on or before `as_of`, by (due_on, follow_up_id) after the cursor.
  virtual absl::StatusOr<std::vector<FollowUpDue>> ListFollowUpsDue(
      const auth::Principal& principal, const std::string& district_code, absl::CivilDay as_of,
      const std::string& after_due_on, const std::string& after_follow_up_id, int limit) = 0;
  // Records the daily-performance report (日常表现综合评估报告) on an active case: the day it was
  // completed and its author's account id (`check` sees the case as locked). A second report
  // replaces the first.
  virtual absl::StatusOr<MutationResult> RecordPerformanceReport(
      const auth::Principal& principal, const CaseMutation& m, absl::CivilDay completed_on,
      const std::string& author, const CaseCheck& check, const CaseEventFactory& make_event) = 0;
};

// The audit log (pg_records_store_activities.cc): rows outside any change, and the auditors'
// reads.
class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // An audit row outside any change (denied or failed calls).
  virtual absl::Status AppendAudit(const auth::Principal& principal, const std::string& action,
                                   const std::string& case_id, const std::string& result,
                                   const std::string& request_id) = 0;
  virtual absl::StatusOr<std::vector<AuditRow>> ListAudit(const AuditFilter& filter) = 0;
};

}  // namespace ccms::records
