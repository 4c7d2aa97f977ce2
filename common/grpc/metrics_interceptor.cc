#include "common/grpc/metrics_interceptor.h"

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/grpc/status.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "google/protobuf/descriptor.h"
#include "prometheus/counter.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace ccms::grpc_util {
namespace {

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::OK:
      return "OK";
    case grpc::CANCELLED:
      return "Canceled";
    case grpc::UNKNOWN:
      return "Unknown";
    case grpc::INVALID_ARGUMENT:
      return "InvalidArgument";
    case grpc::DEADLINE_EXCEEDED:
      return "DeadlineExceeded";
    case grpc::NOT_FOUND:
      return "NotFound";
    case grpc::ALREADY_EXISTS:
      return "AlreadyExists";
    case grpc::PERMISSION_DENIED:
      return "PermissionDenied";
    case grpc::RESOURCE_EXHAUSTED:
      return "ResourceExhausted";
    case grpc::FAILED_PRECONDITION:
      return "FailedPrecondition";
    case grpc::ABORTED:
      return "Aborted";
    case grpc::OUT_OF_RANGE:
      return "OutOfRange";
    case grpc::UNIMPLEMENTED:
      return "Unimplemented";
    case grpc::INTERNAL:
      return "Internal";
    case grpc::UNAVAILABLE:
      return "Unavailable";
    case grpc::DATA_LOSS:
      return "DataLoss";
    case grpc::UNAUTHENTICATED:
      return "Unauthenticated";
    default:
      return "Unknown";
  }
}

// Metric families shared by all calls; children are cached per method and code.
class RpcMetrics {
 public:
  RpcMetrics(prometheus::Registry& registry, const std::vector<std::string>& services)
      : known_paths_(KnownPaths(services)),
        started_(prometheus::BuildCounter()
                     .Name("grpc_server_started_total")
                     .Help("RPCs started on the server")
                     .Register(registry)),
        handled_(prometheus::BuildCounter()
                     .Name("grpc_server_handled_total")
                     .Help("RPCs completed on the server, by code")
                     .Register(registry)),
        seconds_(prometheus::BuildHistogram()
                     .Name("grpc_server_handling_seconds")
                     .Help("Response latency of RPCs handled by the server")
                     .Register(registry)) {
    // The series of unknown paths exist from the start, so the first stranger adds none.
    Handled(*ForMethod(nullptr), grpc::UNIMPLEMENTED);
  }

  struct Method {
    std::string service;
    std::string method;
    prometheus::Counter* started;
    prometheus::Histogram* seconds;
  };

  // The labels of a path: its own for a served method, the one "unknown" pair for anything else.
  Method* ForMethod(const char* path) {
    const std::string full_name =
        path != nullptr && known_paths_.count(path) != 0 ? std::string(path) : kUnknown;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = methods_.find(full_name);
    if (it != methods_.end()) return &it->second;
    // "/pkg.Service/Method"
    std::string service = "unknown", method = "unknown";
    const size_t slash = full_name.rfind('/');
    if (full_name != kUnknown && slash != std::string::npos && slash > 0) {
      service = full_name.substr(1, slash - 1);
      method = full_name.substr(slash + 1);
    }
    const std::map<std::string, std::string> labels = {
        {"grpc_service", service}, {"grpc_method", method}, {"grpc_type", "unary"}};
    Method m{service, method, &started_.Add(labels),
             &seconds_.Add(labels, metrics::LatencyBuckets())};
    return &methods_.emplace(full_name, std::move(m)).first->second;
  }

  prometheus::Counter& Handled(const Method& m, grpc::StatusCode code) {
    return handled_.Add({{"grpc_service", m.service},
                         {"grpc_method", m.method},
                         {"grpc_type", "unary"},
                         {"grpc_code", CodeName(code)}});
  }

 private:
  static constexpr char kUnknown[] = "unknown";

  static std::unordered_set<std::string> KnownPaths(const std::vector<std::string>& services) {
    std::unordered_set<std::string> paths = {"/grpc.health.v1.Health/Check",
                                             "/grpc.health.v1.Health/Watch"};
    const auto* pool = google::protobuf::DescriptorPool::generated_pool();
    for (const std::string& name : services) {
      const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
      if (service == nullptr) continue;
      for (int i = 0; i < service->method_count(); ++i) {
        paths.insert("/" + name + "/" + service->method(i)->name());
      }
    }
    return paths;
  }

  const std::unordered_set<std::string> known_paths_;
  std::mutex mu_;
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  std::unordered_map<std::string, Method> methods_;
};

std::string Header(std::multimap<grpc::string_ref, grpc::string_ref>* md, const char* key) {
  if (md == nullptr) return "";
  auto it = md->find(key);
  if (it == md->end()) return "";
  std::string v(it->second.data(), it->second.size());
  // Only identifiers belong in logs: keep it short and printable.
  if (v.size() > 64) v.resize(64);
  for (char& c : v) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) c = '_';
  }
  return v;
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(RpcMetrics& metrics, grpc::experimental::ServerRpcInfo* info)
      : metrics_(metrics), method_(metrics.ForMethod(info->method())) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      start_ = std::chrono::steady_clock::now();
      method_->started->Increment();
      auto* md = methods->GetRecvInitialMetadata();
      request_id_ = Header(md, "x-request-id");
      const std::string traceparent = Header(md, "traceparent");
      // W3C traceparent: version-traceid-parentid-flags; keep the trace id.
      if (traceparent.size() >= 35) trace_id_ = traceparent.substr(3, 32);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // gRPC hands on no message when it could not parse the request.
      unparsable_ = methods->GetRecvMessage() == nullptr;
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      // gRPC answers such a call itself (INTERNAL or UNIMPLEMENTED, by version), before any
      // handler: it is the caller's mistake.
      if (unparsable_ && !status.ok()) {
        status = ToGrpcStatus(absl::InvalidArgumentError(
            "the request could not be parsed as this method's message "
            "(a string field that is not UTF-8, or a malformed message)"));
        methods->ModifySendStatus(status);
      }
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      metrics_.Handled(*method_, status.error_code()).Increment();
      method_->seconds->Observe(seconds);
      const bool failed = status.error_code() != grpc::OK;
      const bool server_fault = status.error_code() == grpc::INTERNAL ||
                                status.error_code() == grpc::UNKNOWN ||
                                status.error_code() == grpc::DATA_LOSS;
      const log::Level level =
          server_fault ? log::Level::kError : (failed ? log::Level::kInfo : log::Level::kDebug);
      if (log::Enabled(level)) {
        log::Write(level, "rpc",
                   {{"method", method_->method},
                    {"code", CodeName(status.error_code())},
                    {"ms", seconds * 1000.0},
                    {"request_id", request_id_},
                    {"trace_id", trace_id_}});
      }
    }
    methods->Proceed();
  }

 private:
  RpcMetrics& metrics_;
  RpcMetrics::Method* method_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::string request_id_;
  std::string trace_id_;
  bool unparsable_ = false;
};

class Factory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  Factory(prometheus::Registry& registry, const std::vector<std::string>& services)
      : metrics_(registry, services) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, info);
  }

 private:
  RpcMetrics metrics_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeMetricsInterceptor(
    prometheus::Registry& registry, const std::vector<std::string>& services) {
  return std::make_unique<Factory>(registry, services);
}

}  // namespace ccms::grpc_util
