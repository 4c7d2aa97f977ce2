#pragma once

// In-memory fakes of the records stores, one per interface of services/records/records_store.h,
// for the handler unit tests. Each one runs the handler's deciders against rows the test sets
// (`stored` is the case as locked, `ladder` its sanction ladder, …) and records what reached it.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/records/records_store.h"

namespace ccms::records::testing {

// Cases: OpenCase builds the row from the command; the check-in decides on `stored`.
class FakeCaseStore : public CaseStore {
 public:
  // With `open_case` set, the person has that open case: ALREADY_EXISTS, as the real store
  // says it (with a message naming the case, which the handler must never pass on).
  absl::StatusOr<CaseRecord> OpenCase(const auth::Principal&, const OpenCaseCommand& cmd,
                                      const EventFactory& make_event,
                                      std::string* open_case_id) override {
    ++open_calls;
    last_open = cmd;
    if (!open_case.case_id.empty()) {
      *open_case_id = open_case.case_id;
      return absl::AlreadyExistsError("open case " + open_case.case_number + " in district " +
                                      open_case.district_code + " of " + open_case.name);
    }
    CaseRecord r;
    r.case_id = cmd.case_id;
    r.case_number = "110101-2026-000001";
    r.status = domain::CaseStatus::kPendingIntake;
    r.district_code = cmd.input.district_code;
    r.judgment_effective_date = *cmd.input.judgment_effective_date;
    r.start_date = *cmd.input.supervision_start_date;
    r.end_date = *cmd.input.supervision_end_date;
    r.intake_deadline = cmd.validated.intake_deadline;
    r.id_last4 = cmd.id_last4;
    r.birth_date = cmd.validated.resident_id.birth_date;
    r.sex = cmd.validated.resident_id.sex;
    r.offence_category = cmd.input.offence_category;
    r.minor = cmd.validated.minor;
    last_event = make_event(r);
    return r;
  }
  absl::StatusOr<CaseRecord> RecordIntakeCheckIn(const auth::Principal&,
                                                 const IntakeCheckInCommand&,
                                                 const IntakeDecider& decide,
                                                 const EventFactory&) override {
    auto outcome = decide(stored);
    if (!outcome.ok()) return outcome.status();
    CaseRecord r = stored;
    r.status = domain::CaseStatus::kActive;
    r.intake_reported_on = outcome->reported_on;
    r.intake_late = outcome->late;
    return r;
  }
  // Returns `stored` when it has an id, else NOT_FOUND.
  absl::StatusOr<CaseRecord> GetCase(const auth::Principal&, const std::string&,
                                     const std::string&) override {
    if (stored.case_id.empty()) return absl::NotFoundError("case not found");
    return stored;
  }
  absl::StatusOr<CaseRecord> GetCaseFacts(const auth::Principal&, const std::string&,
                                          const std::string&) override {
    return absl::NotFoundError("case not found");
  }
  absl::StatusOr<CasePage> ListCases(const auth::Principal&, const CaseFilter& f,
                                     const std::string&) override {
    last_filter = f;
    return CasePage{};
  }
  absl::StatusOr<std::vector<TimelineRow>> GetTimeline(const auth::Principal&, const std::string&,
                                                       const TimelineCursor&, int,
                                                       const std::string&) override {
    return std::vector<TimelineRow>{};
  }
  absl::StatusOr<ExportPage> ExportCases(const auth::Principal&, const ExportFilter& filter,
                                         const std::string&) override {
    last_export = filter;
    return ExportPage{exported, false};
  }
  // The gauges' counts: `closed_counts` or `open_counts`, each call counted.
  absl::StatusOr<std::vector<CaseCount>> CountCases(bool closed) override {
    ++(closed ? closed_count_calls : open_count_calls);
    return closed ? closed_counts : open_counts;
  }
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> CountNeverReported(
      absl::CivilDay) override {
    return std::vector<std::pair<std::string, int64_t>>{};
  }
  // Offers each of `facts_candidates` once (one page), keeping what `decide` publishes.
  absl::StatusOr<FactsScanPage> PublishCaseFacts(const std::string& after_case_id, int,
                                                 const CaseFactsDecider& decide) override {
    FactsScanPage page;
    if (!after_case_id.empty()) return page;
    for (const FactsCandidate& candidate : facts_candidates) {
      page.last_case_id = candidate.c.case_id;
      if (auto publication = decide(candidate); publication.has_value()) {
        facts_published.push_back(*std::move(publication));
        ++page.published;
      }
    }
    return page;
  }
  // Decides on `stored` and `orders`; the changed case has the new end date.
  absl::StatusOr<SentenceChangeResult> RecordSentenceChange(
      const auth::Principal&, const CaseMutation&, const SentenceChangeRecord& change,
      const SentenceChangeDecider& decide, const CaseEventFactory& make_event) override {
    ++sentence_calls;
    if (stored.case_id.empty()) return absl::NotFoundError("case not found");
    SentenceChangeResult out{stored, change};
    out.change.previous_end_date = stored.end_date;
    if (absl::Status st = decide(stored, orders, out.change); !st.ok()) return st;
    out.c.end_date = change.new_end_date;
    last_event = make_event(out.c);
    return out;
  }
  std::vector<FactsCandidate> facts_candidates;
  std::vector<FactsPublication> facts_published;
  std::vector<domain::MonitoringOrderFacts> orders;  // the stored case's monitoring orders
  int sentence_calls = 0;

