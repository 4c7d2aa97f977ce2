#pragma once

#include "ccms/employment/v1/volunteer_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/volunteer_store.h"

namespace ccms::employment {

// ccms.employment.v1.VolunteerService: volunteers and social organisations, their service and
// commendations (docs/employment.md "Volunteers"). Roles: domain/access.h (kManagePartners to
// register, commend and change a volunteer's supervision teams, kWriteReferral to record service, kRead to read); district reach in the
// store's SQL.
class VolunteerServiceImpl final : public v1::VolunteerService::CallbackService {
 public:
  VolunteerServiceImpl(VolunteerStore& store, grpc_util::CallExecutor& executor,
                       const domain::EmploymentPolicies& policies, const time::Clock& clock)
      : store_(store), executor_(executor), policies_(policies), clock_(clock) {}

  grpc::ServerUnaryReactor* RegisterVolunteer(grpc::CallbackServerContext* context,
                                              const v1::RegisterVolunteerRequest* request,
                                              v1::RegisterVolunteerResponse* response) override;
  grpc::ServerUnaryReactor* RecordVolunteerService(
      grpc::CallbackServerContext* context, const v1::RecordVolunteerServiceRequest* request,
      v1::RecordVolunteerServiceResponse* response) override;
  grpc::ServerUnaryReactor* CommendVolunteer(grpc::CallbackServerContext* context,
                                             const v1::CommendVolunteerRequest* request,
                                             v1::CommendVolunteerResponse* response) override;
  grpc::ServerUnaryReactor* GetVolunteer(grpc::CallbackServerContext* context,
                                         const v1::GetVolunteerRequest* request,
                                         v1::GetVolunteerResponse* response) override;
  grpc::ServerUnaryReactor* ListVolunteers(grpc::CallbackServerContext* context,
                                           const v1::ListVolunteersRequest* request,
                                           v1::ListVolunteersResponse* response) override;

  grpc::ServerUnaryReactor* JoinSupervisionTeam(grpc::CallbackServerContext* context,
                                                const v1::JoinSupervisionTeamRequest* request,
                                                v1::JoinSupervisionTeamResponse* response) override;
  grpc::ServerUnaryReactor* LeaveSupervisionTeam(
      grpc::CallbackServerContext* context, const v1::LeaveSupervisionTeamRequest* request,
      v1::LeaveSupervisionTeamResponse* response) override;

  absl::Status DoRegisterVolunteer(const auth::Principal& principal,
                                   const v1::RegisterVolunteerRequest& request,
                                   v1::RegisterVolunteerResponse* response);
  absl::Status DoRecordVolunteerService(const auth::Principal& principal,
                                        const v1::RecordVolunteerServiceRequest& request,
                                        v1::RecordVolunteerServiceResponse* response);
  absl::Status DoCommendVolunteer(const auth::Principal& principal,
                                  const v1::CommendVolunteerRequest& request,
                                  v1::CommendVolunteerResponse* response);
  absl::Status DoGetVolunteer(const auth::Principal& principal,
                              const v1::GetVolunteerRequest& request,
                              v1::GetVolunteerResponse* response);
  absl::Status DoListVolunteers(const auth::Principal& principal,
                                const v1::ListVolunteersRequest& request,
                                v1::ListVolunteersResponse* response);

  absl::Status DoJoinSupervisionTeam(const auth::Principal& principal,
                                     const v1::JoinSupervisionTeamRequest& request,
                                     v1::JoinSupervisionTeamResponse* response);
  absl::Status DoLeaveSupervisionTeam(const auth::Principal& principal,
                                      const v1::LeaveSupervisionTeamRequest& request,
                                      v1::LeaveSupervisionTeamResponse* response);

 private:
  // Join (`join`) or leave a team, for both handlers.
  absl::Status ChangeTeam(const auth::Principal& principal, bool join,
                          const std::string& request_id, const std::string& volunteer_id,
                          const std::string& district, const std::string& team_id,
                          const google::type::Date& on_field, const char* on_name,
                          v1::Volunteer* out);

  VolunteerStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
