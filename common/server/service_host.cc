#include "common/server/service_host.h"

#include <signal.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/grpc/metrics_interceptor.h"
#include "common/log/log.h"
#include "common/server/dead_letter_service.h"
#include "common/server/dependency_probes.h"
#include "common/time/calendar.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace ccms::server {
namespace {

constexpr absl::Duration kProbeTimeout = absl::Seconds(2);

// Serves server reflection on one builder, or not. Linking gRPC's reflection library registers
// its plugin for every server of the process (a static initializer), so "off" must take it out.
class ReflectionOption : public grpc::ServerBuilderOption {
 public:
  explicit ReflectionOption(bool enabled) : enabled_(enabled) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    const std::string name = grpc::reflection::ProtoServerReflectionPlugin().name();
    std::erase_if(*plugins, [&](const auto& p) { return p->name() == name; });
    if (enabled_)
      plugins->push_back(std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>());
  }

 private:
  bool enabled_;
};

}  // namespace

CommonConfig LoadCommonConfig(const ServiceIdentity& id, config::Env& env) {
  CommonConfig c;
  c.grpc_listen = env.Address("CCMS_GRPC_LISTEN", absl::StrCat("0.0.0.0:", id.default_grpc_port));
  c.metrics_listen =
      env.Address("CCMS_METRICS_LISTEN", absl::StrCat("0.0.0.0:", id.default_metrics_port));
  c.db_dsn = env.RequiredSecret("CCMS_DB_DSN");
  c.db_pool_size = static_cast<int>(env.Int("CCMS_DB_POOL_SIZE", 8, 1, 256));
  c.db_acquire_timeout = env.Millis("CCMS_DB_ACQUIRE_TIMEOUT_MS", 2000, 1, 60000);
  c.db_statement_timeout = env.Millis("CCMS_DB_STATEMENT_TIMEOUT_MS", 5000, 100, 600000);
  c.db_background_pool_size = static_cast<int>(env.Int("CCMS_DB_BACKGROUND_POOL_SIZE", 2, 1, 64));
  c.db_idle_check_after = env.Millis("CCMS_DB_IDLE_CHECK_MS", 30000, 0, 3600000);
  c.db_max_lifetime = env.Millis("CCMS_DB_MAX_LIFETIME_MS", 1800000, 1000, 86400000);
  c.idempotency_retention =
      absl::Hours(env.Int("CCMS_IDEMPOTENCY_RETENTION_HOURS", 24 * 7, 24, 24 * 3650));
  c.inbox_retention = absl::Hours(env.Int("CCMS_INBOX_RETENTION_HOURS", 24 * 30, 24, 24 * 3650));
  c.retention_period = env.Millis("CCMS_RETENTION_PERIOD_MS", 3600000, 1000, 86400000);
  c.worker_queue_limit = static_cast<int>(env.Int("CCMS_WORKER_QUEUE_LIMIT", 256, 1, 100000));
  c.kafka_bootstrap = env.RequiredString("CCMS_KAFKA_BOOTSTRAP");
  c.kafka_security = kafka::ReadSecuritySettings(env);
  c.jwt_algorithm = env.String("CCMS_JWT_ALG", "HS256");
  c.jwt_key = env.RequiredSecret("CCMS_JWT_KEY");
  c.jwt_issuer = env.String("CCMS_JWT_ISSUER", "");
  c.log_level = env.String("CCMS_LOG_LEVEL", "info");
  c.outbox_poll_interval = env.Millis("CCMS_OUTBOX_POLL_MS", 500, 10, 60000);
  c.outbox_batch_size = static_cast<int>(env.Int("CCMS_OUTBOX_BATCH", 1000, 1, 100000));
  c.shutdown_grace = env.Millis("CCMS_SHUTDOWN_GRACE_MS", 10000, 0, 600000);
  c.test_clock_start = env.Instant("CCMS_TEST_CLOCK_START");
  c.grpc_reflection = env.Bool("CCMS_GRPC_REFLECTION", false);
  c.readiness_period = env.Millis("CCMS_READINESS_PERIOD_MS", 1000, 100, 60000);
  c.readiness_broker_grace = env.Millis("CCMS_READINESS_BROKER_GRACE_MS", 300000, 0, 86400000);
  c.consumer_instance_id = env.String("CCMS_POD_NAME", "");
  c.consumer_session_timeout = env.Millis("CCMS_KAFKA_SESSION_TIMEOUT_MS", 6000, 1000, 300000);
  c.consumer_max_attempts = static_cast<int>(env.Int("CCMS_CONSUMER_MAX_ATTEMPTS", 5, 1, 100));
  c.consumer_retry_backoff = env.Millis("CCMS_CONSUMER_RETRY_BACKOFF_MS", 200, 1, 60000);
  c.consumer_requeue_interval = env.Millis("CCMS_CONSUMER_REQUEUE_POLL_MS", 5000, 100, 3600000);
  return c;
}

