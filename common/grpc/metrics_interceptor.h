#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/support/server_interceptor.h"

namespace prometheus {
class Registry;
}

namespace ccms::grpc_util {

// Counts every RPC the server finishes and times it, under the names grpc-ecosystem exporters
// use: grpc_server_started_total, grpc_server_handled_total{grpc_service,grpc_method,grpc_code}
// and the grpc_server_handling_seconds histogram. It also writes one access-log line per call
// (method, code, duration, x-request-id, trace id from traceparent) — no request contents.
//
// Only the methods of `services` (full proto names, e.g. "ccms.records.v1.CaseService", found
// in the generated descriptor pool) and of gRPC's health service get labels of their own; every
// other path a caller sends is counted under grpc_service="unknown", grpc_method="unknown", so no
// caller, authenticated or not, can add series. A request the server could not parse (a broken
// message, a string that is not UTF-8) is answered INVALID_ARGUMENT instead of gRPC's INTERNAL:
// the caller's mistake, not the server's.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeMetricsInterceptor(
    prometheus::Registry& registry, const std::vector<std::string>& services);

}  // namespace ccms::grpc_util
