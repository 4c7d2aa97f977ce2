#pragma once

#include "ccms/records/v1/order_service.grpc.pb.h"
#include "services/records/handler_support.h"
#include "services/records/records_store.h"

namespace ccms::records {

// gRPC handlers of ccms.records.v1.OrderService: electronic monitoring orders (district bureau)
// and the health reports and medical reviews of temporary execution outside prison. Lists
// write one audit row per call.
// Each handler authorizes the principal (a denial is audited), validates the request with the
// pure domain rules and calls the store; handlers run on the worker pool (CallExecutor).
class OrderServiceImpl final : public v1::OrderService::CallbackService, private RecordsHandlers {
 public:
  OrderServiceImpl(OrderStore& store, const HandlerContext& context)
      : RecordsHandlers(context), store_(store) {}

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

  // The handlers' bodies, callable without a server (unit tests). `call_id` is the caller's
  // x-request-id, kept in the audit rows of reads.
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
  // Device outages (follow_through_handlers.cc).
  grpc::ServerUnaryReactor* RecordMonitoringOutage(
      grpc::CallbackServerContext* context, const v1::RecordMonitoringOutageRequest* request,
      v1::RecordMonitoringOutageResponse* response) override;
  absl::Status DoRecordMonitoringOutage(const auth::Principal& principal,
                                        const v1::RecordMonitoringOutageRequest& request,
                                        v1::RecordMonitoringOutageResponse* response);

 private:
  OrderStore& store_;
};

}  // namespace ccms::records
