// Health that tells the truth: a service whose database stops turns NOT_SERVING for readiness
// within 5 s and SERVING again within 5 s of its return, while liveness stays SERVING; so does
// one that stops answering; a pool exhausted by load is not a database gone; the broker counts
// only after its grace; server reflection is served only when configured.
//
// The database is a private PostgreSQL cluster of this test (tests/integration/pg_cluster.sh),
// really stopped with pg_ctl and started again on the same port, so the cluster tests/run shares
// between tests stays up.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "ccms/records/v1/audit_service.grpc.pb.h"
#include "ccms/records/v1/case_service.grpc.pb.h"
#include "ccms/records/v1/discharge_service.grpc.pb.h"
#include "ccms/records/v1/intake_service.grpc.pb.h"
#include "ccms/records/v1/leave_service.grpc.pb.h"
#include "ccms/records/v1/order_service.grpc.pb.h"
#include "ccms/records/v1/sanction_service.grpc.pb.h"
#include "ccms/records/v1/supervision_service.grpc.pb.h"
#include "ccms/records/v1/transfer_service.grpc.pb.h"
#include "common/ids/uuid.h"
#include "common/server/service_host.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "services/records/migrations.h"
#include "services/records/pg_records_store.h"
#include "tests/support/integration_env.h"
#include "tests/support/private_cluster.h"

namespace ccms::testing {
namespace {

constexpr char kJwtKey[] = "readiness-test-key-0123456789abcdef-xyz";
// The records identity's health name (the first of its nine services).
constexpr char kRecordsService[] = "ccms.records.v1.CaseService";

// grpc.health.v1 status values (no generated C++ for health.proto in Debian: encoded by hand).
constexpr int kServing = 1;
constexpr int kNotServing = 2;

grpc::ByteBuffer Bytes(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

grpc::Status Unary(grpc::GenericStub& stub, const std::string& method, const std::string& request,
                   std::string* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  const grpc::ByteBuffer in = Bytes(request);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (status.ok() && response != nullptr) *response = Flatten(out);
  return status;
}

// grpc.health.v1.Health/Check for `service`: the ServingStatus, or -1 if the call failed.
int Health(grpc::GenericStub& stub, const std::string& service) {
  google::protobuf::UnknownFieldSet request;
  if (!service.empty()) request.AddLengthDelimited(1, service);
  std::string bytes;
  request.SerializeToString(&bytes);
  std::string response;
  if (!Unary(stub, "/grpc.health.v1.Health/Check", bytes, &response).ok()) return -1;
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(response)) return -1;
  int status = 0;
  for (int i = 0; i < fields.field_count(); ++i) {
    if (fields.field(i).number() == 1 &&
        fields.field(i).type() == google::protobuf::UnknownField::TYPE_VARINT) {
      status = static_cast<int>(fields.field(i).varint());
    }
  }
  return status;
}

// The value of a gauge sample line such as `ccms_dependency_up{dependency="postgres"}`; -1 if
// absent.
double Sample(int metrics_port, const std::string& series) {
  const std::string metrics = "\n" + HttpGet(metrics_port, "/metrics");
  const std::string line = "\n" + series + " ";  // not the # HELP line that names it too
  const size_t at = metrics.find(line);
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + line.size()));
}

// The generated bases of `Services` (they answer UNIMPLEMENTED to every method), each with its
// full proto name.
template <typename... Services>
std::vector<std::pair<std::unique_ptr<grpc::Service>, std::string>> GeneratedBases() {
  std::vector<std::pair<std::unique_ptr<grpc::Service>, std::string>> out;
  (out.emplace_back(std::make_unique<typename Services::CallbackService>(),
                    Services::service_full_name()),
   ...);
  return out;
}

// A records host as main() builds it (schema, pool, relay, readiness, the nine services), on the
// private cluster.
struct RunningHost {
  time::SystemClock clock;
  std::vector<std::pair<std::unique_ptr<grpc::Service>, std::string>> services = GeneratedBases<
      records::v1::CaseService, records::v1::SupervisionService, records::v1::SanctionService,
      records::v1::LeaveService, records::v1::OrderService, records::v1::IntakeService,
      records::v1::TransferService, records::v1::DischargeService, records::v1::AuditService>();
  std::unique_ptr<server::ServiceHost> host;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;

