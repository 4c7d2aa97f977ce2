#pragma once

#include "ccms/records/v1/discharge_service.grpc.pb.h"
#include "services/records/handler_support.h"
#include "services/records/records_store.h"

namespace ccms::records {

// gRPC handlers of ccms.records.v1.DischargeService: discharge and other endings, the personal
// summary before and the follow-up visits after, and their lists; and the periodic
// discharge_approaching notices.
// Each handler authorizes the principal (a denial is audited), validates the request with the
// pure domain rules and calls the store; handlers run on the worker pool (CallExecutor).
class DischargeServiceImpl final : public v1::DischargeService::CallbackService,
                                   private RecordsHandlers {
 public:
  DischargeServiceImpl(DischargeStore& store, const HandlerContext& context)
      : RecordsHandlers(context), store_(store) {}

  grpc::ServerUnaryReactor* Discharge(grpc::CallbackServerContext* context,
                                      const v1::DischargeRequest* request,
                                      v1::DischargeResponse* response) override;
  grpc::ServerUnaryReactor* CloseCase(grpc::CallbackServerContext* context,
                                      const v1::CloseCaseRequest* request,
                                      v1::CloseCaseResponse* response) override;
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
  grpc::ServerUnaryReactor* RecordPerformanceReport(
      grpc::CallbackServerContext* context, const v1::RecordPerformanceReportRequest* request,
      v1::RecordPerformanceReportResponse* response) override;

  // Emits ccms.records.discharge_approaching for active cases entering the last stretch of
  // their term (policy discharge.summary_days_before_end); run periodically by main.
  absl::StatusOr<int> EmitDischargeNotices();

  // The handlers' bodies, callable without a server (unit tests). `call_id` is the caller's
  // x-request-id, kept in the audit rows of reads.
  absl::Status DoDischarge(const auth::Principal& principal, const v1::DischargeRequest& request,
                           v1::DischargeResponse* response);
  absl::Status DoCloseCase(const auth::Principal& principal, const v1::CloseCaseRequest& request,
                           v1::CloseCaseResponse* response);
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
  // The daily-performance report (日常表现综合评估报告), discharge_paperwork.cc.
  absl::Status DoRecordPerformanceReport(const auth::Principal& principal,
                                         const v1::RecordPerformanceReportRequest& request,
                                         v1::RecordPerformanceReportResponse* response);

 private:
  DischargeStore& store_;
};

}  // namespace ccms::records
