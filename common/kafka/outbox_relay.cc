#include "common/kafka/outbox_relay.h"

#include <algorithm>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/db/pool.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace ccms::kafka {
namespace {

// Derived from the service name so each service's relays elect among themselves only.
int64_t LockKey(std::string_view service) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (char c : "ccms.outbox." + std::string(service)) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return static_cast<int64_t>(h >> 1);
}

int64_t Millis(absl::Duration d) { return absl::ToInt64Milliseconds(d); }

// One failed attempt at a row: its id and a stable error class (never a message text).
struct Failure {
  int64_t id;
  std::string error_class;
};

}  // namespace

std::string RelayConnectionString(const RelayOptions& options) {
  const int64_t tcp_ms = std::max<int64_t>(1000, Millis(options.tcp_timeout));
  const int64_t idle_s = std::max<int64_t>(1, tcp_ms / 2000);
  const int64_t interval_s = std::max<int64_t>(1, tcp_ms / 6000);
  const std::string app = absl::StrCat("ccms-", options.service, "-relay");
  const std::string statement =
      absl::StrCat("-c statement_timeout=", Millis(options.statement_timeout));
  const std::vector<std::pair<std::string, std::string>> params = {
      {"keepalives", "1"},
      {"keepalives_idle", std::to_string(idle_s)},
      {"keepalives_interval", std::to_string(interval_s)},
      {"keepalives_count", "3"},
      {"tcp_user_timeout", std::to_string(tcp_ms)},
      {"connect_timeout", std::to_string(std::max<int64_t>(2, tcp_ms / 1000))},
      {"application_name", app},
      {"options", statement},
  };
  std::string out = options.dsn;
  if (absl::StartsWith(out, "postgresql://") || absl::StartsWith(out, "postgres://")) {
    char sep = out.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [k, v] : params) {
      std::string value;
      for (char c : v)
        value += c == ' ' ? std::string("%20") : c == '=' ? "%3D" : std::string(1, c);
      absl::StrAppend(&out, std::string(1, sep), k, "=", value);
      sep = '&';
    }
  } else {
    // Later keywords win in libpq's keyword=value form.
    for (const auto& [k, v] : params) absl::StrAppend(&out, " ", k, "='", v, "'");
  }
  return out;
}

// Delivery state of the batch in flight, written by the delivery handler (called from Poll on
// the relay's own thread).
struct OutboxRelay::Pending {
  std::vector<int64_t> delivered_ids;
  std::vector<Failure> failures;                   // produce errors and failed delivery reports
  std::map<int64_t, std::string> key_of;           // id -> topic + '\0' + record key
  std::unordered_map<int64_t, double> created_at;  // id -> unix seconds
  std::set<int64_t> in_flight;                     // produced, no report yet
};

OutboxRelay::OutboxRelay(RelayOptions options, std::unique_ptr<KafkaProducer> producer,
                         prometheus::Registry* registry)
    : options_(std::move(options)),
      conninfo_(RelayConnectionString(options_)),
      producer_(std::move(producer)),
      pending_(std::make_unique<Pending>()),
      backoff_(options_.reconnect_backoff_min) {
  if (registry != nullptr) {
    const std::map<std::string, std::string> labels = {{"service", options_.service}};
    backlog_ = &prometheus::BuildGauge()
                    .Name("ccms_outbox_backlog")
                    .Help("Outbox events not yet delivered to Kafka")
                    .Register(*registry)
                    .Add(labels);
    leader_gauge_ = &prometheus::BuildGauge()
                         .Name("ccms_outbox_relay_leader")
                         .Help("1 if this replica's relay holds the publishing lock")
                         .Register(*registry)
                         .Add(labels);
    published_total_ = &prometheus::BuildCounter()
                            .Name("ccms_outbox_published_total")
                            .Help("Outbox events delivered to Kafka")
                            .Register(*registry)
                            .Add(labels);
    failed_total_ = &prometheus::BuildCounter()
                         .Name("ccms_outbox_delivery_failures_total")
                         .Help("Failed attempts to publish an event (the event is retried)")
                         .Register(*registry)
                         .Add(labels);
    dead_letters_total_ = &prometheus::BuildCounter()
                               .Name("ccms_outbox_dead_letters_total")
                               .Help(
                                   "Outbox events moved to dead_letters after the policy's "
                                   "number of failed attempts")
                               .Register(*registry)
                               .Add(labels);
    reconnects_total_ = &prometheus::BuildCounter()
                             .Name("ccms_outbox_relay_reconnects_total")
                             .Help("Connections the relay opened after losing one")
                             .Register(*registry)
                             .Add(labels);
    lag_ = &prometheus::BuildHistogram()
                .Name("ccms_outbox_publish_lag_seconds")
                .Help("From the event's commit to its delivery report")
                .Register(*registry)
                .Add(labels, metrics::LatencyBuckets());
  }
}

