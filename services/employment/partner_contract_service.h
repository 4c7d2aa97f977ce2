#pragma once

#include "ccms/employment/v1/partner_contract_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/partner_contract_store.h"

namespace ccms::employment {

// ccms.employment.v1.PartnerContractService: purchased-service contracts and evaluations (考核)
// of partners (docs/employment.md "Contracts and evaluations"). Roles: domain/access.h
// (kEvaluatePartners to write, kRead to read); district reach in the store's SQL.
class PartnerContractServiceImpl final : public v1::PartnerContractService::CallbackService {
 public:
  PartnerContractServiceImpl(PartnerContractStore& store, grpc_util::CallExecutor& executor,
                             const domain::EmploymentPolicies& policies, const time::Clock& clock)
      : store_(store), executor_(executor), policies_(policies), clock_(clock) {}

  grpc::ServerUnaryReactor* RecordPartnerContract(
      grpc::CallbackServerContext* context, const v1::RecordPartnerContractRequest* request,
      v1::RecordPartnerContractResponse* response) override;
  grpc::ServerUnaryReactor* RecordPartnerEvaluation(
      grpc::CallbackServerContext* context, const v1::RecordPartnerEvaluationRequest* request,
      v1::RecordPartnerEvaluationResponse* response) override;
  grpc::ServerUnaryReactor* ListPartnerContracts(
      grpc::CallbackServerContext* context, const v1::ListPartnerContractsRequest* request,
      v1::ListPartnerContractsResponse* response) override;
  grpc::ServerUnaryReactor* ListPartnerEvaluations(
      grpc::CallbackServerContext* context, const v1::ListPartnerEvaluationsRequest* request,
      v1::ListPartnerEvaluationsResponse* response) override;

  absl::Status DoRecordPartnerContract(const auth::Principal& principal,
                                       const v1::RecordPartnerContractRequest& request,
                                       v1::RecordPartnerContractResponse* response);
  absl::Status DoRecordPartnerEvaluation(const auth::Principal& principal,
                                         const v1::RecordPartnerEvaluationRequest& request,
                                         v1::RecordPartnerEvaluationResponse* response);
  absl::Status DoListPartnerContracts(const auth::Principal& principal,
                                      const v1::ListPartnerContractsRequest& request,
                                      v1::ListPartnerContractsResponse* response);
  absl::Status DoListPartnerEvaluations(const auth::Principal& principal,
                                        const v1::ListPartnerEvaluationsRequest& request,
                                        v1::ListPartnerEvaluationsResponse* response);

 private:
  PartnerContractStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
