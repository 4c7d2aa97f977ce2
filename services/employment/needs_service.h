#pragma once

#include "ccms/employment/v1/needs_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/needs_store.h"

namespace ccms::employment {

// ccms.employment.v1.NeedsService: needs surveys, career plans (versioned, DRAFT -> AGREED) and
// skills profiles of a case (docs/employment.md "Needs, career plans and skills"). Staff roles:
// domain/access.h (kWriteReferral records, kRead reads); partners never.
class NeedsServiceImpl final : public v1::NeedsService::CallbackService {
 public:
  NeedsServiceImpl(NeedsStore& store, grpc_util::CallExecutor& executor,
                   const domain::EmploymentPolicies& policies, const time::Clock& clock)
      : store_(store), executor_(executor), policies_(policies), clock_(clock) {}

  grpc::ServerUnaryReactor* RecordNeedsSurvey(grpc::CallbackServerContext* context,
                                              const v1::RecordNeedsSurveyRequest* request,
                                              v1::RecordNeedsSurveyResponse* response) override;
  grpc::ServerUnaryReactor* DraftCareerPlan(grpc::CallbackServerContext* context,
                                            const v1::DraftCareerPlanRequest* request,
                                            v1::DraftCareerPlanResponse* response) override;
  grpc::ServerUnaryReactor* AgreeCareerPlan(grpc::CallbackServerContext* context,
                                            const v1::AgreeCareerPlanRequest* request,
                                            v1::AgreeCareerPlanResponse* response) override;
  grpc::ServerUnaryReactor* RecordSkillsProfile(grpc::CallbackServerContext* context,
                                                const v1::RecordSkillsProfileRequest* request,
                                                v1::RecordSkillsProfileResponse* response) override;
  grpc::ServerUnaryReactor* GetCaseNeeds(grpc::CallbackServerContext* context,
                                         const v1::GetCaseNeedsRequest* request,
                                         v1::GetCaseNeedsResponse* response) override;

  // The work of each RPC, without gRPC (tests call these).
  absl::Status DoRecordNeedsSurvey(const auth::Principal& principal,
                                   const v1::RecordNeedsSurveyRequest& request,
                                   v1::RecordNeedsSurveyResponse* response);
  absl::Status DoDraftCareerPlan(const auth::Principal& principal,
                                 const v1::DraftCareerPlanRequest& request,
                                 v1::DraftCareerPlanResponse* response);
  absl::Status DoAgreeCareerPlan(const auth::Principal& principal,
                                 const v1::AgreeCareerPlanRequest& request,
                                 v1::AgreeCareerPlanResponse* response);
  absl::Status DoRecordSkillsProfile(const auth::Principal& principal,
                                     const v1::RecordSkillsProfileRequest& request,
                                     v1::RecordSkillsProfileResponse* response);
  absl::Status DoGetCaseNeeds(const auth::Principal& principal,
                              const v1::GetCaseNeedsRequest& request,
                              v1::GetCaseNeedsResponse* response);

 private:
  NeedsStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
