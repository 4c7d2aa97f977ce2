// ccms-load: the load generator of the benchmarks (tests/bench/run, docs/benchmarks.md).
//
//   ccms-load SCENARIO --addr HOST:PORT (--key-file FILE | --token JWT) [options]
//
// Scenarios: open-case, get-case, list-cases, check-in, mixed (60% GetCase, 20% ListCases,
// 10% OpenCase, 10% RecordIntakeCheckIn), list-cases-active, list-overdue, list-discharges-due,
// list-leaves-not-returned, list-due-assessments (--addr: assessment), list-worklist (--addr:
// reporting) (each the first page of a random district's list), echo (tests/bench/echo_server),
// seed (only the seeding step); `ccms-load city-seed --help` grows a city of cases straight in the
// dev stack's databases (tests/bench/load/city_seed.h). Closed loop (--concurrency calls in flight)
// or open loop (--rate calls per second, latency measured from each call's intended send time, so a
// stalled server cannot hide its queue). Runs for --duration seconds or --count calls after
// --warmup seconds. Fault tests (tests/fault): --retries N resends a failed OpenCase /
// RecordIntakeCheckIn with the same request id (UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED,
// RESOURCE_EXHAUSTED; backoff 50 ms doubling to 1 s), and --acked FILE writes "request_id case_id"
// for every acknowledged OpenCase. TLS: --ca-file (else $CCMS_GRPC_CA_FILE) turns it on;
// --cert-file / --tls-key-file present a client certificate ($CCMS_GRPC_CLIENT_CERT_FILE /
// _KEY_FILE); --server-name
// ($CCMS_GRPC_TLS_SERVER_NAME). --key-file stays the JWT key. Empty --ca-file, --cert-file and
// --tls-key-file force plaintext.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "ccms/assessment/v1/assessment_service.grpc.pb.h"
#include "ccms/bench/v1/echo_service.grpc.pb.h"
#include "ccms/records/v1/case_service.grpc.pb.h"
#include "ccms/records/v1/discharge_service.grpc.pb.h"
#include "ccms/records/v1/leave_service.grpc.pb.h"
#include "ccms/records/v1/records_types.pb.h"
#include "ccms/records/v1/supervision_service.grpc.pb.h"
#include "ccms/reporting/v1/reporting_service.grpc.pb.h"
#include "common/auth/jwt.h"
#include "common/auth/principal.h"
#include "common/grpc/tls.h"
#include "common/ids/uuid.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "nlohmann/json.hpp"
#include "tests/bench/load/city_seed.h"
#include "tests/bench/load/histogram.h"
#include "tests/bench/load/workload.h"

namespace ccms::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace rv1 = ::ccms::records::v1;

// ---------------------------------------------------------------------------------------------
// Flags

struct Flags {
  std::string scenario;
  std::string addr = "127.0.0.1:50061";
  std::string token;
  std::string key_file;
  double duration_s = 10;
  int64_t count = 0;
  int concurrency = 32;
  double rate = 0;
  double warmup_s = 2;
  int channels = 4;
  int64_t seed = 0;
  int seed_concurrency = 32;
  bool json = false;
  bool kv = false;
  bool quiet = false;
  int64_t id_base = -1;
  int page_size = 50;
  int payload_bytes = 256;
  double timeout_s = 10;
  int64_t max_ids = 100000;
  int max_inflight = 20000;
  std::string ids_file;
  std::string save_ids;
  int retries = 0;
  std::string acked_file;
  // TLS (on when ca_file is set) and what the files hold.
  std::string ca_file;
  std::string cert_file;
  std::string tls_key_file;
  std::string server_name;
  ccms::grpc_util::ClientTlsConfig tls;
};

// ---------------------------------------------------------------------------------------------
// Statistics

enum class Op { kOpenCase, kGetCase, kListCases, kCheckIn, kEcho, kList, kCount };
constexpr const char* kOpNames[] = {"OpenCase", "GetCase", "ListCases", "RecordIntakeCheckIn",
                                    "Echo",     "List"};
constexpr int kOps = static_cast<int>(Op::kCount);

