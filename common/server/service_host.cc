#include "common/server/service_host.h"

#include <signal.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/db/audit.h"
#include "common/db/roles.h"
#include "common/grpc/metrics_interceptor.h"
#include "common/log/log.h"
#include "common/server/audit_chain_service.h"
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

// Runs common's and the service's migrations. With a migration DSN: as that role (which owns
// every object), then grants the runtime role (the pool's user) what it needs, the audit tables
// append-only; without one: with the runtime DSN, as before the roles were split, and says that
// the audit log is not locked.
absl::Status Migrate(db::ConnectionPool& pool, const std::string& migration_dsn,
                     const std::string& service, const std::vector<db::Migration>& migrations) {
  auto apply = [&](pqxx::connection& conn) {
    absl::Status st = db::ApplyMigrations(conn, "common", db::CommonMigrations());
    if (!st.ok()) return st;
    return db::ApplyMigrations(conn, service, migrations);
  };
  if (migration_dsn.empty()) {
    // As before the roles were split; or, in a Deployment whose migration Job ran with the
    // migration role, only the check that nothing is left to apply.
    bool owns_audit_log = false;
    absl::Status st = pool.WithConnection([&](pqxx::connection& conn) -> absl::Status {
      absl::Status applied = apply(conn);
      if (!applied.ok()) return applied;
      owns_audit_log = pqxx::nontransaction(conn)
                           .exec(
                               "SELECT pg_has_role(relowner, 'USAGE') FROM pg_class "
                               "WHERE oid = 'audit_log'::regclass")[0][0]
                           .as<bool>();
      return absl::OkStatus();
    });
    if (st.ok() && owns_audit_log) {
      log::Warn("audit_log_not_locked",
                {{"setting", "CCMS_DB_MIGRATION_DSN"},
                 {"note",
                  "unset, and the role of CCMS_DB_DSN owns audit_log, so it could rewrite it; "
                  "give migrations a role of their own (docs/security.md, Audit log)"}});
    }
    return st;
  }
  std::string runtime_role;
  absl::Status st = pool.WithConnection([&](pqxx::connection& conn) -> absl::Status {
    runtime_role = pqxx::nontransaction(conn).exec("SELECT current_user")[0][0].as<std::string>();
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  std::unique_ptr<pqxx::connection> migrator;
  try {
    migrator = std::make_unique<pqxx::connection>(migration_dsn);
  } catch (...) {
    return db::MapCurrentException("connect with CCMS_DB_MIGRATION_DSN");
  }
  if (st = db::CheckRuntimeRoleOwnsNothing(*migrator, runtime_role); !st.ok()) return st;
  if (st = apply(*migrator); !st.ok()) return st;
  if (st = db::GrantRuntimeRole(*migrator, runtime_role); !st.ok()) return st;
  log::Info("runtime_role_granted", {{"audit_log", "select, insert"}});
  return absl::OkStatus();
}

}  // namespace

CommonConfig LoadCommonConfig(const ServiceIdentity& id, config::Env& env) {
  CommonConfig c;
  c.grpc_listen = env.Address("CCMS_GRPC_LISTEN", absl::StrCat("0.0.0.0:", id.default_grpc_port));
  c.metrics_listen =
      env.Address("CCMS_METRICS_LISTEN", absl::StrCat("0.0.0.0:", id.default_metrics_port));
  c.db_dsn = env.RequiredSecret("CCMS_DB_DSN");
  c.db_migration_dsn = env.OptionalSecret("CCMS_DB_MIGRATION_DSN").value_or("");
  c.audit_seal_period = env.Millis("CCMS_AUDIT_SEAL_PERIOD_MS", 1000, 100, 600000);
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
  c.jwt_keys_file = env.RequiredString("CCMS_JWT_KEYS_FILE");
  c.jwt_audience = env.String("CCMS_JWT_AUDIENCE", "ccms-" + id.name);
  c.jwt_issuer = env.String("CCMS_JWT_ISSUER", "");
  c.jwt_cache_size = static_cast<size_t>(env.Int("CCMS_JWT_CACHE_SIZE", 10000, 0, 1000000));
  const std::string profile = env.String("CCMS_PROFILE", "production");
  if (profile != "production" && profile != "dev") {
    env.Invalid("CCMS_PROFILE", "must be production or dev");
  }
  c.dev_profile = profile == "dev";
  if (!c.dev_profile && c.jwt_issuer.empty()) {
    env.Invalid("CCMS_JWT_ISSUER", "is required outside the dev profile (CCMS_PROFILE=dev)");
  }
  c.log_level = env.String("CCMS_LOG_LEVEL", "info");
  c.outbox_poll_interval = env.Millis("CCMS_OUTBOX_POLL_MS", 500, 10, 60000);
  c.outbox_batch_size = static_cast<int>(env.Int("CCMS_OUTBOX_BATCH", 1000, 1, 100000));
  c.shutdown_grace = env.Millis("CCMS_SHUTDOWN_GRACE_MS", 10000, 0, 600000);
  c.test_clock_start = env.Instant("CCMS_TEST_CLOCK_START");
  c.grpc_tls = grpc_util::LoadServerTls(env, c.grpc_listen);
  c.grpc_reflection = env.Bool("CCMS_GRPC_REFLECTION", false);
  c.readiness_period = env.Millis("CCMS_READINESS_PERIOD_MS", 1000, 100, 60000);
  c.readiness_broker_grace = env.Millis("CCMS_READINESS_BROKER_GRACE_MS", 300000, 0, 86400000);
  c.consumer_instance_id = env.String("CCMS_POD_NAME", "");
  c.consumer_session_timeout = env.Millis("CCMS_KAFKA_SESSION_TIMEOUT_MS", 6000, 1000, 300000);
  c.consumer_max_attempts = static_cast<int>(env.Int("CCMS_CONSUMER_MAX_ATTEMPTS", 5, 1, 100));
  c.consumer_retry_backoff = env.Millis("CCMS_CONSUMER_RETRY_BACKOFF_MS", 200, 1, 60000);
  c.consumer_requeue_interval = env.Millis("CCMS_CONSUMER_REQUEUE_POLL_MS", 5000, 100, 3600000);
  c.consumer_max_batch = static_cast<int>(env.Int("CCMS_CONSUMER_MAX_BATCH", 256, 1, 10000));
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

  if (c.dev_profile) {
    log::Warn("dev_profile", {{"setting", "CCMS_PROFILE"},
                              {"note",
                               "HS256 keys and tokens without iss are accepted; never "
                               "use the dev profile in production"}});
  }
  // The key set is re-read when its file changes; a bad new file keeps the keys in force.
  const std::string keys_path = c.jwt_keys_file;
  auto keys = auth::KeySetFile::Open(
      c.jwt_keys_file, {.allow_hmac = c.dev_profile}, c.jwt_keys_check_interval,
      [keys_path](const absl::Status& st, const auth::KeySet* loaded) {
        if (st.ok()) {
          log::Info("jwt_keys_reloaded",
                    {{"path", keys_path}, {"kids", absl::StrJoin(loaded->Kids(), ",")}});
        } else {
          log::Error("jwt_keys_reload_failed", {{"path", keys_path},
                                                {"error", std::string(st.message())},
                                                {"note", "the keys in force are kept"}});
        }
      });
  if (!keys.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("CCMS_JWT_KEYS_FILE: ", keys.status().message()));
  }
  host->keys_ = std::move(*keys);
  const std::string audience =
      c.jwt_audience.empty() ? "ccms-" + host->identity_.name : c.jwt_audience;
  auto verifier = auth::TokenVerifier::Create({.keys = host->keys_->Provider(),
                                               .audience = audience,
                                               .issuer = c.jwt_issuer,
                                               .require_issuer = !c.dev_profile,
                                               .cache_capacity = c.jwt_cache_size});
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "CCMS_JWT_AUDIENCE / CCMS_JWT_ISSUER / CCMS_PROFILE: ", verifier.status().message()));
  }
  host->verifier_ = std::move(*verifier);
  log::Info("jwt_keys_loaded", {{"path", c.jwt_keys_file},
                                {"kids", absl::StrJoin(host->keys_->Current()->Kids(), ",")},
                                {"audience", audience}});

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

  absl::Status migrated =
      Migrate(*host->pool_, c.db_migration_dsn, host->identity_.name, service_migrations);
  if (!migrated.ok()) return migrated;
  host->sealer_ = std::make_unique<db::AuditSealer>();
  host->seal_task_ = std::make_unique<concurrency::PeriodicTask>(
      [raw_host = host.get()] {
        auto sealed = raw_host->SealAuditNow();
        if (!sealed.ok()) {
          log::Warn("audit_seal_failed", {{"error", std::string(sealed.status().message())}});
        }
      },
      c.audit_seal_period);

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
  // Partners only over mutual TLS with their agency's certificate; refusals are audited.
  if (!c.grpc_tls.partner_ca_pem.empty()) {
    auto partners = grpc_util::PartnerCertificateVerifier::Create(c.grpc_tls.partner_ca_pem);
    if (!partners.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("CCMS_GRPC_TLS_PARTNER_CA_FILE: ", partners.status().message()));
    }
    host->partners_ = std::move(*partners);
  }
  db::ConnectionPool* audit_pool = host->pool_.get();
  host->executor_->SetTransportChecks(
      host->partners_.get(), [audit_pool](const auth::Principal& p, std::string_view action) {
        return db::AppendAuditNow(*audit_pool, p, action, "", "DENIED", "");
      });
  // Every service serves its dead letters (roles ops and city_admin).
  host->dead_letters_ = std::make_unique<DeadLetterServiceImpl>(*host->pool_, *host->executor_);
  host->AddService(host->dead_letters_.get(), ops::v1::DeadLetterService::service_full_name());
  // And its audit chain's verification (roles auditor and city_admin).
  host->audit_chain_ = std::make_unique<AuditChainServiceImpl>(*host->pool_, *host->executor_);
  host->AddService(host->audit_chain_.get(), ops::v1::AuditChainService::service_full_name());
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

