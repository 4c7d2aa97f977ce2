#pragma once

#include "ccms/education/v1/community_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/education/community_service_store.h"
#include "services/education/domain/education_policy.h"

namespace ccms::education {

// ccms.education.v1.CommunityServiceService: community service (公益活动, issue 14 item 9;
// docs/education.md, "Community service"). The rules are domain/community_service_rules.h; the
// store keeps every read and write to the caller's districts and audits them.
class CommunityServiceServiceImpl final : public v1::CommunityServiceService::CallbackService {
 public:
  CommunityServiceServiceImpl(CommunityServiceStore& store, grpc_util::CallExecutor& executor,
                              const domain::EducationPolicies& policies, const time::Clock& clock)
      : store_(store), executor_(executor), policies_(policies), clock_(clock) {}

  grpc::ServerUnaryReactor* AddServiceProject(grpc::CallbackServerContext* context,
                                              const v1::AddServiceProjectRequest* request,
                                              v1::AddServiceProjectResponse* response) override;
  grpc::ServerUnaryReactor* ListServiceProjects(grpc::CallbackServerContext* context,
                                                const v1::ListServiceProjectsRequest* request,
                                                v1::ListServiceProjectsResponse* response) override;
  grpc::ServerUnaryReactor* SetServiceProfile(grpc::CallbackServerContext* context,
                                              const v1::SetServiceProfileRequest* request,
                                              v1::SetServiceProfileResponse* response) override;
  grpc::ServerUnaryReactor* JoinServiceProject(grpc::CallbackServerContext* context,
                                               const v1::JoinServiceProjectRequest* request,
                                               v1::JoinServiceProjectResponse* response) override;
  grpc::ServerUnaryReactor* RecordServiceActivity(
      grpc::CallbackServerContext* context, const v1::RecordServiceActivityRequest* request,
      v1::RecordServiceActivityResponse* response) override;
  grpc::ServerUnaryReactor* VerifyServiceActivity(
      grpc::CallbackServerContext* context, const v1::VerifyServiceActivityRequest* request,
      v1::VerifyServiceActivityResponse* response) override;
  grpc::ServerUnaryReactor* WaiveCommunityService(
      grpc::CallbackServerContext* context, const v1::WaiveCommunityServiceRequest* request,
      v1::WaiveCommunityServiceResponse* response) override;
  grpc::ServerUnaryReactor* GetCommunityService(grpc::CallbackServerContext* context,
                                                const v1::GetCommunityServiceRequest* request,
                                                v1::GetCommunityServiceResponse* response) override;

  // The work of each RPC, without gRPC.
  absl::Status DoAddServiceProject(const auth::Principal& principal,
                                   const v1::AddServiceProjectRequest& request,
                                   v1::AddServiceProjectResponse* response);
  absl::Status DoListServiceProjects(const auth::Principal& principal,
                                     const v1::ListServiceProjectsRequest& request,
                                     v1::ListServiceProjectsResponse* response);
  absl::Status DoSetServiceProfile(const auth::Principal& principal,
                                   const v1::SetServiceProfileRequest& request,
                                   v1::SetServiceProfileResponse* response);
  absl::Status DoJoinServiceProject(const auth::Principal& principal,
                                    const v1::JoinServiceProjectRequest& request,
                                    v1::JoinServiceProjectResponse* response);
  absl::Status DoRecordServiceActivity(const auth::Principal& principal,
                                       const v1::RecordServiceActivityRequest& request,
                                       v1::RecordServiceActivityResponse* response);
  absl::Status DoVerifyServiceActivity(const auth::Principal& principal,
                                       const v1::VerifyServiceActivityRequest& request,
                                       v1::VerifyServiceActivityResponse* response);
  absl::Status DoWaiveCommunityService(const auth::Principal& principal,
                                       const v1::WaiveCommunityServiceRequest& request,
                                       v1::WaiveCommunityServiceResponse* response);
  absl::Status DoGetCommunityService(const auth::Principal& principal,
                                     const v1::GetCommunityServiceRequest& request,
                                     v1::GetCommunityServiceResponse* response);

 private:
  // The policy in force today (Asia/Shanghai).
  const domain::CommunityServicePolicy& Policy() const;

  CommunityServiceStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EducationPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::education
