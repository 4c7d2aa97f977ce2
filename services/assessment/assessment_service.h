#pragma once

#include <functional>

#include "ccms/assessment/v1/assessment_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/domain/assessment_policy.h"
#include "services/assessment/instrument_catalog.h"
#include "services/assessment/records_client.h"

namespace ccms::assessment {

// gRPC handlers of ccms.assessment.v1.AssessmentService: each one authorizes the principal,
// validates the request, lets the pure domain rules decide, and calls the store. Handlers run on
// the worker pool (CallExecutor), never on gRPC's callback threads.
class AssessmentServiceImpl final : public v1::AssessmentService::CallbackService {
 public:
  AssessmentServiceImpl(AssessmentStore& store, grpc_util::CallExecutor& executor,
                        const InstrumentCatalog& catalog,
                        const domain::AssessmentPolicies& policies, CaseDirectory& records,
                        const time::Clock& clock)
      : store_(store),
        executor_(executor),
        catalog_(catalog),
        policies_(policies),
        records_(records),
        clock_(clock) {}

  // Called after a crisis flag was raised or acknowledged (the metrics refresh).
  void OnCrisisChange(std::function<void()> callback) { on_crisis_change_ = std::move(callback); }

#define CCMS_ASSESSMENT_RPC(Name)                                                                \
  grpc::ServerUnaryReactor* Name(grpc::CallbackServerContext* context,                           \
                                 const v1::Name##Request* request, v1::Name##Response* response) \
      override;                                                                                  \
  absl::Status Do##Name(const auth::Principal& principal, const v1::Name##Request& request,      \
                        v1::Name##Response* response);
  CCMS_ASSESSMENT_RPC(ListInstruments)
  CCMS_ASSESSMENT_RPC(GetInstrument)
  CCMS_ASSESSMENT_RPC(RecordAssessment)
  CCMS_ASSESSMENT_RPC(GetAssessment)
  CCMS_ASSESSMENT_RPC(ListAssessments)
  CCMS_ASSESSMENT_RPC(ListDueAssessments)
  CCMS_ASSESSMENT_RPC(GetSupervisionLevel)
  CCMS_ASSESSMENT_RPC(OverrideSupervisionLevel)
  CCMS_ASSESSMENT_RPC(RaiseCrisisFlag)
  CCMS_ASSESSMENT_RPC(AcknowledgeCrisisFlag)
  CCMS_ASSESSMENT_RPC(ListCrisisFlags)
  CCMS_ASSESSMENT_RPC(GetPointsLedger)
  CCMS_ASSESSMENT_RPC(AddPointsEntry)
#undef CCMS_ASSESSMENT_RPC

 private:
  // Makes sure the service knows the case: if no event about it has arrived yet, asks records
  // (GetCaseFacts, on behalf of `caller`: its token goes along as the end user) and records
  // what it learns. UNAVAILABLE when records cannot be reached.
  absl::Status EnsureCaseKnown(const auth::Principal& caller, const std::string& case_id);
  absl::Status LevelState(const auth::Principal& principal, const domain::CaseState& state,
                          v1::SupervisionLevelState* out);
  void CrisisChanged() {
    if (on_crisis_change_) on_crisis_change_();
  }

  AssessmentStore& store_;
  grpc_util::CallExecutor& executor_;
  const InstrumentCatalog& catalog_;
  // The version in force on `day`: a decision takes the version in force on its day (an
  // assessment on the day it was made, everything else on the day it is decided).
  const domain::AssessmentPolicy& PolicyOn(absl::CivilDay day) const {
    return policies_.InForce(day);
  }

  const domain::AssessmentPolicies& policies_;
  CaseDirectory& records_;
  const time::Clock& clock_;
  std::function<void()> on_crisis_change_;
};

}  // namespace ccms::assessment
