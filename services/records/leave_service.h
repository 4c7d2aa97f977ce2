#pragma once

#include "ccms/records/v1/leave_service.grpc.pb.h"
#include "services/records/handler_support.h"
#include "services/records/records_store.h"

namespace ccms::records {

// gRPC handlers of ccms.records.v1.LeaveService: leave requests and decisions, returns (a late
// return records a violation), standing approvals and the lists.
// Each handler authorizes the principal (a denial is audited), validates the request with the
// pure domain rules and calls the store; handlers run on the worker pool (CallExecutor).
class LeaveServiceImpl final : public v1::LeaveService::CallbackService, private RecordsHandlers {
 public:
  LeaveServiceImpl(LeaveStore& store, const HandlerContext& context)
      : RecordsHandlers(context), store_(store) {}

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

  // The handlers' bodies, callable without a server (unit tests). `call_id` is the caller's
  // x-request-id, kept in the audit rows of reads.
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

 private:
  absl::Status DoDecideLeave(const auth::Principal& principal, domain::LeaveStep step,
                             const char* action, const std::string& request_id,
                             const std::string& case_id, const std::string& leave_id,
                             const std::string& reason, v1::Leave* out);

  LeaveStore& store_;
};

}  // namespace ccms::records
