#pragma once

#include "ccms/records/v1/records_service.grpc.pb.h"
#include "common/crypto/pii_cipher.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/records/domain/records_policy.h"
#include "services/records/records_store.h"

namespace ccms::records {

// gRPC handlers of ccms.records.v1.RecordsService: each one authorizes the principal, validates
// the request with the pure domain rules, and calls the store. Handlers run on the worker pool
// (CallExecutor), never on gRPC's callback threads.
class RecordsServiceImpl final : public v1::RecordsService::CallbackService {
 public:
  RecordsServiceImpl(RecordsStore& store, grpc_util::CallExecutor& executor,
                     const crypto::PiiCipher& cipher, const time::Clock& clock,
                     const domain::RecordsPolicies& policies)
      : store_(store), executor_(executor), cipher_(cipher), clock_(clock), policies_(policies) {}

  grpc::ServerUnaryReactor* OpenCase(grpc::CallbackServerContext* context,
                                     const v1::OpenCaseRequest* request,
                                     v1::OpenCaseResponse* response) override;
  grpc::ServerUnaryReactor* RecordIntakeCheckIn(grpc::CallbackServerContext* context,
                                                const v1::RecordIntakeCheckInRequest* request,
                                                v1::RecordIntakeCheckInResponse* response) override;
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const v1::GetCaseRequest* request,
                                    v1::GetCaseResponse* response) override;
  grpc::ServerUnaryReactor* ListCases(grpc::CallbackServerContext* context,
                                      const v1::ListCasesRequest* request,
                                      v1::ListCasesResponse* response) override;

  grpc::ServerUnaryReactor* RecordContact(grpc::CallbackServerContext* context,
                                          const v1::RecordContactRequest* request,
                                          v1::RecordContactResponse* response) override;
  grpc::ServerUnaryReactor* MarkLostContact(grpc::CallbackServerContext* context,
                                            const v1::MarkLostContactRequest* request,
                                            v1::MarkLostContactResponse* response) override;
  grpc::ServerUnaryReactor* MarkFoundAgain(grpc::CallbackServerContext* context,
                                           const v1::MarkFoundAgainRequest* request,
                                           v1::MarkFoundAgainResponse* response) override;
  grpc::ServerUnaryReactor* RecordViolation(grpc::CallbackServerContext* context,
                                            const v1::RecordViolationRequest* request,
                                            v1::RecordViolationResponse* response) override;
  grpc::ServerUnaryReactor* IssueSanction(grpc::CallbackServerContext* context,
                                          const v1::IssueSanctionRequest* request,
                                          v1::IssueSanctionResponse* response) override;
  grpc::ServerUnaryReactor* MarkSanctionCorrected(
      grpc::CallbackServerContext* context, const v1::MarkSanctionCorrectedRequest* request,
      v1::MarkSanctionCorrectedResponse* response) override;
  grpc::ServerUnaryReactor* RecordCommendation(grpc::CallbackServerContext* context,
                                               const v1::RecordCommendationRequest* request,
                                               v1::RecordCommendationResponse* response) override;
  grpc::ServerUnaryReactor* GetSanctionStatus(grpc::CallbackServerContext* context,
                                              const v1::GetSanctionStatusRequest* request,
                                              v1::GetSanctionStatusResponse* response) override;
  grpc::ServerUnaryReactor* ListOverdue(grpc::CallbackServerContext* context,
                                        const v1::ListOverdueRequest* request,
                                        v1::ListOverdueResponse* response) override;
  grpc::ServerUnaryReactor* GetCaseTimeline(grpc::CallbackServerContext* context,
                                            const v1::GetCaseTimelineRequest* request,
                                            v1::GetCaseTimelineResponse* response) override;
  grpc::ServerUnaryReactor* ListAuditEntries(grpc::CallbackServerContext* context,
                                             const v1::ListAuditEntriesRequest* request,
                                             v1::ListAuditEntriesResponse* response) override;

