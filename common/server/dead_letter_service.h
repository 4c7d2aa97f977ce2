#pragma once

#include "ccms/ops/v1/dead_letter_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "common/db/pool.h"
#include "common/grpc/call_executor.h"

namespace ccms::server {

// ccms.ops.v1.DeadLetterService on the service's own database (common/kafka/dead_letters.h):
// roles ops and city_admin; ids, types, source, place, error class, attempts and times, never a
// payload. ServiceHost registers it for every service.
class DeadLetterServiceImpl final : public ops::v1::DeadLetterService::CallbackService {
 public:
  DeadLetterServiceImpl(db::ConnectionPool& pool, grpc_util::CallExecutor& executor)
      : pool_(pool), executor_(executor) {}

  grpc::ServerUnaryReactor* ListDeadLetters(grpc::CallbackServerContext* context,
                                            const ops::v1::ListDeadLettersRequest* request,
                                            ops::v1::ListDeadLettersResponse* response) override;
  grpc::ServerUnaryReactor* GetDeadLetter(grpc::CallbackServerContext* context,
                                          const ops::v1::GetDeadLetterRequest* request,
                                          ops::v1::GetDeadLetterResponse* response) override;
  grpc::ServerUnaryReactor* RequeueDeadLetter(
      grpc::CallbackServerContext* context, const ops::v1::RequeueDeadLetterRequest* request,
      ops::v1::RequeueDeadLetterResponse* response) override;

  // The handlers' bodies, callable without a server.
  absl::Status DoListDeadLetters(const auth::Principal& principal,
                                 const ops::v1::ListDeadLettersRequest& request,
                                 ops::v1::ListDeadLettersResponse* response);
  absl::Status DoGetDeadLetter(const auth::Principal& principal,
                               const ops::v1::GetDeadLetterRequest& request,
                               ops::v1::GetDeadLetterResponse* response);
  absl::Status DoRequeueDeadLetter(const auth::Principal& principal,
                                   const ops::v1::RequeueDeadLetterRequest& request,
                                   ops::v1::RequeueDeadLetterResponse* response);

 private:
  db::ConnectionPool& pool_;
  grpc_util::CallExecutor& executor_;
};

}  // namespace ccms::server
