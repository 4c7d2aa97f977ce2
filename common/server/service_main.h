#pragma once

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "common/config/env.h"
#include "common/db/migrations.h"
#include "common/db/query.h"
#include "common/policy/policy.h"
#include "common/server/service_host.h"

namespace ccms::server {

// What a service adds to the kit: how it builds its stores, handlers, consumers and background
// work on a ServiceHost. ServiceMain runs it as a process; the test harness
// (tests/support/service_harness.h) runs the same wiring in-process.
class Service {
 public:
  virtual ~Service() = default;

  // Reads the service's own settings; `env` collects every problem (the caller checks).
  virtual void Configure(config::Env& env) { (void)env; }
  // Checks what Configure read and loads the service's section of the deployment's policy
  // document, before any connection is made, so bad settings stop the start at once.
  virtual absl::Status Prepare(const policy::PolicyDocument& policy) = 0;
  // After the migrations, before --migrate-only returns: data that belongs with the schema.
  virtual absl::Status AfterMigrations(ServiceHost& host) {
    (void)host;
    return absl::OkStatus();
  }
  // Builds the service on `host` (host.AddService, host.AddConsumer…), reading "now" from
  // host.clock().
  virtual absl::Status Build(ServiceHost& host) = 0;
  // Periodic work around the host's run (tests may leave it off and drive it by hand).
  virtual void StartBackground() {}
  virtual void StopBackground() {}
};

// A service as the kit runs it: its identity, its schema (common's migration runs first), its
// named statements, and a factory of its wiring.
struct ServiceDefinition {
  ServiceIdentity identity;
  const std::vector<db::Migration>& (*migrations)();
  std::vector<db::Query> (*queries)();
  std::unique_ptr<Service> (*make)();
};

// The whole main() of a service binary: flags (--migrate-only, --help), settings (CCMS_*; all
// problems named at once), the policy document, the clock, the host (pool, migrations, relay,
// server, health, metrics), the service's wiring, then serving until SIGTERM/SIGINT and a
// graceful shutdown. Returns the process's exit code (0, or 2 when it cannot start).
int ServiceMain(int argc, char** argv, const ServiceDefinition& definition);

}  // namespace ccms::server
