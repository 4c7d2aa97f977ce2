#pragma once

#include "ccms/records/v1/intake_service.grpc.pb.h"
#include "services/records/handler_support.h"
#include "services/records/records_store.h"

namespace ccms::records {

// gRPC handlers of ccms.records.v1.IntakeService: pre-sentence investigations, the handover
// notification, the intake announcement and the supervision team.
// Each handler authorizes the principal (a denial is audited), validates the request with the
// pure domain rules and calls the store; handlers run on the worker pool (CallExecutor).
class IntakeServiceImpl final : public v1::IntakeService::CallbackService, private RecordsHandlers {
 public:
  IntakeServiceImpl(IntakeStore& store, const HandlerContext& context)
      : RecordsHandlers(context), store_(store) {}

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
  grpc::ServerUnaryReactor* RecordExitRestriction(
      grpc::CallbackServerContext* context, const v1::RecordExitRestrictionRequest* request,
      v1::RecordExitRestrictionResponse* response) override;

  // The handlers' bodies, callable without a server (unit tests). `call_id` is the caller's
  // x-request-id, kept in the audit rows of reads.
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
  // The exit-restriction filing and its lifting (exit_restriction_handlers.cc).
  absl::Status DoRecordExitRestriction(const auth::Principal& principal,
                                       const v1::RecordExitRestrictionRequest& request,
                                       v1::RecordExitRestrictionResponse* response);

 private:
  // Investigations: the proto of a record, and the closing steps (conclude, withdraw).
  void InvestigationToProto(const InvestigationRecord& i, v1::Investigation* out) const;
  absl::Status CloseInvestigation(const auth::Principal& principal, const std::string& action,
                                  const std::string& request_id,
                                  const std::string& investigation_id,
                                  std::optional<domain::InvestigationConclusion> conclusion,
                                  const google::type::Date& on, const char* on_field,
                                  const std::string& text, v1::Investigation* out);

  IntakeStore& store_;
};

}  // namespace ccms::records
