// The executor and the metrics interceptor behind a real in-process gRPC server: a full worker
// queue sheds with RESOURCE_EXHAUSTED, a call whose deadline passed or that was cancelled while
// queued never runs its work, a call without a token runs nothing, and every call is counted
// under its method and code (strangers under "unknown").
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ccms/records/v1/case_service.grpc.pb.h"
#include "common/auth/jwt.h"
#include "common/grpc/call_executor.h"
#include "common/grpc/metrics_interceptor.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/test_tokens.h"

namespace ccms::grpc_util {
namespace {

using records::v1::CaseService;
using records::v1::GetCaseRequest;
using records::v1::GetCaseResponse;

constexpr char kKey[] = "call-executor-server-test-key-0123456789";

class Gate {
 public:
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return open_; });
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// GetCase through the executor; its work waits at the gate (when one is set) and is counted.
class Cases : public CaseService::CallbackService {
 public:
  explicit Cases(CallExecutor& executor) : executor_(executor) {}
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const GetCaseRequest* request,
                                    GetCaseResponse* response) override {
    return executor_.Run(context, *request, response, [this](const auth::Principal&) {
      running_.fetch_add(1);
      if (gate_ != nullptr) gate_->Wait();
      ran_.fetch_add(1);
      return absl::OkStatus();
    });
  }
  void set_gate(Gate* gate) { gate_ = gate; }
  int ran() const { return ran_.load(); }
  int running() const { return running_.load(); }

 private:
  CallExecutor& executor_;
  Gate* gate_ = nullptr;
  std::atomic<int> ran_{0};
  std::atomic<int> running_{0};
};

double Value(prometheus::Registry& registry, const std::string& family,
             const std::map<std::string, std::string>& labels, bool histogram_count = false) {
  for (const auto& f : registry.Collect()) {
    if (f.name != family) continue;
    for (const auto& m : f.metric) {
      size_t matched = 0;
      for (const auto& l : m.label) {
        auto it = labels.find(l.name);
        if (it != labels.end() && it->second == l.value) ++matched;
      }
      if (matched != labels.size()) continue;
      return histogram_count ? static_cast<double>(m.histogram.sample_count) : m.counter.value;
    }
  }
  return 0;
}

