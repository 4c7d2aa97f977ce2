#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "common/concurrency/periodic_task.h"
#include "common/concurrency/worker_pool.h"
#include "common/config/env.h"
#include "common/db/audit_chain.h"
#include "common/db/migrations.h"
#include "common/db/pool.h"
#include "common/db/retention.h"
#include "common/grpc/call_executor.h"
#include "common/grpc/partner_identity.h"
#include "common/grpc/tls.h"
#include "common/kafka/inbox_consumer.h"
#include "common/kafka/outbox_relay.h"
#include "common/kafka/security.h"
#include "common/metrics/metrics.h"
#include "common/server/readiness.h"
#include "common/time/clock.h"
#include "grpcpp/server.h"

namespace ccms::server {

class AuditChainServiceImpl;
class DeadLetterServiceImpl;

// grpc.health.v1 names every service answers (docs/operations.md, "Health, start and shutdown"):
// "liveness" is SERVING from Start() until Shutdown(), whatever the dependencies do (a restart
// would not bring a database back); "readiness", the empty name "" (the server as a whole, what
// gRPC clients and `ccmsctl health` ask by default) and the service's own proto name are SERVING
// only while the database answers and the broker has not been away longer than its grace (every
// proto service the host serves has its name SERVING alike).
inline constexpr char kLivenessHealthName[] = "liveness";
inline constexpr char kReadinessHealthName[] = "readiness";

// What differs between services; everything else is shared.
struct ServiceIdentity {
  std::string name;          // "records": database, relay lock, ce_source, logs
  std::string grpc_service;  // full proto name of its main service (the chart's grpcService)
  int default_grpc_port;
  int default_metrics_port;
};

// Settings every service reads (see docs/operations.md for the table).
struct CommonConfig {
  std::string grpc_listen;
  std::string metrics_listen;
  std::string db_dsn;
  // CCMS_DB_MIGRATION_DSN (secret, also _FILE): the role that owns the schema and runs the
  // migrations, then grants the runtime role (CCMS_DB_DSN's user) what it needs and no more
  // (db/roles.h). Empty: migrations run with db_dsn and the audit log is not locked (a warning).
  std::string db_migration_dsn;
  // CCMS_AUDIT_SEAL_PERIOD_MS: how often audit rows are sealed into the hash chain.
  absl::Duration audit_seal_period = absl::Seconds(1);
  int db_pool_size = 8;
  // CCMS_DB_BACKGROUND_POOL_SIZE: connections of the background pool (consumers, periodic tasks,
  // retention), apart from the calls' pool so neither can starve the other.
  int db_background_pool_size = 2;
  absl::Duration db_acquire_timeout;
  absl::Duration db_statement_timeout;
  // CCMS_DB_IDLE_CHECK_MS, CCMS_DB_MAX_LIFETIME_MS: db::PoolOptions of both pools.
  absl::Duration db_idle_check_after = absl::Seconds(30);
  absl::Duration db_max_lifetime = absl::Minutes(30);
  // CCMS_IDEMPOTENCY_RETENTION_HOURS, CCMS_INBOX_RETENTION_HOURS, CCMS_RETENTION_PERIOD_MS:
  // db::RetentionOptions, and how often the pruning runs.
  absl::Duration idempotency_retention = absl::Hours(24 * 7);
  absl::Duration inbox_retention = absl::Hours(24 * 30);
  absl::Duration retention_period = absl::Hours(1);
  int worker_queue_limit = 256;
  std::string kafka_bootstrap;
  // CCMS_KAFKA_SECURITY_PROTOCOL, CCMS_KAFKA_SSL_*, CCMS_KAFKA_SASL_*: how every Kafka client of
  // the kit reaches the brokers (kafka::SecurityProperties checks them when the host is created).
  kafka::SecuritySettings kafka_security;
  // CCMS_JWT_KEYS_FILE: the JWKS the tokens are verified with, re-read when it changes (checked
  // at most once per jwt_keys_check_interval) so keys rotate without a restart.
  std::string jwt_keys_file;
  absl::Duration jwt_keys_check_interval = absl::Seconds(1);
  // CCMS_JWT_AUDIENCE: the audience tokens must be for; empty means "ccms-<service name>".
  std::string jwt_audience;
  // CCMS_JWT_ISSUER: the issuer tokens must come from; required outside the dev profile.
  std::string jwt_issuer;
  // CCMS_JWT_CACHE_SIZE: verified tokens kept so a caller's repeated token is checked once
  // (auth::VerifiedTokenCache); 0 turns the cache off.
  size_t jwt_cache_size = 10000;
  // CCMS_PROFILE: "production" (default) or "dev". Only the dev profile accepts HS256 keys and
  // tokens without `iss`.
  bool dev_profile = false;
  std::string log_level;
  absl::Duration outbox_poll_interval;
  int outbox_batch_size = 1000;
  absl::Duration shutdown_grace;
  // CCMS_GRPC_TLS_*, CCMS_GRPC_ALLOW_PLAINTEXT: the listener's TLS (common/grpc/tls.h). Empty
  // (plaintext) is accepted by LoadCommonConfig only on a loopback address or when allowed.
  grpc_util::ServerTlsConfig grpc_tls;
  // CCMS_GRPC_REFLECTION: serve grpc.reflection.v1alpha (method discovery for generic clients).
  // Off unless set; the dev stack turns it on.
  bool grpc_reflection = false;
  // CCMS_READINESS_PERIOD_MS: how often the readiness probes ask the database and the broker.
  absl::Duration readiness_period = absl::Seconds(1);
  // CCMS_READINESS_BROKER_GRACE_MS: how long the broker may be unreachable before readiness
  // turns NOT_SERVING (the outbox keeps events meanwhile). The database has no grace.
  absl::Duration readiness_broker_grace = absl::Minutes(5);
  // CCMS_TEST_CLOCK_START, a test setting (never in production): the services' clock for every
  // domain date starts here and advances in real time. Token checks keep the system clock.
  std::optional<absl::Time> test_clock_start;
  // Consumers (kafka::ConsumerOptions; docs/operations.md, "Consumer faults").
  // CCMS_POD_NAME (the chart sets it from the pod's name): the consumers' group.instance.id, so a
  // restarted container takes its partitions back at once. Unset: dynamic membership. Two running
  // processes must never share it.
  std::string consumer_instance_id;
  // CCMS_KAFKA_SESSION_TIMEOUT_MS: how long the broker waits for a silent consumer (a killed
  // process) before giving its partitions to another member.
  absl::Duration consumer_session_timeout = absl::Seconds(6);
  // CCMS_CONSUMER_MAX_ATTEMPTS and CCMS_CONSUMER_RETRY_BACKOFF_MS: a failing event is tried this
  // many times, the pause doubling from the backoff (at most 5 s), then dead-lettered.
  int consumer_max_attempts = 5;
  absl::Duration consumer_retry_backoff = absl::Milliseconds(200);
  // CCMS_CONSUMER_REQUEUE_POLL_MS: how often requeued dead letters are looked for.
  absl::Duration consumer_requeue_interval = absl::Seconds(5);
  // CCMS_CONSUMER_MAX_BATCH: at most this many records already fetched are applied in one inbox
  // transaction when a backlog waits (1: one transaction per record).
  int consumer_max_batch = 256;
  // Set by the test harness only (no CCMS_* variable): appended to every consumer group id so
  // services started by different tests never share offsets, and extra consumer properties.
  std::string test_consumer_group_suffix;
  std::map<std::string, std::string> test_consumer_properties;
};

// Reads the CCMS_* settings; problems are collected in `env` (call env.Finish()).
CommonConfig LoadCommonConfig(const ServiceIdentity& identity, config::Env& env);

// The clock a service's rules read "now" from: the system clock, or an OffsetClock from
// config.test_clock_start (CCMS_TEST_CLOCK_START) in tests.
std::unique_ptr<time::Clock> MakeServiceClock(const CommonConfig& config);

// Owns what every service runs on: logging, metrics endpoint, connection pool (after migrating
// the schema), outbox relay, token verifier, worker pool, the readiness checker (probes of the
// database and the broker) and the gRPC server with health, reflection (when configured) and the
// metrics interceptor. main() builds one, adds its service and calls Run().
class ServiceHost {
 public:
  // Blocks SIGTERM/SIGINT for all threads so Run() can wait for them; call before any thread.
  static void BlockTerminationSignals();

