#pragma once

#include "ccms/education/v1/service_file_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/education/domain/education_policy.h"
#include "services/education/service_file_store.h"

namespace ccms::education {

// ccms.education.v1.ServiceFileService: the first contact (接触) and the service file (建档) of a
// case (docs/education.md). Roles: domain/access.h; district scope in the store's SQL.
class ServiceFileServiceImpl final : public v1::ServiceFileService::CallbackService {
 public:
  ServiceFileServiceImpl(ServiceFileStore& store, grpc_util::CallExecutor& executor,
                         const domain::EducationPolicies& policies, const time::Clock& clock)
      : store_(store), executor_(executor), policies_(policies), clock_(clock) {}

  grpc::ServerUnaryReactor* OpenServiceFile(grpc::CallbackServerContext* context,
                                            const v1::OpenServiceFileRequest* request,
                                            v1::OpenServiceFileResponse* response) override;
  grpc::ServerUnaryReactor* RecordFirstContact(grpc::CallbackServerContext* context,
                                               const v1::RecordFirstContactRequest* request,
                                               v1::RecordFirstContactResponse* response) override;
  grpc::ServerUnaryReactor* GetServiceFile(grpc::CallbackServerContext* context,
                                           const v1::GetServiceFileRequest* request,
                                           v1::GetServiceFileResponse* response) override;
  grpc::ServerUnaryReactor* ListServiceFiles(grpc::CallbackServerContext* context,
                                             const v1::ListServiceFilesRequest* request,
                                             v1::ListServiceFilesResponse* response) override;

  // The work of each RPC, without gRPC (unit tests call these with a fake store).
  absl::Status DoOpenServiceFile(const auth::Principal& principal,
                                 const v1::OpenServiceFileRequest& request,
                                 v1::OpenServiceFileResponse* response);
  absl::Status DoRecordFirstContact(const auth::Principal& principal,
                                    const v1::RecordFirstContactRequest& request,
                                    v1::RecordFirstContactResponse* response);
  absl::Status DoGetServiceFile(const auth::Principal& principal,
                                const v1::GetServiceFileRequest& request,
                                v1::GetServiceFileResponse* response);
  absl::Status DoListServiceFiles(const auth::Principal& principal,
                                  const v1::ListServiceFilesRequest& request,
                                  v1::ListServiceFilesResponse* response);

 private:
  void Fill(const ServiceFileState& s, absl::CivilDay today, v1::ServiceFileStatus* out) const;

  ServiceFileStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EducationPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::education