  CaseRecord stored;
  CaseRecord open_case;  // the person's open case elsewhere, if any (OpenCase)
  int open_calls = 0;
  OpenCaseCommand last_open;
  CaseFilter last_filter;
  ExportFilter last_export;
  std::vector<CaseRecord> exported;
  events::v1::Envelope last_event;
  std::vector<CaseCount> open_counts, closed_counts;
  int open_count_calls = 0, closed_count_calls = 0;
};

// Contacts and lost contact: each counts its call; the overdue list returns `overdue`.
class FakeSupervisionStore : public SupervisionStore {
 public:
  absl::StatusOr<MutationResult> RecordContact(const auth::Principal&, const CaseMutation&,
                                               const NewContact&,
                                               const CaseEventFactory&) override {
    ++mutations;
    return MutationResult{"contact-1"};
  }
  absl::StatusOr<MutationResult> MarkLostContact(const auth::Principal&, const CaseMutation&,
                                                 const LostContactPeriod& p,
                                                 const CaseEventFactory&) override {
    ++mutations;
    return MutationResult{p.period_id};
  }
  absl::StatusOr<LostContactPeriod> MarkFoundAgain(const auth::Principal&, const CaseMutation&,
                                                   absl::CivilDay found_on,
                                                   const domain::LostContactLiability& liability,
                                                   const FoundAgainEventFactory&) override {
    ++mutations;
    last_liability = liability;
    return LostContactPeriod{"p", found_on - 12, found_on};
  }
  absl::StatusOr<std::vector<OverdueCandidate>> ListOverdueCandidates(const auth::Principal&,
                                                                      const std::string&,
                                                                      const std::string&,
                                                                      absl::CivilDay, int,
                                                                      const std::string&) override {
    return overdue;
  }
  absl::StatusOr<std::vector<FollowThroughFacts>> ListFollowThroughFacts(
      const auth::Principal&, const std::vector<std::string>&) override {
    return follow_through;
  }