class ExecutorServerTest : public ::testing::Test {
 protected:
  // One worker and a queue of `queue_limit`.
  void StartServer(size_t queue_limit) {
    workers_ = std::make_unique<concurrency::WorkerPool>(1, queue_limit);
    executor_ = std::make_unique<CallExecutor>(*workers_, *verifier_, clock_, &registry_);
    cases_ = std::make_unique<Cases>(*executor_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(cases_.get());
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(MakeMetricsInterceptor(registry_, {"ccms.records.v1.CaseService"}));
    builder.experimental().SetInterceptorCreators(std::move(creators));
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
    stub_ = CaseService::NewStub(channel_);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
    if (workers_) workers_->Shutdown();
  }

  void Authorize(grpc::ClientContext& context) {
    auth::Principal p{
        .subject = "executor-test", .role = auth::Role::kOfficeStaff, .districts = {"110101"}};
    context.AddMetadata("authorization", "Bearer " + ::ccms::testing::HmacToken(p, kKey));
  }

  // Starts GetCase; the future gives its status.
  std::future<grpc::Status> Call(grpc::ClientContext& context) {
    auto done = std::make_shared<std::promise<grpc::Status>>();
    auto future = done->get_future();
    stub_->async()->GetCase(&context, &request_, &response_,
                            [done](grpc::Status s) { done->set_value(std::move(s)); });
    return future;
  }

  // Waits until `n` works have started (the worker holds the first at the gate).
  void WaitRunning(int n) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (cases_->running() < n && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(cases_->running(), n);
  }
  void WaitQueued(size_t n) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (workers_->queued() < n && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(workers_->queued(), n);
  }
  double Handled(const std::string& method, const std::string& code) {
    return Value(registry_, "grpc_server_handled_total",
                 {{"grpc_method", method}, {"grpc_code", code}});
  }

  std::unique_ptr<auth::TokenVerifier> verifier_ = ::ccms::testing::HmacVerifier(kKey);
  time::SystemClock clock_;
  prometheus::Registry registry_;
  std::unique_ptr<concurrency::WorkerPool> workers_;
  std::unique_ptr<CallExecutor> executor_;
  std::unique_ptr<Cases> cases_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<CaseService::Stub> stub_;
  GetCaseRequest request_;
  GetCaseResponse response_;
};

TEST_F(ExecutorServerTest, AFullQueueShedsWithResourceExhaustedAndTheOthersAreServed) {
  StartServer(1);
  Gate gate;
  cases_->set_gate(&gate);
  grpc::ClientContext a, b, c;
  Authorize(a);
  Authorize(b);
  Authorize(c);
  auto first = Call(a);
  WaitRunning(1);
  auto second = Call(b);
  WaitQueued(1);
  const grpc::Status shed = Call(c).get();
  EXPECT_EQ(shed.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(shed.error_message(), "server busy; retry with backoff");
  gate.Open();
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(second.get().ok());
  EXPECT_EQ(cases_->ran(), 2);
  EXPECT_EQ(Handled("GetCase", "ResourceExhausted"), 1);
  EXPECT_EQ(Handled("GetCase", "OK"), 2);
  EXPECT_EQ(Value(registry_, "grpc_server_handling_seconds", {{"grpc_method", "GetCase"}}, true),
            3);
  EXPECT_EQ(Value(registry_, "grpc_server_started_total", {{"grpc_method", "GetCase"}}), 3);
}

TEST_F(ExecutorServerTest, ACallWhoseDeadlinePassedWhileQueuedDoesNotRun) {
  StartServer(4);
  Gate gate;
  cases_->set_gate(&gate);
  grpc::ClientContext a, late;
  Authorize(a);
  Authorize(late);
  late.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
  auto first = Call(a);
  WaitRunning(1);
  auto queued = Call(late);
  EXPECT_EQ(queued.get().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  gate.Open();
  EXPECT_TRUE(first.get().ok());
  workers_->Shutdown();  // the queued call is taken off the queue before this returns
  EXPECT_EQ(cases_->running(), 1);
  EXPECT_EQ(cases_->ran(), 1);
}

TEST_F(ExecutorServerTest, ACallCancelledWhileQueuedDoesNotRun) {
  StartServer(4);
  Gate gate;
  cases_->set_gate(&gate);
  grpc::ClientContext a, cancelled;
  Authorize(a);
  Authorize(cancelled);
  auto first = Call(a);
  WaitRunning(1);
  auto queued = Call(cancelled);
  WaitQueued(1);
  cancelled.TryCancel();
  EXPECT_EQ(queued.get().error_code(), grpc::StatusCode::CANCELLED);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the server sees the cancel
  gate.Open();
  EXPECT_TRUE(first.get().ok());
  workers_->Shutdown();
  EXPECT_EQ(cases_->running(), 1);
}

TEST_F(ExecutorServerTest, ACallWithoutATokenRunsNothingAndStrangersCountAsUnknown) {
  StartServer(4);
  grpc::ClientContext anonymous;
  const grpc::Status st = Call(anonymous).get();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(cases_->running(), 0);
  EXPECT_EQ(Handled("GetCase", "Unauthenticated"), 1);

  grpc::GenericStub generic(channel_);
  for (const char* path : {"/ccms.nope.v1.X/Y", "/ccms.records.v1.CaseService/NoSuchMethod"}) {
    grpc::ClientContext context;
    grpc::Slice empty("");
    grpc::ByteBuffer in(&empty, 1), out;
    std::promise<grpc::Status> done;
    generic.UnaryCall(&context, path, grpc::StubOptions(), &in, &out,
                      [&done](grpc::Status s) { done.set_value(std::move(s)); });
    EXPECT_EQ(done.get_future().get().error_code(), grpc::StatusCode::UNIMPLEMENTED) << path;
  }
  EXPECT_EQ(Value(registry_, "grpc_server_handled_total",
                  {{"grpc_service", "unknown"},
                   {"grpc_method", "unknown"},
                   {"grpc_code", "Unimplemented"}}),
            2);
  for (const auto& f : registry_.Collect()) {
    for (const auto& m : f.metric) {
      for (const auto& l : m.label) EXPECT_NE(l.value, "NoSuchMethod");  // no caller-made series
    }
  }
}

}  // namespace
}  // namespace ccms::grpc_util