absl::StatusOr<std::unique_ptr<OutboxRelay>> OutboxRelay::Create(
    RelayOptions options, const ProducerOptions& producer_options, prometheus::Registry* registry) {
  // The producer calls back into the relay, which does not exist yet: route through a pointer
  // set once both are built. Delivery reports only arrive from Poll(), after that.
  auto relay_ptr = std::make_shared<OutboxRelay*>(nullptr);
  auto producer = KafkaProducer::Create(producer_options, [relay_ptr](const DeliveryReport& r) {
    if (*relay_ptr != nullptr) (*relay_ptr)->OnDelivery(r);
  });
  if (!producer.ok()) return producer.status();
  auto relay = std::make_unique<OutboxRelay>(std::move(options), std::move(*producer), registry);
  *relay_ptr = relay.get();
  return relay;
}

OutboxRelay::~OutboxRelay() { Stop(absl::ZeroDuration()); }

void OutboxRelay::Start() {
  thread_ = std::thread([this] { Run(); });
}

void OutboxRelay::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void OutboxRelay::Stop(absl::Duration flush_timeout) {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_deadline_ = absl::Now() + flush_timeout;
    stopping_ = true;
    woken_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void OutboxRelay::Sleep(absl::Duration d, bool wake_on_notify) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoMilliseconds(d),
               [&] { return stopping_.load() || (wake_on_notify && woken_); });
  if (wake_on_notify) woken_ = false;
}

void OutboxRelay::DropConnection() {
  conn_.reset();  // closing the session releases the advisory lock
  if (leader_.exchange(false))
    log::Warn("outbox_relay_lost_leadership", {{"service", options_.service}});
  if (leader_gauge_) leader_gauge_->Set(0);
}

bool OutboxRelay::EnsureConnected() {
  if (conn_ && conn_->is_open()) return true;
  if (conn_) DropConnection();
  const absl::Time now = absl::Now();
  if (now < next_connect_) return false;
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo_);
    conn->prepare("outbox_fetch",
                  "SELECT id, event_id::text, topic, record_key, event_type, payload, "
                  "extract(epoch FROM created_at)::double precision, "
                  "to_char(occurred_at AT TIME ZONE 'UTC', "
                  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
                  "FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1");
    conn->prepare("outbox_mark_sent",
                  "UPDATE outbox SET sent_at = clock_timestamp() "
                  "WHERE id = ANY($1::bigint[]) AND sent_at IS NULL");
    conn->prepare("outbox_attempt",
                  "UPDATE outbox SET attempts = attempts + 1 WHERE id = $1 AND sent_at IS NULL "
                  "RETURNING attempts");
    // Moves the row: its event leaves dead_letters again only through a requeue.
    conn->prepare("outbox_dead_letter",
                  "WITH moved AS (DELETE FROM outbox WHERE id = $1 AND sent_at IS NULL "
                  "RETURNING id, event_id, event_type, topic, record_key, payload, attempts) "
                  "INSERT INTO dead_letters (source, event_id, event_type, topic, record_key, "
                  "outbox_id, payload, error_class, attempts) "
                  "SELECT 'outbox', event_id, event_type, topic, record_key, id, payload, $2, "
                  "attempts FROM moved RETURNING id");
    conn->prepare("outbox_backlog", "SELECT count(*) FROM outbox WHERE sent_at IS NULL");
    conn->prepare("outbox_cleanup",
                  "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at < "
                  "now() - make_interval(secs => $1) LIMIT 10000)");
    conn->prepare("outbox_holds_lock",
                  "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                  "AND pid = pg_backend_pid() AND classid = ($1::bigint >> 32)::oid "
                  "AND objid = ($1::bigint & 4294967295)::oid AND objsubid = 1");
    conn->prepare("outbox_requeued",
                  "SELECT id, event_id::text, topic, record_key, event_type, payload, "
                  "extract(epoch FROM first_failed_at)::double precision FROM dead_letters "
                  "WHERE source = 'outbox' AND requeued_at IS NOT NULL AND resolved_at IS NULL "
                  "ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED");
    conn->prepare("outbox_requeue_insert",
                  "INSERT INTO outbox (event_id, topic, record_key, event_type, payload, "
                  "occurred_at) VALUES ($1, $2, $3, $4, $5, to_timestamp($6)) "
                  "ON CONFLICT (event_id) DO NOTHING");
    conn->prepare("outbox_requeue_resolve",
                  "UPDATE dead_letters SET resolved_at = now() WHERE id = $1");
    conn_ = std::move(conn);
    if (next_connect_ != absl::InfinitePast()) {
      if (reconnects_total_) reconnects_total_->Increment();
      log::Info("outbox_relay_reconnected", {{"service", options_.service}});
    }
    next_connect_ = now;  // a later connect is a reconnect
    return true;
  } catch (...) {
    (void)db::MapCurrentException("outbox relay connect");
    DropConnection();
    next_connect_ = now + backoff_;
    log::Warn("outbox_relay_connect_failed",
              {{"service", options_.service}, {"retry_ms", Millis(backoff_)}});
    backoff_ = std::min(backoff_ * 2, options_.reconnect_backoff_max);
    return false;
  }
}