std::unique_ptr<time::Clock> MakeServiceClock(const CommonConfig& config) {
  if (config.test_clock_start.has_value()) {
    return std::make_unique<time::OffsetClock>(*config.test_clock_start);
  }
  return std::make_unique<time::SystemClock>();
}

void ServiceHost::BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

ServiceHost::ServiceHost(ServiceIdentity identity, CommonConfig config, const time::Clock& clock)
    : identity_(std::move(identity)), config_(std::move(config)), clock_(clock) {}

ServiceHost::~ServiceHost() { Shutdown(); }

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Create(
    ServiceIdentity identity, CommonConfig config, std::vector<db::Query> queries,
    const std::vector<db::Migration>& service_migrations, const time::Clock& clock) {
  if (!log::Init(identity.name, config.log_level)) {
    return absl::InvalidArgumentError("CCMS_LOG_LEVEL: must be debug, info, warn or error");
  }
  std::unique_ptr<ServiceHost> host(new ServiceHost(std::move(identity), std::move(config), clock));
  const CommonConfig& c = host->config_;
  if (c.test_clock_start.has_value()) {
    log::Warn("test_clock_set",
              {{"setting", "CCMS_TEST_CLOCK_START"},
               {"service_now",
                absl::FormatTime(absl::RFC3339_sec, clock.Now(), time::ShanghaiTimeZone())},
               {"note", "a test setting: dates follow this clock; never set it in production"}});
  }

  auto verifier = auth::TokenVerifier::Create(
      {.algorithm = c.jwt_algorithm, .key = c.jwt_key, .issuer = c.jwt_issuer});
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("CCMS_JWT_KEY / CCMS_JWT_ALG: ", verifier.status().message()));
  }
  host->verifier_ = std::move(*verifier);

  // Every Kafka client below (relay, readiness probe, consumers) gets the same security.
  auto kafka_security = kafka::SecurityProperties(c.kafka_security);
  if (!kafka_security.ok()) return kafka_security.status();
  host->kafka_security_properties_ = *std::move(kafka_security);

  auto metrics = metrics::MetricsServer::Start(c.metrics_listen);
  if (!metrics.ok()) return metrics.status();
  host->metrics_ = std::move(*metrics);

  queries.push_back(kafka::kInsertOutboxQuery);
  const db::PoolOptions pool_options = {.dsn = c.db_dsn,
                                        .size = c.db_pool_size,
                                        .acquire_timeout = c.db_acquire_timeout,
                                        .statement_timeout = c.db_statement_timeout,
                                        .idle_check_after = c.db_idle_check_after,
                                        .max_lifetime = c.db_max_lifetime,
                                        .queries = std::move(queries),
                                        .name = host->identity_.name};
  auto pool = db::ConnectionPool::Create(pool_options, &host->registry());
  if (!pool.ok()) return pool.status();
  host->pool_ = std::move(*pool);
  db::PoolOptions background_options = pool_options;
  background_options.size = c.db_background_pool_size;
  background_options.name = host->identity_.name + "-background";
  auto background_pool = db::ConnectionPool::Create(background_options, &host->registry());
  if (!background_pool.ok()) return background_pool.status();
  host->background_pool_ = std::move(*background_pool);
  host->pruner_ = std::make_unique<db::RetentionPruner>(
      *host->background_pool_,
      db::RetentionOptions{.idempotency_keys = c.idempotency_retention, .inbox = c.inbox_retention},
      &host->registry());
  db::RetentionPruner* pruner = host->pruner_.get();
  host->retention_task_ = std::make_unique<concurrency::PeriodicTask>(
      [pruner] {
        auto pruned = pruner->PruneOnce();
        if (!pruned.ok()) {
          log::Warn("retention_failed", {{"error", std::string(pruned.status().message())}});
        }
      },
      c.retention_period);

  absl::Status migrated = host->pool_->WithConnection([&](pqxx::connection& conn) {
    absl::Status st = db::ApplyMigrations(conn, "common", db::CommonMigrations());
    if (!st.ok()) return st;
    return db::ApplyMigrations(conn, host->identity_.name, service_migrations);
  });
  if (!migrated.ok()) return migrated;

  auto relay = kafka::OutboxRelay::Create({.service = host->identity_.name,
                                           .dsn = c.db_dsn,
                                           .batch_size = c.outbox_batch_size,
                                           .poll_interval = c.outbox_poll_interval},
                                          {.bootstrap_servers = c.kafka_bootstrap,
                                           .client_id = "ccms-" + host->identity_.name,
                                           .extra = host->kafka_security_properties_},
                                          &host->registry());
  if (!relay.ok()) return relay.status();
  host->relay_ = std::move(*relay);

  // Readiness: the database with no grace (a call needs it), the broker with its grace (the
  // outbox keeps events while it is away). Probes use connections of their own.
  const std::string probe_client = "ccms-" + host->identity_.name + "-readiness";
  auto kafka_probe =
      MakeKafkaProbe(c.kafka_bootstrap, probe_client, host->kafka_security_properties_);
  if (!kafka_probe.ok()) return kafka_probe.status();
  std::vector<ReadinessChecker::Dependency> dependencies;
  dependencies.push_back(
      {{.name = "postgres", .grace = absl::ZeroDuration(), .probe_timeout = kProbeTimeout},
       MakePostgresProbe(c.db_dsn, probe_client)});
  dependencies.push_back(
      {{.name = "kafka", .grace = c.readiness_broker_grace, .probe_timeout = kProbeTimeout},
       std::move(*kafka_probe)});
  ServiceHost* raw = host.get();
  host->readiness_ = std::make_unique<ReadinessChecker>(
      std::move(dependencies), c.readiness_period, &host->registry(),
      [raw](bool ready) { raw->SetReadiness(ready); });

  // As many workers as connections: a worker holds at most one connection at a time.
  host->workers_ = std::make_unique<concurrency::WorkerPool>(c.db_pool_size, c.worker_queue_limit);
  // Mutating calls run as commands; each commit wakes the relay for the events it wrote.
  kafka::OutboxRelay* relay_to_wake = host->relay_.get();
  host->commands_ = std::make_unique<db::CommandRunner>(
      *host->pool_, [relay_to_wake] { relay_to_wake->Notify(); }, &host->registry());
  host->executor_ = std::make_unique<grpc_util::CallExecutor>(
      *host->workers_, *host->verifier_, host->system_clock_, &host->registry(),
      host->commands_.get());
  // Every service serves its dead letters (roles ops and city_admin).
  host->dead_letters_ = std::make_unique<DeadLetterServiceImpl>(*host->pool_, *host->executor_);
  host->AddService(host->dead_letters_.get(), ops::v1::DeadLetterService::service_full_name());
  return host;
}

