#include "common/grpc/call_executor.h"

#include <chrono>

#include "common/grpc/status.h"

namespace ccms::grpc_util {

absl::StatusOr<auth::Principal> CallExecutor::Authenticate(
    const grpc::ServerContextBase& context) const {
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return absl::UnauthenticatedError("missing bearer token (authorization metadata)");
  }
  auto token = auth::BearerToken(std::string_view(it->second.data(), it->second.size()));
  if (!token.has_value()) {
    return absl::UnauthenticatedError("authorization must be 'Bearer <token>'");
  }
  return verifier_.Verify(*token, clock_.Now());
}

grpc::ServerUnaryReactor* CallExecutor::Run(grpc::CallbackServerContext* context, Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto principal = Authenticate(*context);
  if (!principal.ok()) {
    reactor->Finish(ToGrpcStatus(principal.status()));
    return reactor;
  }
  const bool queued = workers_.TrySubmit(
      [context, reactor, work = std::move(work), principal = *std::move(principal)]() {
        if (context->IsCancelled()) {
          reactor->Finish(grpc::Status(grpc::CANCELLED, "call cancelled"));
          return;
        }
        if (context->deadline() < std::chrono::system_clock::now()) {
          reactor->Finish(grpc::Status(grpc::DEADLINE_EXCEEDED, "deadline passed while queued"));
          return;
        }
        reactor->Finish(ToGrpcStatus(work(principal)));
      });
  if (!queued) {
    reactor->Finish(grpc::Status(grpc::RESOURCE_EXHAUSTED, "server busy; retry with backoff"));
  }
  return reactor;
}

}  // namespace ccms::grpc_util