bool OutboxRelay::CheckLeadership() {
  if (!conn_) return false;
  last_leader_check_ = absl::Now();
  try {
    pqxx::nontransaction tx(*conn_);
    const bool held =
        tx.exec_prepared1("outbox_holds_lock", LockKey(options_.service))[0].as<int64_t>() > 0;
    if (!held && leader_.exchange(false)) {
      log::Warn("outbox_relay_lost_leadership", {{"service", options_.service}});
      if (leader_gauge_) leader_gauge_->Set(0);
    }
    return held;
  } catch (...) {
    (void)db::MapCurrentException("outbox relay leadership check");
    DropConnection();
    return false;
  }
}

bool OutboxRelay::EnsureLeadership() {
  if (!conn_) return false;
  if (leader_) {
    if (absl::Now() - last_leader_check_ < options_.leader_check_interval) return true;
    if (CheckLeadership()) return true;
    if (!conn_) return false;
  }
  try {
    pqxx::nontransaction tx(*conn_);
    const bool got =
        tx.exec_params1("SELECT pg_try_advisory_lock($1)", LockKey(options_.service))[0].as<bool>();
    if (got) {
      leader_ = true;
      last_leader_check_ = absl::Now();
      if (leader_gauge_) leader_gauge_->Set(1);
      log::Info("outbox_relay_leader", {{"service", options_.service}});
    }
    return got;
  } catch (...) {
    (void)db::MapCurrentException("outbox relay lock");
    DropConnection();
    return false;
  }
}

void OutboxRelay::OnDelivery(const DeliveryReport& report) {
  Pending& p = *pending_;
  // A report of an earlier, abandoned batch: the event was delivered (or not) but the rows are
  // fetched again; nothing to count here.
  if (p.in_flight.erase(report.tag) == 0) return;
  if (report.ok) {
    p.delivered_ids.push_back(report.tag);
    auto it = p.created_at.find(report.tag);
    if (lag_ != nullptr && it != p.created_at.end()) {
      lag_->Observe(std::max(
          0.0, absl::ToDoubleSeconds(absl::Now() - absl::FromUnixSeconds(0)) - it->second));
    }
  } else {
    p.failures.push_back(
        {report.tag, report.error_class.empty() ? "DELIVERY" : report.error_class});
    if (failed_total_) failed_total_->Increment();
    log::Warn("outbox_delivery_failed",
              {{"service", options_.service}, {"error_class", report.error_class}});
  }
}

