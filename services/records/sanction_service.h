#pragma once

#include "ccms/records/v1/sanction_service.grpc.pb.h"
#include "services/records/handler_support.h"
#include "services/records/records_store.h"

namespace ccms::records {

// gRPC handlers of ccms.records.v1.SanctionService: violations, the sanction ladder (checked
// before the store writes), commendations and the ladder's status.
// Each handler authorizes the principal (a denial is audited), validates the request with the
// pure domain rules and calls the store; handlers run on the worker pool (CallExecutor).
class SanctionServiceImpl final : public v1::SanctionService::CallbackService,
                                  private RecordsHandlers {
 public:
  SanctionServiceImpl(SanctionStore& store, const HandlerContext& context)
      : RecordsHandlers(context), store_(store) {}

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
  grpc::ServerUnaryReactor* RecordReoffence(grpc::CallbackServerContext* context,
                                            const v1::RecordReoffenceRequest* request,
                                            v1::RecordReoffenceResponse* response) override;

  // The handlers' bodies, callable without a server (unit tests). `call_id` is the caller's
  // x-request-id, kept in the audit rows of reads.
  absl::Status DoRecordReoffence(const auth::Principal& principal,
                                 const v1::RecordReoffenceRequest& request,
                                 v1::RecordReoffenceResponse* response);
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
  // The court's decision on a revocation request, and detention pending it
  // (follow_through_handlers.cc).
  grpc::ServerUnaryReactor* RecordRevocationDecision(
      grpc::CallbackServerContext* context, const v1::RecordRevocationDecisionRequest* request,
      v1::RecordRevocationDecisionResponse* response) override;
  grpc::ServerUnaryReactor* RecordRevocationDetention(
      grpc::CallbackServerContext* context, const v1::RecordRevocationDetentionRequest* request,
      v1::RecordRevocationDetentionResponse* response) override;
  absl::Status DoRecordRevocationDecision(const auth::Principal& principal,
                                          const v1::RecordRevocationDecisionRequest& request,
                                          v1::RecordRevocationDecisionResponse* response);
  absl::Status DoRecordRevocationDetention(const auth::Principal& principal,
                                           const v1::RecordRevocationDetentionRequest& request,
                                           v1::RecordRevocationDetentionResponse* response);

 private:
  // GetSanctionStatus's device-outage ground (follow_through_handlers.cc).
  absl::Status FillDeviceOutages(const auth::Principal& principal, const std::string& case_id,
                                 absl::CivilDay today, v1::SanctionStatus* status);

  SanctionStore& store_;
};

}  // namespace ccms::records
