#pragma once

#include "ccms/employment/v1/halfway_house_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/halfway_house_store.h"

namespace ccms::employment {

// The event of an admission or a leaving (ccms.employment.halfway_house_admitted / _left), keyed
// by the case: codes, dates, ids and counts only.
events::v1::Envelope PlacementEvent(std::string_view type, const PlacementRecord& p,
                                    const HalfwayHouseRecord& house_after, absl::CivilDay on,
                                    absl::Time now, const std::string& actor);

// ccms.employment.v1.HalfwayHouseService: halfway houses and placements (docs/employment.md
// "Halfway houses"). Roles: domain/access.h; district reach in the store's SQL.
class HalfwayHouseServiceImpl final : public v1::HalfwayHouseService::CallbackService {
 public:
  HalfwayHouseServiceImpl(HalfwayHouseStore& store, grpc_util::CallExecutor& executor,
                          const domain::EmploymentPolicies& policies, const time::Clock& clock)
      : store_(store), executor_(executor), policies_(policies), clock_(clock) {}

  grpc::ServerUnaryReactor* RegisterHalfwayHouse(
      grpc::CallbackServerContext* context, const v1::RegisterHalfwayHouseRequest* request,
      v1::RegisterHalfwayHouseResponse* response) override;
  grpc::ServerUnaryReactor* AdmitToHalfwayHouse(grpc::CallbackServerContext* context,
                                                const v1::AdmitToHalfwayHouseRequest* request,
                                                v1::AdmitToHalfwayHouseResponse* response) override;
  grpc::ServerUnaryReactor* LeaveHalfwayHouse(grpc::CallbackServerContext* context,
                                              const v1::LeaveHalfwayHouseRequest* request,
                                              v1::LeaveHalfwayHouseResponse* response) override;
  grpc::ServerUnaryReactor* ListHalfwayHouses(grpc::CallbackServerContext* context,
                                              const v1::ListHalfwayHousesRequest* request,
                                              v1::ListHalfwayHousesResponse* response) override;

  // The work of each RPC, without gRPC (tests call these).
  absl::Status DoRegisterHalfwayHouse(const auth::Principal& principal,
                                      const v1::RegisterHalfwayHouseRequest& request,
                                      v1::RegisterHalfwayHouseResponse* response);
  absl::Status DoAdmitToHalfwayHouse(const auth::Principal& principal,
                                     const v1::AdmitToHalfwayHouseRequest& request,
                                     v1::AdmitToHalfwayHouseResponse* response);
  absl::Status DoLeaveHalfwayHouse(const auth::Principal& principal,
                                   const v1::LeaveHalfwayHouseRequest& request,
                                   v1::LeaveHalfwayHouseResponse* response);
  absl::Status DoListHalfwayHouses(const auth::Principal& principal,
                                   const v1::ListHalfwayHousesRequest& request,
                                   v1::ListHalfwayHousesResponse* response);

 private:
  HalfwayHouseStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