const char* CodeName(int code) {
  static const char* kNames[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN";
}

struct Stats {
  LatencyHistogram latency;  // every measured call, whatever its outcome
  std::array<std::atomic<uint64_t>, 17> codes{};

  LatencyHistogram ok_latency;  // the calls answered OK only (overload: the served ones)

  void Record(int64_t nanos, int code) {
    latency.Record(nanos);
    if (code == 0) ok_latency.Record(nanos);
    codes[std::clamp(code, 0, 16)].fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t calls() const { return latency.count(); }
  uint64_t ok() const { return codes[0].load(); }
};

// ---------------------------------------------------------------------------------------------
// Cases known to the generator: every case (for reads) and those still awaiting intake.

class CasePool {
 public:
  void AddOpened(const std::string& id) {
    std::unique_lock lock(mu_);
    all_.push_back(id);
    pending_.push_back(id);
  }
  void AddExisting(const std::string& id, bool pending) {
    std::unique_lock lock(mu_);
    all_.push_back(id);
    if (pending) pending_.push_back(id);
  }
  std::optional<std::string> Random(std::mt19937_64& rng) {
    std::shared_lock lock(mu_);
    if (all_.empty()) return std::nullopt;
    return all_[rng() % all_.size()];
  }
  std::optional<std::string> TakePending() {
    std::unique_lock lock(mu_);
    if (pending_.empty()) return std::nullopt;
    std::string id = std::move(pending_.front());
    pending_.pop_front();
    return id;
  }
  size_t size() {
    std::shared_lock lock(mu_);
    return all_.size();
  }
  size_t pending() {
    std::shared_lock lock(mu_);
    return pending_.size();
  }
  std::vector<std::string> All() {
    std::shared_lock lock(mu_);
    return all_;
  }

 private:
  std::shared_mutex mu_;
  std::vector<std::string> all_;
  std::deque<std::string> pending_;
};

// ---------------------------------------------------------------------------------------------
// Runs callbacks after a delay on one thread of its own (a retry must not sleep on gRPC's
// callback threads).

class Retrier {
 public:
  Retrier() : thread_([this] { Loop(); }) {}
  ~Retrier() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void After(std::chrono::milliseconds delay, std::function<void()> fn) {
    {
      std::lock_guard lock(mu_);
      queue_.emplace(Clock::now() + delay, std::move(fn));
    }
    cv_.notify_all();
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      if (queue_.empty()) {
        cv_.wait(lock);
        continue;
      }
      auto it = queue_.begin();
      if (it->first > Clock::now()) {
        cv_.wait_until(lock, it->first);
        continue;
      }
      std::function<void()> fn = std::move(it->second);
      queue_.erase(it);
      lock.unlock();
      fn();
      lock.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::multimap<Clock::time_point, std::function<void()>> queue_;
  std::thread thread_;
};

bool Retryable(const grpc::Status& s) {
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return true;
    default:
      return false;
  }
}

std::chrono::milliseconds Backoff(int attempt) {
  return std::chrono::milliseconds(std::min(1000, 50 << std::min(attempt, 5)));
}

// ---------------------------------------------------------------------------------------------
// The client: a few channels (one HTTP/2 connection each), callback-API unary calls.

using Done = std::function<void(Op, const grpc::Status&)>;

class Client {
 public:
  Client(const Flags& flags, std::string token) : flags_(flags), token_(std::move(token)) {
    for (int i = 0; i < std::max(1, flags.channels); ++i) {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      args.SetInt("ccms.bench.channel", i);  // distinct args: a connection per channel
      args.SetMaxReceiveMessageSize(64 << 20);
      if (!flags.tls.server_name.empty()) args.SetSslTargetNameOverride(flags.tls.server_name);
      auto channel = grpc::CreateCustomChannel(
          flags.addr, ccms::grpc_util::ChannelCredentials(flags.tls), args);
      records_.push_back(rv1::CaseService::NewStub(channel));
      echo_.push_back(bench::v1::EchoService::NewStub(channel));
      channels_.push_back(channel);
    }
    payload_.assign(static_cast<size_t>(std::max(0, flags.payload_bytes)), 'x');
    if (!flags.acked_file.empty()) acked_.open(flags.acked_file, std::ios::trunc);
  }

  bool acked_file_ok() const { return flags_.acked_file.empty() || acked_.good(); }
  uint64_t retries() const { return retries_.load(); }
  void FlushAcked() {
    std::lock_guard lock(acked_mu_);
    if (acked_.is_open()) acked_.flush();
  }

  bool WaitReady(double seconds) {
    const auto deadline = std::chrono::system_clock::now() +
                          std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
    for (auto& c : channels_) {
      if (!c->WaitForConnected(deadline)) return false;
    }
    return true;
  }

  void OpenCase(uint64_t n, CasePool& pool, Done done) {
    SendOpenCase(std::make_shared<const rv1::OpenCaseRequest>(MakeOpenCase(n)), 0, pool,
                 std::move(done));
  }

  void GetCase(const std::string& case_id, Done done) {
    auto* call = new Call<rv1::GetCaseRequest, rv1::GetCaseResponse>();
    call->req.set_case_id(case_id);
    Prepare(call->ctx);
    NextRecords().async()->GetCase(&call->ctx, &call->req, &call->resp,
                                   [call, done = std::move(done)](grpc::Status s) {
                                     done(Op::kGetCase, s);
                                     delete call;
                                   });
  }

  void ListCases(const std::string& district, Done done) {
    auto* call = new Call<rv1::ListCasesRequest, rv1::ListCasesResponse>();
    call->req.set_district_code(district);
    call->req.set_page_size(flags_.page_size);
    Prepare(call->ctx);
    NextRecords().async()->ListCases(&call->ctx, &call->req, &call->resp,
                                     [call, done = std::move(done)](grpc::Status s) {
                                       done(Op::kListCases, s);
                                       delete call;
                                     });
  }

  // The first page of another list call, one district's (the list-* scenarios other than
  // list-cases; docs/benchmarks.md, "City scale"). Counted as Op::kList.
  void ListOther(const std::string& scenario, const std::string& district, Done done) {
    const int size = flags_.page_size;
    if (scenario == "list-cases-active") {
      rv1::ListCasesRequest req;
      req.set_district_code(district);
      req.set_status(rv1::CASE_STATUS_ACTIVE);
      req.set_page_size(size);
      CallOther<rv1::CaseService, rv1::ListCasesResponse>(
          std::move(req), [](auto* a, auto... x) { a->ListCases(x...); }, std::move(done));
    } else if (scenario == "list-overdue") {
      rv1::ListOverdueRequest req;
      req.set_district_code(district);
      req.set_page_size(size);
      CallOther<rv1::SupervisionService, rv1::ListOverdueResponse>(
          std::move(req), [](auto* a, auto... x) { a->ListOverdue(x...); }, std::move(done));
    } else if (scenario == "list-discharges-due") {
      rv1::ListDischargesDueRequest req;
      req.set_district_code(district);
      req.set_page_size(size);
      CallOther<rv1::DischargeService, rv1::ListDischargesDueResponse>(
          std::move(req), [](auto* a, auto... x) { a->ListDischargesDue(x...); }, std::move(done));
    } else if (scenario == "list-leaves-not-returned") {
      rv1::ListLeavesNotReturnedRequest req;
      req.set_district_code(district);
      req.set_page_size(size);
      CallOther<rv1::LeaveService, rv1::ListLeavesNotReturnedResponse>(
          std::move(req), [](auto* a, auto... x) { a->ListLeavesNotReturned(x...); },
          std::move(done));
    } else if (scenario == "list-due-assessments") {
      assessment::v1::ListDueAssessmentsRequest req;
      req.set_district_code(district);
      req.set_page_size(size);
      CallOther<assessment::v1::AssessmentService, assessment::v1::ListDueAssessmentsResponse>(
          std::move(req), [](auto* a, auto... x) { a->ListDueAssessments(x...); }, std::move(done));
    } else {  // list-worklist
      reporting::v1::ListWorklistRequest req;
      req.set_district_code(district);
      req.set_page_size(size);
      CallOther<reporting::v1::ReportingService, reporting::v1::ListWorklistResponse>(
          std::move(req), [](auto* a, auto... x) { a->ListWorklist(x...); }, std::move(done));
    }
  }

  void CheckIn(const std::string& case_id, Done done) {
    auto req = std::make_shared<rv1::RecordIntakeCheckInRequest>();
    req->set_request_id(ids::NewUuid());
    req->set_case_id(case_id);
    SendCheckIn(std::move(req), 0, std::move(done));
  }

  void Echo(Done done) {
    auto* call = new Call<bench::v1::EchoRequest, bench::v1::EchoResponse>();
    call->req.set_payload(payload_);
    Prepare(call->ctx);
    NextEcho().async()->Echo(&call->ctx, &call->req, &call->resp,
                             [call, done = std::move(done)](grpc::Status s) {
                               done(Op::kEcho, s);
                               delete call;
                             });
  }

  // Pages through ListCases (optionally only PENDING_INTAKE cases) into `pool`, up to `max`.
  absl::Status FetchCases(CasePool& pool, bool pending_only, int64_t max) {
    std::string token;
    int64_t got = 0;
    do {
      grpc::ClientContext ctx;
      Prepare(ctx);
      rv1::ListCasesRequest req;
      req.set_page_size(500);
      req.set_page_token(token);
      if (pending_only) req.set_status(rv1::CASE_STATUS_PENDING_INTAKE);
      rv1::ListCasesResponse resp;
      grpc::Status s = records_[0]->ListCases(&ctx, req, &resp);
      if (!s.ok()) {
        return absl::UnavailableError(
            absl::StrCat("ListCases: ", CodeName(s.error_code()), " ", s.error_message()));
      }
      for (const auto& c : resp.cases()) {
        pool.AddExisting(c.case_id(), c.status() == rv1::CASE_STATUS_PENDING_INTAKE);
        if (++got >= max) return absl::OkStatus();
      }
      token = resp.next_page_token();
    } while (!token.empty());
    return absl::OkStatus();
  }

 private:
  template <class Req, class Resp>
  struct Call {
    grpc::ClientContext ctx;
    Req req;
    Resp resp;
  };

  // A unary call of any service on the next channel; the stub lives as long as the call.
  template <typename Service, typename Resp, typename Req, typename Start>
  void CallOther(Req req, Start start, Done done) {
    struct Other {
      grpc::ClientContext ctx;
      Req req;
      Resp resp;
      std::unique_ptr<typename Service::Stub> stub;
    };
    auto* call = new Other();
    call->req = std::move(req);
    call->stub = Service::NewStub(
        channels_[next_.fetch_add(1, std::memory_order_relaxed) % channels_.size()]);
    Prepare(call->ctx);
    start(call->stub->async(), &call->ctx, &call->req, &call->resp,
          [call, done = std::move(done)](grpc::Status s) {
            done(Op::kList, s);
            delete call;
          });
  }

  // One attempt; a retryable failure sends the same request (same request id) again later.
  void SendOpenCase(std::shared_ptr<const rv1::OpenCaseRequest> req, int attempt, CasePool& pool,
                    Done done) {
    auto* call = new Call<rv1::OpenCaseRequest, rv1::OpenCaseResponse>();
    call->req = *req;
    Prepare(call->ctx);
    NextRecords().async()->OpenCase(
        &call->ctx, &call->req, &call->resp,
        [this, call, req, attempt, &pool, done = std::move(done)](grpc::Status s) mutable {
          if (!s.ok() && Retryable(s) && attempt < flags_.retries) {
            delete call;
            retries_.fetch_add(1, std::memory_order_relaxed);
            retrier_.After(Backoff(attempt),
                           [this, req, attempt, &pool, done = std::move(done)]() mutable {
                             SendOpenCase(req, attempt + 1, pool, std::move(done));
                           });
            return;
          }
          if (s.ok()) {
            pool.AddOpened(call->resp.case_().case_id());
            RecordAck(req->request_id(), call->resp.case_().case_id());
          }
          done(Op::kOpenCase, s);
          delete call;
        });
  }

  void SendCheckIn(std::shared_ptr<const rv1::RecordIntakeCheckInRequest> req, int attempt,
                   Done done) {
    auto* call = new Call<rv1::RecordIntakeCheckInRequest, rv1::RecordIntakeCheckInResponse>();
    call->req = *req;
    Prepare(call->ctx);
    NextRecords().async()->RecordIntakeCheckIn(
        &call->ctx, &call->req, &call->resp,
        [this, call, req, attempt, done = std::move(done)](grpc::Status s) mutable {
          delete call;
          if (!s.ok() && Retryable(s) && attempt < flags_.retries) {
            retries_.fetch_add(1, std::memory_order_relaxed);
            retrier_.After(Backoff(attempt),
                           [this, req, attempt, done = std::move(done)]() mutable {
                             SendCheckIn(req, attempt + 1, std::move(done));
                           });
            return;
          }
          done(Op::kCheckIn, s);
        });
  }

  void RecordAck(const std::string& request_id, const std::string& case_id) {
    if (flags_.acked_file.empty()) return;
    std::lock_guard lock(acked_mu_);
    acked_ << request_id << ' ' << case_id << '\n';
  }

  void Prepare(grpc::ClientContext& ctx) {
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(static_cast<int64_t>(flags_.timeout_s * 1000)));
    if (!token_.empty()) ctx.AddMetadata("authorization", "Bearer " + token_);
  }
  rv1::CaseService::Stub& NextRecords() {
    return *records_[next_.fetch_add(1, std::memory_order_relaxed) % records_.size()];
  }
  bench::v1::EchoService::Stub& NextEcho() {
    return *echo_[next_.fetch_add(1, std::memory_order_relaxed) % echo_.size()];
  }

  const Flags& flags_;
  std::string token_;
  std::string payload_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<rv1::CaseService::Stub>> records_;
  std::vector<std::unique_ptr<bench::v1::EchoService::Stub>> echo_;
  std::atomic<uint64_t> next_{0};
  std::atomic<uint64_t> retries_{0};
  std::mutex acked_mu_;
  std::ofstream acked_;  // guarded by acked_mu_
  Retrier retrier_;      // last: destroyed (joined) first
};

// ---------------------------------------------------------------------------------------------
// Scenarios: each launch starts one call and returns false when it has nothing left to do
// (check-in ran out of cases awaiting intake).

class Scenario {
 public:
  Scenario(std::string name, Client& client, CasePool& pool, uint64_t id_base)
      : name_(std::move(name)), client_(client), pool_(pool), next_person_(id_base) {}

  const std::string& name() const { return name_; }

  bool Launch(std::mt19937_64& rng, Done done) {
    if (name_ == "open-case" || name_ == "seed") return OpenCase(std::move(done));
    if (name_ == "get-case") return GetCase(rng, std::move(done));
    if (name_ == "list-cases") return ListCases(rng, std::move(done));
    if (name_ == "check-in") return CheckIn(std::move(done));
    if (absl::StartsWith(name_, "list-")) {
      const auto& d = BenchDistricts();
      client_.ListOther(name_, d[rng() % d.size()], std::move(done));
      return true;
    }
    if (name_ == "echo") {
      client_.Echo(std::move(done));
      return true;
    }
    // mixed: Monday morning, 80% reads and 20% writes.
    const uint64_t r = rng() % 100;
    if (r < 60) return GetCase(rng, std::move(done));
    if (r < 80) return ListCases(rng, std::move(done));
    if (r < 90) return OpenCase(std::move(done));
    // A check-in needs a case awaiting intake; when none is left, open one instead.
    if (auto id = pool_.TakePending(); id.has_value()) {
      client_.CheckIn(*id, std::move(done));
      return true;
    }
    return OpenCase(std::move(done));
  }

 private:
  bool OpenCase(Done done) {
    client_.OpenCase(next_person_.fetch_add(1, std::memory_order_relaxed), pool_, std::move(done));
    return true;
  }
  bool GetCase(std::mt19937_64& rng, Done done) {
    auto id = pool_.Random(rng);
    if (!id.has_value()) return false;
    client_.GetCase(*id, std::move(done));
    return true;
  }
  bool ListCases(std::mt19937_64& rng, Done done) {
    const auto& d = BenchDistricts();
    client_.ListCases(d[rng() % d.size()], std::move(done));
    return true;
  }
  bool CheckIn(Done done) {
    auto id = pool_.TakePending();
    if (!id.has_value()) return false;
    client_.CheckIn(*id, std::move(done));
    return true;
  }

  std::string name_;
  Client& client_;
  CasePool& pool_;
  std::atomic<uint64_t> next_person_;
};

// ---------------------------------------------------------------------------------------------
// The engine: closed loop (a fixed number of calls in flight) or open loop (a fixed arrival
// rate). A call is measured when it starts (or, open loop, is due) in the measuring window:
// after the warm-up and before the end (duration) or among the first `count` (count).

struct RunOptions {
  int concurrency = 32;
  double rate = 0;  // > 0: open loop
  double warmup_s = 0;
  double duration_s = 10;
  int64_t count = 0;  // > 0: count mode
  int max_inflight = 20000;
  double timeout_s = 10;
  std::string progress_label;  // non-empty: progress bar on stderr
};

struct RunResult {
  Stats total;
  std::array<Stats, kOps> by_op;
  double window_s = 0;
  bool exhausted = false;
  bool incomplete = false;  // calls still in flight when the run gave up waiting
};

class Engine {
 public:
  Engine(Scenario& scenario, RunOptions options, RunResult& result)
      : scenario_(scenario), options_(std::move(options)), result_(result) {}

  void Run() {
    start_ = Clock::now();
    measure_from_ = start_ + Seconds(options_.warmup_s);
    end_ = options_.count > 0 ? Clock::time_point::max()
                              : measure_from_ + Seconds(options_.duration_s);
    std::thread progress;
    if (!options_.progress_label.empty()) progress = std::thread([this] { Progress(); });

    if (options_.rate > 0) {
      OpenLoop();
    } else {
      active_slots_ = options_.concurrency;
      for (int i = 0; i < options_.concurrency; ++i) {
        rngs_.emplace_back(std::random_device{}() ^ (uint64_t{static_cast<uint32_t>(i)} << 32));
      }
      for (int i = 0; i < options_.concurrency; ++i) StartSlot(i);
    }
    {
      // Wait for the calls in flight, at most a call's deadline past the end.
      std::unique_lock lock(mu_);
      auto done = [this] { return active_slots_ == 0 && inflight_ == 0; };
      while (!done()) {
        if (Clock::now() > end_ && end_ != Clock::time_point::max()) {
          if (!cv_.wait_until(lock, end_ + Seconds(options_.timeout_s + 2), done)) {
            result_.incomplete = true;
            break;
          }
        } else {
          cv_.wait_for(lock, std::chrono::milliseconds(100), done);
        }
      }
    }
    finished_ = true;
    if (progress.joinable()) progress.join();
    const int64_t last = last_completion_ns_.load();
    const auto from = measure_from_.time_since_epoch().count();
    result_.window_s = last > from ? static_cast<double>(last - from) / 1e9 : 0;
    result_.exhausted = exhausted_;
  }

 private:
  static Clock::duration Seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  }

  // Whether a call starting (due) at t is measured; nullopt = do not start it (the run is over).
  std::optional<bool> Admit(Clock::time_point t) {
    if (exhausted_ || t >= end_) return std::nullopt;
    if (t < measure_from_) return false;
    if (options_.count > 0 && measured_started_.fetch_add(1) >= options_.count) {
      return std::nullopt;
    }
    return true;
  }

  void StartSlot(int slot) {
    for (;;) {
      const auto t0 = Clock::now();
      auto measured = Admit(t0);
      if (measured.has_value()) {
        {
          std::lock_guard lock(mu_);
          ++inflight_;
        }
        const bool launched = scenario_.Launch(
            rngs_[slot], [this, slot, t0, m = *measured](Op op, const grpc::Status& s) {
              Complete(op, s, t0, m);
              {
                std::lock_guard lock(mu_);
                --inflight_;
              }
              StartSlot(slot);
            });
        if (launched) return;
        {
          std::lock_guard lock(mu_);
          --inflight_;
        }
        exhausted_ = true;
      }
      break;
    }
    std::lock_guard lock(mu_);
    --active_slots_;
    cv_.notify_all();
  }

  void OpenLoop() {
    std::mt19937_64 rng(std::random_device{}());
    const double interval_ns = 1e9 / options_.rate;
    for (uint64_t i = 0;; ++i) {
      const auto due = start_ + std::chrono::nanoseconds(static_cast<int64_t>(i * interval_ns));
      auto measured = Admit(due);
      if (!measured.has_value()) break;
      std::this_thread::sleep_until(due);
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return inflight_ < options_.max_inflight; });
        ++inflight_;
      }
      const bool launched =
          scenario_.Launch(rng, [this, due, m = *measured](Op op, const grpc::Status& s) {
            Complete(op, s, due, m);
            std::lock_guard lock(mu_);
            --inflight_;
            cv_.notify_all();
          });
      if (!launched) {
        std::lock_guard lock(mu_);
        --inflight_;
        exhausted_ = true;
        break;
      }
    }
    std::lock_guard lock(mu_);
    active_slots_ = 0;
    cv_.notify_all();
  }

  void Complete(Op op, const grpc::Status& s, Clock::time_point t0, bool measured) {
    const auto now = Clock::now();
    completed_.fetch_add(1, std::memory_order_relaxed);
    if (!measured) return;
    const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now - t0).count();
    result_.total.Record(ns, s.error_code());
    result_.by_op[static_cast<int>(op)].Record(ns, s.error_code());
    const int64_t at = now.time_since_epoch().count();
    int64_t cur = last_completion_ns_.load();
    while (at > cur && !last_completion_ns_.compare_exchange_weak(cur, at)) {
    }
  }

  void Progress() {
    const bool tty = isatty(STDERR_FILENO);
    const int64_t total = options_.count;
    int last_quarter = -1;
    auto print = [&](bool final) {
      const uint64_t done = completed_.load();
      const double secs = std::chrono::duration<double>(Clock::now() - start_).count();
      const double frac = total > 0 ? std::min(1.0, static_cast<double>(done) / total) : 0;
      const int quarter = static_cast<int>(frac * 4);
      if (!tty && !final && quarter == last_quarter) return;
      last_quarter = quarter;
      std::string bar(30, ' ');
      for (int i = 0; i < static_cast<int>(frac * 30); ++i) bar[i] = '#';
      std::fprintf(stderr, "%s%s [%s] %llu/%lld (%3.0f%%) %.0f/s%s", tty ? "\r" : "",
                   options_.progress_label.c_str(), bar.c_str(),
                   static_cast<unsigned long long>(done), static_cast<long long>(total), frac * 100,
                   secs > 0 ? done / secs : 0.0, (final || !tty) ? "\n" : "");
      std::fflush(stderr);
    };
    while (!finished_) {
      print(false);
      std::this_thread::sleep_for(std::chrono::milliseconds(tty ? 200 : 500));
    }
    print(true);
  }

  Scenario& scenario_;
  RunOptions options_;
  RunResult& result_;
  Clock::time_point start_, measure_from_, end_;
  std::vector<std::mt19937_64> rngs_;
  std::mutex mu_;
  std::condition_variable cv_;
  int active_slots_ = 0;
  int inflight_ = 0;
  std::atomic<bool> exhausted_{false};
  std::atomic<bool> finished_{false};
  std::atomic<int64_t> measured_started_{0};
  std::atomic<uint64_t> completed_{0};
  std::atomic<int64_t> last_completion_ns_{0};
};

