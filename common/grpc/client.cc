#include "common/grpc/client.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace ccms::grpc_util {

std::shared_ptr<grpc::Channel> MakeServiceChannel(const std::string& address,
                                                  const ClientTlsConfig& tls) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  // gRPC takes the "minimum reconnect backoff" as the connect timeout of each attempt (TCP and the
  // TLS handshake): at 100 ms, handshakes on a busy machine timed out. Retries stay quick through
  // the initial and maximum backoff above and below.
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 5000);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);  // retries are ours, with our budget
  if (tls.enabled() && !tls.server_name.empty()) {
    args.SetSslTargetNameOverride(tls.server_name);
  }
  return grpc::CreateCustomChannel(address, ChannelCredentials(tls), args);
}

grpc::Status UnaryWithRetry(const RetryOptions& options,
                            const std::function<void(grpc::ClientContext*)>& prepare,
                            const std::function<grpc::Status(grpc::ClientContext*)>& call) {
  absl::Duration backoff = options.initial_backoff;
  grpc::Status status;
  for (int attempt = 1; attempt <= std::max(1, options.max_attempts); ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         absl::ToChronoMilliseconds(options.attempt_timeout));
    if (prepare) prepare(&context);
    status = call(&context);
    const bool retryable = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                           status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
    if (!retryable || attempt == options.max_attempts) break;
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(backoff));
    backoff = std::min(backoff * 2, options.max_backoff);
  }
  return status;
}

}  // namespace ccms::grpc_util