  static absl::StatusOr<std::unique_ptr<ServiceHost>> Create(
      ServiceIdentity identity, CommonConfig config, std::vector<db::Query> queries,
      const std::vector<db::Migration>& service_migrations, const time::Clock& clock);
  ~ServiceHost();

  db::ConnectionPool& pool() { return *pool_; }
  // Connections of background work (consumers, periodic tasks, retention): a flood of calls
  // cannot take them, and background work cannot take the calls' connections.
  db::ConnectionPool& background_pool() { return *background_pool_; }
  kafka::OutboxRelay& relay() { return *relay_; }
  // Seals unsealed audit rows into the hash chain now (the periodic sealer does it every
  // audit_seal_period); how many it sealed. For tests and tools.
  absl::StatusOr<int64_t> SealAuditNow();
  grpc_util::CallExecutor& executor() { return *executor_; }
  // Runs `handler` (which fills `response`) as the executor runs `request` when it comes over
  // gRPC: a mutating request as a command (common/db/command.h). For in-process callers (tests).
  absl::Status RunAsCall(const auth::Principal& principal, const google::protobuf::Message& request,
                         google::protobuf::Message* response,
                         const std::function<absl::Status()>& handler);
  prometheus::Registry& registry() { return metrics_->registry(); }
  const time::Clock& clock() const { return clock_; }
  const CommonConfig& config() const { return config_; }
  // `clock` is the service's clock (domain dates); calls' tokens are checked against the system
  // clock whatever it says.
  int metrics_port() const { return metrics_->port(); }

