#pragma once

#include <string>
#include <string_view>

#include "ccms/employment/v1/schooling_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/schooling_store.h"

namespace ccms::employment {

// The event of a schooling item's change (ccms.employment.schooling_support_changed), keyed by
// the case: codes, dates and ids only (never the school's code). `step` says what changed it:
// OPENED, SITUATION, LIAISON, ENROLLED, DECLINED, CASE_CLOSED.
events::v1::Envelope SchoolingEvent(const SchoolingItemRecord& x, std::string_view step,
                                    absl::CivilDay on, absl::Time now, const std::string& actor);

// ccms.employment.v1.SchoolingService: schooling support for minors (seeds 7.11.1-7.11.2;
// docs/employment.md "Schooling support"). Staff roles: domain/access.h (kWriteReferral records,
// kRead lists). No partner access.
class SchoolingServiceImpl final : public v1::SchoolingService::CallbackService {
 public:
  SchoolingServiceImpl(SchoolingStore& store, grpc_util::CallExecutor& executor,
                       const domain::EmploymentPolicies& policies, const time::Clock& clock)
      : store_(store), executor_(executor), policies_(policies), clock_(clock) {}

  grpc::ServerUnaryReactor* RecordSchoolingSituation(
      grpc::CallbackServerContext* context, const v1::RecordSchoolingSituationRequest* request,
      v1::RecordSchoolingSituationResponse* response) override;
  grpc::ServerUnaryReactor* RecordSchoolingSupport(
      grpc::CallbackServerContext* context, const v1::RecordSchoolingSupportRequest* request,
      v1::RecordSchoolingSupportResponse* response) override;
  grpc::ServerUnaryReactor* ListSchoolingItems(grpc::CallbackServerContext* context,
                                               const v1::ListSchoolingItemsRequest* request,
                                               v1::ListSchoolingItemsResponse* response) override;

  // The work of each RPC, without gRPC (tests call these).
  absl::Status DoRecordSchoolingSituation(const auth::Principal& principal,
                                          const v1::RecordSchoolingSituationRequest& request,
                                          v1::RecordSchoolingSituationResponse* response);
  absl::Status DoRecordSchoolingSupport(const auth::Principal& principal,
                                        const v1::RecordSchoolingSupportRequest& request,
                                        v1::RecordSchoolingSupportResponse* response);
  absl::Status DoListSchoolingItems(const auth::Principal& principal,
                                    const v1::ListSchoolingItemsRequest& request,
                                    v1::ListSchoolingItemsResponse* response);

 private:
  SchoolingStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
