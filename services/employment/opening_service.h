#pragma once

#include <string>
#include <string_view>

#include "ccms/employment/v1/opening_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/employment/domain/access.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/opening_store.h"
#include "services/employment/partner_store.h"

namespace ccms::employment {

// The event of a posted or closed opening (ccms.employment.opening_posted / opening_closed),
// keyed by the opening id: codes, dates, counts and ids only.
events::v1::Envelope OpeningEvent(std::string_view type, const OpeningRecord& o, absl::CivilDay on,
                                  std::string_view recorded_by_kind, absl::Time now,
                                  const std::string& actor);

// ccms.employment.v1.OpeningService: job openings posted by partners (or staff on their behalf)
// and their ranking for a case (docs/employment.md "Openings and matching"). Staff roles:
// domain/access.h (kManagePartners posts and closes, kRead lists and ranks); a partner posts,
// closes and lists its own agency's openings.
class OpeningServiceImpl final : public v1::OpeningService::CallbackService {
 public:
  OpeningServiceImpl(OpeningStore& store, PartnerStore& partners, grpc_util::CallExecutor& executor,
                     const domain::EmploymentPolicies& policies, const time::Clock& clock)
      : store_(store),
        partners_(partners),
        executor_(executor),
        policies_(policies),
        clock_(clock) {}

  grpc::ServerUnaryReactor* PostOpening(grpc::CallbackServerContext* context,
                                        const v1::PostOpeningRequest* request,
                                        v1::PostOpeningResponse* response) override;
  grpc::ServerUnaryReactor* CloseOpening(grpc::CallbackServerContext* context,
                                         const v1::CloseOpeningRequest* request,
                                         v1::CloseOpeningResponse* response) override;
  grpc::ServerUnaryReactor* RecordOpeningFilled(grpc::CallbackServerContext* context,
                                                const v1::RecordOpeningFilledRequest* request,
                                                v1::RecordOpeningFilledResponse* response) override;
  grpc::ServerUnaryReactor* ListOpenings(grpc::CallbackServerContext* context,
                                         const v1::ListOpeningsRequest* request,
                                         v1::ListOpeningsResponse* response) override;
  grpc::ServerUnaryReactor* RankOpeningsForCase(grpc::CallbackServerContext* context,
                                                const v1::RankOpeningsForCaseRequest* request,
                                                v1::RankOpeningsForCaseResponse* response) override;

  // The work of each RPC, without gRPC (tests call these).
  absl::Status DoPostOpening(const auth::Principal& principal,
                             const v1::PostOpeningRequest& request,
                             v1::PostOpeningResponse* response);
  absl::Status DoCloseOpening(const auth::Principal& principal,
                              const v1::CloseOpeningRequest& request,
                              v1::CloseOpeningResponse* response);
  absl::Status DoRecordOpeningFilled(const auth::Principal& principal,
                                     const v1::RecordOpeningFilledRequest& request,
                                     v1::RecordOpeningFilledResponse* response);
  absl::Status DoListOpenings(const auth::Principal& principal,
                              const v1::ListOpeningsRequest& request,
                              v1::ListOpeningsResponse* response);
  absl::Status DoRankOpeningsForCase(const auth::Principal& principal,
                                     const v1::RankOpeningsForCaseRequest& request,
                                     v1::RankOpeningsForCaseResponse* response);

 private:
  // Staff with `staff_action`, or a partner whose agency is registered and ACTIVE.
  absl::Status AuthorizeStaffOrPartner(const auth::Principal& principal,
                                       domain::Action staff_action);

  OpeningStore& store_;
  PartnerStore& partners_;
  grpc_util::CallExecutor& executor_;
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
