#pragma once

#include "ccms/ops/v1/audit_chain_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "common/db/pool.h"
#include "common/grpc/call_executor.h"

namespace ccms::server {

// ccms.ops.v1.AuditChainService on the service's own database (common/db/audit_chain.h): roles
// auditor and city_admin; audit ids, chain positions and hashes, never a row's content.
// ServiceHost registers it for every service.
class AuditChainServiceImpl final : public ops::v1::AuditChainService::CallbackService {
 public:
  AuditChainServiceImpl(db::ConnectionPool& pool, grpc_util::CallExecutor& executor)
      : pool_(pool), executor_(executor) {}

  grpc::ServerUnaryReactor* VerifyAuditChain(grpc::CallbackServerContext* context,
                                             const ops::v1::VerifyAuditChainRequest* request,
                                             ops::v1::VerifyAuditChainResponse* response) override;

  // The handler's body, callable without a server.
  absl::Status DoVerifyAuditChain(const auth::Principal& principal,
                                  const ops::v1::VerifyAuditChainRequest& request,
                                  ops::v1::VerifyAuditChainResponse* response);

 private:
  db::ConnectionPool& pool_;
  grpc_util::CallExecutor& executor_;
};

}  // namespace ccms::server