int OutboxRelay::PublishBatch() {
  Pending& p = *pending_;
  p = Pending();
  if (!conn_) return 0;
  pqxx::result rows;
  try {
    pqxx::nontransaction tx(*conn_);
    rows = tx.exec_prepared("outbox_fetch", options_.batch_size);
  } catch (...) {
    (void)db::MapCurrentException("outbox relay fetch");
    DropConnection();
    return 0;
  }
  if (rows.empty()) return 0;
  const std::string source = absl::StrCat("/ccms/", options_.service);
  std::set<std::string> held;  // topic + key of a case whose earlier row failed in this batch
  for (const auto& row : rows) {
    OutgoingRecord rec;
    rec.tag = row[0].as<int64_t>();
    rec.topic = row[2].as<std::string>();
    rec.key = row[3].as<std::string>();
    std::string case_key = rec.topic + '\0' + rec.key;
    if (held.count(case_key) > 0) continue;  // waits behind its case's failed row
    pqxx::binarystring payload(row[5]);
    rec.value = payload.str();
    rec.headers = {{"ce_specversion", "1.0"},
                   {"ce_id", row[1].as<std::string>()},
                   {"ce_type", row[4].as<std::string>()},
                   {"ce_source", source},
                   {"ce_time", row[7].as<std::string>()},
                   {"ce_subject", rec.key},
                   {"content-type", "application/protobuf"}};
    p.created_at[rec.tag] = row[6].as<double>();
    p.key_of[rec.tag] = case_key;
    absl::Status st = producer_->Produce(rec);
    if (!st.ok()) {
      const std::string error_class = ProduceErrorClass(st);
      log::Warn("outbox_produce_failed",
                {{"service", options_.service}, {"error_class", error_class}});
      if (failed_total_) failed_total_->Increment();
      p.failures.push_back({rec.tag, error_class});
      held.insert(std::move(case_key));  // later rows of this case wait: order per case
      continue;
    }
    p.in_flight.insert(rec.tag);
  }
  // Wait for every report of the batch; a broker outage keeps us here (events wait, in order).
  // The database may go away meanwhile: then reconnect (with backoff) and take the lock again,
  // so the batch can still be stamped; without both it is abandoned.
  while (!p.in_flight.empty()) {
    producer_->Poll(100);
    if (stopping_ && absl::Now() > stop_deadline_) break;
    if (!conn_ || !leader_) {
      if (EnsureConnected()) EnsureLeadership();
      continue;
    }
    // The backlog gauge must still move during an outage (alerts watch it).
    UpdateBacklog(/*force=*/false);
    if (conn_ && absl::Now() - last_leader_check_ >= options_.leader_check_interval) {
      CheckLeadership();
    }
  }
  if (!conn_ || !leader_) {
    log::Warn("outbox_relay_batch_abandoned",
              {{"service", options_.service},
               {"rows", static_cast<int64_t>(rows.size())},
               {"reason", conn_ ? "not leading" : "database connection lost"}});
    return 0;
  }
  return FinishBatch();
}

int OutboxRelay::FinishBatch() {
  Pending& p = *pending_;
  // The first failed row of each case: that case's later rows are not stamped, even if they
  // were delivered; they leave again after it (a duplicate keeps its ce_id).
  std::map<std::string, int64_t> first_failed;
  for (const Failure& f : p.failures) {
    const std::string& key = p.key_of[f.id];
    auto [it, inserted] = first_failed.emplace(key, f.id);
    if (!inserted) it->second = std::min(it->second, f.id);
  }
  std::vector<std::string> stamp;
  stamp.reserve(p.delivered_ids.size());
  for (int64_t id : p.delivered_ids) {
    auto it = first_failed.find(p.key_of[id]);
    if (it != first_failed.end() && id > it->second) continue;
    stamp.push_back(std::to_string(id));
  }
  int done = 0;
  try {
    pqxx::work tx(*conn_);
    if (!stamp.empty()) tx.exec_prepared("outbox_mark_sent", db::TextArrayLiteral(stamp));
    std::vector<std::pair<int64_t, std::string>> dead;
    for (const Failure& f : p.failures) {
      pqxx::result r = tx.exec_prepared("outbox_attempt", f.id);
      if (r.empty()) continue;
      if (r[0][0].as<int>() >= options_.max_attempts) {
        tx.exec_prepared("outbox_dead_letter", f.id, f.error_class);
        dead.emplace_back(f.id, f.error_class);
      }
    }
    tx.commit();
    published_ += static_cast<int64_t>(stamp.size());
    if (published_total_) published_total_->Increment(static_cast<double>(stamp.size()));
    for (const auto& [id, error_class] : dead) {
      ++dead_lettered_;
      if (dead_letters_total_) dead_letters_total_->Increment();
      log::Error("outbox_dead_lettered", {{"service", options_.service},
                                          {"outbox_id", id},
                                          {"error_class", error_class},
                                          {"attempts", options_.max_attempts}});
    }
    done = static_cast<int>(stamp.size() + dead.size());
  } catch (...) {
    (void)db::MapCurrentException("outbox relay stamp");
    DropConnection();
    return 0;
  }
  return done;
}

