#pragma once

#include "ccms/employment/v1/referral_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/plan_step_store.h"
#include "services/employment/referral_store.h"
#include "services/employment/resettlement_store.h"

namespace ccms::employment {

// ccms.employment.v1.ReferralService: staff's referrals (docs/employment.md). Roles:
// domain/access.h; the transition table: domain/referral_machine.h; the 16-year rule:
// domain/age_rule.h; district reach in the store's SQL. The resettlement items
// (ListResettlementItems, DeclineResettlement; domain/resettlement_rules.h) are in
// resettlement_service.cc; the plan steps due (ListPlanStepsDue; domain/plan_step_rules.h) in
// plan_step_service.cc.
class ReferralServiceImpl final : public v1::ReferralService::CallbackService {
 public:
  ReferralServiceImpl(ReferralStore& store, ResettlementStore& resettlement,
                      PlanStepStore& plan_steps, grpc_util::CallExecutor& executor,
                      const domain::EmploymentPolicies& policies, const time::Clock& clock)
      : store_(store),
        resettlement_(resettlement),
        plan_steps_(plan_steps),
        executor_(executor),
        policies_(policies),
        clock_(clock) {}

  grpc::ServerUnaryReactor* CreateReferral(grpc::CallbackServerContext* context,
                                           const v1::CreateReferralRequest* request,
                                           v1::CreateReferralResponse* response) override;
  grpc::ServerUnaryReactor* SendReferral(grpc::CallbackServerContext* context,
                                         const v1::SendReferralRequest* request,
                                         v1::SendReferralResponse* response) override;
  grpc::ServerUnaryReactor* RecordReferralStep(grpc::CallbackServerContext* context,
                                               const v1::RecordReferralStepRequest* request,
                                               v1::RecordReferralStepResponse* response) override;
  grpc::ServerUnaryReactor* GetReferral(grpc::CallbackServerContext* context,
                                        const v1::GetReferralRequest* request,
                                        v1::GetReferralResponse* response) override;
  grpc::ServerUnaryReactor* ListReferrals(grpc::CallbackServerContext* context,
                                          const v1::ListReferralsRequest* request,
                                          v1::ListReferralsResponse* response) override;
  grpc::ServerUnaryReactor* ListResettlementItems(
      grpc::CallbackServerContext* context, const v1::ListResettlementItemsRequest* request,
      v1::ListResettlementItemsResponse* response) override;
  grpc::ServerUnaryReactor* DeclineResettlement(grpc::CallbackServerContext* context,
                                                const v1::DeclineResettlementRequest* request,
                                                v1::DeclineResettlementResponse* response) override;
  grpc::ServerUnaryReactor* ListPlanStepsDue(grpc::CallbackServerContext* context,
                                             const v1::ListPlanStepsDueRequest* request,
                                             v1::ListPlanStepsDueResponse* response) override;

  // The work of each RPC, without gRPC (tests call these).
  absl::Status DoCreateReferral(const auth::Principal& principal,
                                const v1::CreateReferralRequest& request,
                                v1::CreateReferralResponse* response);
  absl::Status DoSendReferral(const auth::Principal& principal,
                              const v1::SendReferralRequest& request,
                              v1::SendReferralResponse* response);
  absl::Status DoRecordReferralStep(const auth::Principal& principal,
                                    const v1::RecordReferralStepRequest& request,
                                    v1::RecordReferralStepResponse* response);
  absl::Status DoGetReferral(const auth::Principal& principal,
                             const v1::GetReferralRequest& request,
                             v1::GetReferralResponse* response);
  absl::Status DoListReferrals(const auth::Principal& principal,
                               const v1::ListReferralsRequest& request,
                               v1::ListReferralsResponse* response);
  absl::Status DoListResettlementItems(const auth::Principal& principal,
                                       const v1::ListResettlementItemsRequest& request,
                                       v1::ListResettlementItemsResponse* response);
  absl::Status DoDeclineResettlement(const auth::Principal& principal,
                                     const v1::DeclineResettlementRequest& request,
                                     v1::DeclineResettlementResponse* response);
  absl::Status DoListPlanStepsDue(const auth::Principal& principal,
                                  const v1::ListPlanStepsDueRequest& request,
                                  v1::ListPlanStepsDueResponse* response);

 private:
  ReferralStore& store_;
  ResettlementStore& resettlement_;
  PlanStepStore& plan_steps_;
  grpc_util::CallExecutor& executor_;
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
