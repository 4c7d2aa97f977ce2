// Channel and per-call context for ccmsctl's gRPC calls, and how their
// failures are reported.

#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "tools/ccmsctl/global_options.h"

namespace ccms::ctl {

// Reads the TLS files named by --ca-file, --cert-file and --key-file into `options->tls` (and
// --server-name). InvalidArgument, naming the flag, when a file cannot be read or holds no
// certificate / no matching key, when only one of --cert-file and --key-file is given, or when a
// client certificate or server name comes without a CA. No CA: plaintext.
absl::Status LoadTls(GlobalOptions* options);

// A channel to `options.addr`: TLS when options.tls has a CA (the server verified against it, the
// client certificate presented when given), else plaintext. Connects lazily, on the first call.
std::shared_ptr<grpc::Channel> Connect(const GlobalOptions& options);

// A context for one call: the --timeout deadline, a new `x-request-id`, and
// `authorization: Bearer <token>` when `with_token`.
std::unique_ptr<grpc::ClientContext> NewCallContext(const GlobalOptions& options, bool with_token);

// A new request id (idempotency key) for a mutation, printed to stderr as
// `request_id: ...` so a failed call can be retried with it.
std::string NewRequestId();

// "OK", "INVALID_ARGUMENT", ...: the canonical name of `code`.
std::string_view StatusCodeName(grpc::StatusCode code);

// Prints `error: <CODE>: <message>` to stderr, or `error: <CODE> (<REASON>): <message>` when the
// status's ErrorInfo reason is not just the code's name (ALREADY_EXISTS (REQUEST_ID_REUSED)),
// then one line per field violation carried in the status details. UNAVAILABLE and
// DEADLINE_EXCEEDED name the address. Returns kExitFailure.
int ReportRpcError(const grpc::Status& status, const GlobalOptions& options);

// Prints `error: <CODE>: <message>` for a failure found before any call.
// Returns kExitFailure.
int ReportLocalError(const absl::Status& status);

// Returns kExitOk if the options carry a token; otherwise says how to get one
// and returns kExitUsage.
int RequireToken(const GlobalOptions& options);

}  // namespace ccms::ctl
