#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ccms/education/v1/correction_plan_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/education/domain/education_policy.h"
#include "services/education/plan_store.h"

namespace ccms::education {

// REVISION_REASON_<name> of a domain reason; UNSPECIFIED for none.
v1::RevisionReason RevisionReasonToProto(const std::optional<domain::RevisionReason>& r);

// ccms.education.v1.CorrectionPlanService: the correction plan (一人一案) of a case, versioned,
// and the revisions due after events of records and assessment (docs/education.md). Roles:
// domain/access.h (draft, revise, agree, activate, close: kWrite; approve: kApprove; reads:
// kRead); district scope in the store's SQL.
class CorrectionPlanServiceImpl final : public v1::CorrectionPlanService::CallbackService {
 public:
  CorrectionPlanServiceImpl(PlanStore& store, grpc_util::CallExecutor& executor,
                            const domain::EducationPolicies& policies, const time::Clock& clock)
      : store_(store), executor_(executor), policies_(policies), clock_(clock) {}

  grpc::ServerUnaryReactor* DraftPlan(grpc::CallbackServerContext* context,
                                      const v1::DraftPlanRequest* request,
                                      v1::DraftPlanResponse* response) override;
  grpc::ServerUnaryReactor* RevisePlan(grpc::CallbackServerContext* context,
                                       const v1::RevisePlanRequest* request,
                                       v1::RevisePlanResponse* response) override;
  grpc::ServerUnaryReactor* RecordPlanAgreement(grpc::CallbackServerContext* context,
                                                const v1::RecordPlanAgreementRequest* request,
                                                v1::RecordPlanAgreementResponse* response) override;
  grpc::ServerUnaryReactor* ApprovePlan(grpc::CallbackServerContext* context,
                                        const v1::ApprovePlanRequest* request,
                                        v1::ApprovePlanResponse* response) override;
  grpc::ServerUnaryReactor* ActivatePlan(grpc::CallbackServerContext* context,
                                         const v1::ActivatePlanRequest* request,
                                         v1::ActivatePlanResponse* response) override;
  grpc::ServerUnaryReactor* ClosePlan(grpc::CallbackServerContext* context,
                                      const v1::ClosePlanRequest* request,
                                      v1::ClosePlanResponse* response) override;
  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* context,
                                    const v1::GetPlanRequest* request,
                                    v1::GetPlanResponse* response) override;
  grpc::ServerUnaryReactor* ListOverdueRevisions(
      grpc::CallbackServerContext* context, const v1::ListOverdueRevisionsRequest* request,
      v1::ListOverdueRevisionsResponse* response) override;

  // The work of each RPC, without gRPC (unit tests call these with a fake store).
  absl::Status DoDraftPlan(const auth::Principal& principal, const v1::DraftPlanRequest& request,
                           v1::DraftPlanResponse* response);
  absl::Status DoRevisePlan(const auth::Principal& principal, const v1::RevisePlanRequest& request,
                            v1::RevisePlanResponse* response);
  absl::Status DoRecordPlanAgreement(const auth::Principal& principal,
                                     const v1::RecordPlanAgreementRequest& request,
                                     v1::RecordPlanAgreementResponse* response);
  absl::Status DoApprovePlan(const auth::Principal& principal,
                             const v1::ApprovePlanRequest& request,
                             v1::ApprovePlanResponse* response);
  absl::Status DoActivatePlan(const auth::Principal& principal,
                              const v1::ActivatePlanRequest& request,
                              v1::ActivatePlanResponse* response);
  absl::Status DoClosePlan(const auth::Principal& principal, const v1::ClosePlanRequest& request,
                           v1::ClosePlanResponse* response);
  absl::Status DoGetPlan(const auth::Principal& principal, const v1::GetPlanRequest& request,
                         v1::GetPlanResponse* response);
  absl::Status DoListOverdueRevisions(const auth::Principal& principal,
                                      const v1::ListOverdueRevisionsRequest& request,
                                      v1::ListOverdueRevisionsResponse* response);

 private:
  // Runs a command on one existing version (`version`) of the case's plan: checks the
  // transition, lets `apply` set the version's new fields and add events, writes.
  using VersionStep = std::function<absl::Status(
      const PlanState& state, domain::PlanVersionRecord& version, PlanWrite& write)>;
  absl::StatusOr<PlanState> Step(const auth::Principal& principal, const std::string& case_id,
                                 std::string_view method, const std::string& request_id,
                                 int version, domain::PlanCommand command,
                                 const VersionStep& apply);

  PlanStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EducationPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::education