absl::Status ServiceHost::RunAsCall(const auth::Principal& principal,
                                    const google::protobuf::Message& request,
                                    google::protobuf::Message* response,
                                    const std::function<absl::Status()>& handler) {
  const std::string request_id = grpc_util::CallExecutor::CommandRequestId(request);
  if (request_id.empty()) return handler();
  return commands_->Run({request_id, request.GetDescriptor()->full_name(), principal.subject},
                        response, handler);
}

absl::Status ServiceHost::AddConsumer(const std::string& group_id, std::vector<std::string> topics,
                                      kafka::InboxConsumer::Handler handler) {
  // The tests' consumer properties come after the security ones, as they did alone.
  std::map<std::string, std::string> extra = kafka_security_properties_;
  for (const auto& [k, v] : config_.test_consumer_properties) extra[k] = v;
  auto consumer =
      kafka::InboxConsumer::Create({.bootstrap_servers = config_.kafka_bootstrap,
                                    .group_id = group_id + config_.test_consumer_group_suffix,
                                    .topics = std::move(topics),
                                    .extra = std::move(extra),
                                    .group_instance_id = config_.consumer_instance_id,
                                    .session_timeout = config_.consumer_session_timeout,
                                    .max_attempts = config_.consumer_max_attempts,
                                    .retry_backoff = config_.consumer_retry_backoff,
                                    .requeue_interval = config_.consumer_requeue_interval},
                                   *background_pool_, std::move(handler), &registry());
  if (!consumer.ok()) return consumer.status();
  consumers_.push_back(std::move(*consumer));
  return absl::OkStatus();
}

