#pragma once

#include "ccms/education/v1/legal_test_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/education/domain/education_policy.h"
#include "services/education/legal_test_store.h"

namespace ccms::education {

// ccms.education.v1.LegalTestService: legal-knowledge tests (法制知识考核; docs/education.md,
// "Legal-knowledge tests"). The service scores every sitting; no response carries a paper's key.
class LegalTestServiceImpl final : public v1::LegalTestService::CallbackService {
 public:
  LegalTestServiceImpl(LegalTestStore& store, grpc_util::CallExecutor& executor,
                       const domain::EducationPolicies& policies, const time::Clock& clock)
      : store_(store), executor_(executor), policies_(policies), clock_(clock) {}

  grpc::ServerUnaryReactor* PublishTestPaper(grpc::CallbackServerContext* context,
                                             const v1::PublishTestPaperRequest* request,
                                             v1::PublishTestPaperResponse* response) override;
  grpc::ServerUnaryReactor* RecordTestSitting(grpc::CallbackServerContext* context,
                                              const v1::RecordTestSittingRequest* request,
                                              v1::RecordTestSittingResponse* response) override;
  grpc::ServerUnaryReactor* ListTestSittings(grpc::CallbackServerContext* context,
                                             const v1::ListTestSittingsRequest* request,
                                             v1::ListTestSittingsResponse* response) override;
  grpc::ServerUnaryReactor* ListRetakesDue(grpc::CallbackServerContext* context,
                                           const v1::ListRetakesDueRequest* request,
                                           v1::ListRetakesDueResponse* response) override;

  // The work of each RPC, without gRPC (unit tests call these with a fake store).
  absl::Status DoPublishTestPaper(const auth::Principal& principal,
                                  const v1::PublishTestPaperRequest& request,
                                  v1::PublishTestPaperResponse* response);
  absl::Status DoRecordTestSitting(const auth::Principal& principal,
                                   const v1::RecordTestSittingRequest& request,
                                   v1::RecordTestSittingResponse* response);
  absl::Status DoListTestSittings(const auth::Principal& principal,
                                  const v1::ListTestSittingsRequest& request,
                                  v1::ListTestSittingsResponse* response);
  absl::Status DoListRetakesDue(const auth::Principal& principal,
                                const v1::ListRetakesDueRequest& request,
                                v1::ListRetakesDueResponse* response);

 private:
  LegalTestStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EducationPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::education