  int mutations = 0;
  std::vector<OverdueCandidate> overdue;
  std::optional<domain::LostContactLiability> last_liability;
  std::vector<FollowThroughFacts> follow_through;
};

// Violations, sanctions and commendations: each counts its call; the ladder is `ladder`.
class FakeSanctionStore : public SanctionStore {
 public:
  absl::StatusOr<MutationResult> RecordViolation(const auth::Principal&, const CaseMutation&,
                                                 const NewViolation& v,
                                                 const CaseEventFactory&) override {
    ++mutations;
    return MutationResult{v.violation_id};
  }
  // Checks `stored`; the ladder afterwards is `ladder` with the new offence.
  absl::StatusOr<domain::LadderFacts> RecordReoffence(const auth::Principal&, const CaseMutation&,
                                                      const NewReoffence& r, const CaseCheck& check,
                                                      const CaseEventFactory& make_event) override {
    if (absl::Status st = check(stored); !st.ok()) return st;
    ++mutations;
    ladder.reoffences.push_back(r.occurred_on);
    last_event = make_event(stored);
    return ladder;
  }
  absl::StatusOr<MutationResult> IssueSanction(const auth::Principal&, const CaseMutation&,
                                               const NewSanction& s, const SanctionDecider& decide,
                                               const CaseEventFactory&) override {
    if (absl::Status st = decide(ladder); !st.ok()) return st;
    ++mutations;
    return MutationResult{s.sanction_id};
  }
  absl::StatusOr<MutationResult> MarkSanctionCorrected(const auth::Principal&, const CaseMutation&,
                                                       const std::string& id,
                                                       absl::CivilDay) override {
    ++mutations;
    return MutationResult{id};
  }
  absl::StatusOr<MutationResult> RecordCommendation(const auth::Principal&, const CaseMutation&,
                                                    const NewCommendation& c,
                                                    const CaseEventFactory&) override {
    ++mutations;
    return MutationResult{c.commendation_id};
  }
  absl::StatusOr<domain::LadderFacts> GetLadderFacts(const auth::Principal&, const std::string&,
                                                     const std::string&) override {
    return ladder;
  }
  // The step decides on `revocation`, which keeps the result.
  absl::StatusOr<RevocationRequestRecord> RecordRevocationStep(
      const auth::Principal&, const CaseMutation&, const std::string&,
      const RevocationStepDecider& decide, const RevocationEventFactory& make_event) override {
    RevocationRequestRecord r = revocation;
    if (absl::Status st = decide(r); !st.ok()) return st;
    ++mutations;
    revocation = r;
    last_event = make_event(stored, r);
    return r;
  }
  absl::StatusOr<std::vector<domain::OutageFact>> GetOutageFacts(const auth::Principal&,
                                                                 const std::string&) override {
    return outages;
  }

  int mutations = 0;
  domain::LadderFacts ladder;
  RevocationRequestRecord revocation;
  std::vector<domain::OutageFact> outages;
  CaseRecord stored;  // the case as locked (RecordReoffence)
  events::v1::Envelope last_event;
};

// Leave: the deciders run against `leave` / `standing` and `leave_context`; events are built
// from `stored`.
class FakeLeaveStore : public LeaveStore {
 public:
  absl::StatusOr<LeaveRecord> RequestLeave(const auth::Principal&, const CaseMutation&,
                                           const LeaveRecord& in, const LeaveDecider& decide,
                                           const LeaveEventFactory& make_event) override {
    LeaveRecord l = in;
    if (absl::Status st = decide(l, leave_context); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored, l);
    return l;
  }
  absl::StatusOr<LeaveRecord> ChangeLeave(const auth::Principal&, const CaseMutation&,
                                          const std::string&, const LeaveDecider& decide,
                                          const LeaveEventFactory& make_event,
                                          const LeaveEventFactory& make_violation_event) override {
    LeaveRecord l = leave;
    if (absl::Status st = decide(l, leave_context); !st.ok()) return st;
    ++mutations;
    if (!l.violation_id.empty()) last_violation_event = make_violation_event(stored, l);
    last_event = make_event(stored, l);
    return l;
  }
  absl::StatusOr<StandingApprovalRecord> GrantStandingApproval(
      const auth::Principal&, const CaseMutation&, const StandingApprovalRecord& a,
      const StandingApprovalEventFactory& make_event) override {
    ++mutations;
    last_event = make_event(stored, a);
    return a;
  }
  absl::StatusOr<StandingApprovalRecord> RevokeStandingApproval(
      const auth::Principal&, const CaseMutation&, const std::string&,
      const StandingApprovalDecider& decide,
      const StandingApprovalEventFactory& make_event) override {
    StandingApprovalRecord a = standing;
    if (absl::Status st = decide(a); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored, a);
    return a;
  }
  absl::StatusOr<CaseLeaves> ListLeaves(const auth::Principal&, const std::string&,
                                        const std::string&, int, const std::string&) override {
    return CaseLeaves{{leave}, {standing}};
  }
  absl::StatusOr<std::vector<LeaveNotReturnedRow>> ListLeavesNotReturned(
      const auth::Principal&, const std::string&, absl::CivilDay, const std::string&, int,
      const std::string&) override {
    return not_returned;
  }

