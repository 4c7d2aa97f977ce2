#include "common/kafka/outbox_relay.h"

#include <pqxx/pqxx>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
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

}  // namespace

// Delivery state of the batch in flight, written by the delivery handler (called from Poll on
// the relay's own thread).
struct OutboxRelay::Pending {
  std::vector<int64_t> delivered_ids;
  std::unordered_map<int64_t, double> created_at;  // id -> unix seconds
  int outstanding = 0;
  int failed = 0;
};

OutboxRelay::OutboxRelay(RelayOptions options, std::unique_ptr<KafkaProducer> producer,
                         prometheus::Registry* registry)
    : options_(std::move(options)),
      producer_(std::move(producer)),
      pending_(std::make_unique<Pending>()) {
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
                         .Help("Delivery reports with an error (the event is retried)")
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

void OutboxRelay::DropConnection() {
  conn_.reset();  // closing the session releases the advisory lock
  if (leader_.exchange(false))
    log::Warn("outbox_relay_lost_leadership", {{"service", options_.service}});
  if (leader_gauge_) leader_gauge_->Set(0);
}

bool OutboxRelay::EnsureLeadership() {
  if (leader_ && conn_ && conn_->is_open()) return true;
  try {
    if (!conn_ || !conn_->is_open()) {
      conn_ = std::make_unique<pqxx::connection>(options_.dsn);
      conn_->prepare("outbox_fetch",
                     "SELECT id, event_id::text, topic, record_key, event_type, payload, "
                     "extract(epoch FROM created_at)::double precision, "
                     "to_char(occurred_at AT TIME ZONE 'UTC', "
                     "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
                     "FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1");
      conn_->prepare("outbox_mark_sent",
                     "UPDATE outbox SET sent_at = clock_timestamp() "
                     "WHERE id = ANY($1::bigint[]) AND sent_at IS NULL");
      conn_->prepare("outbox_backlog", "SELECT count(*) FROM outbox WHERE sent_at IS NULL");
      conn_->prepare("outbox_cleanup",
                     "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at < "
                     "now() - make_interval(secs => $1) LIMIT 10000)");
    }
    pqxx::nontransaction tx(*conn_);
    const bool got =
        tx.exec_params1("SELECT pg_try_advisory_lock($1)", LockKey(options_.service))[0].as<bool>();
    if (got) {
      leader_ = true;
      if (leader_gauge_) leader_gauge_->Set(1);
      log::Info("outbox_relay_leader", {{"service", options_.service}});
    }
    return got;
  } catch (...) {
    (void)db::MapCurrentException("outbox relay connect");
    DropConnection();
    return false;
  }
}

void OutboxRelay::OnDelivery(const DeliveryReport& report) {
  Pending& p = *pending_;
  --p.outstanding;
  if (report.ok) {
    p.delivered_ids.push_back(report.tag);
    auto it = p.created_at.find(report.tag);
    if (lag_ != nullptr && it != p.created_at.end()) {
      lag_->Observe(std::max(
          0.0, absl::ToDoubleSeconds(absl::Now() - absl::FromUnixSeconds(0)) - it->second));
    }
  } else {
    ++p.failed;
    if (failed_total_) failed_total_->Increment();
    log::Warn("outbox_delivery_failed", {{"service", options_.service}, {"error", report.error}});
  }
}

int OutboxRelay::PublishBatch() {
  Pending& p = *pending_;
  p = Pending();
  try {
    pqxx::result rows;
    {
      pqxx::nontransaction tx(*conn_);
      rows = tx.exec_prepared("outbox_fetch", options_.batch_size);
    }
    if (rows.empty()) return 0;
    const std::string source = absl::StrCat("/ccms/", options_.service);
    for (const auto& row : rows) {
      OutgoingRecord rec;
      rec.tag = row[0].as<int64_t>();
      rec.topic = row[2].as<std::string>();
      rec.key = row[3].as<std::string>();
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
      absl::Status st = producer_->Produce(rec);
      if (!st.ok()) {
        log::Warn("outbox_produce_failed",
                  {{"service", options_.service}, {"error", st.message()}});
        break;  // later rows wait: publishing past a gap would reorder a case's events
      }
      ++p.outstanding;
    }
    // Wait for every report of the batch; a broker outage keeps us here (events wait, in order).
    while (p.outstanding > 0) {
      producer_->Poll(100);
      // A broker outage keeps us here: the backlog gauge must still move (alerts watch it).
      UpdateBacklog(/*force=*/false);
      if (stopping_ && absl::Now() > stop_deadline_) break;
    }
    if (!p.delivered_ids.empty()) {
      std::vector<std::string> ids;
      ids.reserve(p.delivered_ids.size());
      for (int64_t id : p.delivered_ids) ids.push_back(std::to_string(id));
      pqxx::nontransaction tx(*conn_);
      tx.exec_prepared("outbox_mark_sent", db::TextArrayLiteral(ids));
      published_ += static_cast<int64_t>(p.delivered_ids.size());
      if (published_total_)
        published_total_->Increment(static_cast<double>(p.delivered_ids.size()));
    }
    return static_cast<int>(p.delivered_ids.size());
  } catch (...) {
    (void)db::MapCurrentException("outbox relay publish");
    DropConnection();
    return 0;
  }
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
  if (now - last_cleanup_ < absl::Minutes(1)) return;
  last_cleanup_ = now;
  try {
    pqxx::nontransaction tx(*conn_);
    tx.exec_prepared("outbox_cleanup", absl::ToDoubleSeconds(options_.retention));
  } catch (...) {
    (void)db::MapCurrentException("outbox cleanup");
    DropConnection();
  }
}

void OutboxRelay::Run() {
  log::Info("outbox_relay_started", {{"service", options_.service}});
  for (;;) {
    const bool stopping = stopping_.load();
    if (stopping && absl::Now() > stop_deadline_) break;
    int sent = 0;
    if (EnsureLeadership()) {
      sent = PublishBatch();
      UpdateBacklog(/*force=*/sent == 0);
      if (sent == 0) Cleanup();
    }
    if (stopping && sent == 0) break;           // flushed what there was
    if (sent >= options_.batch_size) continue;  // more is waiting: no sleep
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.poll_interval),
                 [this] { return woken_; });
    woken_ = false;
  }
  producer_->Flush(0);
  DropConnection();
  log::Info("outbox_relay_stopped",
            {{"service", options_.service}, {"published", published_.load()}});
}

}  // namespace ccms::kafka