  explicit RunningHost(server::CommonConfig config) {
    auto created = server::ServiceHost::Create(
        {.name = "records",
         .grpc_service = kRecordsService,
         .default_grpc_port = 0,
         .default_metrics_port = 0},
        std::move(config), records::PgRecordsStore::Queries(), records::Migrations(), clock);
    if (!created.ok()) throw std::runtime_error(std::string(created.status().message()));
    host = std::move(*created);
    // The generated bases answer UNIMPLEMENTED to every method: health, not the handlers, is
    // under test, and a server needs one service of its own to start.
    for (auto& [service, name] : services) host->AddService(service.get(), name);
    auto port = host->Start();
    if (!port.ok()) throw std::runtime_error(std::string(port.status().message()));
    channel = grpc::CreateChannel(absl::StrFormat("127.0.0.1:%d", *port),
                                  grpc::InsecureChannelCredentials());
    stub = std::make_unique<grpc::GenericStub>(channel);
  }
  ~RunningHost() {
    stub.reset();
    host->Shutdown();
  }
  int Readiness() { return Health(*stub, server::kReadinessHealthName); }
  // The names of the services (each one's health name) whose status is not `want`.
  std::vector<std::string> ServicesNot(int want) {
    std::vector<std::string> out;
    for (const auto& [service, name] : services) {
      if (Health(*stub, name) != want) out.push_back(name);
    }
    return out;
  }
  int Liveness() { return Health(*stub, server::kLivenessHealthName); }
};

// Polls `name` until it reports `want`; returns how long that took, or nullopt after `limit`.
std::optional<absl::Duration> WaitFor(RunningHost& h, const std::string& name, int want,
                                      absl::Duration limit) {
  const absl::Time start = absl::Now();
  while (absl::Now() - start < limit) {
    if (Health(*h.stub, name) == want) return absl::Now() - start;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return std::nullopt;
}

// Calls liveness every 100 ms on a thread of its own and counts the answers that are not
// SERVING.
class LivenessWatch {
 public:
  explicit LivenessWatch(RunningHost& h)
      : thread_([this, &h] {
          while (!stop_.load()) {
            if (h.Liveness() != kServing) ++failures_;
            ++calls_;
            absl::SleepFor(absl::Milliseconds(100));
          }
        }) {}
  ~LivenessWatch() { Finish(); }
  void Finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int calls() const { return calls_.load(); }
  int failures() const { return failures_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> calls_{0};
  std::atomic<int> failures_{0};
  std::thread thread_;
};

class ReadinessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    cluster_ = new PrivateCluster("readiness-pg");
    started_ = cluster_->Start();
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override {
    if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs tests/run";
    ASSERT_TRUE(started_) << "the private PostgreSQL cluster did not start (see its log in "
                             "CCMS_TEST_WORK_DIR)";
  }
  static server::CommonConfig Config() { return TestHostConfig(cluster_->dsn(), kJwtKey); }

  static PrivateCluster* cluster_;
  static bool started_;
};

PrivateCluster* ReadinessTest::cluster_ = nullptr;
bool ReadinessTest::started_ = false;

TEST_F(ReadinessTest, DatabaseStopIsNotReadyWithin5sAndItsReturnReadyWithin5sLivenessServing) {
  RunningHost h(Config());  // readiness probes every second, as in production
  ASSERT_EQ(h.Readiness(), kServing);
  ASSERT_EQ(h.Liveness(), kServing);
  EXPECT_EQ(Health(*h.stub, ""), kServing);
  EXPECT_EQ(Health(*h.stub, kRecordsService), kServing);
  EXPECT_THAT(h.ServicesNot(kServing), ::testing::IsEmpty());
  const int metrics = h.host->metrics_port();
  EXPECT_EQ(Sample(metrics, "ccms_dependency_up{dependency=\"postgres\"}"), 1);
  EXPECT_EQ(Sample(metrics, "ccms_ready"), 1);

  LivenessWatch liveness(h);
  const absl::Time stopping = absl::Now();
  ASSERT_TRUE(cluster_->Stop());
  const absl::Duration stop_took = absl::Now() - stopping;
  auto down = WaitFor(h, server::kReadinessHealthName, kNotServing, absl::Seconds(10));
  ASSERT_TRUE(down.has_value()) << "readiness still SERVING 10 s after the database stopped";
  const absl::Duration to_not_serving = stop_took + *down;
  EXPECT_LE(to_not_serving, absl::Seconds(5));
  EXPECT_EQ(Health(*h.stub, ""), kNotServing);
  EXPECT_EQ(Health(*h.stub, kRecordsService), kNotServing);
  EXPECT_THAT(h.ServicesNot(kNotServing), ::testing::IsEmpty());
  EXPECT_EQ(Sample(metrics, "ccms_dependency_up{dependency=\"postgres\"}"), 0);
  EXPECT_EQ(Sample(metrics, "ccms_dependency_up{dependency=\"kafka\"}"), 1);
  EXPECT_EQ(Sample(metrics, "ccms_ready"), 0);
  // It stays out while the database is away (no flapping back on a probe's retry).
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(h.Readiness(), kNotServing);
    absl::SleepFor(absl::Milliseconds(100));
  }

  ASSERT_TRUE(cluster_->Start());  // returns once the server accepts connections (pg_ctl -w)
  auto up = WaitFor(h, server::kReadinessHealthName, kServing, absl::Seconds(10));
  ASSERT_TRUE(up.has_value()) << "readiness not SERVING 10 s after the database returned";
  EXPECT_LE(*up, absl::Seconds(5));
  EXPECT_EQ(Health(*h.stub, ""), kServing);
  EXPECT_EQ(Health(*h.stub, kRecordsService), kServing);
  EXPECT_THAT(h.ServicesNot(kServing), ::testing::IsEmpty());
  EXPECT_EQ(Sample(metrics, "ccms_dependency_up{dependency=\"postgres\"}"), 1);
  // The pool serves again too (its idle connections died with the server: each fails once).
  absl::Status pooled = absl::UnknownError("not tried");
  for (int i = 0; i < 10 && !pooled.ok(); ++i) {
    pooled = h.host->pool().InTransaction([](pqxx::work& tx) {
      tx.exec("SELECT 1");
      return absl::OkStatus();
    });
  }
  EXPECT_TRUE(pooled.ok()) << pooled;

  liveness.Finish();
  EXPECT_EQ(liveness.failures(), 0) << "liveness must stay SERVING while the database is away";
  EXPECT_GT(liveness.calls(), 30);
  std::printf(
      "readiness: database stop (pg_ctl took %s) -> NOT_SERVING after %s; database back -> "
      "SERVING after %s; liveness %d calls, %d not SERVING\n",
      absl::FormatDuration(stop_took).c_str(), absl::FormatDuration(to_not_serving).c_str(),
      absl::FormatDuration(*up).c_str(), liveness.calls(), liveness.failures());
}