  CaseRecord stored;
  LeaveRecord leave;
  LeaveContext leave_context;
  StandingApprovalRecord standing;
  std::vector<LeaveNotReturnedRow> not_returned;
  int mutations = 0;
  events::v1::Envelope last_event;
  events::v1::Envelope last_violation_event;
};

// Orders: monitoring orders go through the deciders with `stored`, `ladder` and `order`;
// medical records with `stored`.
class FakeOrderStore : public OrderStore {
 public:
  absl::StatusOr<MonitoringOrderRecord> OrderMonitoring(
      const auth::Principal&, const CaseMutation&, const MonitoringOrderRecord& o,
      const MonitoringOrderDecider& decide, const MonitoringEventFactory& make_event) override {
    if (absl::Status st = decide(stored, ladder, {}); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored, o);
    return o;
  }
  absl::StatusOr<MonitoringOrderRecord> ChangeMonitoring(
      const auth::Principal&, const CaseMutation&, const MonitoringChange&,
      const MonitoringChangeDecider& decide, const MonitoringEventFactory& make_event) override {
    MonitoringOrderRecord o = order;
    if (absl::Status st = decide(stored, o); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored, o);
    return o;
  }
  absl::StatusOr<std::vector<MonitoringOrderRecord>> ListMonitoringExpiring(
      const auth::Principal&, const std::string&, absl::CivilDay, absl::CivilDay,
      std::optional<absl::CivilDay>, const std::string&, int) override {
    return std::vector<MonitoringOrderRecord>{};
  }
  absl::StatusOr<MutationResult> RecordHealthReport(const auth::Principal&, const CaseMutation&,
                                                    const NewHealthReport& r,
                                                    const MedicalRecordDecider& decide,
                                                    const CaseEventFactory& make_event) override {
    if (absl::Status st = decide(stored); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored);
    return MutationResult{r.report_id};
  }
  absl::StatusOr<MutationResult> RecordMedicalReview(const auth::Principal&, const CaseMutation&,
                                                     const NewMedicalReview& r,
                                                     const MedicalRecordDecider& decide,
                                                     const CaseEventFactory& make_event) override {
    if (absl::Status st = decide(stored); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored);
    return MutationResult{r.review_id};
  }
  absl::StatusOr<std::vector<MedicalCandidate>> ListMedicalCandidates(const auth::Principal&,
                                                                      const std::string&,
                                                                      const std::string&,
                                                                      absl::CivilDay, int,
                                                                      const std::string&) override {
    return std::vector<MedicalCandidate>{};
  }
  // Decides against `order` and `outages` (all of them on that order).
  absl::StatusOr<OutageRecord> RecordMonitoringOutage(
      const auth::Principal&, const CaseMutation&, const OutageRecord& outage,
      const OutageDecider& decide, const OutageEventFactory& make_event) override {
    OutageRecord o = outage;
    if (absl::Status st = decide(stored, order, outages, outages, o); !st.ok()) return st;
    ++mutations;
    outages.push_back(o.fact);
    last_event = make_event(stored, o);
    return o;
  }