  grpc::ServerUnaryReactor* RequestTransfer(grpc::CallbackServerContext* context,
                                            const v1::RequestTransferRequest* request,
                                            v1::RequestTransferResponse* response) override;
  grpc::ServerUnaryReactor* ConsentTransfer(grpc::CallbackServerContext* context,
                                            const v1::ConsentTransferRequest* request,
                                            v1::ConsentTransferResponse* response) override;
  grpc::ServerUnaryReactor* AcceptTransfer(grpc::CallbackServerContext* context,
                                           const v1::AcceptTransferRequest* request,
                                           v1::AcceptTransferResponse* response) override;
  grpc::ServerUnaryReactor* RejectTransfer(grpc::CallbackServerContext* context,
                                           const v1::RejectTransferRequest* request,
                                           v1::RejectTransferResponse* response) override;
  grpc::ServerUnaryReactor* CompleteTransfer(grpc::CallbackServerContext* context,
                                             const v1::CompleteTransferRequest* request,
                                             v1::CompleteTransferResponse* response) override;
  grpc::ServerUnaryReactor* ListTransfers(grpc::CallbackServerContext* context,
                                          const v1::ListTransfersRequest* request,
                                          v1::ListTransfersResponse* response) override;

  grpc::ServerUnaryReactor* Discharge(grpc::CallbackServerContext* context,
                                      const v1::DischargeRequest* request,
                                      v1::DischargeResponse* response) override;
  grpc::ServerUnaryReactor* CloseCase(grpc::CallbackServerContext* context,
                                      const v1::CloseCaseRequest* request,
                                      v1::CloseCaseResponse* response) override;

