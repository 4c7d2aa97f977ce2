#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/grpc/tls.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

// A client channel and unary calls with a deadline per attempt and
// retries with backoff on UNAVAILABLE, for service-to-service calls.
namespace ccms::grpc_util {

struct RetryOptions {
  absl::Duration attempt_timeout = absl::Seconds(1);
  int max_attempts = 3;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(1);
};

// A channel that reconnects quickly after the server comes back (reconnect backoff between 100 ms
// and 1 s instead of gRPC's default of up to 2 minutes), so a dependency that returns is used
// again within a second; each connection attempt (TCP and the TLS handshake) may take up to 5 s. TLS when `tls` has a CA (common/grpc/tls.h: the server verified against
// it, the client certificate presented when given, the name checked in the server's certificate
// overridden by tls.server_name); plaintext when `tls` is empty.
std::shared_ptr<grpc::Channel> MakeServiceChannel(const std::string& address,
                                                  const ClientTlsConfig& tls = {});

// Runs `call` with a fresh context per attempt (deadline = attempt_timeout, metadata from
// `prepare`), retrying UNAVAILABLE (and a DEADLINE_EXCEEDED of one attempt) with exponential
// backoff up to max_attempts. Returns the last status.
grpc::Status UnaryWithRetry(const RetryOptions& options,
                            const std::function<void(grpc::ClientContext*)>& prepare,
                            const std::function<grpc::Status(grpc::ClientContext*)>& call);

}  // namespace ccms::grpc_util
