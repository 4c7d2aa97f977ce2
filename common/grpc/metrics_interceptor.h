#pragma once

#include <memory>

#include "grpcpp/support/server_interceptor.h"

namespace prometheus {
class Registry;
}

namespace ccms::grpc_util {

// Counts every RPC the server finishes and times it, under the names grpc-ecosystem exporters
// use: grpc_server_started_total, grpc_server_handled_total{grpc_service,grpc_method,grpc_code}
// and the grpc_server_handling_seconds histogram. It also writes one access-log line per call
// (method, code, duration, x-request-id, trace id from traceparent) — no request contents.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeMetricsInterceptor(
    prometheus::Registry& registry);

}  // namespace ccms::grpc_util