// Sends SIGSTOP to a process and SIGCONT when it goes out of scope (or Resume()).
class StoppedProcess {
 public:
  explicit StoppedProcess(pid_t pid) : pid_(pid) { stopped_ = kill(pid_, SIGSTOP) == 0; }
  ~StoppedProcess() { Resume(); }
  bool stopped() const { return stopped_; }
  void Resume() {
    if (stopped_) kill(pid_, SIGCONT);
    stopped_ = false;
  }

 private:
  pid_t pid_;
  bool stopped_ = false;
};

TEST_F(ReadinessTest, ADatabaseThatStopsAnsweringIsNotReadyAfterTheProbeTimeout) {
  RunningHost h(Config());
  ASSERT_EQ(h.Readiness(), kServing);
  // The server process behind the probe's own connection, frozen: the connection stays open and
  // TCP acknowledges the query, but no answer comes (a hung server, or a pooler in front of one).
  pqxx::connection admin(cluster_->dsn());
  const pqxx::result r = pqxx::nontransaction(admin).exec(
      "SELECT pid FROM pg_stat_activity WHERE application_name = 'ccms-records-readiness' "
      "ORDER BY backend_start DESC LIMIT 1");
  ASSERT_EQ(r.size(), 1u) << "the probe's connection should show in pg_stat_activity";
  LivenessWatch liveness(h);
  StoppedProcess frozen(r[0][0].as<pid_t>());
  ASSERT_TRUE(frozen.stopped());
  const absl::Time frozen_at = absl::Now();
  auto down = WaitFor(h, server::kReadinessHealthName, kNotServing, absl::Seconds(10));
  const absl::Duration to_not_serving = absl::Now() - frozen_at;
  frozen.Resume();
  ASSERT_TRUE(down.has_value()) << "readiness still SERVING 10 s after the database hung";
  // The probe's 2 s timeout, after at most one period (1 s) until its next query.
  EXPECT_GE(to_not_serving, absl::Seconds(1.5));
  EXPECT_LE(to_not_serving, absl::Seconds(5));
  auto up = WaitFor(h, server::kReadinessHealthName, kServing, absl::Seconds(10));
  ASSERT_TRUE(up.has_value()) << "readiness not SERVING after the database answered again";
  EXPECT_LE(*up, absl::Seconds(5));
  liveness.Finish();
  EXPECT_EQ(liveness.failures(), 0);
  std::printf(
      "readiness: database hung -> NOT_SERVING after %s; answering again -> SERVING after %s\n",
      absl::FormatDuration(to_not_serving).c_str(), absl::FormatDuration(*up).c_str());
}