  std::vector<domain::OutageFact> outages;
  CaseRecord stored;
  domain::LadderFacts ladder;
  MonitoringOrderRecord order;
  int mutations = 0;
  events::v1::Envelope last_event;
};

// Pre-sentence investigations, handover and intake: `investigation` and `stored` stand for the
// rows as locked.
class FakeIntakeStore : public IntakeStore {
 public:
  absl::StatusOr<InvestigationRecord> CommissionInvestigation(
      const auth::Principal&, const NewInvestigation& n,
      const InvestigationEventFactory& make_event) override {
    ++mutations;
    last_new_investigation = n;
    last_event = make_event(n.record);
    return n.record;
  }
  absl::StatusOr<InvestigationRecord> ChangeInvestigation(
      const auth::Principal&, const InvestigationChange&, const InvestigationDecider& decide,
      const InvestigationEventFactory& make_event) override {
    InvestigationRecord i = investigation;
    if (absl::Status st = decide(i); !st.ok()) return st;
    ++mutations;
    last_event = make_event(i);
    return i;
  }
  absl::StatusOr<InvestigationRecord> GetInvestigation(const auth::Principal&, const std::string&,
                                                       const std::string&) override {
    return investigation;
  }
  absl::StatusOr<std::vector<InvestigationRecord>> ListInvestigations(const auth::Principal&,
                                                                      const InvestigationFilter& f,
                                                                      const std::string&) override {
    last_investigation_filter = f;
    return listed_investigations;
  }
  absl::StatusOr<HandoverRecord> RecordHandover(const auth::Principal&, const CaseMutation&,
                                                const HandoverRecord& h,
                                                const HandoverDecider& decide,
                                                const CaseEventFactory& make_event) override {
    HandoverRecord out = h;
    if (absl::Status st = decide(stored, out); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored);
    return out;
  }
  absl::StatusOr<AnnouncementRecord> RecordIntakeAnnouncement(const auth::Principal&,
                                                              const CaseMutation&,
                                                              const AnnouncementRecord& a,
                                                              const CaseCheck& check,
                                                              const CaseEventFactory&) override {
    if (absl::Status st = check(stored); !st.ok()) return st;
    ++mutations;
    return a;
  }
  absl::StatusOr<SupervisionTeamRecord> SetSupervisionTeam(
      const auth::Principal&, const CaseMutation&, const SupervisionTeamRecord& team,
      const CaseEventFactory& make_event) override {
    ++mutations;
    last_team = team;
    last_event = make_event(stored);
    return team;
  }
  absl::StatusOr<HandoverAndIntake> GetHandoverAndIntake(const auth::Principal&, const std::string&,
                                                         const std::string&) override {
    return HandoverAndIntake{};
  }
  // The exit-restriction filing: decided against `stored` and `exit_facts`.
  absl::StatusOr<MutationResult> RecordExitRestriction(
      const auth::Principal&, const CaseMutation&, ExitRestrictionRecord& record,
      const ExitRestrictionDecider& decide, const CaseEventFactory& make_event) override {
    if (absl::Status st = decide(stored, exit_facts, record); !st.ok()) return st;
    ++mutations;
    last_exit_restriction = record;
    last_event = make_event(stored);
    return MutationResult{record.filing_id};
  }

  CaseRecord stored;
  domain::ExitRestrictionFacts exit_facts;
  ExitRestrictionRecord last_exit_restriction;
  InvestigationRecord investigation;
  NewInvestigation last_new_investigation;
  InvestigationFilter last_investigation_filter;
  std::vector<InvestigationRecord> listed_investigations;
  SupervisionTeamRecord last_team;
  int mutations = 0;
  events::v1::Envelope last_event;
};

// Transfers: a decision runs against `transfer`.
class FakeTransferStore : public TransferStore {
 public:
  absl::StatusOr<TransferRecord> RequestTransfer(const auth::Principal&, const CaseMutation&,
                                                 const NewTransfer& t,
                                                 const TransferEventFactory&) override {
    ++mutations;
    return t.transfer;
  }
  absl::StatusOr<TransferRecord> DecideTransfer(const auth::Principal&, const TransferDecision&,
                                                const TransferDecider& decide,
                                                const TransferEventFactory&) override {
    TransferRecord t = transfer;
    if (absl::Status st = decide(t); !st.ok()) return st;
    ++mutations;
    return t;
  }
  absl::StatusOr<std::vector<TransferRecord>> ListTransfers(const auth::Principal&,
                                                            const std::string&,
                                                            std::optional<domain::TransferStatus>,
                                                            const std::string&, int) override {
    return std::vector<TransferRecord>{};
  }
  // Decides on `handover` (its transfer, acceptance and hand-over days) and keeps the result.
  absl::StatusOr<FileHandoverRecord> RecordFileHandover(
      const auth::Principal&, const std::string&, const std::string&,
      const FileHandoverDecider& decide, const FileHandoverEventFactory& make_event) override {
    FileHandoverRecord h = handover;
    if (absl::Status st = decide(h); !st.ok()) return st;
    ++mutations;
    handover = h;
    last_event = make_event(h);
    return h;
  }

