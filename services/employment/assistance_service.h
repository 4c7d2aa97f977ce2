#pragma once

#include "ccms/employment/v1/assistance_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/employment/assistance_store.h"
#include "services/employment/domain/employment_policy.h"

namespace ccms::employment {

// ccms.employment.v1.AssistanceService: welfare and relief (docs/employment.md "Welfare and
// relief"). Roles: domain/access.h (kWriteReferral to record, kRead to read); district reach in
// the store's SQL.
class AssistanceServiceImpl final : public v1::AssistanceService::CallbackService {
 public:
  AssistanceServiceImpl(AssistanceStore& store, grpc_util::CallExecutor& executor,
                        const domain::EmploymentPolicies& policies, const time::Clock& clock)
      : store_(store), executor_(executor), policies_(policies), clock_(clock) {}

  grpc::ServerUnaryReactor* RecordAssistance(grpc::CallbackServerContext* context,
                                             const v1::RecordAssistanceRequest* request,
                                             v1::RecordAssistanceResponse* response) override;
  grpc::ServerUnaryReactor* ChangeAssistanceStatus(
      grpc::CallbackServerContext* context, const v1::ChangeAssistanceStatusRequest* request,
      v1::ChangeAssistanceStatusResponse* response) override;
  grpc::ServerUnaryReactor* ListAssistance(grpc::CallbackServerContext* context,
                                           const v1::ListAssistanceRequest* request,
                                           v1::ListAssistanceResponse* response) override;
  grpc::ServerUnaryReactor* SumAssistance(grpc::CallbackServerContext* context,
                                          const v1::SumAssistanceRequest* request,
                                          v1::SumAssistanceResponse* response) override;

  absl::Status DoRecordAssistance(const auth::Principal& principal,
                                  const v1::RecordAssistanceRequest& request,
                                  v1::RecordAssistanceResponse* response);
  absl::Status DoChangeAssistanceStatus(const auth::Principal& principal,
                                        const v1::ChangeAssistanceStatusRequest& request,
                                        v1::ChangeAssistanceStatusResponse* response);
  absl::Status DoListAssistance(const auth::Principal& principal,
                                const v1::ListAssistanceRequest& request,
                                v1::ListAssistanceResponse* response);
  absl::Status DoSumAssistance(const auth::Principal& principal,
                               const v1::SumAssistanceRequest& request,
                               v1::SumAssistanceResponse* response);

 private:
  AssistanceStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