TEST_F(ReadinessTest, APoolExhaustedByLoadStaysReady) {
  server::CommonConfig config = Config();
  config.db_pool_size = 4;
  config.db_acquire_timeout = absl::Milliseconds(200);
  RunningHost h(config);
  ASSERT_EQ(h.Readiness(), kServing);
  // Every pooled connection lent out for 4 s.
  std::vector<std::thread> holders;
  std::atomic<int> holding{0};
  for (int i = 0; i < config.db_pool_size; ++i) {
    holders.emplace_back([&] {
      (void)h.host->pool().WithConnection([&](pqxx::connection&) {
        ++holding;
        absl::SleepFor(absl::Seconds(4));
        return absl::OkStatus();
      });
    });
  }
  while (holding.load() < config.db_pool_size) absl::SleepFor(absl::Milliseconds(10));
  const absl::Status busy =
      h.host->pool().WithConnection([](pqxx::connection&) { return absl::OkStatus(); });
  EXPECT_EQ(busy.code(), absl::StatusCode::kUnavailable) << "the pool should be exhausted";
  int not_serving = 0;
  for (int i = 0; i < 30; ++i) {  // 3 s: three rounds of probes
    if (h.Readiness() != kServing) ++not_serving;
    absl::SleepFor(absl::Milliseconds(100));
  }
  for (auto& t : holders) t.join();
  EXPECT_EQ(not_serving, 0) << "an exhausted pool is load, not a database gone";
}

TEST_F(ReadinessTest, BrokerLossCountsAfterItsGrace) {
  constexpr absl::Duration kGrace = absl::Seconds(5);
  server::CommonConfig config = Config();
  config.readiness_broker_grace = kGrace;
  RunningHost h(config);
  ASSERT_EQ(h.Readiness(), kServing);
  const int metrics = h.host->metrics_port();
  LivenessWatch liveness(h);

  ASSERT_EQ(KafkaControl("down all").substr(0, 2), "ok");
  const absl::Time down_at = absl::Now();
  // The gauge tells within a probe's period and timeout (1 s + 2 s: the metadata request waits
  // that long for a broker); readiness waits for the grace from then (the outbox keeps events).
  double up = 1;
  while (up != 0 && absl::Now() - down_at < absl::Seconds(5)) {
    up = Sample(metrics, "ccms_dependency_up{dependency=\"kafka\"}");
    if (up != 0) absl::SleepFor(absl::Milliseconds(50));
  }
  const absl::Duration gauge_after = absl::Now() - down_at;
  const int readiness_then = h.Readiness();
  auto out = WaitFor(h, server::kReadinessHealthName, kNotServing, absl::Seconds(15));
  const absl::Duration not_serving_after = absl::Now() - down_at;
  ASSERT_EQ(KafkaControl("up all").substr(0, 2), "ok");
  EXPECT_EQ(up, 0) << "ccms_dependency_up{dependency=\"kafka\"} should be 0 within 5 s";
  EXPECT_EQ(readiness_then, kServing) << "readiness must wait for the broker's grace";
  ASSERT_TRUE(out.has_value()) << "readiness still SERVING long after the broker's grace";
  EXPECT_GE(not_serving_after, kGrace);
  EXPECT_LE(not_serving_after, kGrace + absl::Seconds(4));
  EXPECT_EQ(Sample(metrics, "ccms_dependency_up{dependency=\"postgres\"}"), 1);
  auto back = WaitFor(h, server::kReadinessHealthName, kServing, absl::Seconds(10));
  ASSERT_TRUE(back.has_value());
  EXPECT_LE(*back, absl::Seconds(5));
  EXPECT_EQ(Sample(metrics, "ccms_dependency_up{dependency=\"kafka\"}"), 1);
  liveness.Finish();
  EXPECT_EQ(liveness.failures(), 0);
  std::printf(
      "broker down: gauge 0 after %s, readiness NOT_SERVING after %s (grace %s); back: SERVING "
      "after %s\n",
      absl::FormatDuration(gauge_after).c_str(), absl::FormatDuration(not_serving_after).c_str(),
      absl::FormatDuration(kGrace).c_str(), absl::FormatDuration(*back).c_str());
}

TEST_F(ReadinessTest, ReflectionOnlyWhenConfigured) {
  // ServerReflectionInfo is a stream; one request and the end of the client's side make one
  // answer, so a unary call can ask it: list_services (field 7).
  google::protobuf::UnknownFieldSet list;
  list.AddLengthDelimited(7, "");
  std::string request;
  list.SerializeToString(&request);
  const std::string method = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
  {
    RunningHost off(Config());  // the default: no reflection
    EXPECT_EQ(Unary(*off.stub, method, request, nullptr).error_code(), grpc::UNIMPLEMENTED);
  }
  server::CommonConfig config = Config();
  config.grpc_reflection = true;
  RunningHost on(config);
  std::string response;
  const grpc::Status st = Unary(*on.stub, method, request, &response);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_NE(response.find("grpc.health.v1.Health"), std::string::npos);
}

}  // namespace
}  // namespace ccms::testing
