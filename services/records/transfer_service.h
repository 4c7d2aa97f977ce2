#pragma once

#include "ccms/records/v1/transfer_service.grpc.pb.h"
#include "services/records/handler_support.h"
#include "services/records/records_store.h"

namespace ccms::records {

// gRPC handlers of ccms.records.v1.TransferService: the five steps of a transfer of execution
// place and the list of transfers from or to the caller's districts.
// Each handler authorizes the principal (a denial is audited), validates the request with the
// pure domain rules and calls the store; handlers run on the worker pool (CallExecutor).
class TransferServiceImpl final : public v1::TransferService::CallbackService,
                                  private RecordsHandlers {
 public:
  TransferServiceImpl(TransferStore& store, const HandlerContext& context)
      : RecordsHandlers(context), store_(store) {}

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

  // The handlers' bodies, callable without a server (unit tests). `call_id` is the caller's
  // x-request-id, kept in the audit rows of reads.
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
  // The paper file's hand-over (follow_through_handlers.cc).
  grpc::ServerUnaryReactor* RecordFileHandover(grpc::CallbackServerContext* context,
                                               const v1::RecordFileHandoverRequest* request,
                                               v1::RecordFileHandoverResponse* response) override;
  absl::Status DoRecordFileHandover(const auth::Principal& principal,
                                    const v1::RecordFileHandoverRequest& request,
                                    v1::RecordFileHandoverResponse* response);

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

  TransferStore& store_;
};

}  // namespace ccms::records