// ---------------------------------------------------------------------------------------------
// Reporting

nlohmann::json StatsJson(const Stats& s, double window_s) {
  nlohmann::json j;
  j["calls"] = s.calls();
  j["ok"] = s.ok();
  j["throughput"] = window_s > 0 ? s.ok() / window_s : 0.0;
  j["calls_per_s"] = window_s > 0 ? s.calls() / window_s : 0.0;
  nlohmann::json errors = nlohmann::json::object();
  for (int c = 1; c <= 16; ++c) {
    if (uint64_t n = s.codes[c].load(); n > 0) errors[CodeName(c)] = n;
  }
  j["errors"] = errors;
  const auto ms = [&](int64_t ns) { return static_cast<double>(ns) / 1e6; };
  j["latency_ms"] = {{"p50", ms(s.latency.ValueAt(0.50))}, {"p90", ms(s.latency.ValueAt(0.90))},
                     {"p99", ms(s.latency.ValueAt(0.99))}, {"p99_9", ms(s.latency.ValueAt(0.999))},
                     {"max", ms(s.latency.max())},         {"min", ms(s.latency.min())},
                     {"mean", s.latency.mean() / 1e6}};
  j["ok_latency_ms"] = {{"p50", ms(s.ok_latency.ValueAt(0.50))},
                        {"p99", ms(s.ok_latency.ValueAt(0.99))},
                        {"max", ms(s.ok_latency.max())}};
  return j;
}

