#include "tests/support/tls_test_server.h"

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "absl/time/clock.h"
#include "ccms/records/v1/case_service.grpc.pb.h"
#include "common/grpc/client.h"
#include "grpcpp/server_builder.h"
#include "tests/support/test_tokens.h"

namespace ccms::testing {

class TlsTestServer::Service : public records::v1::CaseService::CallbackService {
 public:
  explicit Service(grpc_util::CallExecutor& executor) : executor_(executor) {}
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const records::v1::GetCaseRequest* request,
                                    records::v1::GetCaseResponse* response) override {
    return executor_.Run(context, *request, response, [this](const auth::Principal&) {
      served_.fetch_add(1);
      return absl::OkStatus();
    });
  }
  int served() const { return served_.load(); }

 private:
  grpc_util::CallExecutor& executor_;
  std::atomic<int> served_{0};
};

TlsTestServer::TlsTestServer(const grpc_util::ServerTlsConfig& tls,
                             grpc_util::CallExecutor::RefusalAudit audit) {
  verifier_ = HmacVerifier(kJwtKey);
  if (!tls.partner_ca_pem.empty()) {
    auto partners = grpc_util::PartnerCertificateVerifier::Create(tls.partner_ca_pem);
    if (!partners.ok()) throw std::runtime_error("partner CA");
    partners_ = std::move(*partners);
  }
  workers_ = std::make_unique<concurrency::WorkerPool>(2, 64);
  executor_ = std::make_unique<grpc_util::CallExecutor>(*workers_, *verifier_, clock_);
  executor_->SetTransportChecks(partners_.get(), std::move(audit));
  service_ = std::make_unique<Service>(*executor_);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc_util::ServerCredentials(tls), &port_);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) throw std::runtime_error("TLS test server did not start");
}

TlsTestServer::~TlsTestServer() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  workers_->Shutdown();
  server_->Wait();
}

int TlsTestServer::served() const { return service_->served(); }

std::string TlsTestServer::Token(const auth::Principal& principal) {
  return HmacToken(principal, kJwtKey);
}

grpc::Status TlsTestServer::Call(const grpc_util::ClientTlsConfig& client, const std::string& token,
                                 const std::string& address) const {
  auto stub = records::v1::CaseService::NewStub(
      grpc_util::MakeServiceChannel(address.empty() ? this->address() : address, client));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  records::v1::GetCaseRequest request;
  request.set_case_id("8f8a4a52-5a0e-4a39-9a0a-2b8e5f0f7b11");
  records::v1::GetCaseResponse response;
  return stub->GetCase(&context, request, &response);
}

}  // namespace ccms::testing
