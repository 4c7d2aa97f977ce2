#pragma once

#include "ccms/employment/v1/partner_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/partner_store.h"

namespace ccms::employment {

// ccms.employment.v1.PartnerService: the partner register (docs/employment.md). Roles:
// domain/access.h; district reach in the store's SQL.
class PartnerServiceImpl final : public v1::PartnerService::CallbackService {
 public:
  PartnerServiceImpl(PartnerStore& store, grpc_util::CallExecutor& executor,
                     const domain::EmploymentPolicies& policies, const time::Clock& clock)
      : store_(store), executor_(executor), policies_(policies), clock_(clock) {}

  grpc::ServerUnaryReactor* RegisterPartner(grpc::CallbackServerContext* context,
                                            const v1::RegisterPartnerRequest* request,
                                            v1::RegisterPartnerResponse* response) override;
  grpc::ServerUnaryReactor* SuspendPartner(grpc::CallbackServerContext* context,
                                           const v1::SuspendPartnerRequest* request,
                                           v1::SuspendPartnerResponse* response) override;
  grpc::ServerUnaryReactor* ReactivatePartner(grpc::CallbackServerContext* context,
                                              const v1::ReactivatePartnerRequest* request,
                                              v1::ReactivatePartnerResponse* response) override;
  grpc::ServerUnaryReactor* GetPartner(grpc::CallbackServerContext* context,
                                       const v1::GetPartnerRequest* request,
                                       v1::GetPartnerResponse* response) override;
  grpc::ServerUnaryReactor* ListPartners(grpc::CallbackServerContext* context,
                                         const v1::ListPartnersRequest* request,
                                         v1::ListPartnersResponse* response) override;

  // The work of each RPC, without gRPC (tests call these).
  absl::Status DoRegisterPartner(const auth::Principal& principal,
                                 const v1::RegisterPartnerRequest& request,
                                 v1::RegisterPartnerResponse* response);
  absl::Status DoSuspendPartner(const auth::Principal& principal,
                                const v1::SuspendPartnerRequest& request,
                                v1::SuspendPartnerResponse* response);
  absl::Status DoReactivatePartner(const auth::Principal& principal,
                                   const v1::ReactivatePartnerRequest& request,
                                   v1::ReactivatePartnerResponse* response);
  absl::Status DoGetPartner(const auth::Principal& principal, const v1::GetPartnerRequest& request,
                            v1::GetPartnerResponse* response);
  absl::Status DoListPartners(const auth::Principal& principal,
                              const v1::ListPartnersRequest& request,
                              v1::ListPartnersResponse* response);

 private:
  absl::StatusOr<PartnerRecord> ChangeStatus(const auth::Principal& principal,
                                             const std::string& request_id,
                                             const std::string& partner_id,
                                             const std::string& to_status,
                                             const std::string& reason_code, const char* method);

  PartnerStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