void PrintStats(const char* label, const Stats& s, double window_s) {
  const auto ms = [&](double q) { return s.latency.ValueAt(q) / 1e6; };
  std::printf(
      "  %-20s calls %8llu  ok %8llu  %9.1f ok/s   ms p50 %7.2f p90 %7.2f p99 %7.2f "
      "p99.9 %7.2f max %7.2f\n",
      label, static_cast<unsigned long long>(s.calls()), static_cast<unsigned long long>(s.ok()),
      window_s > 0 ? s.ok() / window_s : 0.0, ms(0.5), ms(0.9), ms(0.99), ms(0.999),
      s.latency.max() / 1e6);
  std::string errors;
  for (int c = 1; c <= 16; ++c) {
    if (uint64_t n = s.codes[c].load(); n > 0) {
      errors += absl::StrFormat(" %s=%llu", CodeName(c), static_cast<unsigned long long>(n));
    }
  }
  if (!errors.empty()) std::printf("  %-20s errors:%s\n", "", errors.c_str());
}

// Flattens the result to `a.b.c=value` lines for shell scripts (tests/bench/run reads them).
void PrintKv(const nlohmann::json& j, const std::string& prefix) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      PrintKv(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key());
    }
  } else if (j.is_string()) {
    std::printf("%s=%s\n", prefix.c_str(), j.get<std::string>().c_str());
  } else if (j.is_number_float()) {
    std::printf("%s=%.6g\n", prefix.c_str(), j.get<double>());
  } else {
    std::printf("%s=%s\n", prefix.c_str(), j.dump().c_str());
  }
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read the key file " + path);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  return key;
}