  TransferRecord transfer;
  FileHandoverRecord handover;
  events::v1::Envelope last_event;
  int mutations = 0;
};

// Discharge and after: endings decide on `stored` and `ladder`; checks see `stored`.
class FakeDischargeStore : public DischargeStore {
 public:
  absl::StatusOr<CaseRecord> EndCase(const auth::Principal&, const CaseMutation&, const CaseEnding&,
                                     const EndingDecider& decide,
                                     const CaseEventFactory&) override {
    auto status = decide(stored, ladder);
    if (!status.ok()) return status.status();
    ++mutations;
    CaseRecord c = stored;
    c.status = *status;
    return c;
  }
  absl::StatusOr<int> EmitDischargeNotices(absl::CivilDay, absl::CivilDay,
                                           const CaseEventFactory&) override {
    return 0;
  }
  absl::StatusOr<MutationResult> RecordDischargeSummary(const auth::Principal&, const CaseMutation&,
                                                        absl::CivilDay, const CaseCheck& check,
                                                        const CaseEventFactory&) override {
    if (absl::Status st = check(stored); !st.ok()) return st;
    ++mutations;
    return MutationResult{stored.case_id};
  }
  absl::StatusOr<FollowUpVisit> RecordFollowUpVisit(const auth::Principal&, const CaseMutation&,
                                                    absl::CivilDay visited_on, const std::string&,
                                                    const CaseCheck& check,
                                                    const FollowUpEventFactory&) override {
    if (absl::Status st = check(stored); !st.ok()) return st;
    ++mutations;
    return FollowUpVisit{"f", visited_on, visited_on, {}};
  }
  absl::StatusOr<std::vector<DischargeCandidate>> ListDischargeCandidates(const auth::Principal&,
                                                                          const std::string&,
                                                                          absl::CivilDay,
                                                                          const std::string&,
                                                                          int) override {
    return std::vector<DischargeCandidate>{};
  }
  absl::StatusOr<std::vector<FollowUpDue>> ListFollowUpsDue(const auth::Principal&,
                                                            const std::string&, absl::CivilDay,
                                                            const std::string&, const std::string&,
                                                            int) override {
    return std::vector<FollowUpDue>{};
  }
  absl::StatusOr<MutationResult> RecordPerformanceReport(const auth::Principal&,
                                                         const CaseMutation&, absl::CivilDay,
                                                         const std::string&, const CaseCheck& check,
                                                         const CaseEventFactory&) override {
    if (absl::Status st = check(stored); !st.ok()) return st;
    ++mutations;
    return MutationResult{stored.case_id};
  }

  CaseRecord stored;
  domain::LadderFacts ladder;
  int mutations = 0;
};

// The audit log: every handler class writes its denial rows here ("Action:RESULT").
class FakeAuditStore : public AuditStore {
 public:
  absl::Status AppendAudit(const auth::Principal&, const std::string& action,
                           const std::string& case_id, const std::string& result,
                           const std::string&) override {
    audited.push_back(action + ":" + result);
    audited_case_ids.push_back(case_id);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<AuditRow>> ListAudit(const AuditFilter&) override {
    return std::vector<AuditRow>{};
  }

  std::vector<std::string> audited;
  std::vector<std::string> audited_case_ids;  // beside `audited`, one each
};

}  // namespace ccms::records::testing
