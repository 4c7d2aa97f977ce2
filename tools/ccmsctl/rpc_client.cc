#include "tools/ccmsctl/rpc_client.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc/status.h"
#include "common/grpc/tls.h"
#include "common/ids/uuid.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "tools/ccmsctl/output.h"

namespace ccms::ctl {

namespace {

// The contents of `path`, named by `flag` in the error.
absl::StatusOr<std::string> ReadPem(std::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  if (in) contents << in.rdbuf();
  if (!in || in.bad()) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(flag), ": cannot read ", path));
  }
  return contents.str();
}

}  // namespace

absl::Status LoadTls(GlobalOptions* options) {
  grpc_util::ClientTlsConfig tls;
  if (options->ca_file.empty()) {
    if (!options->cert_file.empty() || !options->key_file.empty() ||
        !options->server_name.empty()) {
      return absl::InvalidArgumentError(
          "--cert-file, --key-file and --server-name need --ca-file (CCMS_GRPC_CA_FILE): "
          "TLS is on only with a CA to verify the server against");
    }
    options->tls = tls;
    return absl::OkStatus();
  }
  if (options->cert_file.empty() != options->key_file.empty()) {
    return absl::InvalidArgumentError("--cert-file and --key-file go together");
  }
  absl::StatusOr<std::string> ca = ReadPem("--ca-file", options->ca_file);
  if (!ca.ok()) return ca.status();
  if (absl::Status s = grpc_util::CheckCertificatesPem(*ca, "--ca-file"); !s.ok()) return s;
  tls.ca_pem = *std::move(ca);
  if (!options->cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadPem("--cert-file", options->cert_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem("--key-file", options->key_file);
    if (!key.ok()) return key.status();
    if (absl::Status s = grpc_util::CheckKeyPairPem(*cert, *key); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--cert-file/--key-file: ", s.message()));
    }
    tls.cert_pem = *std::move(cert);
    tls.key_pem = *std::move(key);
  }
  tls.server_name = options->server_name;
  options->tls = std::move(tls);
  return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> Connect(const GlobalOptions& options) {
  // gRPC's own connect timeout (20 s), not MakeServiceChannel's: its 100 ms minimum reconnect
  // backoff is also the connect timeout, shorter than a TLS handshake on a busy machine.
  grpc::ChannelArguments args;
  if (!options.tls.server_name.empty()) args.SetSslTargetNameOverride(options.tls.server_name);
  return grpc::CreateCustomChannel(options.addr, grpc_util::ChannelCredentials(options.tls), args);
}

std::unique_ptr<grpc::ClientContext> NewCallContext(const GlobalOptions& options, bool with_token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::duration_cast<std::chrono::system_clock::duration>(
                            std::chrono::duration<double>(options.timeout_seconds)));
  context->AddMetadata("x-request-id", ids::NewUuid());
  if (with_token) {
    context->AddMetadata("authorization", "Bearer " + options.token);
  }
  return context;
}

std::string NewRequestId() {
  std::string id = ids::NewUuid();
  std::cerr << "request_id: " << id << "\n";
  return id;
}

std::string_view StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

int ReportRpcError(const grpc::Status& status, const GlobalOptions& options) {
  std::string message = Sanitize(status.error_message());
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      message = absl::StrFormat("cannot reach %s: %s", options.addr, message);
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      message = absl::StrFormat("no answer from %s within %gs: %s", options.addr,
                                options.timeout_seconds, message);
      break;
    default:
      break;
  }
  // The ErrorInfo reason (docs/api.md "Errors"), where it says more than the code.
  std::string code(StatusCodeName(status.error_code()));
  const std::string reason = grpc_util::ReasonOf(status);
  if (!reason.empty() && reason != code) absl::StrAppend(&code, " (", Sanitize(reason), ")");
  std::cerr << "error: " << code << ": " << message << "\n";
  for (const grpc_util::FieldViolation& violation : grpc_util::ViolationsOf(status)) {
    std::cerr << "  - " << Sanitize(violation.field) << ": " << Sanitize(violation.description)
              << "\n";
  }
  return kExitFailure;
}

int ReportLocalError(const absl::Status& status) {
  std::cerr << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
            << "\n";
  return kExitFailure;
}

int RequireToken(const GlobalOptions& options) {
  if (!options.token.empty()) return kExitOk;
  std::cerr << "error: no token: pass --token or set CCMS_TOKEN (for the dev "
               "stack, `ccmsctl token --help` mints one)\n";
  return kExitUsage;
}

}  // namespace ccms::ctl
