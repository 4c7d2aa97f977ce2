#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/server/readiness.h"

namespace ccms::server {

// `SELECT 1` on a connection of the probe's own, never one of the pool: a pool that load has
// exhausted is not a database that is gone, and must not make readiness flap. The connection is
// opened with connect_timeout, TCP keepalives and tcp_user_timeout taken from the timeout, so a
// server that stopped answering fails the probe instead of hanging it. A failed query on an old
// connection is tried once more on a fresh one (a restart the probe slept through, an idle
// connection a proxy closed). `dsn` is a libpq connection string or URI; `application_name`
// shows the probe in pg_stat_activity.
std::unique_ptr<DependencyProbe> MakePostgresProbe(std::string dsn, std::string application_name);

// A metadata request (brokers only, no topics) on a Kafka client of the probe's own: OK when a
// broker of the cluster answers within the timeout. Fails when librdkafka refuses the settings.
// `security` (kafka::SecurityProperties) is applied over the probe's own properties.
absl::StatusOr<std::unique_ptr<DependencyProbe>> MakeKafkaProbe(
    const std::string& bootstrap_servers, const std::string& client_id,
    const std::map<std::string, std::string>& security = {});

}  // namespace ccms::server