  // The service must outlive the host's server. `proto_name` is its full proto name
  // ("ccms.records.v1.CaseService"): its methods get metric labels of their own.
  void AddService(grpc::Service* service, std::string proto_name) {
    services_.push_back(service);
    service_names_.push_back(std::move(proto_name));
  }
  // Follows `topics` in consumer group `group_id` (the inbox's consumer name), applying each
  // event with `handler` in the event's inbox transaction. Started by Start(), stopped by
  // Shutdown() after the calls in flight have drained.
  absl::Status AddConsumer(const std::string& group_id, std::vector<std::string> topics,
                           kafka::InboxConsumer::Handler handler);
  // The same with a handler that takes the new events of a whole batch at once
  // (kafka::InboxConsumer::CreateBatched).
  absl::Status AddBatchConsumer(const std::string& group_id, std::vector<std::string> topics,
                                kafka::InboxConsumer::BatchHandler handler);
  // The consumers added, in order (tests drive them).
  kafka::InboxConsumer& consumer(size_t index) { return *consumers_.at(index); }

  // Starts the relay, the gRPC server and the readiness checker (its first probes run before
  // this returns, so readiness is known); returns the bound gRPC port.
  absl::StatusOr<int> Start();
  // Graceful stop: readiness probes stop, every health name NOT_SERVING, drain calls (up to the
  // grace period), finish queued work, flush the relay, close. Idempotent.
  void Shutdown();
  // Start(), wait for SIGTERM or SIGINT, Shutdown().
  absl::Status Run();

 private:
  ServiceHost(ServiceIdentity identity, CommonConfig config, const time::Clock& clock);
  void SetReadiness(bool ready);
  // The options of a consumer added here (the settings of CommonConfig).
  kafka::ConsumerOptions ConsumerOptionsFor(const std::string& group_id,
                                            std::vector<std::string> topics) const;

  ServiceIdentity identity_;
  CommonConfig config_;
  // The librdkafka properties of config_.kafka_security, given to every Kafka client made here.
  std::map<std::string, std::string> kafka_security_properties_;
  const time::Clock& clock_;
  time::SystemClock system_clock_;  // token verification: always real time
  std::unique_ptr<metrics::MetricsServer> metrics_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<db::ConnectionPool> background_pool_;
  std::unique_ptr<db::RetentionPruner> pruner_;
  std::unique_ptr<concurrency::PeriodicTask> retention_task_;
  std::unique_ptr<kafka::OutboxRelay> relay_;
  std::mutex sealer_mu_;
  std::unique_ptr<db::AuditSealer> sealer_;
  std::unique_ptr<concurrency::PeriodicTask> seal_task_;
  std::unique_ptr<AuditChainServiceImpl> audit_chain_;
  std::unique_ptr<auth::KeySetFile> keys_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<concurrency::WorkerPool> workers_;
  std::unique_ptr<db::CommandRunner> commands_;
  std::unique_ptr<grpc_util::PartnerCertificateVerifier> partners_;
  std::unique_ptr<grpc_util::CallExecutor> executor_;
  std::unique_ptr<DeadLetterServiceImpl> dead_letters_;
  std::vector<grpc::Service*> services_;
  std::vector<std::string> service_names_;
  std::vector<std::unique_ptr<kafka::InboxConsumer>> consumers_;
  std::unique_ptr<ReadinessChecker> readiness_;
  std::unique_ptr<grpc::Server> server_;
  bool stopped_ = false;
};

}  // namespace ccms::server
