#pragma once

#include "ccms/records/v1/audit_service.grpc.pb.h"
#include "services/records/handler_support.h"
#include "services/records/records_store.h"

namespace ccms::records {

// gRPC handlers of ccms.records.v1.AuditService: the audit log, for auditors and the city bureau.
// Each handler authorizes the principal (a denial is audited), validates the request with the
// pure domain rules and calls the store; handlers run on the worker pool (CallExecutor).
class AuditServiceImpl final : public v1::AuditService::CallbackService, private RecordsHandlers {
 public:
  AuditServiceImpl(AuditStore& store, const HandlerContext& context)
      : RecordsHandlers(context), store_(store) {}

  grpc::ServerUnaryReactor* ListAuditEntries(grpc::CallbackServerContext* context,
                                             const v1::ListAuditEntriesRequest* request,
                                             v1::ListAuditEntriesResponse* response) override;

  // The handlers' bodies, callable without a server (unit tests). `call_id` is the caller's
  // x-request-id, kept in the audit rows of reads.
  absl::Status DoListAuditEntries(const auth::Principal& principal,
                                  const v1::ListAuditEntriesRequest& request,
                                  v1::ListAuditEntriesResponse* response);

 private:
  AuditStore& store_;
};

}  // namespace ccms::records
