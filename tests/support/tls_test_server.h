#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/auth/jwt.h"
#include "common/grpc/call_executor.h"
#include "common/grpc/partner_identity.h"
#include "common/grpc/tls.h"
#include "grpcpp/server.h"
#include "grpcpp/support/status.h"

namespace ccms::testing {

// records' CaseService.GetCase behind the kit's CallExecutor on a real gRPC server listening on
// 127.0.0.1 with the kit's server credentials: the work answers OK (it only counts), so a call's
// status is the executor's authentication and transport outcome. For the TLS and partner tests.
class TlsTestServer {
 public:
  static constexpr char kJwtKey[] = "tls-test-server-key-0123456789abcdef";

  // `audit` receives the refusals (may be empty). The partner CA of `tls`, when given, is the
  // executor's partner verifier.
  TlsTestServer(const grpc_util::ServerTlsConfig& tls, grpc_util::CallExecutor::RefusalAudit audit);
  ~TlsTestServer();

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Calls that reached the work.
  int served() const;

  // A token of `principal`, valid for five minutes.
  static std::string Token(const auth::Principal& principal);
  // GetCase over a fresh channel secured with `client`, with `token` (none when empty), to
  // `address` (default: this server at 127.0.0.1).
  grpc::Status Call(const grpc_util::ClientTlsConfig& client, const std::string& token,
                    const std::string& address = "") const;

 private:
  class Service;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<grpc_util::PartnerCertificateVerifier> partners_;
  std::unique_ptr<concurrency::WorkerPool> workers_;
  std::unique_ptr<grpc_util::CallExecutor> executor_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  time::SystemClock clock_;
  int port_ = 0;
};

}  // namespace ccms::testing