// Reads the TLS files of the flags into f->tls; an error names the flag.
absl::Status LoadTls(Flags* f) {
  if (f->ca_file.empty()) {
    if (!f->cert_file.empty() || !f->tls_key_file.empty() || !f->server_name.empty()) {
      return absl::InvalidArgumentError(
          "--cert-file, --tls-key-file and --server-name need --ca-file");
    }
    return absl::OkStatus();
  }
  if (f->cert_file.empty() != f->tls_key_file.empty()) {
    return absl::InvalidArgumentError("--cert-file and --tls-key-file go together");
  }
  auto read = [](const char* flag, const std::string& path) -> absl::StatusOr<std::string> {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::InvalidArgumentError(absl::StrFormat("%s: cannot read %s", flag, path));
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  auto ca = read("--ca-file", f->ca_file);
  if (!ca.ok()) return ca.status();
  if (auto s = ccms::grpc_util::CheckCertificatesPem(*ca, "--ca-file"); !s.ok()) return s;
  f->tls.ca_pem = *ca;
  if (!f->cert_file.empty()) {
    auto cert = read("--cert-file", f->cert_file);
    if (!cert.ok()) return cert.status();
    auto key = read("--tls-key-file", f->tls_key_file);
    if (!key.ok()) return key.status();
    if (auto s = ccms::grpc_util::CheckKeyPairPem(*cert, *key); !s.ok()) return s;
    f->tls.cert_pem = *cert;
    f->tls.key_pem = *key;
  }
  f->tls.server_name = f->server_name;
  return absl::OkStatus();
}

int Main(int argc, char** argv) {
  // city-seed has flags of its own (tests/bench/load/city_seed.h).
  if (argc >= 2 && std::string(argv[1]) == "city-seed") return CitySeedMain(argc - 1, argv + 1);
  Flags f;
  CLI::App app{
      "ccms-load: load generator of the ccms benchmarks.\n"
      "Scenarios: open-case, get-case, list-cases, check-in, mixed (60% GetCase, 20% ListCases,\n"
      "10% OpenCase, 10% RecordIntakeCheckIn), echo (tests/bench echo server), seed (seeding "
      "only)."};
  app.add_option("scenario", f.scenario, "Scenario")
      ->required()
      ->check(CLI::IsMember({"open-case", "get-case", "list-cases", "check-in", "mixed", "echo",
                             "seed", "list-cases-active", "list-overdue", "list-discharges-due",
                             "list-leaves-not-returned", "list-due-assessments", "list-worklist"}));
  app.add_option("--addr", f.addr, "gRPC address of the server")->capture_default_str();
  app.add_option("--token", f.token, "Bearer token (else minted from --key-file)");
  app.add_option(
      "--key-file", f.key_file,
      "The dev key set (.run/secrets/jwt-keys.json): mint a city_admin token with its last key");
  app.add_option("--duration", f.duration_s, "Seconds measured (after the warm-up)")
      ->capture_default_str();
  app.add_option("--count", f.count, "Measured calls instead of a duration");
  app.add_option("--concurrency,-c", f.concurrency, "Calls in flight (closed loop)")
      ->capture_default_str();
  app.add_option("--rate", f.rate, "Calls per second (open loop) instead of --concurrency");
  app.add_option("--warmup", f.warmup_s, "Seconds of load before measuring")->capture_default_str();
  app.add_option("--channels", f.channels, "gRPC channels (one connection each)")
      ->capture_default_str();
  app.add_option("--seed", f.seed, "Open this many cases before the scenario");
  app.add_option("--seed-concurrency", f.seed_concurrency, "Calls in flight while seeding")
      ->capture_default_str();
  app.add_option("--id-base", f.id_base,
                 "First person number of this run (identity numbers are derived from it); "
                 "default random. Give runs against one database disjoint ranges.");
  app.add_option("--page-size", f.page_size, "ListCases page size")->capture_default_str();
  app.add_option("--payload-bytes", f.payload_bytes, "Echo payload size")->capture_default_str();
  app.add_option("--timeout", f.timeout_s, "Per-call deadline, seconds")->capture_default_str();
  app.add_option("--max-ids", f.max_ids, "Most case ids fetched by ListCases for reads")
      ->capture_default_str();
  app.add_option("--max-inflight", f.max_inflight, "Open loop: most calls in flight")
      ->capture_default_str();
  app.add_option("--ids", f.ids_file, "Read case ids (one a line) instead of listing them");
  app.add_option("--save-ids", f.save_ids, "Write the known case ids here after the run");
  app.add_option("--retries", f.retries,
                 "Resend a failed OpenCase / RecordIntakeCheckIn (UNAVAILABLE, DEADLINE_EXCEEDED, "
                 "ABORTED, RESOURCE_EXHAUSTED) up to N times with the same request id")
      ->capture_default_str();
  app.add_option("--acked", f.acked_file,
                 "Write 'request_id case_id' for every acknowledged OpenCase (fault tests)");
  app.add_option("--ca-file", f.ca_file, "CA (PEM) to verify the server against: TLS when set")
      ->envname("CCMS_GRPC_CA_FILE");
  app.add_option("--cert-file", f.cert_file, "Client certificate (PEM) to present")
      ->envname("CCMS_GRPC_CLIENT_CERT_FILE");
  app.add_option("--tls-key-file", f.tls_key_file, "Private key (PEM) of --cert-file")
      ->envname("CCMS_GRPC_CLIENT_KEY_FILE");
  app.add_option("--server-name", f.server_name,
                 "Name checked in the server's certificate instead of the address's host")
      ->envname("CCMS_GRPC_TLS_SERVER_NAME");
  app.add_flag("--json", f.json, "Print the result as JSON");
  app.add_flag("--kv", f.kv, "Print the result as key=value lines (for scripts)");
  app.add_flag("--quiet,-q", f.quiet, "No progress bar");
  CLI11_PARSE(app, argc, argv);
  if (absl::Status tls = LoadTls(&f); !tls.ok()) {
    std::cerr << "ccms-load: " << tls.message() << "\n";
    return 2;
  }

  if (f.scenario == "seed" && f.seed <= 0 && f.count <= 0) {
    std::cerr << "ccms-load: seed needs --count N (cases to open)\n";
    return 2;
  }
  if (f.token.empty()) {
    if (f.key_file.empty() && f.scenario != "echo") {
      std::cerr << "ccms-load: pass --token or --key-file\n";
      return 2;
    }
    if (!f.key_file.empty()) {
      auto key = ReadKeyFile(f.key_file);
      if (!key.ok()) {
        std::cerr << "ccms-load: " << key.status().message() << "\n";
        return 2;
      }
      // The dev stack's key set: sign with its last HS256 key, for records' audience.
      auto set = auth::KeySet::Parse(*key, {.allow_hmac = true});
      if (!set.ok()) {
        std::cerr << "ccms-load: " << set.status().message() << "\n";
        return 2;
      }
      const auth::VerificationKey* signing = (*set)->Find((*set)->Kids().back());
      auth::Principal p;
      p.subject = "ccms-load";
      p.role = auth::Role::kCityAdmin;
      p.all_districts = true;
      auto token =
          auth::MintToken(p,
                          {.algorithm = signing->algorithm,
                           .key = signing->material,
                           .kid = signing->kid,
                           .audiences = {f.scenario == "list-due-assessments" ? "ccms-assessment"
                                         : f.scenario == "list-worklist"      ? "ccms-reporting"
                                                                              : "ccms-records"},
                           .ttl = absl::Hours(12)},
                          absl::Now());
      if (!token.ok()) {
        std::cerr << "ccms-load: cannot mint a token: " << token.status().message() << "\n";
        return 2;
      }
      f.token = *token;
    }
  }
  std::random_device rd;
  uint64_t id_base = f.id_base >= 0 ? static_cast<uint64_t>(f.id_base)
                                    : ((uint64_t{rd()} << 32) | rd()) % IdNumberSpace();

  Client client(f, f.token);
  if (!client.acked_file_ok()) {
    std::cerr << "ccms-load: cannot write " << f.acked_file << "\n";
    return 2;
  }
  if (!client.WaitReady(10)) {
    std::cerr << "ccms-load: cannot connect to " << f.addr << "\n";
    return 1;
  }
  CasePool pool;
  nlohmann::json out;
  out["scenario"] = f.scenario;

  // Seeding: open --seed cases as fast as the server takes them.
  if (f.seed > 0 || f.scenario == "seed") {
    Scenario seeder("seed", client, pool, id_base);
    RunResult seeded;
    const auto t0 = Clock::now();
    Engine(seeder,
           {.concurrency = f.seed_concurrency,
            .count = f.seed > 0 ? f.seed : f.count,
            .timeout_s = f.timeout_s,
            .progress_label = f.quiet ? "" : "seed"},
           seeded)
        .Run();
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    id_base += static_cast<uint64_t>(seeded.total.calls());
    out["seed"] = StatsJson(seeded.total, secs);
    if (seeded.total.ok() < seeded.total.calls()) {
      std::cerr << "ccms-load: seeding: " << seeded.total.calls() - seeded.total.ok()
                << " calls failed:";
      for (int c = 1; c <= 16; ++c) {
        if (uint64_t n = seeded.total.codes[c].load(); n > 0)
          std::cerr << " " << CodeName(c) << "=" << n;
      }
      std::cerr << "\n";
    }
    if (!f.json && !f.kv) {
      std::printf("seeded %llu cases in %.1f s (%.0f/s)\n",
                  static_cast<unsigned long long>(seeded.total.ok()), secs,
                  seeded.total.ok() / std::max(secs, 1e-9));
    }
  }

  if (!f.ids_file.empty()) {
    std::ifstream in(f.ids_file);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) pool.AddExisting(line, false);
    }
  }
  const bool reads = f.scenario == "get-case" || f.scenario == "mixed";
  const bool intake = f.scenario == "check-in" || f.scenario == "mixed";
  if ((reads && pool.size() == 0) || (intake && pool.pending() == 0)) {
    // Nothing seeded in this run: learn the cases from the server.
    auto st = client.FetchCases(pool, /*pending_only=*/intake && !reads, f.max_ids);
    if (!st.ok()) {
      std::cerr << "ccms-load: " << st.message() << "\n";
      return 1;
    }
  }
  if (reads && pool.size() == 0) {
    std::cerr << "ccms-load: no cases to read; pass --seed N\n";
    return 1;
  }
  if (f.scenario == "check-in" && pool.pending() == 0) {
    std::cerr << "ccms-load: no cases awaiting intake; pass --seed N\n";
    return 1;
  }

  int rc = 0;
  if (f.scenario != "seed") {
    Scenario scenario(f.scenario, client, pool, id_base);
    RunResult result;
    RunOptions options{.concurrency = f.concurrency,
                       .rate = f.rate,
                       .warmup_s = f.warmup_s,
                       .duration_s = f.duration_s,
                       .count = f.count,
                       .max_inflight = f.max_inflight,
                       .timeout_s = f.timeout_s};
    Engine(scenario, options, result).Run();

    out["mode"] = f.rate > 0 ? "open" : "closed";
    if (f.rate > 0) {
      out["rate"] = f.rate;
    } else {
      out["concurrency"] = f.concurrency;
    }
    out["channels"] = f.channels;
    out["warmup_s"] = f.warmup_s;
    out["window_s"] = result.window_s;
    out["exhausted"] = result.exhausted;
    out["incomplete"] = result.incomplete;
    out["total"] = StatsJson(result.total, result.window_s);
    nlohmann::json ops = nlohmann::json::object();
    for (int i = 0; i < kOps; ++i) {
      if (result.by_op[i].calls() > 0)
        ops[kOpNames[i]] = StatsJson(result.by_op[i], result.window_s);
    }
    out["ops"] = ops;
    if (result.total.calls() == 0) rc = 1;

    if (!f.json && !f.kv) {
      std::printf("%s: %s, %s, %.1f s measured after %.1f s warm-up, %d channel(s)%s\n",
                  f.scenario.c_str(), f.rate > 0 ? "open loop" : "closed loop",
                  f.rate > 0 ? absl::StrFormat("%.0f calls/s", f.rate).c_str()
                             : absl::StrFormat("%d in flight", f.concurrency).c_str(),
                  result.window_s, f.warmup_s, f.channels,
                  result.exhausted ? " (ran out of cases awaiting intake)" : "");
      PrintStats("all", result.total, result.window_s);
      int used = 0;
      for (int i = 0; i < kOps; ++i) used += result.by_op[i].calls() > 0;
      if (used > 1) {
        for (int i = 0; i < kOps; ++i) {
          if (result.by_op[i].calls() > 0)
            PrintStats(kOpNames[i], result.by_op[i], result.window_s);
        }
      }
    }
  }
  out["retries"] = client.retries();
  if (f.retries > 0 && !f.json && !f.kv) {
    std::printf("retries with the same request id: %llu\n",
                static_cast<unsigned long long>(client.retries()));
  }
  client.FlushAcked();
  if (!f.save_ids.empty()) {
    std::ofstream o(f.save_ids);
    for (const auto& id : pool.All()) o << id << "\n";
  }
  if (f.json) std::cout << out.dump() << std::endl;
  if (f.kv) PrintKv(out, "");
  std::fflush(stdout);
  // gRPC's threads may still hold callbacks of abandoned calls: leave without unwinding them.
  std::_Exit(rc);
}

}  // namespace
}  // namespace ccms::bench

int main(int argc, char** argv) { return ccms::bench::Main(argc, argv); }