void OutboxRelay::UpdateBacklog(bool force) {
  const absl::Time now = absl::Now();
  if (!force && now - last_backlog_ < absl::Seconds(1)) return;
  last_backlog_ = now;
  if (backlog_ == nullptr || !conn_) return;
  try {
    pqxx::nontransaction tx(*conn_);
    backlog_->Set(tx.exec_prepared1("outbox_backlog")[0].as<double>());
  } catch (...) {
    (void)db::MapCurrentException("outbox backlog");
    DropConnection();
  }
}

void OutboxRelay::Cleanup() {
  const absl::Time now = absl::Now();
  if (!conn_ || now - last_cleanup_ < absl::Minutes(1)) return;
  last_cleanup_ = now;
  try {
    pqxx::nontransaction tx(*conn_);
    tx.exec_prepared("outbox_cleanup", absl::ToDoubleSeconds(options_.retention));
  } catch (...) {
    (void)db::MapCurrentException("outbox cleanup");
    DropConnection();
  }
}

void OutboxRelay::TakeBackRequeued() {
  const absl::Time now = absl::Now();
  if (!conn_ || now - last_requeue_ < options_.requeue_interval) return;
  last_requeue_ = now;
  try {
    pqxx::work tx(*conn_);
    pqxx::result rows = tx.exec_prepared("outbox_requeued");
    for (const auto& row : rows) {
      pqxx::binarystring payload(row[5]);
      // The event's own time travels in its envelope; the failure time if it cannot be read.
      double occurred = row[6].as<double>();
      events::v1::Envelope envelope;
      if (envelope.ParseFromString(payload.str()) && envelope.has_occurred_at()) {
        occurred = static_cast<double>(envelope.occurred_at().seconds()) +
                   envelope.occurred_at().nanos() / 1e9;
      }
      tx.exec_prepared("outbox_requeue_insert", row[1].as<std::string>(), row[2].as<std::string>(),
                       row[3].as<std::string>(), row[4].as<std::string>(), payload, occurred);
      tx.exec_prepared("outbox_requeue_resolve", row[0].as<int64_t>());
      log::Info("outbox_dead_letter_requeued",
                {{"service", options_.service}, {"dead_letter_id", row[0].as<int64_t>()}});
    }
    tx.commit();
    if (!rows.empty()) Notify();
  } catch (...) {
    (void)db::MapCurrentException("outbox requeue");
    DropConnection();
  }
}

void OutboxRelay::Run() {
  log::Info("outbox_relay_started", {{"service", options_.service}});
  for (;;) {
    const bool stopping = stopping_.load();
    if (stopping && absl::Now() > stop_deadline_) break;
    if (!EnsureConnected()) {
      if (stopping) break;  // nothing can be flushed without the database
      Sleep(std::max(absl::Milliseconds(10), next_connect_ - absl::Now()),
            /*wake_on_notify=*/false);
      continue;
    }
    int done = 0;
    if (EnsureLeadership()) {
      done = PublishBatch();
      UpdateBacklog(/*force=*/done == 0);
      if (done == 0) {
        Cleanup();
        TakeBackRequeued();
      }
    }
    if (!conn_) {
      // Lost during this round: the next connect waits for the backoff.
      next_connect_ = std::max(next_connect_, absl::Now() + backoff_);
      backoff_ = std::min(backoff_ * 2, options_.reconnect_backoff_max);
      if (stopping) break;
      continue;
    }
    backoff_ = options_.reconnect_backoff_min;  // a whole round on a working connection
    if (stopping && done == 0) break;           // flushed what there was
    if (done >= options_.batch_size) continue;  // more is waiting: no sleep
    Sleep(options_.poll_interval, /*wake_on_notify=*/true);
  }
  producer_->Flush(0);
  DropConnection();
  log::Info("outbox_relay_stopped",
            {{"service", options_.service}, {"published", published_.load()}});
}

}  // namespace ccms::kafka