absl::StatusOr<int> ServiceHost::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.SetOption(std::make_unique<ReflectionOption>(config_.grpc_reflection));
  int port = 0;
  builder.AddListeningPort(config_.grpc_listen, grpc::InsecureServerCredentials(), &port);
  for (grpc::Service* s : services_) builder.RegisterService(s);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  std::vector<std::string> labelled = service_names_;
  if (config_.grpc_reflection) labelled.push_back("grpc.reflection.v1alpha.ServerReflection");
  creators.push_back(grpc_util::MakeMetricsInterceptor(registry(), labelled));
  builder.experimental().SetInterceptorCreators(std::move(creators));
  builder.SetMaxReceiveMessageSize(4 << 20);
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config_.grpc_listen, " (CCMS_GRPC_LISTEN)"));
  }
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus(kLivenessHealthName, true);
  SetReadiness(false);
  relay_->Start();
  for (auto& c : consumers_) c->Start();
  retention_task_->Start();
  readiness_->Start();
  log::Info("service_started", {{"grpc_port", port},
                                {"metrics_port", metrics_port()},
                                {"ready", readiness_->ready()},
                                {"reflection", config_.grpc_reflection}});
  return port;
}

void ServiceHost::SetReadiness(bool ready) {
  if (!server_) return;
  auto* health = server_->GetHealthCheckService();
  // The server as a whole, readiness, and each proto service it serves (identity_.grpc_service
  // is one of them), as gRPC clients' health checks name them.
  for (const std::string& name : {std::string(""), std::string(kReadinessHealthName)}) {
    health->SetServingStatus(name, ready);
  }
  health->SetServingStatus(identity_.grpc_service, ready);
  for (const std::string& name : service_names_) health->SetServingStatus(name, ready);
}

void ServiceHost::Shutdown() {
  if (stopped_) return;
  stopped_ = true;
  if (readiness_) readiness_->Stop();
  if (server_) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    server_->Shutdown(std::chrono::system_clock::now() +
                      absl::ToChronoMilliseconds(config_.shutdown_grace));
  }
  if (workers_) workers_->Shutdown();
  if (server_) server_->Wait();
  if (retention_task_) retention_task_->Stop();
  for (auto& c : consumers_) c->Stop();
  if (relay_) relay_->Stop(absl::Seconds(5));
  log::Info("service_stopped");
}

absl::Status ServiceHost::Run() {
  auto port = Start();
  if (!port.ok()) return port.status();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  log::Info("service_stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  Shutdown();
  return absl::OkStatus();
}

}  // namespace ccms::server