absl::StatusOr<int64_t> ServiceHost::SealAuditNow() {
  std::lock_guard<std::mutex> lock(sealer_mu_);
  int64_t sealed = 0;
  absl::Status st = background_pool_->WithConnection([&](pqxx::connection& conn) -> absl::Status {
    auto n = sealer_->SealOnce(conn);
    if (!n.ok()) return n.status();
    sealed = *n;
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return sealed;
}

kafka::ConsumerOptions ServiceHost::ConsumerOptionsFor(const std::string& group_id,
                                                       std::vector<std::string> topics) const {
  // The tests' consumer properties come after the security ones, as they did alone.
  std::map<std::string, std::string> extra = kafka_security_properties_;
  for (const auto& [k, v] : config_.test_consumer_properties) extra[k] = v;
  return {.bootstrap_servers = config_.kafka_bootstrap,
          .group_id = group_id + config_.test_consumer_group_suffix,
          .topics = std::move(topics),
          .extra = std::move(extra),
          .group_instance_id = config_.consumer_instance_id,
          .session_timeout = config_.consumer_session_timeout,
          .max_attempts = config_.consumer_max_attempts,
          .retry_backoff = config_.consumer_retry_backoff,
          .requeue_interval = config_.consumer_requeue_interval,
          .max_batch = config_.consumer_max_batch};
}

absl::Status ServiceHost::AddConsumer(const std::string& group_id, std::vector<std::string> topics,
                                      kafka::InboxConsumer::Handler handler) {
  auto consumer = kafka::InboxConsumer::Create(ConsumerOptionsFor(group_id, std::move(topics)),
                                               *background_pool_, std::move(handler), &registry());
  if (!consumer.ok()) return consumer.status();
  consumers_.push_back(std::move(*consumer));
  return absl::OkStatus();
}

absl::Status ServiceHost::AddBatchConsumer(const std::string& group_id,
                                           std::vector<std::string> topics,
                                           kafka::InboxConsumer::BatchHandler handler) {
  auto consumer =
      kafka::InboxConsumer::CreateBatched(ConsumerOptionsFor(group_id, std::move(topics)),
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
  builder.AddListeningPort(config_.grpc_listen, grpc_util::ServerCredentials(config_.grpc_tls),
                           &port);
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
  seal_task_->Start();
  readiness_->Start();
  log::Info("service_started", {{"grpc_port", port},
                                {"metrics_port", metrics_port()},
                                {"ready", readiness_->ready()},
                                {"reflection", config_.grpc_reflection},
                                {"tls", config_.grpc_tls.enabled()},
                                {"client_cert_required", config_.grpc_tls.require_client_cert}});
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
  if (seal_task_) seal_task_->Stop();
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
