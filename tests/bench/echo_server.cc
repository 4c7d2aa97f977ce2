// ccms-bench-echo: the bare gRPC baseline of the benchmarks. A unary echo on the callback API
// with the threading ccms uses (common/server/service_host.cc, common/grpc/call_executor.cc):
// the handler hands the work to a bounded concurrency::WorkerPool of --workers threads and the
// worker finishes the reactor. --workers 0 answers on gRPC's own thread (pure transport cost).
//
//   ccms-bench-echo [--listen 127.0.0.1:0] [--port-file PATH] [--workers 8] [--queue 256]
#include <signal.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "ccms/bench/v1/echo_service.grpc.pb.h"
#include "common/concurrency/worker_pool.h"
#include "common/config/env.h"
#include "common/grpc/tls.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"

namespace ccms::bench {
namespace {

class EchoService final : public v1::EchoService::CallbackService {
 public:
  explicit EchoService(concurrency::WorkerPool* workers) : workers_(workers) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const v1::EchoRequest* request,
                                 v1::EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (workers_ == nullptr) {
      response->set_payload(request->payload());
      reactor->Finish(grpc::Status::OK);
      return reactor;
    }
    const bool queued = workers_->TrySubmit([reactor, request, response] {
      response->set_payload(request->payload());
      reactor->Finish(grpc::Status::OK);
    });
    if (!queued) {
      reactor->Finish(grpc::Status(grpc::RESOURCE_EXHAUSTED, "server busy; retry with backoff"));
    }
    return reactor;
  }

 private:
  concurrency::WorkerPool* workers_;
};

int Main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  std::string port_file;
  int workers = 8;
  int queue = 256;
  CLI::App app{"ccms-bench-echo: bare gRPC echo server (callback API, ccms's worker hand-off)"};
  app.add_option("--listen", listen, "Address to listen on")->capture_default_str();
  app.add_option("--port-file", port_file, "Write the bound port here");
  app.add_option("--workers", workers, "Worker threads (0 = answer on gRPC's thread)")
      ->capture_default_str();
  app.add_option("--queue", queue, "Worker queue limit (full: RESOURCE_EXHAUSTED)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  // TLS like a service's listener (CCMS_GRPC_TLS_CERT_FILE, ...), so the baseline pays what the
  // services pay; plaintext when no certificate is set.
  config::Env env;
  const grpc_util::ServerTlsConfig tls = grpc_util::LoadServerTls(env, listen);
  if (absl::Status settings = env.Finish(); !settings.ok()) {
    std::cerr << "ccms-bench-echo: " << settings.message() << "\n";
    return 2;
  }

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  std::unique_ptr<concurrency::WorkerPool> pool;
  if (workers > 0) pool = std::make_unique<concurrency::WorkerPool>(workers, queue);
  EchoService service(pool.get());
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc_util::ServerCredentials(tls), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "ccms-bench-echo: cannot listen on " << listen << "\n";
    return 1;
  }
  if (!port_file.empty()) {
    const std::string tmp = port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), port_file.c_str());
  }
  std::cout << "ccms-bench-echo listening on port " << port << " workers=" << workers
            << " tls=" << (tls.enabled() ? "on" : "off") << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  if (pool) pool->Shutdown();
  server->Wait();
  return 0;
}

}  // namespace
}  // namespace ccms::bench

int main(int argc, char** argv) { return ccms::bench::Main(argc, argv); }