  // Discharge and after; exports (records_service_discharge.cc).
  grpc::ServerUnaryReactor* RecordDischargeSummary(
      grpc::CallbackServerContext* context, const v1::RecordDischargeSummaryRequest* request,
      v1::RecordDischargeSummaryResponse* response) override;
  grpc::ServerUnaryReactor* RecordFollowUpVisit(grpc::CallbackServerContext* context,
                                                const v1::RecordFollowUpVisitRequest* request,
                                                v1::RecordFollowUpVisitResponse* response) override;
  grpc::ServerUnaryReactor* ListDischargesDue(grpc::CallbackServerContext* context,
                                              const v1::ListDischargesDueRequest* request,
                                              v1::ListDischargesDueResponse* response) override;
  grpc::ServerUnaryReactor* ListFollowUpsDue(grpc::CallbackServerContext* context,
                                             const v1::ListFollowUpsDueRequest* request,
                                             v1::ListFollowUpsDueResponse* response) override;
  grpc::ServerUnaryReactor* ExportCases(grpc::CallbackServerContext* context,
                                        const v1::ExportCasesRequest* request,
                                        v1::ExportCasesResponse* response) override;
  // Leave (records_service_leave.cc).
  grpc::ServerUnaryReactor* RequestLeave(grpc::CallbackServerContext* context,
                                         const v1::RequestLeaveRequest* request,
                                         v1::RequestLeaveResponse* response) override;
  grpc::ServerUnaryReactor* ApproveLeave(grpc::CallbackServerContext* context,
                                         const v1::ApproveLeaveRequest* request,
                                         v1::ApproveLeaveResponse* response) override;
  grpc::ServerUnaryReactor* RejectLeave(grpc::CallbackServerContext* context,
                                        const v1::RejectLeaveRequest* request,
                                        v1::RejectLeaveResponse* response) override;
  grpc::ServerUnaryReactor* CancelLeave(grpc::CallbackServerContext* context,
                                        const v1::CancelLeaveRequest* request,
                                        v1::CancelLeaveResponse* response) override;
  grpc::ServerUnaryReactor* RecordLeaveReturn(grpc::CallbackServerContext* context,
                                              const v1::RecordLeaveReturnRequest* request,
                                              v1::RecordLeaveReturnResponse* response) override;
  grpc::ServerUnaryReactor* GrantStandingApproval(
      grpc::CallbackServerContext* context, const v1::GrantStandingApprovalRequest* request,
      v1::GrantStandingApprovalResponse* response) override;
  grpc::ServerUnaryReactor* RevokeStandingApproval(
      grpc::CallbackServerContext* context, const v1::RevokeStandingApprovalRequest* request,
      v1::RevokeStandingApprovalResponse* response) override;
  grpc::ServerUnaryReactor* ListLeaves(grpc::CallbackServerContext* context,
                                       const v1::ListLeavesRequest* request,
                                       v1::ListLeavesResponse* response) override;
  grpc::ServerUnaryReactor* ListLeavesNotReturned(
      grpc::CallbackServerContext* context, const v1::ListLeavesNotReturnedRequest* request,
      v1::ListLeavesNotReturnedResponse* response) override;
  // Pre-sentence investigations, handover and intake (records_service_investigation.cc).
  grpc::ServerUnaryReactor* CommissionInvestigation(
      grpc::CallbackServerContext* context, const v1::CommissionInvestigationRequest* request,
      v1::CommissionInvestigationResponse* response) override;
  grpc::ServerUnaryReactor* RecordInvestigationConclusion(
      grpc::CallbackServerContext* context, const v1::RecordInvestigationConclusionRequest* request,
      v1::RecordInvestigationConclusionResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawInvestigation(
      grpc::CallbackServerContext* context, const v1::WithdrawInvestigationRequest* request,
      v1::WithdrawInvestigationResponse* response) override;
  grpc::ServerUnaryReactor* GetInvestigation(grpc::CallbackServerContext* context,
                                             const v1::GetInvestigationRequest* request,
                                             v1::GetInvestigationResponse* response) override;
  grpc::ServerUnaryReactor* ListInvestigations(grpc::CallbackServerContext* context,
                                               const v1::ListInvestigationsRequest* request,
                                               v1::ListInvestigationsResponse* response) override;
  grpc::ServerUnaryReactor* RecordHandoverNotification(
      grpc::CallbackServerContext* context, const v1::RecordHandoverNotificationRequest* request,
      v1::RecordHandoverNotificationResponse* response) override;
  grpc::ServerUnaryReactor* RecordIntakeAnnouncement(
      grpc::CallbackServerContext* context, const v1::RecordIntakeAnnouncementRequest* request,
      v1::RecordIntakeAnnouncementResponse* response) override;
  grpc::ServerUnaryReactor* SetSupervisionTeam(grpc::CallbackServerContext* context,
                                               const v1::SetSupervisionTeamRequest* request,
                                               v1::SetSupervisionTeamResponse* response) override;
  grpc::ServerUnaryReactor* GetHandoverAndIntake(
      grpc::CallbackServerContext* context, const v1::GetHandoverAndIntakeRequest* request,
      v1::GetHandoverAndIntakeResponse* response) override;

  // Orders: electronic monitoring and temporary execution outside prison
  // (records_service_orders.cc).
  grpc::ServerUnaryReactor* OrderMonitoring(grpc::CallbackServerContext* context,
                                            const v1::OrderMonitoringRequest* request,
                                            v1::OrderMonitoringResponse* response) override;
  grpc::ServerUnaryReactor* RenewMonitoring(grpc::CallbackServerContext* context,
                                            const v1::RenewMonitoringRequest* request,
                                            v1::RenewMonitoringResponse* response) override;
  grpc::ServerUnaryReactor* EndMonitoring(grpc::CallbackServerContext* context,
                                          const v1::EndMonitoringRequest* request,
                                          v1::EndMonitoringResponse* response) override;
  grpc::ServerUnaryReactor* ListMonitoringExpiring(
      grpc::CallbackServerContext* context, const v1::ListMonitoringExpiringRequest* request,
      v1::ListMonitoringExpiringResponse* response) override;
  grpc::ServerUnaryReactor* RecordHealthReport(grpc::CallbackServerContext* context,
                                               const v1::RecordHealthReportRequest* request,
                                               v1::RecordHealthReportResponse* response) override;
  grpc::ServerUnaryReactor* RecordMedicalReview(grpc::CallbackServerContext* context,
                                                const v1::RecordMedicalReviewRequest* request,
                                                v1::RecordMedicalReviewResponse* response) override;
  grpc::ServerUnaryReactor* ListMedicalDue(grpc::CallbackServerContext* context,
                                           const v1::ListMedicalDueRequest* request,
                                           v1::ListMedicalDueResponse* response) override;

  // Emits ccms.records.discharge_approaching for active cases entering the last stretch of
  // their term (policy discharge.summary_days_before_end); run periodically by main.
  absl::StatusOr<int> EmitDischargeNotices();

  // The handlers' bodies, callable without a server (unit tests). `call_id` is the caller's
  // x-request-id, kept in the audit rows of reads.
  absl::Status DoOpenCase(const auth::Principal& principal, const v1::OpenCaseRequest& request,
                          v1::OpenCaseResponse* response);
  absl::Status DoRecordIntakeCheckIn(const auth::Principal& principal,
                                     const v1::RecordIntakeCheckInRequest& request,
                                     v1::RecordIntakeCheckInResponse* response);
  absl::Status DoGetCase(const auth::Principal& principal, const v1::GetCaseRequest& request,
                         v1::GetCaseResponse* response, const std::string& call_id = "");
  absl::Status DoListCases(const auth::Principal& principal, const v1::ListCasesRequest& request,
                           v1::ListCasesResponse* response, const std::string& call_id = "");
  absl::Status DoRecordContact(const auth::Principal& principal,
                               const v1::RecordContactRequest& request,
                               v1::RecordContactResponse* response);
  absl::Status DoMarkLostContact(const auth::Principal& principal,
                                 const v1::MarkLostContactRequest& request,
                                 v1::MarkLostContactResponse* response);
  absl::Status DoMarkFoundAgain(const auth::Principal& principal,
                                const v1::MarkFoundAgainRequest& request,
                                v1::MarkFoundAgainResponse* response);
  absl::Status DoRecordViolation(const auth::Principal& principal,
                                 const v1::RecordViolationRequest& request,
                                 v1::RecordViolationResponse* response);
  absl::Status DoIssueSanction(const auth::Principal& principal,
                               const v1::IssueSanctionRequest& request,
                               v1::IssueSanctionResponse* response);
  absl::Status DoMarkSanctionCorrected(const auth::Principal& principal,
                                       const v1::MarkSanctionCorrectedRequest& request,
                                       v1::MarkSanctionCorrectedResponse* response);
  absl::Status DoRecordCommendation(const auth::Principal& principal,
                                    const v1::RecordCommendationRequest& request,
                                    v1::RecordCommendationResponse* response);
  absl::Status DoGetSanctionStatus(const auth::Principal& principal,
                                   const v1::GetSanctionStatusRequest& request,
                                   v1::GetSanctionStatusResponse* response,
                                   const std::string& call_id = "");
  absl::Status DoListOverdue(const auth::Principal& principal,
                             const v1::ListOverdueRequest& request,
                             v1::ListOverdueResponse* response);
  absl::Status DoGetCaseTimeline(const auth::Principal& principal,
                                 const v1::GetCaseTimelineRequest& request,
                                 v1::GetCaseTimelineResponse* response,
                                 const std::string& call_id = "");
  absl::Status DoRequestTransfer(const auth::Principal& principal,
                                 const v1::RequestTransferRequest& request,
                                 v1::RequestTransferResponse* response);
  // The four decisions on a transfer (one step of domain::TransferStep each).
  absl::Status DoConsentTransfer(const auth::Principal& principal,
                                 const v1::ConsentTransferRequest& request,
                                 v1::ConsentTransferResponse* response);
  absl::Status DoAcceptTransfer(const auth::Principal& principal,
                                const v1::AcceptTransferRequest& request,
                                v1::AcceptTransferResponse* response);
  absl::Status DoRejectTransfer(const auth::Principal& principal,
                                const v1::RejectTransferRequest& request,
                                v1::RejectTransferResponse* response);
  absl::Status DoCompleteTransfer(const auth::Principal& principal,
                                  const v1::CompleteTransferRequest& request,
                                  v1::CompleteTransferResponse* response);
  absl::Status DoListTransfers(const auth::Principal& principal,
                               const v1::ListTransfersRequest& request,
                               v1::ListTransfersResponse* response);
  absl::Status DoDischarge(const auth::Principal& principal, const v1::DischargeRequest& request,
                           v1::DischargeResponse* response);
  absl::Status DoCloseCase(const auth::Principal& principal, const v1::CloseCaseRequest& request,
                           v1::CloseCaseResponse* response);
  absl::Status DoListAuditEntries(const auth::Principal& principal,
                                  const v1::ListAuditEntriesRequest& request,
                                  v1::ListAuditEntriesResponse* response);

  absl::Status DoRecordDischargeSummary(const auth::Principal& principal,
                                        const v1::RecordDischargeSummaryRequest& request,
                                        v1::RecordDischargeSummaryResponse* response);
  absl::Status DoRecordFollowUpVisit(const auth::Principal& principal,
                                     const v1::RecordFollowUpVisitRequest& request,
                                     v1::RecordFollowUpVisitResponse* response);
  absl::Status DoListDischargesDue(const auth::Principal& principal,
                                   const v1::ListDischargesDueRequest& request,
                                   v1::ListDischargesDueResponse* response);
  absl::Status DoListFollowUpsDue(const auth::Principal& principal,
                                  const v1::ListFollowUpsDueRequest& request,
                                  v1::ListFollowUpsDueResponse* response);
  absl::Status DoExportCases(const auth::Principal& principal,
                             const v1::ExportCasesRequest& request,
                             v1::ExportCasesResponse* response, const std::string& call_id = "");
  // Leave (records_service_leave.cc).
  absl::Status DoRequestLeave(const auth::Principal& principal,
                              const v1::RequestLeaveRequest& request,
                              v1::RequestLeaveResponse* response);
  absl::Status DoApproveLeave(const auth::Principal& principal,
                              const v1::ApproveLeaveRequest& request,
                              v1::ApproveLeaveResponse* response);
  absl::Status DoRejectLeave(const auth::Principal& principal,
                             const v1::RejectLeaveRequest& request,
                             v1::RejectLeaveResponse* response);
  absl::Status DoCancelLeave(const auth::Principal& principal,
                             const v1::CancelLeaveRequest& request,
                             v1::CancelLeaveResponse* response);
  absl::Status DoRecordLeaveReturn(const auth::Principal& principal,
                                   const v1::RecordLeaveReturnRequest& request,
                                   v1::RecordLeaveReturnResponse* response);
  absl::Status DoGrantStandingApproval(const auth::Principal& principal,
                                       const v1::GrantStandingApprovalRequest& request,
                                       v1::GrantStandingApprovalResponse* response);
  absl::Status DoRevokeStandingApproval(const auth::Principal& principal,
                                        const v1::RevokeStandingApprovalRequest& request,
                                        v1::RevokeStandingApprovalResponse* response);
  absl::Status DoListLeaves(const auth::Principal& principal, const v1::ListLeavesRequest& request,
                            v1::ListLeavesResponse* response, const std::string& call_id = "");
  absl::Status DoListLeavesNotReturned(const auth::Principal& principal,
                                       const v1::ListLeavesNotReturnedRequest& request,
                                       v1::ListLeavesNotReturnedResponse* response,
                                       const std::string& call_id = "");
  // Pre-sentence investigations, handover and intake (records_service_investigation.cc).
  absl::Status DoCommissionInvestigation(const auth::Principal& principal,
                                         const v1::CommissionInvestigationRequest& request,
                                         v1::CommissionInvestigationResponse* response);
  absl::Status DoRecordInvestigationConclusion(
      const auth::Principal& principal, const v1::RecordInvestigationConclusionRequest& request,
      v1::RecordInvestigationConclusionResponse* response);
  absl::Status DoWithdrawInvestigation(const auth::Principal& principal,
                                       const v1::WithdrawInvestigationRequest& request,
                                       v1::WithdrawInvestigationResponse* response);
  absl::Status DoGetInvestigation(const auth::Principal& principal,
                                  const v1::GetInvestigationRequest& request,
                                  v1::GetInvestigationResponse* response,
                                  const std::string& call_id = "");
  absl::Status DoListInvestigations(const auth::Principal& principal,
                                    const v1::ListInvestigationsRequest& request,
                                    v1::ListInvestigationsResponse* response,
                                    const std::string& call_id = "");
  absl::Status DoRecordHandoverNotification(const auth::Principal& principal,
                                            const v1::RecordHandoverNotificationRequest& request,
                                            v1::RecordHandoverNotificationResponse* response);
  absl::Status DoRecordIntakeAnnouncement(const auth::Principal& principal,
                                          const v1::RecordIntakeAnnouncementRequest& request,
                                          v1::RecordIntakeAnnouncementResponse* response);
  absl::Status DoSetSupervisionTeam(const auth::Principal& principal,
                                    const v1::SetSupervisionTeamRequest& request,
                                    v1::SetSupervisionTeamResponse* response);
  absl::Status DoGetHandoverAndIntake(const auth::Principal& principal,
                                      const v1::GetHandoverAndIntakeRequest& request,
                                      v1::GetHandoverAndIntakeResponse* response,
                                      const std::string& call_id = "");

  // Orders (records_service_orders.cc). Monitoring orders, renewals and ends need the district
  // bureau (kBureauApprove); lists write one audit row per call.
  absl::Status DoOrderMonitoring(const auth::Principal& principal,
                                 const v1::OrderMonitoringRequest& request,
                                 v1::OrderMonitoringResponse* response);
  absl::Status DoRenewMonitoring(const auth::Principal& principal,
                                 const v1::RenewMonitoringRequest& request,
                                 v1::RenewMonitoringResponse* response);
  absl::Status DoEndMonitoring(const auth::Principal& principal,
                               const v1::EndMonitoringRequest& request,
                               v1::EndMonitoringResponse* response);
  absl::Status DoListMonitoringExpiring(const auth::Principal& principal,
                                        const v1::ListMonitoringExpiringRequest& request,
                                        v1::ListMonitoringExpiringResponse* response,
                                        const std::string& call_id = "");
  absl::Status DoRecordHealthReport(const auth::Principal& principal,
                                    const v1::RecordHealthReportRequest& request,
                                    v1::RecordHealthReportResponse* response);
  absl::Status DoRecordMedicalReview(const auth::Principal& principal,
                                     const v1::RecordMedicalReviewRequest& request,
                                     v1::RecordMedicalReviewResponse* response);
  absl::Status DoListMedicalDue(const auth::Principal& principal,
                                const v1::ListMedicalDueRequest& request,
                                v1::ListMedicalDueResponse* response,
                                const std::string& call_id = "");

 private:
  // What the four decisions on a transfer carry; only AcceptTransfer may name an office.
  struct TransferDecisionArgs {
    const std::string& request_id;
    const std::string& transfer_id;
    const google::type::Date& on;
    const std::string& to_office_id;
    const std::string& reason;
  };
  absl::Status DoDecideTransfer(const auth::Principal& principal, domain::TransferStep step,
                                const TransferDecisionArgs& request, v1::Transfer* transfer);
  // Runs a handler body; a PERMISSION_DENIED outcome is written to the audit log too.
  absl::Status AuditDenied(const auth::Principal& principal, const std::string& action,
                           const std::string& case_id, const std::string& request_id,
                           absl::Status status);
  void CaseToProto(const CaseRecord& c, v1::Case* out) const;
  // Approve, reject or cancel a leave (records_service_leave.cc).
  absl::Status DoDecideLeave(const auth::Principal& principal, domain::LeaveStep step,
                             const char* action, const std::string& request_id,
                             const std::string& case_id, const std::string& leave_id,
                             const std::string& reason, v1::Leave* out);
  // Investigations: the proto of a record, and the closing steps (conclude, withdraw).
  void InvestigationToProto(const InvestigationRecord& i, v1::Investigation* out) const;
  absl::Status CloseInvestigation(const auth::Principal& principal, const std::string& action,
                                  const std::string& request_id,
                                  const std::string& investigation_id,
                                  std::optional<domain::InvestigationConclusion> conclusion,
                                  const google::type::Date& on, const char* on_field,
                                  const std::string& text, v1::Investigation* out);
  std::vector<domain::DueContact> NextDueOf(const OverdueCandidate& candidate,
                                            absl::CivilDay today) const;

  RecordsStore& store_;
  grpc_util::CallExecutor& executor_;
  const crypto::PiiCipher& cipher_;
  const time::Clock& clock_;
  // The version in force on `day`: each handler passes the day its rule is about (the day a
  // deadline is counted from, or the day of the decision or list; docs/architecture.md).
  const domain::RecordsPolicy& PolicyOn(absl::CivilDay day) const { return policies_.InForce(day); }

  const domain::RecordsPolicies& policies_;
};

}  // namespace ccms::records
