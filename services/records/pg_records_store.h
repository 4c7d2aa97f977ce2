#pragma once

#include <vector>

#include "common/db/pool.h"
#include "common/kafka/outbox.h"
#include "services/records/records_store.h"

namespace ccms::records {

// Topic of the records service's events.
inline constexpr char kRecordsTopic[] = "ccms.records.v1";

// The nine store interfaces of records_store.h over PostgreSQL, one implementation because they
// share one database and its helpers (pg_records_internal.h); each area's methods are defined in
// its own file. Each statement is a named prepared query (Queries()); district scope is a
// predicate of every case query; each mutation runs in the request's command transaction with its
// audit row and its outbox event.
class PgRecordsStore final : public CaseStore,
                             public SupervisionStore,
                             public SanctionStore,
                             public LeaveStore,
                             public OrderStore,
                             public IntakeStore,
                             public TransferStore,
                             public DischargeStore,
                             public AuditStore {
 public:
  // `signal` is told after each commit that wrote an event (may be null).
  PgRecordsStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  // Statements to prepare on every connection of the pool.
  static std::vector<db::Query> Queries();
  static std::vector<db::Query> ActivityQueries();
  static std::vector<db::Query> TransferQueries();
  static std::vector<db::Query> DischargeQueries();
  static std::vector<db::Query> LeaveQueries();
  static std::vector<db::Query> OrderQueries();
  static std::vector<db::Query> InvestigationQueries();
  static std::vector<db::Query> SentenceQueries();
  static std::vector<db::Query> GroundQueries();
  static std::vector<db::Query> FollowThroughQueries();

  // Sets a case's supervision level as decided by the assessment service, inside the caller's
  // (inbox) transaction; a change older than the level on the case is ignored.
  static void ApplySupervisionLevel(pqxx::work& tx, const std::string& case_id,
                                    const std::string& level, absl::CivilDay effective_on,
                                    const std::string& policy_version);
  // Applies an education attendance to the case's admonition grounds, inside the caller's
  // (inbox) transaction (pg_records_store_grounds.cc): an ABSENT_AFTER_NOTICE is kept per case
  // and session; another outcome for the same session removes it. Unknown cases are ignored.
  static void ApplyEducationAttendance(pqxx::work& tx, const std::string& case_id,
                                       const std::string& session_id, absl::CivilDay session_day,
                                       bool absent_after_notice, const std::string& event_id,
                                       const std::string& policy_version);
  // Adds the admonition and warning grounds' facts of case `c` to `facts` (prohibition-order
  // breaches with their severity, education absences, the medical review).
  static absl::Status LoadGroundFacts(pqxx::work& tx, const CaseRecord& c,
                                      domain::LadderFacts* facts);

  absl::StatusOr<CaseRecord> OpenCase(const auth::Principal& principal,
                                      const OpenCaseCommand& command,
                                      const EventFactory& make_event,
                                      std::string* open_case_id) override;
  absl::StatusOr<CaseRecord> RecordIntakeCheckIn(const auth::Principal& principal,
                                                 const IntakeCheckInCommand& command,
                                                 const IntakeDecider& decide,
                                                 const EventFactory& make_event) override;
  absl::StatusOr<CaseRecord> GetCase(const auth::Principal& principal, const std::string& case_id,
                                     const std::string& request_id) override;
  absl::StatusOr<CaseRecord> GetCaseFacts(const auth::Principal& principal,
                                          const std::string& case_id,
                                          const std::string& request_id) override;
  absl::StatusOr<CasePage> ListCases(const auth::Principal& principal, const CaseFilter& filter,
                                     const std::string& request_id) override;
  absl::StatusOr<std::vector<CaseCount>> CountCases(bool closed) override;
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> CountNeverReported(
      absl::CivilDay today) override;
  absl::StatusOr<FactsScanPage> PublishCaseFacts(const std::string& after_case_id, int limit,
                                                 const CaseFactsDecider& decide) override;

  // Sentence changes (pg_records_store_sentence.cc).
  absl::StatusOr<SentenceChangeResult> RecordSentenceChange(
      const auth::Principal& principal, const CaseMutation& m, const SentenceChangeRecord& change,
      const SentenceChangeDecider& decide, const CaseEventFactory& make_event) override;

  // Activities (pg_records_store_activities.cc).
  absl::StatusOr<MutationResult> RecordContact(const auth::Principal& principal,
                                               const CaseMutation& m, const NewContact& contact,
                                               const CaseEventFactory& make_event) override;
  absl::StatusOr<MutationResult> MarkLostContact(const auth::Principal& principal,
                                                 const CaseMutation& m,
                                                 const LostContactPeriod& period,
                                                 const CaseEventFactory& make_event) override;
  absl::StatusOr<LostContactPeriod> MarkFoundAgain(
      const auth::Principal& principal, const CaseMutation& m, absl::CivilDay found_on,
      const domain::LostContactLiability& liability,
      const FoundAgainEventFactory& make_event) override;
  absl::StatusOr<MutationResult> RecordViolation(const auth::Principal& principal,
                                                 const CaseMutation& m,
                                                 const NewViolation& violation,
                                                 const CaseEventFactory& make_event) override;
  absl::StatusOr<MutationResult> IssueSanction(const auth::Principal& principal,
                                               const CaseMutation& m, const NewSanction& sanction,
                                               const SanctionDecider& decide,
                                               const CaseEventFactory& make_event) override;
  absl::StatusOr<MutationResult> MarkSanctionCorrected(const auth::Principal& principal,
                                                       const CaseMutation& m,
                                                       const std::string& sanction_id,
                                                       absl::CivilDay corrected_on) override;
  absl::StatusOr<MutationResult> RecordCommendation(const auth::Principal& principal,
                                                    const CaseMutation& m, const NewCommendation& c,
                                                    const CaseEventFactory& make_event) override;
  absl::StatusOr<domain::LadderFacts> RecordReoffence(const auth::Principal& principal,
                                                      const CaseMutation& m,
                                                      const NewReoffence& reoffence,
                                                      const CaseCheck& check,
                                                      const CaseEventFactory& make_event) override;
  absl::StatusOr<domain::LadderFacts> GetLadderFacts(const auth::Principal& principal,
                                                     const std::string& case_id,
                                                     const std::string& request_id) override;
  absl::StatusOr<std::vector<OverdueCandidate>> ListOverdueCandidates(
      const auth::Principal& principal, const std::string& district_code,
      const std::string& after_case_id, absl::CivilDay as_of, int limit,
      const std::string& only_case_id = "") override;
  absl::StatusOr<std::vector<TimelineRow>> GetTimeline(const auth::Principal& principal,
                                                       const std::string& case_id,
                                                       const TimelineCursor& after, int limit,
                                                       const std::string& request_id) override;
  absl::StatusOr<std::vector<AuditRow>> ListAudit(const AuditFilter& filter) override;
  absl::Status AppendAudit(const auth::Principal& principal, const std::string& action,
                           const std::string& case_id, const std::string& result,
                           const std::string& request_id) override;
  absl::StatusOr<CaseRecord> EndCase(const auth::Principal& principal, const CaseMutation& m,
                                     const CaseEnding& ending, const EndingDecider& decide,
                                     const CaseEventFactory& make_event) override;
  absl::StatusOr<int> EmitDischargeNotices(absl::CivilDay today, absl::CivilDay last_day,
                                           const CaseEventFactory& make_event) override;
  absl::StatusOr<TransferRecord> RequestTransfer(const auth::Principal& principal,
                                                 const CaseMutation& m, const NewTransfer& t,
                                                 const TransferEventFactory& make_event) override;
  absl::StatusOr<TransferRecord> DecideTransfer(const auth::Principal& principal,
                                                const TransferDecision& d,
                                                const TransferDecider& decide,
                                                const TransferEventFactory& make_event) override;
  absl::StatusOr<std::vector<TransferRecord>> ListTransfers(
      const auth::Principal& principal, const std::string& district_code,
      std::optional<domain::TransferStatus> status, const std::string& after_transfer_id,
      int limit) override;

  // Discharge and after; exports (pg_records_store_discharge.cc).
  absl::StatusOr<MutationResult> RecordDischargeSummary(
      const auth::Principal& principal, const CaseMutation& m, absl::CivilDay received_on,
      const CaseCheck& check, const CaseEventFactory& make_event) override;
  absl::StatusOr<FollowUpVisit> RecordFollowUpVisit(
      const auth::Principal& principal, const CaseMutation& m, absl::CivilDay visited_on,
      const std::string& notes, const CaseCheck& check,
      const FollowUpEventFactory& make_event) override;
  absl::StatusOr<std::vector<DischargeCandidate>> ListDischargeCandidates(
      const auth::Principal& principal, const std::string& district_code,
      absl::CivilDay last_end_date, const std::string& after_case_id, int limit) override;
  absl::StatusOr<std::vector<FollowUpDue>> ListFollowUpsDue(
      const auth::Principal& principal, const std::string& district_code, absl::CivilDay as_of,
      const std::string& after_due_on, const std::string& after_follow_up_id, int limit) override;
  absl::StatusOr<MutationResult> RecordPerformanceReport(
      const auth::Principal& principal, const CaseMutation& m, absl::CivilDay completed_on,
      const std::string& author, const CaseCheck& check,
      const CaseEventFactory& make_event) override;
  absl::StatusOr<ExportPage> ExportCases(const auth::Principal& principal,
                                         const ExportFilter& filter,
                                         const std::string& request_id) override;
  // Leave (pg_records_store_leave.cc).
  absl::StatusOr<LeaveRecord> RequestLeave(const auth::Principal& principal, const CaseMutation& m,
                                           const LeaveRecord& leave, const LeaveDecider& decide,
                                           const LeaveEventFactory& make_event) override;
  absl::StatusOr<LeaveRecord> ChangeLeave(const auth::Principal& principal, const CaseMutation& m,
                                          const std::string& leave_id, const LeaveDecider& decide,
                                          const LeaveEventFactory& make_event,
                                          const LeaveEventFactory& make_violation_event) override;
  absl::StatusOr<StandingApprovalRecord> GrantStandingApproval(
      const auth::Principal& principal, const CaseMutation& m, const StandingApprovalRecord& a,
      const StandingApprovalEventFactory& make_event) override;
  absl::StatusOr<StandingApprovalRecord> RevokeStandingApproval(
      const auth::Principal& principal, const CaseMutation& m,
      const std::string& standing_approval_id, const StandingApprovalDecider& decide,
      const StandingApprovalEventFactory& make_event) override;
  absl::StatusOr<CaseLeaves> ListLeaves(const auth::Principal& principal,
                                        const std::string& case_id,
                                        const std::string& after_leave_id, int limit,
                                        const std::string& request_id) override;
  absl::StatusOr<std::vector<LeaveNotReturnedRow>> ListLeavesNotReturned(
      const auth::Principal& principal, const std::string& district_code, absl::CivilDay as_of,
      const std::string& after_leave_id, int limit, const std::string& request_id) override;
  // Orders (pg_records_store_orders.cc).
  absl::StatusOr<MonitoringOrderRecord> OrderMonitoring(
      const auth::Principal& principal, const CaseMutation& m, const MonitoringOrderRecord& order,
      const MonitoringOrderDecider& decide, const MonitoringEventFactory& make_event) override;
  absl::StatusOr<MonitoringOrderRecord> ChangeMonitoring(
      const auth::Principal& principal, const CaseMutation& m, const MonitoringChange& change,
      const MonitoringChangeDecider& decide, const MonitoringEventFactory& make_event) override;
  absl::StatusOr<std::vector<MonitoringOrderRecord>> ListMonitoringExpiring(
      const auth::Principal& principal, const std::string& district_code, absl::CivilDay as_of,
      absl::CivilDay last_day, std::optional<absl::CivilDay> after_ends_on,
      const std::string& after_order_id, int limit) override;
  absl::StatusOr<MutationResult> RecordHealthReport(const auth::Principal& principal,
                                                    const CaseMutation& m,
                                                    const NewHealthReport& report,
                                                    const MedicalRecordDecider& decide,
                                                    const CaseEventFactory& make_event) override;
  absl::StatusOr<MutationResult> RecordMedicalReview(const auth::Principal& principal,
                                                     const CaseMutation& m,
                                                     const NewMedicalReview& review,
                                                     const MedicalRecordDecider& decide,
                                                     const CaseEventFactory& make_event) override;
  absl::StatusOr<std::vector<MedicalCandidate>> ListMedicalCandidates(
      const auth::Principal& principal, const std::string& district_code,
      const std::string& after_case_id, absl::CivilDay as_of, int limit,
      const std::string& only_case_id = "") override;
  // Pre-sentence investigations, handover and intake (pg_records_store_investigation.cc).
  absl::StatusOr<InvestigationRecord> CommissionInvestigation(
      const auth::Principal& principal, const NewInvestigation& n,
      const InvestigationEventFactory& make_event) override;
  absl::StatusOr<InvestigationRecord> ChangeInvestigation(
      const auth::Principal& principal, const InvestigationChange& change,
      const InvestigationDecider& decide, const InvestigationEventFactory& make_event) override;
  absl::StatusOr<InvestigationRecord> GetInvestigation(const auth::Principal& principal,
                                                       const std::string& investigation_id,
                                                       const std::string& request_id) override;
  absl::StatusOr<std::vector<InvestigationRecord>> ListInvestigations(
      const auth::Principal& principal, const InvestigationFilter& filter,
      const std::string& request_id) override;
  absl::StatusOr<HandoverRecord> RecordHandover(const auth::Principal& principal,
                                                const CaseMutation& m,
                                                const HandoverRecord& handover,
                                                const HandoverDecider& decide,
                                                const CaseEventFactory& make_event) override;
  absl::StatusOr<AnnouncementRecord> RecordIntakeAnnouncement(
      const auth::Principal& principal, const CaseMutation& m, const AnnouncementRecord& a,
      const CaseCheck& check, const CaseEventFactory& make_event) override;
  absl::StatusOr<SupervisionTeamRecord> SetSupervisionTeam(
      const auth::Principal& principal, const CaseMutation& m, const SupervisionTeamRecord& team,
      const CaseEventFactory& make_event) override;
  absl::StatusOr<HandoverAndIntake> GetHandoverAndIntake(const auth::Principal& principal,
                                                         const std::string& case_id,
                                                         const std::string& request_id) override;
  // The exit-restriction filing (pg_records_store_exit_restriction.cc).
  absl::StatusOr<MutationResult> RecordExitRestriction(const auth::Principal& principal,
                                                       const CaseMutation& m,
                                                       ExitRestrictionRecord& record,
                                                       const ExitRestrictionDecider& decide,
                                                       const CaseEventFactory& make_event) override;
  static std::vector<db::Query> ExitRestrictionQueries();
  // Follow-through (pg_records_store_follow_through.cc): device outages, the court's decision
  // on a revocation request and detention pending it, the paper file after a transfer.
  absl::StatusOr<OutageRecord> RecordMonitoringOutage(
      const auth::Principal& principal, const CaseMutation& m, const OutageRecord& outage,
      const OutageDecider& decide, const OutageEventFactory& make_event) override;
  absl::StatusOr<std::vector<domain::OutageFact>> GetOutageFacts(
      const auth::Principal& principal, const std::string& case_id) override;
  absl::StatusOr<RevocationRequestRecord> RecordRevocationStep(
      const auth::Principal& principal, const CaseMutation& m, const std::string& sanction_id,
      const RevocationStepDecider& decide, const RevocationEventFactory& make_event) override;
  absl::StatusOr<FileHandoverRecord> RecordFileHandover(
      const auth::Principal& principal, const std::string& request_id,
      const std::string& transfer_id, const FileHandoverDecider& decide,
      const FileHandoverEventFactory& make_event) override;
  absl::StatusOr<std::vector<FollowThroughFacts>> ListFollowThroughFacts(
      const auth::Principal& principal, const std::vector<std::string>& case_ids) override;

 private:
  // The shared frame of every case mutation (see CaseMutation).
  using MutationBody = std::function<absl::StatusOr<std::string>(pqxx::work&, const CaseRecord&)>;
  absl::StatusOr<MutationResult> Mutate(const auth::Principal& principal, const CaseMutation& m,
                                        const MutationBody& body);
  // One case in the caller's scope, its read audited as `action` in the same transaction.
  absl::StatusOr<CaseRecord> ReadCase(const auth::Principal& principal, const std::string& case_id,
                                      const std::string& request_id, const char* action);

  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::records
