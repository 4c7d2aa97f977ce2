#pragma once

#include <functional>

#include "absl/status/status.h"
#include "common/auth/jwt.h"
#include "common/auth/principal.h"
#include "common/concurrency/worker_pool.h"
#include "common/time/clock.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace ccms::grpc_util {

// Runs a unary callback-API handler: authenticates the bearer token on gRPC's thread (cheap),
// then hands the blocking work (database) to the worker pool, so gRPC's callback threads never
// block. A full queue sheds the call with RESOURCE_EXHAUSTED; a call whose deadline passed or
// that was cancelled while queued is not started.
class CallExecutor {
 public:
  using Work = std::function<absl::Status(const auth::Principal&)>;

  CallExecutor(concurrency::WorkerPool& workers, const auth::TokenVerifier& verifier,
               const time::Clock& clock)
      : workers_(workers), verifier_(verifier), clock_(clock) {}

  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context, Work work);

  // The principal of a call's bearer token (exposed for tests).
  absl::StatusOr<auth::Principal> Authenticate(const grpc::ServerContextBase& context) const;

 private:
  concurrency::WorkerPool& workers_;
  const auth::TokenVerifier& verifier_;
  const time::Clock& clock_;
};

}  // namespace ccms::grpc_util
